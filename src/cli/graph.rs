//! `dealcheck graph PATH… [--format dot|json]`

use super::{err, out, Common};
use dealcheck::report::graph::{graph, to_dot};
use dealcheck::report::Format;
use dealcheck::RuleSet;

pub fn run(common: &Common, rule_set: RuleSet, format: Format) -> u8 {
    if rule_set.has_errors() {
        return super::fail(common, &rule_set, rule_set.diagnostics(), format);
    }
    let world = match rule_set.world(&common.options()) {
        Ok(w) => w,
        Err(errors) => return super::fail(common, &rule_set, &errors, format),
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
