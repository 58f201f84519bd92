//! Helpers shared by the test harnesses.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dealcheck::report::{render_diagnostic, RenderOptions};
use dealcheck::{Report, RuleSet};

/// Every diagnostic as miette draws it without colour at width 80, then the summary line.
pub fn rendered(rule_set: &RuleSet, report: &Report) -> String {
    let options = RenderOptions {
        color: false,
        width: 80,
    };
    let mut out: String = report
        .raw_diagnostics
        .iter()
        .map(|d| render_diagnostic(d, rule_set.sources(), options))
        .collect();
    out.push_str(&dealcheck::report::summary_line(&report.summary));
    out.push('\n');
    out
}
