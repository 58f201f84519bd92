//! The text report: rules with answers and explanations, then the summary line.

use super::escape::escape_controls;
use super::{Report, Summary};
use crate::eval::explain::Explanation;
use crate::eval::question::Answer;
use crate::eval::rules::RuleOutcome;
use std::fmt::Write;

/// `N rules: N passed, N failed; N errors, N warnings` (reference §8). The words stay plural
/// for one (`1 rules`, `1 errors`): the reference fixes the line's shape, and scripts match it.
pub fn summary_line(s: &Summary) -> String {
    format!(
        "{} rules: {} passed, {} failed; {} errors, {} warnings",
        s.rules, s.passed, s.failed, s.errors, s.warnings
    )
}

fn explanation(out: &mut String, e: &Explanation, indent: &str) {
    let _ = writeln!(out, "{indent}{}", e.summary);
    for line in e.summary.lines() {
        let _ = writeln!(out, "{indent}  {line}");
    }
    for t in &e.terms {
        let party = t.party.as_ref().map_or(String::new(), |p| format!(" {p}"));
        let sources = if t.sources.is_empty() {
            String::new()
        } else {
            format!("; source: {}", t.sources.join(", "))
        };
        let _ = writeln!(
            out,
            "{indent}- {} ({}:{}; {}{sources}) {}{party} {} {}",
            t.term, t.file, t.line, t.status, t.effect, t.certainty, t.days
        );
    }
    for n in &e.notes {
        let _ = writeln!(out, "{indent}* {n}");
    }
}

/// Every rule with its checks.
pub fn render_rules(rules: &[RuleOutcome]) -> String {
    let mut out = String::new();
    for rule in rules {
        let label = rule
            .label
            .as_ref()
            .map_or(String::new(), |l| format!(" \"{l}\""));
        let status = if rule.passed { "ok" } else { "FAILED" };
        let _ = writeln!(
            out,
            "rule {}{label} ({}:{}): {status}",
            rule.name, rule.file, rule.line
        );
        for line in rule.description.iter().flat_map(|d| d.lines()) {
            let _ = writeln!(out, "  /// {line}");
        }
        for check in &rule.checks {
            let expected = check
                .expected
                .map_or(String::new(), |e| format!(", expected {e}"));
            let verdict = if check.passed { "pass" } else { "FAIL" };
            let _ = writeln!(out, "  {} {}", check.kind, check.question);
            let _ = writeln!(out, "    answer: {}{expected} [{verdict}]", check.answer);
            explanation(&mut out, &check.explanation, "    ");
        }
        out.push('\n');
    }
    terminal_safe(out)
}

/// `dealcheck ask`: the verdict word on the first line, then the explanation.
pub fn render_answer(answer: &Answer) -> String {
    let mut out = format!("{}\n", answer.verdict);
    explanation(&mut out, &answer.explanation, "");
    terminal_safe(out)
}

/// Text for a terminal: rule files' labels, quotes and sources with their control characters
/// shown as escapes ([`escape_controls`]).
fn terminal_safe(text: String) -> String {
    match escape_controls(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(safe) => safe,
    }
}

impl Report {
    /// The text report for stdout (rules and summary); diagnostics are rendered separately.
    pub fn render_text(&self) -> String {
        let mut out = render_rules(&self.rules);
        out.push_str(&summary_line(&self.summary));
        out.push('\n');
        out
    }
}
