//! The one diagnostic type every stage produces. Spans only: sources are attached late, when a
//! diagnostic is rendered (see `report`).

use crate::source::Span;
use serde::Serialize;
use std::fmt;

/// How bad a diagnostic is. `Error` makes a rule set invalid (exit status 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Advice,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Advice => "advice",
        })
    }
}

/// Where a diagnostic points: a span in a loaded file, or a file that could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    Span(Span),
    /// A file that has no text in the source map (unreadable, not UTF-8…), with a line if known.
    File {
        path: String,
        line: Option<usize>,
    },
    /// Not about any file (a bad command-line value, an internal error).
    Nowhere,
}

/// A labelled place in a diagnostic, in any file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub text: String,
}

/// A problem found in a rule set: what, where, and what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable kebab-case code, e.g. `unknown-name` or `exclusive-conflict`.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub location: Location,
    /// Text of the primary label at `location`.
    pub label: String,
    /// More places (the first declaration of a duplicate, the other licence of a conflict).
    pub others: Vec<Label>,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Error, Location::Span(span), message)
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Warning, Location::Span(span), message)
    }

    pub fn advice(code: &'static str, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(code, Severity::Advice, Location::Span(span), message)
    }

    pub fn new(
        code: &'static str,
        severity: Severity,
        location: Location,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            location,
            label: String::new(),
            others: Vec::new(),
            help: None,
        }
    }

    /// An error about a whole file that has no text to point into.
    pub fn file_error(
        code: &'static str,
        path: &str,
        line: Option<usize>,
        msg: impl Into<String>,
    ) -> Self {
        Diagnostic::new(
            code,
            Severity::Error,
            Location::File {
                path: path.to_string(),
                line,
            },
            msg,
        )
    }

    /// A failure of dealcheck itself, reported instead of panicking.
    pub fn internal(span: Option<Span>, what: impl fmt::Display) -> Diagnostic {
        let location = span.map_or(Location::Nowhere, Location::Span);
        Diagnostic::new(
            "internal",
            Severity::Error,
            location,
            format!("internal error: {what}"),
        )
        .with_help("this is a bug in dealcheck; please report it with the input that caused it")
    }

    pub fn with_label(mut self, text: impl Into<String>) -> Self {
        self.label = text.into();
        self
    }

    pub fn with_other(mut self, span: Span, text: impl Into<String>) -> Self {
        self.others.push(Label {
            span,
            text: text.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn span(&self) -> Option<Span> {
        match self.location {
            Location::Span(span) => Some(span),
            _ => None,
        }
    }
}

/// The first `limit` diagnostics of each code, in order; the rest of a code become one advice
/// note saying how many were left out (diagnostics about no place are all kept). A million `status` lines in one deal, or half a million
/// `part of` cycles, must not print a million diagnostics (500 MB of text).
pub fn cap_each_code(diagnostics: Vec<Diagnostic>, limit: usize) -> Vec<Diagnostic> {
    let mut seen: Vec<(&'static str, usize, Severity)> = Vec::new();
    let mut kept = Vec::with_capacity(diagnostics.len().min(limit * 8));
    for d in diagnostics {
        // Diagnostics about no place are counts of what a check did not list (already capped
        // there) and command-line problems: always kept.
        if d.location == Location::Nowhere {
            kept.push(d);
            continue;
        }
        match seen.iter_mut().find(|(code, _, _)| *code == d.code) {
            Some((_, count, worst)) => {
                *count += 1;
                if *count <= limit {
                    kept.push(d);
                } else if d.severity < *worst {
                    *worst = d.severity;
                }
            }
            None => {
                seen.push((d.code, 1, Severity::Advice));
                kept.push(d);
            }
        }
    }
    for (code, count, worst) in seen {
        if count > limit {
            let among = match worst {
                Severity::Error => ", errors among them,",
                Severity::Warning => ", warnings among them,",
                Severity::Advice => "",
            };
            kept.push(
                Diagnostic::new(
                    code,
                    Severity::Advice,
                    Location::Nowhere,
                    format!(
                        "… and {} more `{code}` diagnostics{among} not listed (only the first \
                         {limit} of each code are)",
                        count - limit
                    ),
                )
                .with_help("fix the listed ones and check again; the summary counts them all"),
            );
        }
    }
    kept
}

/// Diagnostic codes, one constant each so a typo cannot invent a new code.
pub mod codes {
    pub const SYNTAX: &str = "syntax";
    pub const TOO_DEEP: &str = "too-deep";
    pub const TOO_LARGE: &str = "too-large";
    pub const ENCODING: &str = "encoding";
    pub const IO: &str = "io";
    pub const NO_RULE_FILES: &str = "no-rule-files";
    pub const UNKNOWN_NAME: &str = "unknown-name";
    pub const DUPLICATE_NAME: &str = "duplicate-name";
    pub const KEYWORD_NAME: &str = "keyword-name";
    pub const PART_OF_CYCLE: &str = "part-of-cycle";
    pub const ASSET_OWNER: &str = "asset-owner";
    pub const INVALID_DATE: &str = "invalid-date";
    pub const INVALID_DURATION: &str = "invalid-duration";
    pub const INVALID_AMOUNT: &str = "invalid-amount";
    pub const MULTIPLE_AS_OF: &str = "multiple-as-of";
    pub const TYPE: &str = "type";
    pub const WRONG_KIND: &str = "wrong-kind";
    pub const EMPTY_RULE: &str = "empty-rule";
    pub const OPEN_EXPECTED: &str = "open-expected";
    pub const CONFLICTING_ASSUMPTIONS: &str = "conflicting-assumptions";
    pub const CIRCULAR_ASSUMPTION: &str = "circular-assumption";
    pub const WINDOW: &str = "window";
    pub const CURRENCY: &str = "currency";
    pub const RATE: &str = "rate";
    pub const EXCLUSIVE_CONFLICT: &str = "exclusive-conflict";
    pub const INEFFECTIVE_GRANT: &str = "ineffective-grant";
    pub const CIRCULAR_FLOW: &str = "circular-flow";
    pub const REFERENCE_CYCLE: &str = "reference-cycle";
    pub const CONFUSABLE_NAME: &str = "confusable-name";
    pub const USAGE: &str = "usage";
    pub const INVALID_RULE_SET: &str = "invalid-rule-set";
    pub const EMPTY_FILE: &str = "empty-file";
    pub const INTERNAL: &str = "internal";
}
