//! Explanations: the deciding terms with where they are, their deal's status and sources, and
//! what each did over which days (reference §8).

use super::logic::Verdict;
use crate::ast::{CmpOp, Duration, Text};
use crate::check::{Program, TermId};
use crate::model::range::Range;
use crate::model::time::{Day, Interval, Point};
use crate::model::world::World;
pub use crate::model::world::{DealStatus, StatusWord};
use crate::source::SourceMap;
use rust_decimal::Decimal;
use serde::Serialize;

/// Why an answer is what it is, as data: `report` puts it into words (text and JSON).
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    /// What decided the answer.
    pub summary: Summary,
    /// The terms that bore on the answer.
    pub terms: Vec<TermNote>,
    /// Everything else worth knowing (deals left out, assumptions, parts of a compound question).
    pub notes: Vec<Note>,
}

/// What decided an answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Summary {
    /// `yes`, `no` or `unknown` asked as a question.
    Literal(Verdict),
    /// `not Q`: Q's verdict and the answer.
    Not {
        inner: Verdict,
        verdict: Verdict,
    },
    /// `Q and R …` or `Q or R …`: each part's verdict and the answer.
    Logic {
        op: LogicOp,
        parts: Vec<Verdict>,
        verdict: Verdict,
    },
    // Boxed: a report keeps one summary per check and one per part of a compound question.
    Can(Box<CanSummary>),
    Active(Box<ActiveSummary>),
    Compare(Box<CompareSummary>),
    /// `when can`: the days, in three kinds.
    When(Box<super::open::WhenAnswer>),
    /// `who can`: the parties that may, and anyone else.
    Who(Box<super::open::WhoAnswer>),
    /// A value asked alone: as written, and its value.
    Value(Box<Side>),
    /// The question could not be evaluated: the diagnostic's message.
    Failed(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogicOp {
    And,
    Or,
}

/// A party doing an action with an asset (on a channel), with the names as the question wrote
/// them.
#[derive(Clone, Debug, PartialEq)]
pub struct Deed {
    pub party: Text,
    pub action: Text,
    pub owner: Text,
    pub asset: Text,
    pub via: Option<Text>,
}

/// The answer to `can P [always] X A [via C] [WHEN]`.
#[derive(Clone, Debug, PartialEq)]
pub struct CanSummary {
    pub deed: Deed,
    pub always: bool,
    pub verdict: Verdict,
    /// The deciding day: one the party certainly may (or, with `always`, may not) act on, or
    /// the first day the answer depends on days not known exactly.
    pub day: Option<Day>,
    /// The days the question's time possibly covers (empty: it has none).
    pub days: Interval,
}

/// The answer to `active REF [WHEN]`.
#[derive(Clone, Debug, PartialEq)]
pub struct ActiveSummary {
    /// The reference as written.
    pub target: String,
    pub verdict: Verdict,
    /// The first day it is in force, or the first day the answer depends on.
    pub day: Option<Day>,
    pub days: Interval,
    /// No term of it is in force on any day.
    pub never_in_force: bool,
}

/// The answer to `VALUE OP VALUE`.
#[derive(Clone, Debug, PartialEq)]
pub struct CompareSummary {
    pub left: Side,
    pub op: CmpOp,
    pub right: Side,
    pub verdict: Verdict,
}

/// One side of a comparison: as written, and its value.
#[derive(Clone, Debug, PartialEq)]
pub struct Side {
    pub text: String,
    pub value: Shown,
}

/// A value as an explanation shows it.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    /// A sum of money (no currency: no flow counted, so 0), from how many terms.
    Money {
        range: Range,
        currency: Option<String>,
        terms: usize,
    },
    Percent(Range),
    Number(Range),
    Duration(Duration),
    Point(Point),
    /// A whole period: its first and last day.
    Period(Day, Day),
    Missing(Missing),
}

/// Why a value is not known.
#[derive(Clone, Debug, PartialEq)]
pub enum Missing {
    InvalidDate,
    /// No investment in force states a valuation of this party.
    NoValuation(Text),
}

/// Something else an explanation says.
#[derive(Clone, Debug, PartialEq)]
pub enum Note {
    /// A part of a compound question: its text, for `and`/`or` its verdict, and its summary.
    Part {
        question: String,
        verdict: Option<Verdict>,
        summary: Box<Summary>,
    },
    /// The party (or a group it belongs to) owns the asset.
    Owns {
        owner: Text,
        deed: Deed,
    },
    /// A right the party holds only on days outside the question's, and what cut it.
    PermitsElsewhere {
        term: String,
        party: Text,
        days: Interval,
        cut_by: Vec<(String, Point)>,
    },
    MoreRightsElsewhere(usize),
    /// No term in force gives the party the right.
    NoRight(Deed),
    NotInForce(NotInForce),
    MoreNotes(usize),
    MoreTerms(usize),
    /// The paths money comes back by, with what each carries (every flow at its least when
    /// `least`).
    ComesBack {
        paths: Vec<(Vec<Text>, Decimal)>,
        currency: String,
        least: bool,
    },
    /// The steps that limit a roundtrip (a minimum cut), the first few and how many more.
    Limits {
        steps: Vec<(Text, Text, Decimal)>,
        more: usize,
        currency: String,
    },
    MoreFlowsBack(usize),
    Missing(Missing),
    /// A diagnostic met while answering (its message).
    Diagnostic(String),
    /// A fact an unknown answer depends on, and the days of it that would settle the answer.
    Settles(Box<Settles>),
    /// Amounts in `from` were converted into `to` at a declared rate (one `from` is `rate`).
    Converted {
        from: String,
        to: String,
        rate: Range,
    },
}

/// What would settle an unknown answer: one open fact, and for a day fact the days on which
/// fixing it alone gives yes, and those giving no (the rest leave it unknown).
#[derive(Clone, Debug, PartialEq)]
pub struct Settles {
    pub fact: super::settle::OpenFact,
    /// Whether its days were tried (not for a value asked alone, nor an amount).
    pub tried: bool,
    pub yes: Vec<Interval>,
    pub no: Vec<Interval>,
    /// For an event that may never happen: the answer if it does not.
    pub never: Option<Verdict>,
}

/// A deal left out of the world an answer was worked out in.
#[derive(Clone, Debug, PartialEq)]
pub struct NotInForce {
    pub deal: Text,
    pub status: DealStatus,
    pub reason: LeftOut,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LeftOut {
    /// Dated after the as-of date; `also_unassumed` when its status would also need assuming.
    DatedLater {
        dated: Day,
        as_of: Day,
        also_unassumed: bool,
    },
    /// `reported` or `proposed` and not assumed.
    NotAssumed,
}

/// Most terms an answer's explanation lists, and most notes; the rest are counted in a note.
pub const MAX_EXPLANATION_TERMS: usize = 50;
pub const MAX_EXPLANATION_NOTES: usize = 50;

/// What one term did. Texts a rule set already holds (file, deal name, party) are shared: a
/// check of thousands of rules keeps thousands of these.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct TermNote {
    /// `deal.label`, or `deal#N` for an unlabelled term.
    pub term: String,
    pub file: Text,
    pub line: usize,
    pub deal: Text,
    /// The deal's label and its `///` doc lines, as written.
    pub deal_label: Option<Text>,
    pub deal_description: Option<Text>,
    pub status: DealStatus,
    /// Shared with the deal: a report lists thousands of terms of the same deals.
    pub sources: std::sync::Arc<[Text]>,
    pub effect: Effect,
    /// Whom the effect is on, where that matters (for `cuts`, the term cut).
    pub party: Option<Text>,
    pub certainty: Certainty,
    /// The days it did so on; written `2025-11-03 .. 2032-11-02` in text and JSON.
    #[serde(serialize_with = "as_text")]
    pub days: Interval,
}

/// What a term did to the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effect {
    /// A licence (or ownership) let the party act.
    Permits,
    /// An exclusivity or a forbid stopped the party.
    Blocks,
    /// The term is in force (`active`).
    Applies,
    /// A flow counted toward a sum of money.
    Counts,
    /// A flow that can carry money back (`roundtrip`).
    Returns,
    /// A termination ended another term early.
    Cuts,
}

impl Effect {
    pub fn word(self) -> &'static str {
        match self {
            Effect::Permits => "permits",
            Effect::Blocks => "blocks",
            Effect::Applies => "applies",
            Effect::Counts => "counts",
            Effect::Returns => "returns",
            Effect::Cuts => "cuts",
        }
    }
}

/// Whether a term certainly or only possibly did what it did on its days (§5: uncertain days).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Certainty {
    Certainly,
    Possibly,
}

impl Certainty {
    pub fn word(self) -> &'static str {
        match self {
            Certainty::Certainly => "certainly",
            Certainty::Possibly => "possibly",
        }
    }
}

impl std::fmt::Display for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

impl std::fmt::Display for Certainty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

fn as_text<S: serde::Serializer>(days: &Interval, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(days)
}

impl Explanation {
    pub fn new(summary: Summary) -> Explanation {
        Explanation {
            summary,
            terms: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Folds a sub-answer into a compound one: its summary as a note on the part (`question`
    /// as written, with its verdict for `and`/`or`), then its notes and terms;
    /// [`Explanation::dedup_terms`] once all are in.
    pub fn absorb(&mut self, part: Explanation, question: String, verdict: Option<Verdict>) {
        self.notes.push(Note::Part {
            question,
            verdict,
            summary: Box::new(part.summary),
        });
        self.notes.extend(part.notes);
        self.terms.extend(part.terms);
    }

    /// Lists the first [`MAX_EXPLANATION_TERMS`] terms and [`MAX_EXPLANATION_NOTES`] notes and
    /// counts the rest (the lists then take no more room than they need): a sum over thousands of flows, thousands of grants of one right, or an
    /// `or` of thousands of parts (a note each) would list every one.
    pub fn cap_lists(&mut self) {
        let notes = self.notes.len().saturating_sub(MAX_EXPLANATION_NOTES);
        if notes > 0 {
            self.notes.truncate(MAX_EXPLANATION_NOTES);
            self.notes.push(Note::MoreNotes(notes));
        }
        let more = self.terms.len().saturating_sub(MAX_EXPLANATION_TERMS);
        if more > 0 {
            self.terms.truncate(MAX_EXPLANATION_TERMS);
            self.notes.push(Note::MoreTerms(more));
        }
        // A report keeps an explanation per check: no room left over from growing the lists.
        self.terms.shrink_to_fit();
        self.notes.shrink_to_fit();
    }

    /// Keeps the first of each repeated term note, in linear time (parts of a compound
    /// question may each list the same thousands of terms).
    pub fn dedup_terms(&mut self) {
        let keep: Vec<bool> = {
            let mut seen = rustc_hash::FxHashSet::default();
            self.terms.iter().map(|t| seen.insert(t)).collect()
        };
        let mut keep = keep.into_iter();
        self.terms.retain(|_| keep.next().unwrap_or(true));
    }
}

/// Why a deal is left out of a world, for explanations: dated after the as-of date (assumed or
/// not), or `reported`/`proposed` and not assumed (reference §4).
pub fn not_in_force(world: &World<'_>, deal: usize) -> Note {
    let name = world
        .program
        .deal_name(deal)
        .map_or_else(|| Text::from("?"), |n| n.node.clone());
    let status = world.deal_status(deal);
    let only_assumed = world
        .program
        .deal_facts(deal)
        .is_some_and(|f| !f.counts_unassumed);
    let reason = match world.dated(deal) {
        Some(dated) if dated > world.as_of => LeftOut::DatedLater {
            dated,
            as_of: world.as_of,
            also_unassumed: only_assumed && !status.assumed,
        },
        _ => LeftOut::NotAssumed,
    };
    Note::NotInForce(NotInForce {
        deal: name,
        status,
        reason,
    })
}

/// The days a term certainly covers, then the days on either side it only possibly covers
/// (before it certainly started, after it may have ended), each with its certainty word; the
/// possible days are a superset of the certain ones.
pub fn by_certainty(certain: Interval, possible: Interval) -> Vec<(Certainty, Interval)> {
    if possible.is_empty() {
        return Vec::new();
    }
    if certain.is_empty() {
        return vec![(Certainty::Possibly, possible)];
    }
    let before = Interval::new(possible.start, certain.start.pred());
    let after = Interval::new(certain.end.succ(), possible.end);
    [
        (Certainty::Certainly, certain),
        (Certainty::Possibly, before),
        (Certainty::Possibly, after),
    ]
    .into_iter()
    .filter(|(_, days)| !days.is_empty())
    .collect()
}

/// A note about one term.
pub fn term_note(
    world: &World<'_>,
    sources: &SourceMap,
    id: TermId,
    effect: Effect,
    party: Option<Text>,
    certainty: Certainty,
    days: Interval,
) -> TermNote {
    let program: &Program = world.program;
    let span = program.term(id).map(|t| t.span).unwrap_or_default();
    let (file, line) = sources.shared_location(span);
    let deal = program.deal_tree(id.deal());
    let status = world.deal_status(id.deal());
    let (deal, deal_label, deal_description, deal_sources) = match deal {
        Some(d) => (
            program
                .deal_name(id.deal())
                .map_or_else(Text::new, |n| n.node.clone()),
            d.label.clone(),
            d.doc.clone(),
            std::sync::Arc::clone(&d.sources),
        ),
        None => (Text::new(), None, None, std::sync::Arc::from(Vec::new())),
    };
    TermNote {
        term: program.term_name(id),
        file,
        line,
        deal,
        deal_label,
        deal_description,
        status,
        sources: deal_sources,
        effect,
        party,
        certainty,
        days,
    }
}
