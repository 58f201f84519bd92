//! The data of a timeline picture (`dealcheck timeline`): for each action on each asset, a row
//! per party that may act, with the days it certainly may, possibly may, and holds a right but
//! is blocked; the events and terminations that move those days. The same timelines as `can`,
//! `when can` and `who can`, so the picture and the answers agree. Drawn by `report::svg`.

use super::logic::Verdict;
use super::question::{Evaluator, ANYONE_ELSE};
use super::timeline::{Cover, Timeline};
use crate::ast::{RightKind, Text};
use crate::check::resolved::Point as PointExpr;
use crate::check::{PartyId, TermId};
use crate::model::rights::{Effect, Holder, Right};
use crate::model::time::{Day, Interval, Point};
use serde::Serialize;

/// Every lane of a timeline, over the days drawn.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Chart {
    #[serde(serialize_with = "iso::day")]
    pub as_of: Day,
    /// The days the picture spans (finite: open ends run to its edge).
    #[serde(serialize_with = "iso::interval")]
    pub span: Interval,
    pub lanes: Vec<Lane>,
}

/// One action on one asset.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Lane {
    pub action: Text,
    pub owner: Text,
    pub asset: Text,
    pub rows: Vec<Row>,
    pub markers: Vec<Marker>,
}

/// One party (or anyone else) on a lane.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub party: Text,
    /// The days it may: `yes` certainly, `unknown` possibly (days it may not are left out).
    #[serde(serialize_with = "iso::pieces")]
    pub days: Vec<(Interval, Verdict)>,
    /// Days it holds a right (or owns the asset) but a forbid or someone else's exclusivity
    /// blocks it.
    #[serde(serialize_with = "iso::intervals")]
    pub blocked: Vec<Interval>,
    /// What it holds: `owner`, `exclusive`, `sole`, `grant`.
    pub holds: Vec<&'static str>,
}

/// An event or a termination that bears on a lane.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Marker {
    pub label: Text,
    pub kind: MarkerKind,
    /// Its day, maybe known only to lie in a range.
    #[serde(serialize_with = "iso::point")]
    pub days: Point,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MarkerKind {
    Event,
    Termination,
}

/// Which lanes to draw: every (action, asset), or the ones named.
#[derive(Clone, Debug, Default)]
pub struct ChartFilter {
    pub asset: Option<usize>,
    pub action: Option<usize>,
}

impl Evaluator<'_> {
    /// The timeline of every (action, asset) the filter keeps, in (action, asset) order.
    pub fn chart(&self, filter: &ChartFilter) -> Chart {
        let mut lanes = Vec::new();
        let mut days: Vec<Day> = vec![self.world.as_of];
        for rights in self.index.groups() {
            let Some(first) = rights.first() else {
                continue;
            };
            let (action, asset) = (first.action(), first.asset());
            if filter.action.is_some_and(|a| a != action)
                || filter.asset.is_some_and(|a| a != asset)
            {
                continue;
            }
            let lane = self.lane(rights, action, asset, &mut days);
            if !lane.rows.is_empty() {
                lanes.push(lane);
            }
        }
        days.retain(|d| d.is_finite());
        let (lo, hi) = (
            days.iter().copied().min().unwrap_or(self.world.as_of),
            days.iter().copied().max().unwrap_or(self.world.as_of),
        );
        // Half a year of margin, and at least two years drawn.
        let margin = crate::ast::Duration { months: 6, days: 0 };
        let (mut start, mut end) = (lo.add(margin, -1), hi.add(margin, 1));
        let two_years = crate::ast::Duration {
            months: 24,
            days: 0,
        };
        if end < start.add(two_years, 1) {
            end = start.add(two_years, 1);
        }
        if !start.is_finite() {
            start = self.world.as_of;
        }
        Chart {
            as_of: self.world.as_of,
            span: Interval::new(start, end),
            lanes,
        }
    }

    fn lane(&self, rights: &[Right], action: usize, asset: usize, days: &mut Vec<Day>) -> Lane {
        let program = self.world.program;
        let owner = program.owner_of(asset);
        // The parties rights name (and the owner), each alone, then anyone else.
        let mut actors: Vec<PartyId> = vec![owner];
        for right in rights {
            match &right.holder {
                Holder::Party(p) => actors.push(*p),
                Holder::Everyone { except } => actors.extend(except.iter().copied()),
            }
        }
        let mut seen = rustc_hash::FxHashSet::default();
        actors.retain(|a| seen.insert(*a));
        actors.sort_unstable();
        actors.push(ANYONE_ELSE);
        let (timelines, _, _) = self.actor_timelines(&actors, action, asset, None, owner);
        let mut rows = Vec::new();
        let mut terms: Vec<TermId> = Vec::new();
        for (&actor, timeline) in actors.iter().zip(&timelines) {
            let mut permits = Vec::new();
            let mut holds = Vec::new();
            if actor == owner {
                holds.push("owner");
            }
            for right in rights {
                if right.effect_on(program, actor, owner) != Some(Effect::Permits) {
                    continue;
                }
                let Some(w) = self.world.window(right.id) else {
                    continue;
                };
                permits.push(Cover {
                    certain: w.certain(),
                    possible: w.possible(),
                });
                terms.push(right.id);
                let word = match right.kind {
                    RightKind::Exclusive => "exclusive",
                    RightKind::Sole => "sole",
                    RightKind::Grant | RightKind::Forbid => "grant",
                };
                if !holds.contains(&word) {
                    holds.push(word);
                }
            }
            let permitted = Timeline::sweep(actor == owner, &permits, &[]);
            let may: Vec<(Interval, Verdict)> = timeline
                .pieces(Interval::ALL)
                .filter(|p| p.1 != Verdict::No)
                .collect();
            let blocked: Vec<Interval> = permitted
                .and(&timeline.not())
                .pieces(Interval::ALL)
                .filter(|p| p.1 == Verdict::Yes)
                .map(|p| p.0)
                .collect();
            if may.is_empty() && blocked.is_empty() {
                continue;
            }
            for (interval, _) in &may {
                days.extend([interval.start, interval.end]);
            }
            days.extend(blocked.iter().flat_map(|b| [b.start, b.end]));
            let party = if actor == ANYONE_ELSE {
                Text::from("anyone else")
            } else {
                program.party_text(actor)
            };
            rows.push(Row {
                party,
                days: may,
                blocked,
                holds,
            });
        }
        terms.extend(rights.iter().map(|r| r.id));
        terms.sort_unstable();
        terms.dedup();
        let markers = self.markers(&terms);
        days.extend(markers.iter().flat_map(|m| [m.days.lo, m.days.hi]));
        Lane {
            action: program.action_text(action),
            owner: program.party_text(owner),
            asset: program.asset_text(asset),
            rows,
            markers,
        }
    }

    /// The events the terms' windows are written with, and the terminations that cut them.
    fn markers(&self, terms: &[TermId]) -> Vec<Marker> {
        let program = self.world.program;
        let mut markers = Vec::new();
        let mut events = Vec::new();
        for &id in terms {
            if let Some(window) = program.term(id).and_then(|t| t.window()) {
                for point in window.points() {
                    if let PointExpr::Event(e) = &point.node {
                        events.push(e.id());
                    }
                }
            }
            for (terminator, at) in self.world.terminations_of(id) {
                let marker = Marker {
                    label: Text::from(
                        format!(
                            "{} ends {}",
                            program.term_name(terminator),
                            program.term_name(id)
                        )
                        .as_str(),
                    ),
                    kind: MarkerKind::Termination,
                    days: at,
                };
                if !markers.contains(&marker) {
                    markers.push(marker);
                }
            }
        }
        events.sort_unstable();
        events.dedup();
        for e in events {
            let Some(decl) = program.events.get(e) else {
                continue;
            };
            markers.push(Marker {
                label: decl.name.node.clone(),
                kind: MarkerKind::Event,
                days: self.world.event(e),
            });
        }
        markers.sort_by_key(|m| (m.days.lo, m.days.hi));
        markers
    }
}

/// Days in JSON as ISO dates: `null` for an open start or end.
mod iso {
    use super::{Day, Interval, Point, Verdict};
    use serde::ser::{SerializeSeq, SerializeStruct, Serializer};

    fn text(day: Day) -> Option<String> {
        day.is_finite().then(|| day.to_string())
    }

    pub fn day<S: Serializer>(day: &Day, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_some(&text(*day))
    }

    pub fn interval<S: Serializer>(i: &Interval, s: S) -> Result<S::Ok, S::Error> {
        let mut r = s.serialize_struct("Days", 2)?;
        r.serialize_field("from", &text(i.start))?;
        r.serialize_field("to", &text(i.end))?;
        r.end()
    }

    pub fn point<S: Serializer>(p: &Point, s: S) -> Result<S::Ok, S::Error> {
        let mut r = s.serialize_struct("Point", 2)?;
        r.serialize_field("earliest", &text(p.lo))?;
        r.serialize_field("latest", &text(p.hi))?;
        r.end()
    }

    struct Days<'a>(&'a Interval, Option<Verdict>);

    impl serde::Serialize for Days<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut r = s.serialize_struct("Days", 3)?;
            r.serialize_field("from", &text(self.0.start))?;
            r.serialize_field("to", &text(self.0.end))?;
            if let Some(v) = self.1 {
                r.serialize_field("answer", &v)?;
            }
            r.end()
        }
    }

    pub fn pieces<S: Serializer>(pieces: &[(Interval, Verdict)], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(pieces.len()))?;
        for (i, v) in pieces {
            seq.serialize_element(&Days(i, Some(*v)))?;
        }
        seq.end()
    }

    pub fn intervals<S: Serializer>(list: &[Interval], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(list.len()))?;
        for i in list {
            seq.serialize_element(&Days(i, None))?;
        }
        seq.end()
    }
}
