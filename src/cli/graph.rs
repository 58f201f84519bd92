//! `dealcheck graph PATH… [--format dot|json]`

use super::{err, out, Common};
use dealcheck::diagnostic::cap_each_code;
use dealcheck::limits::MAX_DIAGNOSTICS_PER_CODE;
use dealcheck::report::graph::{graph, to_dot};
use dealcheck::report::{render_diagnostic, DiagnosticRecord, Format};
use dealcheck::{Diagnostic, RuleSet};

pub fn run(common: &Common, rule_set: RuleSet, format: Format) -> u8 {
    if rule_set.has_errors() {
        return fail(common, &rule_set, rule_set.diagnostics(), format);
    }
    let world = match rule_set.world(&common.options()) {
        Ok(w) => w,
        Err(errors) => return fail(common, &rule_set, &errors, format),
    };
    let g = graph(&world);
    match format {
        Format::Json => match serde_json::to_string_pretty(&g) {
            Ok(json) => out(&format!("{json}\n")),
            Err(e) => {
                err(&format!("internal error: {e}\n"));
                return 2;
            }
        },
        // `graph` is not offered text (`Format::GRAPH`); were it asked for, DOT is written.
        Format::Dot | Format::Text | Format::Svg | Format::Html => out(&to_dot(&g)),
    }
    0
}

/// No graph: the diagnostics, as records under `--format json`, drawn on stderr otherwise.
fn fail(common: &Common, rule_set: &RuleSet, diagnostics: &[Diagnostic], format: Format) -> u8 {
    let diagnostics = cap_each_code(diagnostics.to_vec(), MAX_DIAGNOSTICS_PER_CODE);
    match format {
        Format::Json => {
            let records: Vec<DiagnosticRecord> = diagnostics
                .iter()
                .map(|d| DiagnosticRecord::new(d, rule_set.sources()))
                .collect();
            let json = serde_json::json!({ "diagnostics": records });
            out(&format!("{json:#}\n"));
        }
        Format::Dot | Format::Text | Format::Svg | Format::Html => {
            for d in &diagnostics {
                err(&render_diagnostic(d, rule_set.sources(), common.render()));
            }
        }
    }
    2
}
