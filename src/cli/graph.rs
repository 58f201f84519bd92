//! `dealcheck graph PATH… [--format dot|json]`

use super::{err, out, Common, Format};
use dealcheck::report::graph::{graph, to_dot};
use dealcheck::report::render_diagnostic;
use dealcheck::RuleSet;
use std::path::PathBuf;

pub fn run(common: &Common, mut paths: Vec<PathBuf>) -> u8 {
    if paths.is_empty() {
        paths.push(PathBuf::from("rules"));
    }
    let rule_set = RuleSet::load_paths(&paths);
    if rule_set.has_errors() {
        for d in rule_set.diagnostics() {
            err(&render_diagnostic(d, rule_set.sources(), common.render()));
        }
        return 2;
    }
    let world = match rule_set.world(&common.options()) {
        Ok(w) => w,
        Err(errors) => {
            for d in &errors {
                err(&render_diagnostic(d, rule_set.sources(), common.render()));
            }
            return 2;
        }
    };
    let g = graph(&world);
    match common.format {
        Format::Json => match serde_json::to_string_pretty(&g) {
            Ok(json) => out(&format!("{json}\n")),
            Err(e) => {
                err(&format!("internal error: {e}\n"));
                return 2;
            }
        },
        // Text means the default drawing: DOT.
        Format::Dot | Format::Text => out(&to_dot(&g)),
    }
    0
}
