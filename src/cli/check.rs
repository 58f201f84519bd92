//! `dealcheck [check] PATH…`

use super::{err, out, Common};
use dealcheck::report::{render_diagnostic, Format};
use dealcheck::RuleSet;

pub fn run(common: &Common, rule_set: RuleSet, format: Format) -> u8 {
    let report = rule_set.check(&common.options());
    match format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => out(&format!("{json}\n")),
            Err(e) => err(&format!(
                "internal error: cannot serialise the report: {e}\n"
            )),
        },
        Format::Html => out(&rule_set.html_page(&report, &common.options())),
        // `check` is not offered DOT (`Format::CHECK`); were it asked for, text is written.
        Format::Text | Format::Dot | Format::Svg => {
            // Reference §8: rules, then diagnostics, then the summary line.
            out(&dealcheck::report::render_rules(&report.rules));
            let render = common.render();
            for d in &report.raw_diagnostics {
                err(&render_diagnostic(d, rule_set.sources(), render));
            }
            out(&format!(
                "{}\n",
                dealcheck::report::summary_line(&report.summary)
            ));
        }
    }
    let code = report.exit_code();
    // Freeing millions of small nodes only to exit costs as much as building them: skip it.
    std::mem::forget(report);
    std::mem::forget(rule_set);
    code
}
