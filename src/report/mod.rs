//! The report of a check (reference §8): rule outcomes, diagnostics and a summary, rendered as
//! text or serialised as JSON with stable field names (see `docs/report.md`).

mod escape;
mod format;
pub mod graph;
pub mod html;
mod prose;
mod render;
pub mod svg;
mod text;

pub use escape::escape_controls;
pub use format::Format;
pub use render::{render_diagnostic, render_with, Lookup, RenderOptions};
pub use text::{render_answer, render_rules, summary_line};

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::eval::rules::RuleOutcome;
use crate::source::SourceMap;
use serde::Serialize;

/// Everything a check of a rule set found.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The as-of date the rules were evaluated at.
    pub as_of: String,
    pub rules: Vec<RuleOutcome>,
    pub diagnostics: Vec<DiagnosticRecord>,
    pub summary: Summary,
    /// The diagnostics themselves, for rendering with their sources.
    #[serde(skip)]
    pub raw_diagnostics: Vec<Diagnostic>,
    /// The rule set (or the options) had errors before anything was evaluated.
    #[serde(skip)]
    pub invalid: bool,
}

/// The counts of the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub rules: usize,
    pub passed: usize,
    pub failed: usize,
    pub errors: usize,
    pub warnings: usize,
    pub advice: usize,
}

/// A diagnostic as JSON: where, what, and how to fix it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DiagnosticRecord {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub label: Option<String>,
    pub help: Option<String>,
    /// Other places involved (the first declaration of a duplicate, the other licence…).
    pub related: Vec<RelatedRecord>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RelatedRecord {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl DiagnosticRecord {
    pub fn new(d: &Diagnostic, sources: &SourceMap) -> DiagnosticRecord {
        DiagnosticRecord::looked_up(d, Lookup::of(sources))
    }

    /// A record whose spans may also fall in a file outside the rule set (the question of
    /// `ask`): the one shape of a diagnostic in JSON, for every command.
    pub fn looked_up(d: &Diagnostic, sources: Lookup<'_>) -> DiagnosticRecord {
        let (file, line, column) = match &d.location {
            Location::Span(span) => match sources.get(span.file) {
                Some(f) => {
                    let (line, col) = f.line_col(span.start);
                    (Some(f.path.clone()), Some(line), Some(col))
                }
                None => (None, None, None),
            },
            Location::File { path, line } => (Some(path.clone()), *line, None),
            Location::Nowhere => (None, None, None),
        };
        DiagnosticRecord {
            code: d.code,
            severity: d.severity,
            message: d.message.clone(),
            file,
            line,
            column,
            label: (!d.label.is_empty()).then(|| d.label.clone()),
            help: d.help.clone(),
            related: d
                .others
                .iter()
                .map(|o| {
                    let (file, line) = sources.location(o.span);
                    RelatedRecord {
                        file,
                        line,
                        message: o.text.clone(),
                    }
                })
                .collect(),
        }
    }
}

impl Report {
    /// Assembles a report; diagnostics are sorted by file, position and code.
    pub fn new(
        as_of: String,
        rules: Vec<RuleOutcome>,
        mut diagnostics: Vec<Diagnostic>,
        sources: &SourceMap,
    ) -> Report {
        // By file and position; diagnostics about no place (counts of what was not listed,
        // command-line problems) come last. The sort is stable: same place keeps found order.
        diagnostics.sort_by_key(|d| match &d.location {
            Location::Span(s) => (0, sources.path(s.file).to_string(), s.start),
            Location::File { path, line } => (0, path.clone(), line.map_or(0, |l| l as u32)),
            Location::Nowhere => (1, String::new(), 0),
        });
        diagnostics.dedup();
        // Counted before they are capped: the summary counts every diagnostic found.
        let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
        let passed = rules.iter().filter(|r| r.passed).count();
        let summary = Summary {
            rules: rules.len(),
            passed,
            failed: rules.len() - passed,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            advice: count(Severity::Advice),
        };
        let diagnostics =
            crate::diagnostic::cap_each_code(diagnostics, crate::limits::MAX_DIAGNOSTICS_PER_CODE);
        let records = diagnostics
            .iter()
            .map(|d| DiagnosticRecord::new(d, sources))
            .collect();
        Report {
            as_of,
            rules,
            diagnostics: records,
            summary,
            raw_diagnostics: diagnostics,
            invalid: false,
        }
    }

    /// Exit status of reference §8: 2 when the rule set is invalid (any error found while
    /// loading, parsing or checking names and types, or bad options); else 1 when a check failed
    /// or evaluation and the built-in checks found an error; else 0.
    pub fn exit_code(&self) -> u8 {
        if self.invalid {
            2
        } else if self.summary.failed > 0 || self.summary.errors > 0 {
            1
        } else {
            0
        }
    }
}
