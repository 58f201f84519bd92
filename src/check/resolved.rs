//! The checked program's deals, rules and questions: the tree the parser gave, with every name
//! an id of its declaration ([`Resolved`]). The model and the evaluator read only these, so they
//! never look a name up by its text.

use super::Target;
use crate::ast::{self, DateLit, Phase, Text};
use crate::source::{Span, Spanned};

/// A use of a declared name: the declaration's id, and where the name is written. The id is
/// held in 32 bits (the checker refuses rule sets with more declarations than that): a rule
/// set of 100 MB holds millions of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ref {
    id: u32,
    pub span: Span,
}

impl Ref {
    /// `None` for an id past 32 bits (refused by the checker).
    pub fn new(id: usize, span: Span) -> Option<Ref> {
        Some(Ref {
            id: u32::try_from(id).ok()?,
            span,
        })
    }

    pub fn id(&self) -> usize {
        self.id as usize
    }
}

/// A use of `deal` or `deal.label`: what it points at, and where it is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TargetRef {
    pub target: Target,
    pub span: Span,
}

/// Names resolved to ids: what `check` gives the later stages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resolved;

impl Phase for Resolved {
    type Party = Ref;
    type Action = Ref;
    type Channel = Ref;
    type Event = Ref;
    /// Its span is `Owner.name` as written.
    type Asset = Ref;
    type Target = TargetRef;
    type Deal = Ref;
    /// The text alone: its place was checked (duplicates, keywords) when it was declared.
    type Label = Text;
}

pub type Point = ast::Point<Resolved>;
pub type Window = ast::Window<Resolved>;
pub type WindowEnd = ast::WindowEnd<Resolved>;
pub type Status = ast::Status<Resolved>;
pub type Term = ast::Term<Resolved>;
pub type TermKind = ast::TermKind<Resolved>;
pub type Who = ast::Who<Resolved>;
pub type Rule = ast::Rule<Resolved>;
pub type Assumption = ast::Assumption<Resolved>;
pub type Check = ast::Check<Resolved>;
pub type Question = ast::Question<Resolved>;
pub type Open = ast::Open<Resolved>;
pub type When = ast::When<Resolved>;
pub type Value = ast::Value<Resolved>;

/// A deal as the later stages read it: its first status and first `dated` day (the checker
/// reports any other as an error), and its terms by position. Its name is the program's
/// (`Program::deal_name`); its `between` parties, checked, are not kept: nothing reads them.
#[derive(Clone, Debug, PartialEq)]
pub struct Deal {
    pub label: Option<Text>,
    pub doc: Option<Text>,
    pub status: Option<Spanned<Status>>,
    pub dated: Option<Spanned<DateLit>>,
    /// Shared with the explanations that cite the deal.
    pub sources: std::sync::Arc<[Text]>,
    /// Each term in the order written; `None` for a term with a name that did not resolve (the
    /// rule set then has errors and is not evaluated), so that positions stay term numbers.
    pub terms: Box<[Option<Term>]>,
    pub span: Span,
}

impl Deal {
    /// The terms that resolved, with their positions.
    pub fn terms(&self) -> impl Iterator<Item = (usize, &Term)> {
        self.terms
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((i, t.as_ref()?)))
    }
}
