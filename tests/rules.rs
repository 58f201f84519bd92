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

/// The timeline of each shipped rule set: valid XML (an SVG document with a title and a
/// description for screen readers), every lane and party there, snapshotted.
#[test]
fn every_rule_set_draws_its_timeline() {
    use dealcheck::eval::chart::ChartFilter;
    use dealcheck::eval::question::Evaluator;
    for dir in rule_sets() {
        let rule_set = RuleSet::load(&dir);
        let world = rule_set.world(&Options::default()).unwrap();
        let text = |_| String::new();
        let evaluator = Evaluator::new(&world, rule_set.rights_index(), rule_set.sources(), &text);
        let chart = evaluator.chart(&ChartFilter::default());
        assert!(!chart.lanes.is_empty(), "{}", dir.display());
        let svg = dealcheck::report::svg::to_svg(&chart);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(root.attribute("role"), Some("img"));
        for id in ["timeline-title", "timeline-desc", "as-of", "hatch"] {
            assert!(
                doc.descendants().any(|n| n.attribute("id") == Some(id)),
                "#{id}"
            );
        }
        let texts: Vec<&str> = doc.descendants().filter_map(|n| n.text()).collect();
        for lane in &chart.lanes {
            let title = format!("{} {}.{}", lane.action, lane.owner, lane.asset);
            assert!(texts.iter().any(|t| *t == title), "lane {title}");
            for row in &lane.rows {
                assert!(
                    texts.iter().any(|t| t.starts_with(row.party.as_str())),
                    "row {}",
                    row.party
                );
            }
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("{name}_timeline_svg"), svg);
    }
}

/// The HTML report of each shipped rule set: one page, every rule and both pictures in it,
/// nothing fetched, snapshotted.
#[test]
fn every_rule_set_report_is_one_self_contained_page() {
    for dir in rule_sets() {
        let rule_set = RuleSet::load(&dir);
        let options = Options::default();
        let report = rule_set.check(&options);
        let html = rule_set.html_page(&report, &options);
        for rule in &report.rules {
            let id = format!("id=\"rule-{}\"", rule.name);
            assert!(html.contains(&id), "{}", rule.name);
        }
        let pictures = html.matches("<svg").count();
        assert_eq!(pictures, 2, "the timeline and the money graph");
        let fetched = [
            "src=\"http",
            "href=\"http",
            "@import",
            "url(http",
            "<script",
        ];
        assert!(fetched.iter().all(|f| !html.contains(f)), "self-contained");
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        insta::assert_snapshot!(format!("{name}_report_html"), html);
    }
}
