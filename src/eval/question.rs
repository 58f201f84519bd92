//! Questions (reference §6): `can`, `active`, comparisons, and Kleene `and`/`or`/`not`.

use super::explain::{
    term_note, ActiveSummary, CanSummary, Certainty, Deed, Effect, Explanation, LogicOp, Note,
    Summary,
};
use super::logic::Verdict;
use super::timeline::{Cover, Timeline};
use crate::ast::RightKind;
use crate::check::resolved::{Open, Question, When};
use crate::check::{ChannelId, PartyId, Ref, Target, TargetRef, TermId};
use crate::diagnostic::Diagnostic;
use crate::model::money::MoneyGraph;
use crate::model::rights::{Effect as RightEffect, Holder, RightsIndex};
use crate::model::time::{Day, Interval};
use crate::model::world::{Reading, World};
use crate::source::{SourceMap, Span, Spanned};
use serde::Serialize;
use std::cell::OnceCell;
use std::sync::Arc;

/// A question's answer and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Answer {
    pub verdict: Verdict,
    pub explanation: Explanation,
}

/// An undeclared party in no group (the "anyone else" of `who can`): no term names it, no
/// group holds it, and it owns nothing. No declared party has this id.
pub const ANYONE_ELSE: PartyId = PartyId::MAX;

/// Evaluates questions in one world.
pub struct Evaluator<'w> {
    pub world: &'w World<'w>,
    pub index: &'w RightsIndex,
    pub sources: &'w SourceMap,
    /// The text of a span (the question being asked may not be in `sources`).
    pub text: &'w dyn Fn(Span) -> String,
    /// Built on first use, or handed in by a caller that kept one for the same world.
    money: OnceCell<Arc<MoneyGraph>>,
}

/// The days a WHEN covers: certainly, and possibly (a superset).
#[derive(Clone, Copy, Debug)]
pub struct Days {
    pub certain: Interval,
    pub possible: Interval,
}

impl<'w> Evaluator<'w> {
    pub fn new(
        world: &'w World<'w>,
        index: &'w RightsIndex,
        sources: &'w SourceMap,
        text: &'w dyn Fn(Span) -> String,
    ) -> Self {
        Evaluator {
            world,
            index,
            sources,
            text,
            money: OnceCell::new(),
        }
    }

    pub fn money(&self) -> &MoneyGraph {
        self.money
            .get_or_init(|| Arc::new(MoneyGraph::build(self.world)))
    }

    /// Uses `graph` as this world's money graph: it must have been built for the same world.
    pub fn with_money(self, graph: Arc<MoneyGraph>) -> Self {
        let _ = self.money.set(graph);
        self
    }

    /// The money graph, if a question needed it, for the caller to keep for the same world.
    pub fn built_money(&self) -> Option<Arc<MoneyGraph>> {
        self.money.get().cloned()
    }

    /// The answer to a whole question, its explanation capped for a reader
    /// ([`Explanation::cap_lists`]).
    pub fn answer(&self, question: &Spanned<Question>) -> Result<Answer, Diagnostic> {
        let mut answer = self.question(question)?;
        if answer.verdict == Verdict::Unknown {
            self.note_settles(question, &mut answer.explanation);
        }
        answer.explanation.cap_lists();
        Ok(answer)
    }

    pub fn question(&self, question: &Spanned<Question>) -> Result<Answer, Diagnostic> {
        match &question.node {
            Question::Literal(v) => Ok(Answer {
                verdict: *v,
                explanation: Explanation::new(Summary::Literal(*v)),
            }),
            Question::Not(inner) => {
                let a = self.question(inner)?;
                let verdict = a.verdict.not();
                let mut explanation = Explanation::new(Summary::Not {
                    inner: a.verdict,
                    verdict,
                });
                explanation.absorb(a.explanation, (self.text)(inner.span), None);
                explanation.dedup_terms();
                Ok(Answer {
                    verdict,
                    explanation,
                })
            }
            Question::And(parts) | Question::Or(parts) => {
                let is_and = matches!(question.node, Question::And(_));
                let mut verdict = Verdict::from_bool(is_and);
                let mut explanation = Explanation::new(Summary::Literal(verdict));
                let mut verdicts = Vec::new();
                for part in parts {
                    let a = self.question(part)?;
                    verdict = if is_and {
                        verdict.and(a.verdict)
                    } else {
                        verdict.or(a.verdict)
                    };
                    verdicts.push(a.verdict);
                    explanation.absorb(a.explanation, (self.text)(part.span), Some(a.verdict));
                }
                explanation.dedup_terms();
                explanation.summary = Summary::Logic {
                    op: if is_and { LogicOp::And } else { LogicOp::Or },
                    parts: verdicts,
                    verdict,
                };
                Ok(Answer {
                    verdict,
                    explanation,
                })
            }
            Question::Can {
                party,
                always,
                action,
                asset,
                via,
                when,
            } => Ok(self.can_over(
                party,
                *always,
                action,
                asset,
                via.as_ref(),
                self.days(when.as_ref()),
            )),
            Question::Active { target, when } => Ok(self.active(target, when.as_ref())),
            Question::Compare { left, op, right } => self.compare(left, *op, right, question.span),
            Question::Open(open) => match open.as_ref() {
                Open::When {
                    party,
                    action,
                    asset,
                    via,
                    when,
                } => Ok(self.when_can(party, action, asset, via.as_ref(), when.as_ref())),
                Open::Who {
                    always,
                    action,
                    asset,
                    via,
                    when,
                } => Ok(self.who_can(*always, action, asset, via.as_ref(), when.as_ref())),
                Open::Value(value) => self.value_answer(value),
            },
        }
    }

    /// The days of a WHEN (§6); no WHEN is the as-of date alone.
    pub fn days(&self, when: Option<&Spanned<When>>) -> Days {
        let w = self.world;
        let as_of = w.as_of;
        match when.map(|w| &w.node) {
            None => Days {
                certain: Interval::new(as_of, as_of),
                possible: Interval::new(as_of, as_of),
            },
            Some(When::Before(x)) => {
                let p = w.point(x, Reading::First);
                Days {
                    certain: Interval::new(as_of, p.lo.pred()),
                    possible: Interval::new(as_of, p.hi.pred()),
                }
            }
            Some(When::After(x)) => {
                let p = w.point(x, Reading::Last);
                Days {
                    certain: Interval::new(p.hi.succ(), Day::NEVER),
                    possible: Interval::new(p.lo.succ(), Day::NEVER),
                }
            }
            Some(When::In(x)) => {
                let (s, e) = (w.point(x, Reading::First), w.point(x, Reading::Last));
                Days {
                    certain: Interval::new(s.hi, e.lo),
                    possible: Interval::new(s.lo, e.hi),
                }
            }
            Some(When::Between(x, y)) => {
                let (s, e) = (w.point(x, Reading::First), w.point(y, Reading::Last));
                Days {
                    certain: Interval::new(s.hi, e.lo),
                    possible: Interval::new(s.lo, e.hi),
                }
            }
        }
    }

    /// "Some day" (`can`, `active`) or "every day" (`always`) over a WHEN, from a day-by-day answer.
    pub fn over_days(timeline: &Timeline, days: Days, always: bool) -> (Verdict, Option<Day>) {
        if always {
            // "Every day" is "not some day not": the dual of the rule below.
            let (verdict, day) = Self::over_days(&timeline.not(), days, false);
            return (verdict.not(), day);
        }
        if let Some(d) = timeline.find(days.certain, Verdict::Yes) {
            (Verdict::Yes, Some(d))
        } else if timeline.all(days.possible, Verdict::No) {
            (Verdict::No, None)
        } else {
            let d = timeline
                .pieces(days.possible)
                .find(|p| p.1 != Verdict::No)
                .map(|p| p.0.start);
            (Verdict::Unknown, d)
        }
    }

    /// `can P [always] X A [via C] WHEN` over the days of a WHEN.
    pub(super) fn can_over(
        &self,
        party: &Ref,
        always: bool,
        action: &Ref,
        asset: &Ref,
        via: Option<&Ref>,
        days: Days,
    ) -> Answer {
        self.can_with_timeline(party, always, action, asset, via, days)
            .0
    }

    /// [`Evaluator::can_over`], with the party's day-by-day timeline it was read from (`when
    /// can` cuts the same timeline into its days).
    pub(super) fn can_with_timeline(
        &self,
        party: &Ref,
        always: bool,
        action: &Ref,
        asset: &Ref,
        via: Option<&Ref>,
        days: Days,
    ) -> (Answer, Timeline) {
        let program = self.world.program;
        let (party_id, asset_id) = (party.id(), asset.id());
        let owner = program.owner_of(asset_id);
        let (timeline, involved, left_out) =
            self.may_timeline(party_id, action.id(), asset_id, via.map(|c| c.id()), owner);
        let (verdict, day) = Self::over_days(&timeline, days, always);

        let deed = Deed {
            party: program.party_text(party_id),
            action: program.action_text(action.id()),
            owner: program.party_text(owner),
            asset: program.asset_text(asset_id),
            via: via.map(|c| program.channel_text(c.id())),
        };
        let mut explanation = Explanation::new(Summary::Can(Box::new(CanSummary {
            deed: deed.clone(),
            always,
            verdict,
            day,
            days: days.possible,
        })));
        let owns = program.family(party_id).contains(&owner);
        if owns {
            explanation.notes.push(Note::Owns {
                owner: program.party_text(owner),
                deed: deed.clone(),
            });
        }
        for &(id, effect, actor) in &involved {
            self.note_window(
                &mut explanation,
                id,
                effect,
                Some(program.party_text(actor)),
                days.possible,
            );
        }
        if verdict == Verdict::No && !owns && !days.possible.is_empty() {
            self.note_missing_right(&mut explanation, &involved, deed, days.possible);
        }
        for deal in left_out {
            explanation
                .notes
                .push(super::explain::not_in_force(self.world, deal));
        }
        let answer = Answer {
            verdict,
            explanation,
        };
        (answer, timeline)
    }

    /// How many rights on other days a "no" lists before counting the rest.
    const MAX_RIGHTS_ELSEWHERE: usize = 5;

    /// Why a party without a listed permission may not: the rights it holds on other days
    /// only, or that no term in force gives it one. A "no" with no clause would leave the
    /// reader to prove a negative.
    fn note_missing_right(
        &self,
        explanation: &mut Explanation,
        involved: &[(TermId, Effect, PartyId)],
        deed: Deed,
        within: Interval,
    ) {
        if explanation
            .terms
            .iter()
            .any(|t| t.effect == Effect::Permits)
        {
            return;
        }
        let program = self.world.program;
        let mut elsewhere = 0;
        for &(id, _, actor) in involved.iter().filter(|i| i.1 == Effect::Permits) {
            let Some(days) = self.world.window(id).map(|w| w.possible()) else {
                continue;
            };
            if days.is_empty() {
                continue;
            }
            elsewhere += 1;
            if elsewhere <= Self::MAX_RIGHTS_ELSEWHERE {
                explanation.notes.push(Note::PermitsElsewhere {
                    term: program.term_name(id),
                    party: program.party_text(actor),
                    days,
                    cut_by: self.cut_by(id, within),
                });
            }
        }
        if elsewhere > Self::MAX_RIGHTS_ELSEWHERE {
            explanation.notes.push(Note::MoreRightsElsewhere(
                elsewhere - Self::MAX_RIGHTS_ELSEWHERE,
            ));
        }
        if elsewhere == 0 {
            explanation.notes.push(Note::NoRight(deed));
        }
    }

    /// Adds what a term did over the question's days: certainly, then possibly.
    pub(super) fn note_window(
        &self,
        explanation: &mut Explanation,
        id: TermId,
        effect: Effect,
        party: Option<crate::ast::Text>,
        within: Interval,
    ) {
        let Some(window) = self.world.window(id) else {
            return;
        };
        let certain = window.certain().intersect(within);
        let possible = window.possible().intersect(within);
        self.note_days(explanation, id, effect, party, certain, possible);
        self.note_cuts(explanation, id, within);
    }

    /// What a term did, certainly on `certain` and possibly on the rest of `possible`.
    pub(super) fn note_days(
        &self,
        explanation: &mut Explanation,
        id: TermId,
        effect: Effect,
        party: Option<crate::ast::Text>,
        certain: Interval,
        possible: Interval,
    ) {
        for (certainty, days) in super::explain::by_certainty(certain, possible) {
            explanation.terms.push(term_note(
                self.world,
                self.sources,
                id,
                effect,
                party.clone(),
                certainty,
                days,
            ));
        }
    }

    /// Whether terminations took days of `within` from a term (days it would apply on as
    /// written but does not).
    fn cut_within(&self, id: TermId, within: Interval) -> bool {
        let lost = self.world.written_window(id).possible().intersect(within);
        let kept = self
            .world
            .window(id)
            .map(|w| w.possible().intersect(within));
        !lost.is_empty() && kept.is_some_and(|kept| kept != lost)
    }

    /// The terminations that cut a term's window within `within` (days it would apply on as
    /// written but does not), each as a deciding term: a right ended early is the termination's
    /// doing, and the reader must be able to find it.
    pub(super) fn note_cuts(&self, explanation: &mut Explanation, id: TermId, within: Interval) {
        if !self.cut_within(id, within) {
            return;
        }
        let written = self.world.written_window(id);
        for (terminator, at) in self.world.terminations_of(id) {
            let cut = Interval::new(at.lo, written.possible().end).intersect(within);
            if cut.is_empty() {
                continue;
            }
            let certainty = if at.lo == at.hi {
                Certainty::Certainly
            } else {
                Certainty::Possibly
            };
            explanation.terms.push(term_note(
                self.world,
                self.sources,
                terminator,
                Effect::Cuts,
                Some(program_term_name(self.world, id)),
                certainty,
                cut,
            ));
        }
    }

    /// The terminations (by name, with the day each cuts from) that cut the term's window
    /// within `within`; none when no days of `within` were lost.
    fn cut_by(&self, id: TermId, within: Interval) -> Vec<(String, crate::model::time::Point)> {
        if !self.cut_within(id, within) {
            return Vec::new();
        }
        let program = self.world.program;
        self.world
            .terminations_of(id)
            .into_iter()
            .map(|(t, at)| (program.term_name(t), at))
            .collect()
    }

    /// Day by day: may `party` (or a unit of it) do `action` with `asset` on some channel?
    /// Returns the answer, the terms that bore on it, and deals left out that would have.
    #[allow(clippy::type_complexity)]
    pub fn may_timeline(
        &self,
        party: PartyId,
        action: usize,
        asset: usize,
        via: Option<ChannelId>,
        owner: PartyId,
    ) -> (Timeline, Vec<(TermId, Effect, PartyId)>, Vec<usize>) {
        let actors = self.world.program.family(party);
        let (timelines, involved, left_out) =
            self.actor_timelines(&actors, action, asset, via, owner);
        let timeline = timelines
            .iter()
            .fold(Timeline::constant(Verdict::No), |all, t| all.or(t));
        (timeline, involved, left_out)
    }

    /// Day by day, for each actor alone (not its units): may it do `action` with `asset` on
    /// some channel? One pass over the asset's rights serves every actor. An actor may be
    /// [`ANYONE_ELSE`].
    #[allow(clippy::type_complexity)]
    pub fn actor_timelines(
        &self,
        actors: &[PartyId],
        action: usize,
        asset: usize,
        via: Option<ChannelId>,
        owner: PartyId,
    ) -> (Vec<Timeline>, Vec<(TermId, Effect, PartyId)>, Vec<usize>) {
        let program = self.world.program;
        let rights = self.index.rights(action, asset);
        let channels: Vec<Option<ChannelId>> = match via {
            Some(c) => vec![Some(c)],
            None => {
                let mut named: Vec<Option<ChannelId>> =
                    rights.iter().filter_map(|r| r.via()).map(Some).collect();
                named.sort_unstable();
                named.dedup();
                named.push(None);
                named
            }
        };
        // Rights that can concern every actor (held by everyone, or exclusivities, which bind
        // everyone else), and the rest by the party they name: a grant concerns its holder, a
        // forbid the party and its units. An actor looks only at what can concern it, so a group
        // of thousands of units over thousands of licences is not a product of the two.
        let mut everyone: Vec<usize> = Vec::new();
        let mut by_party: rustc_hash::FxHashMap<PartyId, Vec<usize>> = Default::default();
        for (i, right) in rights.iter().enumerate() {
            match (&right.holder, right.kind) {
                (Holder::Party(p), RightKind::Grant | RightKind::Forbid) => {
                    by_party.entry(*p).or_default().push(i)
                }
                _ => everyone.push(i),
            }
        }
        let mut timelines = Vec::with_capacity(actors.len());
        let mut involved = Vec::new();
        // Seen (term, effect, actor) triples: a set, so that thousands of terms on one asset
        // are listed in linear time.
        let mut seen = rustc_hash::FxHashSet::default();
        let mut left_out = Vec::new();
        let mut seen_deals = rustc_hash::FxHashSet::default();
        for &actor in actors {
            let mut timeline = Timeline::constant(Verdict::No);
            let mut concerning = everyone.clone();
            for named in std::iter::once(actor).chain(program.groups_of(actor)) {
                concerning.extend(by_party.get(&named).into_iter().flatten());
            }
            // In the rule set's order, as the explanation lists them.
            concerning.sort_unstable();
            for &channel in &channels {
                let mut permits = Vec::new();
                let mut blocks = Vec::new();
                let concerning = concerning.iter().filter_map(|&i| rights.get(i));
                for right in concerning.filter(|r| r.on_channel(channel)) {
                    let Some(effect) = right.effect_on(program, actor, owner) else {
                        continue;
                    };
                    let Some(window) = self.world.window(right.id) else {
                        if seen_deals.insert(right.id.deal()) {
                            left_out.push(right.id.deal());
                        }
                        continue;
                    };
                    let cover = Cover {
                        certain: window.certain(),
                        possible: window.possible(),
                    };
                    let word = match effect {
                        RightEffect::Permits => {
                            permits.push(cover);
                            Effect::Permits
                        }
                        RightEffect::Blocks => {
                            blocks.push(cover);
                            Effect::Blocks
                        }
                    };
                    if seen.insert((right.id, word, actor)) {
                        involved.push((right.id, word, actor));
                    }
                }
                timeline = timeline.or(&Timeline::sweep(actor == owner, &permits, &blocks));
            }
            timelines.push(timeline);
        }
        (timelines, involved, left_out)
    }

    fn active(&self, target: &TargetRef, when: Option<&Spanned<When>>) -> Answer {
        let program = self.world.program;
        let terms: Vec<TermId> = match target.target {
            Target::Term(id) => vec![id],
            Target::Deal(d) => (0..program.deal_term_count(d))
                .map(|index| TermId::new(d, index))
                .filter(|id| !program.is_terminate(*id))
                .collect(),
        };
        let covers: Vec<Cover> = terms
            .iter()
            .filter_map(|&id| self.world.window(id))
            .map(|w| Cover {
                certain: w.certain(),
                possible: w.possible(),
            })
            .collect();
        let timeline = Timeline::sweep(false, &covers, &[]);
        let days = self.days(when);
        let (verdict, day) = Self::over_days(&timeline, days, false);
        let mut explanation = Explanation::new(Summary::Active(Box::new(ActiveSummary {
            target: (self.text)(target.span),
            verdict,
            day,
            days: days.possible,
            never_in_force: covers.is_empty(),
        })));
        for id in terms {
            self.note_window(&mut explanation, id, Effect::Applies, None, days.possible);
            if !self.world.deal_in_force(id.deal()) {
                let note = super::explain::not_in_force(self.world, id.deal());
                if !explanation.notes.contains(&note) {
                    explanation.notes.push(note);
                }
            }
        }
        Answer {
            verdict,
            explanation,
        }
    }
}

/// A term's name as explanations show it, shared.
fn program_term_name(world: &World<'_>, id: TermId) -> crate::ast::Text {
    crate::ast::Text::from(world.program.term_name(id).as_str())
}
