//! The shipped rule sets under `rules/` check cleanly, every expectation holds, and the reports
//! are snapshotted (text, and the JSON users snapshot themselves).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use dealcheck::{Options, RuleSet};
use std::path::PathBuf;

/// `rules/` is one rule set (one namespace, one `as of`); `rules/seed` also stands alone.
fn rule_sets() -> Vec<PathBuf> {
    vec![PathBuf::from("rules"), PathBuf::from("rules/seed")]
}

#[test]
fn every_rule_set_checks_cleanly_and_passes() {
    for dir in rule_sets() {
        let rule_set = RuleSet::load(&dir);
        let report = rule_set.check(&Options::default());
        assert_eq!(
            report.summary.errors,
            0,
            "{}:\n{}",
            dir.display(),
            common::rendered(&rule_set, &report)
        );
        assert_eq!(
            report.summary.warnings,
            0,
            "{}:\n{}",
            dir.display(),
            common::rendered(&rule_set, &report)
        );
        assert_eq!(
            report.summary.failed,
            0,
            "{}:\n{}",
            dir.display(),
            report.render_text()
        );
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(
            format!("{name}_text"),
            format!(
                "{}{}",
                report.render_text(),
                common::rendered(&rule_set, &report)
            )
        );
        insta::assert_json_snapshot!(format!("{name}_json"), report);
    }
}
