//! Explanations: the deciding terms with where they are, their deal's status and sources, and
//! what each did over which days (reference §8).

use crate::ast::{Status, Text};
use crate::check::{Program, TermId};
use crate::model::time::Interval;
use crate::model::world::World;
use crate::source::SourceMap;
use serde::Serialize;
use std::borrow::Cow;

/// Why an answer is what it is.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Explanation {
    /// One sentence a person can read.
    pub summary: String,
    /// The terms that bore on the answer.
    pub terms: Vec<TermNote>,
    /// Everything else worth knowing (deals left out, assumptions, parts of a compound question).
    pub notes: Vec<String>,
}

/// Most terms an answer's explanation lists, and most notes; the rest are counted in a note.
pub const MAX_EXPLANATION_TERMS: usize = 50;
pub const MAX_EXPLANATION_NOTES: usize = 50;

/// What one term did. Texts a rule set already holds (file, deal name, party) are shared, and
/// the fixed words are static: a check of thousands of rules keeps thousands of these.
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
    pub status: Cow<'static, str>,
    pub sources: Vec<Text>,
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
    pub fn with_summary(summary: impl Into<String>) -> Explanation {
        Explanation {
            summary: summary.into(),
            ..Explanation::default()
        }
    }

    /// Folds a sub-answer into a compound one; [`Explanation::dedup_terms`] once all are in.
    pub fn absorb(&mut self, part: Explanation, label: String) {
        // A comparison's summary ends by saying what the label says (`… so `x > 1` is yes`).
        if part.summary.ends_with(&label) {
            self.notes.push(part.summary);
        } else {
            self.notes.push(format!("{label}: {}", part.summary));
        }
        self.notes.extend(part.notes);
        self.terms.extend(part.terms);
    }

    /// Lists the first [`MAX_EXPLANATION_TERMS`] terms and [`MAX_EXPLANATION_NOTES`] notes and
    /// counts the rest: a sum over thousands of flows, thousands of grants of one right, or an
    /// `or` of thousands of parts (a note each) would list every one.
    pub fn cap_lists(&mut self) {
        let notes = self.notes.len().saturating_sub(MAX_EXPLANATION_NOTES);
        if notes > 0 {
            self.notes.truncate(MAX_EXPLANATION_NOTES);
            self.notes.push(format!("… and {notes} more notes"));
        }
        let more = self.terms.len().saturating_sub(MAX_EXPLANATION_TERMS);
        if more > 0 {
            self.terms.truncate(MAX_EXPLANATION_TERMS);
            self.notes.push(format!(
                "… and {more} more terms bear on this answer (the first {MAX_EXPLANATION_TERMS} are listed)"
            ));
        }
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

/// The status word of a deal as the report shows it.
pub fn status_word(world: &World<'_>, deal: usize) -> Cow<'static, str> {
    let Some(d) = world.program.deal_head(deal) else {
        return Cow::Borrowed("");
    };
    let word: Cow<'static, str> = match d.statuses.into_iter().next().map(|s| s.node) {
        None | Some(Status::Signed) => Cow::Borrowed("signed"),
        Some(Status::Announced) => Cow::Borrowed("announced"),
        Some(Status::Reported) => Cow::Borrowed("reported"),
        Some(Status::Proposed) => Cow::Borrowed("proposed"),
        Some(Status::TerminatedOn(p)) => Cow::Owned(format!(
            "terminated on {}",
            world.point(&p, crate::model::world::Reading::First)
        )),
    };
    if world.context().assumed_deals.contains(&deal) {
        Cow::Owned(format!("{word} (assumed)"))
    } else {
        word
    }
}

/// Why a deal is left out of a world, for explanations: dated after the as-of date (assumed or
/// not), or `reported`/`proposed` and not assumed (reference §4).
pub fn not_in_force_note(world: &World<'_>, deal: usize) -> String {
    let d = world.program.deal_head(deal);
    let name = d.as_ref().map_or("?", |d| d.name.node.as_str());
    let status = status_word(world, deal);
    let assumed = world.context().assumed_deals.contains(&deal);
    let only_assumed = world
        .program
        .deal_facts(deal)
        .is_some_and(|f| !f.counts_unassumed);
    match world.dated(deal) {
        Some(day) if day > world.as_of => {
            let also = if only_assumed && !assumed {
                format!(" (and, {status}, it counts only when assumed)")
            } else {
                String::new()
            };
            format!(
                "deal `{name}` ({status}) is not yet in force: it is dated {day}, after the as-of date {}{also}; a later `--as-of` would count it",
                world.as_of
            )
        }
        _ => format!(
            "deal `{name}` ({status}) is not in force: {status} deals count only when assumed (`assuming {name}`, or `--assume {name}`)"
        ),
    }
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
    let deal = program.deal_head(id.deal());
    let status = status_word(world, id.deal());
    let (deal, deal_label, deal_description, deal_sources) = match deal {
        Some(d) => (d.name.node, d.label, d.doc, d.sources),
        None => (Text::new(), None, None, Vec::new()),
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
