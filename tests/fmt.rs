//! `dealcheck fmt`: every fixture and shipped rule file formatted (snapshots), and the laws a
//! formatter must keep, on the fixtures and on generated rule sets: formatting twice changes
//! nothing more, the formatted file parses to the same tree, and every comment is kept.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dealcheck::fmt::{format_file, format_text};
use dealcheck::report::{render_diagnostic, RenderOptions};
use dealcheck::source::{FileId, SourceMap};
use proptest::prelude::*;
use std::path::Path;

/// The tree's `Debug` without spans (`@12..19`): what parsing means, not where.
fn tree_without_spans(text: &str) -> String {
    let (tree, _) = dealcheck::syntax::parse_file(FileId(0), text);
    let shown = format!("{tree:?}");
    let mut out = String::with_capacity(shown.len());
    let mut chars = shown.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '@' && chars.peek().is_some_and(char::is_ascii_digit) {
            while chars
                .peek()
                .is_some_and(|c| c.is_ascii_digit() || *c == '.')
            {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Every `//` comment's text, in order.
fn comments(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| line.find("//").map(|at| line[at..].trim_end().to_string()))
        .collect()
}

/// Whether every deal and rule has a blank line before it (or its comments, or nothing).
fn blocks_stand_apart(formatted: &str) -> bool {
    let lines: Vec<&str> = formatted.lines().collect();
    lines.iter().enumerate().all(|(i, line)| {
        if !(line.starts_with("deal ") || line.starts_with("rule ")) {
            return true;
        }
        let above = lines[..i].iter().rev().find(|l| !l.starts_with("//"));
        above.is_none_or(|l| l.is_empty())
    })
}

/// Formats one file and checks the laws; the snapshot's text.
fn formatted_or_diagnostics(path: &Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    let Ok(text) = String::from_utf8(bytes) else {
        return "(not UTF-8: left as it is)\n".to_string();
    };
    let mut sources = SourceMap::default();
    let id = sources.add(path.display().to_string(), text.clone());
    match format_file(id, &text) {
        Ok(formatted) => {
            assert_eq!(
                format_text(&formatted).as_deref(),
                Some(formatted.as_str()),
                "{}: formatting twice changes more",
                path.display()
            );
            assert_eq!(
                tree_without_spans(&formatted),
                tree_without_spans(&text),
                "{}: the formatted file parses differently",
                path.display()
            );
            assert!(blocks_stand_apart(&formatted), "{}", path.display());
            formatted
        }
        Err(errors) => {
            let options = RenderOptions {
                color: false,
                width: 80,
            };
            let rendered: String = errors
                .iter()
                .map(|d| render_diagnostic(d, &sources, options))
                .collect();
            format!("(does not parse: left as it is)\n{rendered}")
        }
    }
}

fn relative(path: &Path) -> &Path {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
}

#[test]
fn every_fixture_formatted() {
    insta::glob!("fixtures/**/*.deal", |path| {
        insta::assert_snapshot!(formatted_or_diagnostics(relative(path)));
    });
}

#[test]
fn every_shipped_rule_file_formatted() {
    insta::glob!("../rules", "**/*.deal", |path| {
        let path = relative(path);
        let formatted = formatted_or_diagnostics(path);
        // Shipped rule files are kept formatted (`dealcheck fmt rules/`).
        assert_eq!(
            formatted,
            std::fs::read_to_string(path).unwrap(),
            "{} is not formatted",
            path.display()
        );
        insta::assert_snapshot!(formatted);
    });
}

/// A generated rule set with its whitespace scrambled and comments added wherever a line ends.
fn scrambled_rule_set() -> impl Strategy<Value = String> {
    let pieces = prop::collection::vec(0..6u8, 400);
    (rule_set_text(), pieces).prop_map(|(text, choices)| {
        let mut out = String::new();
        let mut choice = choices.iter().cycle();
        for (i, line) in text.lines().enumerate() {
            // Inside a line, spaces may become several or a line break (`30 months` stays).
            let mut words = line.split(' ').peekable();
            while let Some(word) = words.next() {
                out.push_str(word);
                let Some(next) = words.peek() else { break };
                let keep_one = next.starts_with("month") || next.starts_with("year");
                out.push_str(match choice.next() {
                    Some(0) if !keep_one => "\n   ",
                    Some(1) => "  ",
                    _ => " ",
                });
            }
            out.push_str(match choice.next() {
                Some(0) => " // a note\n",
                Some(1) => "\n\n\n",
                Some(2) => "\n/// a doc\n",
                Some(3) if i % 3 == 0 => "\n    // indented note\n",
                _ => "\n",
            });
        }
        out
    })
}

fn rule_set_text() -> impl Strategy<Value = String> {
    let party = || prop::sample::select(&["A", "B", "C"][..]);
    let date = || {
        prop::sample::select(
            &[
                "2026",
                "2026-07-14",
                "2027-Q2",
                "sometime in 2027",
                "launch",
            ][..],
        )
    };
    let term = prop_oneof![
        (party(), date()).prop_map(|(p, d)| format!("grant {p} may x A.a until {d}")),
        (party(), party(), date()).prop_map(|(p, q, d)| format!(
            "exclusive {p}, {q} may x A.a via c from {d} for 3 months"
        )),
        (party(), party()).prop_map(|(p, q)| format!(
            "pay between 1M USD and 2M USD per year from {p} to {q} for \"fees\" during 2026"
        )),
        (party(), date()).prop_map(|(p, d)| format!("forbid everyone except {p} x A.a on {d}")),
        date().prop_map(|d| format!("terminate d0 on {d} + 30 days")),
    ];
    let question = prop_oneof![
        (party(), date()).prop_map(|(p, d)| format!("can {p} x A.a before {d}")),
        (party(), party()).prop_map(|(p, q)| format!("paid({p}, {q}) in 2026 >= $1M")),
        Just("not (active(d0) and start(d0.t0) < 2027)".to_string()),
        party().prop_map(|p| format!("when can {p} x A.a")),
    ];
    let verdict = prop::sample::select(&["", " expect yes", " expect unknown"][..]);
    (
        prop::collection::vec(prop::collection::vec((any::<bool>(), term), 1..4), 1..4),
        prop::collection::vec((question, verdict), 0..4),
    )
        .prop_map(|(deals, asks)| {
            let mut text = "as of 2025-06-01\nparty A \"Alpha\"\nparty B part of A\nparty C\n\
                            asset A.a\naction x\nchannel c\nevent launch expected 2027\n"
                .to_string();
            for (i, terms) in deals.iter().enumerate() {
                text.push_str(&format!("deal d{i} {{\nbetween A, B\nstatus signed\n"));
                for (j, (labelled, term)) in terms.iter().enumerate() {
                    if *labelled {
                        text.push_str(&format!("t{j}: "));
                    }
                    text.push_str(&format!("{term}\n"));
                }
                text.push_str("}\n");
            }
            text.push_str("rule r {\n");
            for (question, verdict) in &asks {
                let verdict = if question.starts_with("when") {
                    ""
                } else {
                    verdict
                };
                text.push_str(&format!("ask {question}{verdict}\n"));
            }
            text.push_str("}\n");
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn formatting_is_idempotent_and_keeps_the_tree_and_comments(text in scrambled_rule_set()) {
        let (_, diagnostics) = dealcheck::syntax::parse_file(FileId(0), &text);
        prop_assert!(!diagnostics.iter().any(|d| d.is_error()), "generated text parses: {text}\n{diagnostics:?}");
        let once = format_text(&text);
        prop_assert!(once.is_some(), "formats: {text}");
        let once = once.unwrap_or_default();
        prop_assert_eq!(format_text(&once).unwrap_or_default(), once.clone(), "twice: {}", text);
        prop_assert_eq!(tree_without_spans(&once), tree_without_spans(&text));
        prop_assert_eq!(comments(&once), comments(&text));
        prop_assert!(blocks_stand_apart(&once), "{}", once);
    }
}
