//! Typed access to a pest pair's children: a grammar/lowering mismatch becomes an internal-error
//! diagnostic instead of a panic.

use super::grammar::{is_keyword, Rule};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};
use pest::iterators::{Pair, Pairs};
use std::iter::Peekable;

pub(super) type Lowered<T> = Result<T, Diagnostic>;

pub(super) struct Cursor<'i> {
    pairs: Peekable<Pairs<'i, Rule>>,
    parent: Span,
}

impl<'i> Cursor<'i> {
    pub(super) fn new(pair: Pair<'i, Rule>, file: FileId, offset: usize) -> Cursor<'i> {
        let parent = span_of(&pair, file, offset);
        Cursor {
            pairs: pair.into_inner().peekable(),
            parent,
        }
    }

    fn skip_keywords(&mut self, wanted: Option<Rule>) {
        while let Some(next) = self.pairs.peek() {
            let rule = next.as_rule();
            if is_keyword(rule) && Some(rule) != wanted {
                self.pairs.next();
            } else {
                break;
            }
        }
    }

    /// The next child, which must be `rule`.
    pub(super) fn next(&mut self, rule: Rule) -> Lowered<Pair<'i, Rule>> {
        self.optional(rule).ok_or_else(|| {
            Diagnostic::internal(
                Some(self.parent),
                format!("expected {rule:?} in the parse tree"),
            )
        })
    }

    /// The next child if it is `rule`.
    pub(super) fn optional(&mut self, rule: Rule) -> Option<Pair<'i, Rule>> {
        self.skip_keywords(Some(rule));
        match self.pairs.peek() {
            Some(p) if p.as_rule() == rule => self.pairs.next(),
            _ => None,
        }
    }

    /// The next child, whatever it is.
    pub(super) fn any(&mut self) -> Lowered<Pair<'i, Rule>> {
        self.skip_keywords(None);
        self.pairs.next().ok_or_else(|| {
            Diagnostic::internal(Some(self.parent), "missing child in the parse tree")
        })
    }

    /// The rule of the next non-keyword child.
    pub(super) fn peek(&mut self) -> Option<Rule> {
        self.skip_keywords(None);
        self.pairs.peek().map(|p| p.as_rule())
    }

    /// Every child must have been used.
    pub(super) fn finish(mut self) -> Lowered<()> {
        self.skip_keywords(None);
        match self.pairs.next() {
            None => Ok(()),
            Some(p) if p.as_rule() == Rule::EOI => Ok(()),
            Some(p) => Err(Diagnostic::internal(
                Some(self.parent),
                format!("unexpected {:?} in the parse tree", p.as_rule()),
            )),
        }
    }
}

/// A pair's span in its file; `offset` is where the parsed chunk starts in the file.
pub(super) fn span_of(pair: &Pair<'_, Rule>, file: FileId, offset: usize) -> Span {
    let s = pair.as_span();
    // pest keeps the implicit white space before an optional tail that did not match inside
    // the rule (`duration_part*` at the end of a line takes the line break and the next
    // line's indent), so a label would run onto the next line: the span stops at the text.
    let text = s.as_str().trim_end_matches([' ', '\t', '\r', '\n', '\u{feff}']);
    Span::new(file, offset + s.start(), offset + s.start() + text.len())
}
