//! `dealcheck timeline PATH… [--asset A] [--action X] [--format svg|json]`

use super::{err, out, Common};
use dealcheck::diagnostic::{codes, Location};
use dealcheck::eval::chart::ChartFilter;
use dealcheck::eval::question::Evaluator;
use dealcheck::report::svg::to_svg;
use dealcheck::report::Format;
use dealcheck::{Diagnostic, RuleSet, Severity};

/// The lanes asked for, as written.
pub struct Only {
    pub asset: Option<String>,
    pub action: Option<String>,
}

pub fn run(common: &Common, rule_set: RuleSet, only: Only, format: Format) -> u8 {
    if rule_set.has_errors() {
        return super::fail(common, &rule_set, rule_set.diagnostics(), format);
    }
    let filter = match filter(&rule_set, &only) {
        Ok(f) => f,
        Err(d) => return super::fail(common, &rule_set, &[d], format),
    };
    let world = match rule_set.world(&common.options()) {
        Ok(w) => w,
        Err(errors) => return super::fail(common, &rule_set, &errors, format),
    };
    let text = |_| String::new();
    let evaluator = Evaluator::new(&world, rule_set.rights_index(), rule_set.sources(), &text);
    let chart = evaluator.chart(&filter);
    match format {
        Format::Json => match serde_json::to_string_pretty(&chart) {
            Ok(json) => out(&format!("{json}\n")),
            Err(e) => {
                err(&format!("internal error: {e}\n"));
                return 2;
            }
        },
        // `timeline` is offered SVG and JSON only (`Format::TIMELINE`).
        Format::Svg | Format::Text | Format::Dot | Format::Html => out(&to_svg(&chart)),
    }
    0
}

/// `--asset` and `--action` as ids, or a usage error naming what is declared.
fn filter(rule_set: &RuleSet, only: &Only) -> Result<ChartFilter, Diagnostic> {
    let program = rule_set.program();
    let usage = |message: String, help: String| {
        Diagnostic::new(codes::USAGE, Severity::Error, Location::Nowhere, message).with_help(help)
    };
    let asset = match &only.asset {
        None => None,
        Some(name) => Some(program.asset_by_name(name).ok_or_else(|| {
            usage(
                format!("`--asset {name}`: no asset is named `{name}`"),
                "name an asset with its owner: `--asset OpenAI.frontier_models`".to_string(),
            )
        })?),
    };
    let action = match &only.action {
        None => None,
        Some(name) => Some(program.action(name).ok_or_else(|| {
            usage(
                format!("`--action {name}`: no action is named `{name}`"),
                "name a declared action: `--action host`".to_string(),
            )
        })?),
    };
    Ok(ChartFilter { asset, action })
}
