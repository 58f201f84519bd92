//! Open questions (docs/language.md §6): `when can` (the days a party may act, in three kinds)
//! and `who can` (each party that may). Both read the same day-by-day timelines as `can`, so
//! every answer agrees with the `can` question it opens up.

use super::explain::{Deed, Explanation, Summary};
use super::logic::Verdict;
use super::question::{Answer, Days, Evaluator, ANYONE_ELSE};
use super::timeline::Timeline;
use crate::ast::Text;
use crate::check::resolved::When;
use crate::check::{PartyId, Ref};
use crate::model::rights::Holder;
use crate::model::time::{Day, Interval};
use crate::source::Spanned;

/// The answer to `when can P X A [via C] [WHEN]`.
#[derive(Clone, Debug, PartialEq)]
pub struct WhenAnswer {
    pub deed: Deed,
    /// The days asked about, cut where the answer changes: `yes` where P certainly may (and
    /// the day is certainly asked about), `unknown` where it possibly may, `no` where it may not.
    pub pieces: Vec<(Interval, Verdict)>,
    /// The first day P certainly may; `None`: never.
    pub earliest_certain: Option<Day>,
    /// The first day P possibly may; `None`: never.
    pub earliest_possible: Option<Day>,
    /// The days asked about (possibly).
    pub days: Interval,
}

/// The answer to `who can [always] X A [via C] [WHEN]`.
#[derive(Clone, Debug, PartialEq)]
pub struct WhoAnswer {
    /// The deed, with no party (`deed.party` is empty).
    pub deed: Deed,
    pub always: bool,
    /// The days asked about (possibly).
    pub days: Interval,
    /// Every declared party whose `can` answer is yes or unknown, in declaration order.
    pub parties: Vec<PartyVerdict>,
    /// The answer for an undeclared party in no group.
    pub anyone_else: Verdict,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PartyVerdict {
    pub party: Text,
    pub verdict: Verdict,
    /// No term names this party or its group: its answer is anyone else's.
    pub as_anyone_else: bool,
}

impl Evaluator<'_> {
    /// The days of a `when can`: the WHEN's, or from the as-of date on.
    fn open_days(&self, when: Option<&Spanned<When>>) -> Days {
        match when {
            Some(_) => self.days(when),
            None => {
                let from = Interval::new(self.world.as_of, Day::NEVER);
                Days {
                    certain: from,
                    possible: from,
                }
            }
        }
    }

    pub(super) fn when_can(
        &self,
        party: &Ref,
        action: &Ref,
        asset: &Ref,
        via: Option<&Ref>,
        when: Option<&Spanned<When>>,
    ) -> Answer {
        let days = self.open_days(when);
        let (mut answer, timeline) = self.can_with_timeline(party, false, action, asset, via, days);
        let pieces = when_pieces(&timeline, days);
        let first = |wanted: fn(Verdict) -> bool| {
            pieces
                .iter()
                .find(|(_, v)| wanted(*v))
                .map(|(i, _)| i.start)
        };
        let earliest_certain = first(|v| v == Verdict::Yes);
        let earliest_possible = first(|v| v != Verdict::No);
        let Summary::Can(can) = &answer.explanation.summary else {
            return answer;
        };
        answer.explanation.summary = Summary::When(Box::new(WhenAnswer {
            deed: can.deed.clone(),
            pieces,
            earliest_certain,
            earliest_possible,
            days: days.possible,
        }));
        answer
    }

    pub(super) fn who_can(
        &self,
        always: bool,
        action: &Ref,
        asset: &Ref,
        via: Option<&Ref>,
        when: Option<&Spanned<When>>,
    ) -> Answer {
        let program = self.world.program;
        let (action_id, asset_id) = (action.id(), asset.id());
        let owner = program.owner_of(asset_id);
        let via_id = via.map(Ref::id);
        let days = self.days(when);
        // Only parties in the group trees of the owner and of the parties the asset's rights
        // name can answer differently from anyone else: every other one is "anyone else".
        let mut roots = vec![program.root(owner)];
        for right in self.index.rights(action_id, asset_id) {
            let named: Vec<PartyId> = match &right.holder {
                Holder::Party(p) => vec![*p],
                Holder::Everyone { except } => except.to_vec(),
            };
            roots.extend(named.into_iter().map(|p| program.root(p)));
        }
        roots.sort_unstable();
        roots.dedup();
        let mut named: Vec<PartyId> = roots.iter().flat_map(|&r| program.family(r)).collect();
        named.sort_unstable();
        named.dedup();
        let mut actors = named.clone();
        actors.push(ANYONE_ELSE);
        let (timelines, involved, left_out) =
            self.actor_timelines(&actors, action_id, asset_id, via_id, owner);
        let by_actor: rustc_hash::FxHashMap<PartyId, &Timeline> =
            actors.iter().copied().zip(&timelines).collect();
        let anyone_else_timeline = by_actor
            .get(&ANYONE_ELSE)
            .copied()
            .cloned()
            .unwrap_or_else(|| Timeline::constant(Verdict::No));
        let (anyone_else, _) = Self::over_days(&anyone_else_timeline, days, always);
        let verdict_of = |party: PartyId| {
            let timeline = program
                .family(party)
                .into_iter()
                .filter_map(|a| by_actor.get(&a).copied())
                .fold(Timeline::constant(Verdict::No), |all, t| all.or(t));
            Self::over_days(&timeline, days, always).0
        };
        let mut parties = Vec::new();
        let mut verdict = anyone_else;
        let all_parties: Box<dyn Iterator<Item = PartyId>> = if anyone_else == Verdict::No {
            Box::new(named.iter().copied())
        } else {
            Box::new(0..program.parties.len())
        };
        for party in all_parties {
            let as_anyone_else = named.binary_search(&party).is_err();
            let party_verdict = if as_anyone_else {
                anyone_else
            } else {
                verdict_of(party)
            };
            verdict = verdict.or(party_verdict);
            if party_verdict != Verdict::No {
                parties.push(PartyVerdict {
                    party: program.party_text(party),
                    verdict: party_verdict,
                    as_anyone_else,
                });
            }
        }
        let deed = Deed {
            party: Text::from(""),
            action: program.action_text(action_id),
            owner: program.party_text(owner),
            asset: program.asset_text(asset_id),
            via: via.map(|c| program.channel_text(c.id())),
        };
        let mut explanation = Explanation::new(Summary::Who(Box::new(WhoAnswer {
            deed,
            always,
            days: days.possible,
            parties,
            anyone_else,
        })));
        for &(id, effect, actor) in &involved {
            let party = if actor == ANYONE_ELSE {
                Text::from("anyone else")
            } else {
                program.party_text(actor)
            };
            self.note_window(&mut explanation, id, effect, Some(party), days.possible);
        }
        explanation.dedup_terms();
        for deal in left_out {
            let note = super::explain::not_in_force(self.world, deal);
            if !explanation.notes.contains(&note) {
                explanation.notes.push(note);
            }
        }
        Answer {
            verdict,
            explanation,
        }
    }
}

/// The days of `days.possible`, cut where the answer changes: a day only possibly asked about
/// is at most `unknown`.
fn when_pieces(timeline: &Timeline, days: Days) -> Vec<(Interval, Verdict)> {
    let asked = Timeline::sweep(
        false,
        &[super::timeline::Cover {
            certain: days.certain,
            possible: days.possible,
        }],
        &[],
    );
    let both = timeline.and(&asked);
    let mut pieces: Vec<(Interval, Verdict)> = both.pieces(days.possible).collect();
    pieces.shrink_to_fit();
    pieces
}

/// The typed answer of an open question, for embedders and JSON (`value`).
#[derive(Clone, Debug, PartialEq)]
pub enum OpenValue {
    Days(WhenAnswer),
    Parties(WhoAnswer),
    Value(super::explain::Side),
}

impl Answer {
    /// What an open question (`when can`, `who can`, a value alone) answers; `None` for a
    /// yes/no question.
    pub fn value(&self) -> Option<OpenValue> {
        OpenValue::of(&self.explanation.summary)
    }
}

impl OpenValue {
    pub fn of(summary: &Summary) -> Option<OpenValue> {
        match summary {
            Summary::When(when) => Some(OpenValue::Days(when.as_ref().clone())),
            Summary::Who(who) => Some(OpenValue::Parties(who.as_ref().clone())),
            Summary::Value(side) => Some(OpenValue::Value(side.as_ref().clone())),
            _ => None,
        }
    }
}
