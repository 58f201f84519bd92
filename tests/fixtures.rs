//! Fixture harnesses: `ok/` files must check cleanly with every expectation met; `err/` files must
//! give at least one error. Both are checked first, then snapshotted.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use dealcheck::{Options, RuleSet};
use std::path::Path;

/// Fixture paths relative to the package, so snapshots do not depend on where it is cloned.
fn relative(path: &Path) -> &Path {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
}

#[test]
fn ok_fixtures_check_cleanly_and_pass() {
    insta::glob!("fixtures/ok/*.deal", |path| {
        let path = relative(path);
        let rule_set = RuleSet::load(path);
        let report = rule_set.check(&Options::default());
        let rendered = common::rendered(&rule_set, &report);
        assert_eq!(report.summary.errors, 0, "{}:\n{rendered}", path.display());
        let failed: Vec<_> = report
            .rules
            .iter()
            .filter(|r| !r.passed)
            .map(|r| r.name.as_str())
            .collect();
        assert!(
            failed.is_empty(),
            "{}: rules failed: {failed:?}\n{}",
            path.display(),
            report.render_text()
        );

        let text = std::fs::read_to_string(path).unwrap();
        let (tree, diagnostics) =
            dealcheck::syntax::parse_file(dealcheck::source::FileId(0), &text);
        assert!(diagnostics.is_empty());
        let ast: Vec<String> = tree
            .unwrap()
            .items
            .iter()
            .map(|item| format!("{item:?}"))
            .collect();
        insta::assert_snapshot!(format!(
            "{}\n--- ast ---\n{}\n",
            report.render_text(),
            ast.join("\n")
        ));
    });
}

#[test]
fn err_fixtures_report_errors() {
    insta::glob!("fixtures/err/*.deal", |path| {
        let path = relative(path);
        let rule_set = RuleSet::load(path);
        let report = rule_set.check(&Options::default());
        assert!(
            report.summary.errors > 0,
            "{} gave no error",
            path.display()
        );
        insta::assert_snapshot!(common::rendered(&rule_set, &report));
    });
}

/// Rule sets of several files: a directory each.
#[test]
fn multi_file_fixtures_report_errors() {
    let root = Path::new("tests/fixtures/err_multi");
    let mut dirs: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for dir in dirs {
        let rule_set = RuleSet::load(&dir);
        let report = rule_set.check(&Options::default());
        assert!(report.summary.errors > 0, "{} gave no error", dir.display());
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(
            format!("multi_{name}"),
            common::rendered(&rule_set, &report)
        );
    }
}

/// Every diagnostic code of the front end has at least one fixture.
#[test]
fn every_front_end_code_has_a_fixture() {
    use dealcheck::diagnostic::codes::*;
    let mut seen = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir("tests/fixtures/err").unwrap() {
        let report = RuleSet::load(entry.unwrap().path()).check(&Options::default());
        seen.extend(report.diagnostics.iter().map(|d| d.code));
    }
    for code in [
        SYNTAX,
        TOO_DEEP,
        ENCODING,
        UNKNOWN_NAME,
        DUPLICATE_NAME,
        KEYWORD_NAME,
        PART_OF_CYCLE,
        ASSET_OWNER,
        INVALID_DATE,
        INVALID_DURATION,
        INVALID_AMOUNT,
        MULTIPLE_AS_OF,
        TYPE,
        WRONG_KIND,
        EMPTY_RULE,
        CONFLICTING_ASSUMPTIONS,
        CURRENCY,
        TOO_LARGE,
    ] {
        assert!(
            seen.contains(code),
            "no fixture in tests/fixtures/err gives `{code}`"
        );
    }
}

/// Built-in checks (§7): each fixture (a file, or a directory for checks across files) must give
/// at least one diagnostic of a built-in check.
#[test]
fn check_fixtures_report_findings() {
    use dealcheck::diagnostic::codes::*;
    let builtin = [
        EXCLUSIVE_CONFLICT,
        INEFFECTIVE_GRANT,
        CIRCULAR_FLOW,
        WINDOW,
        CURRENCY,
        REFERENCE_CYCLE,
    ];
    let mut entries: Vec<_> = std::fs::read_dir("tests/fixtures/checks")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    let mut seen = std::collections::BTreeSet::new();
    for path in entries {
        let rule_set = RuleSet::load(&path);
        assert!(
            !rule_set.has_errors(),
            "{}: {:?}",
            path.display(),
            rule_set.diagnostics()
        );
        let report = rule_set.check(&Options::default());
        let codes: Vec<&str> = report
            .diagnostics
            .iter()
            .map(|d| d.code)
            .filter(|c| builtin.contains(c))
            .collect();
        assert!(!codes.is_empty(), "{} found nothing", path.display());
        seen.extend(codes);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(
            format!("check_{name}"),
            common::rendered(&rule_set, &report)
        );
    }
    for code in [
        EXCLUSIVE_CONFLICT,
        INEFFECTIVE_GRANT,
        CIRCULAR_FLOW,
        WINDOW,
        REFERENCE_CYCLE,
    ] {
        assert!(
            seen.contains(code),
            "no fixture in tests/fixtures/checks gives `{code}`"
        );
    }
}
