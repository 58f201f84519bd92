//! `dealcheck [check] PATH…`

use super::{err, out, Common, Format};
use dealcheck::report::render_diagnostic;
use dealcheck::RuleSet;
use std::path::PathBuf;

pub fn run(common: &Common, mut paths: Vec<PathBuf>) -> u8 {
    if paths.is_empty() {
        paths.push(PathBuf::from("rules"));
    }
    let rule_set = RuleSet::load_paths(&paths);
    let report = rule_set.check(&common.options());
    match common.format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => out(&format!("{json}\n")),
            Err(e) => err(&format!(
                "internal error: cannot serialise the report: {e}\n"
            )),
        },
        // `--format dot` is refused before this point (it is for `graph`).
        Format::Text | Format::Dot => {
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
