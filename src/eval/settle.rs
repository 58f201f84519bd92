//! What would settle an unknown answer (docs/language.md §6): the open facts it depends on
//! (an event's day, a term's uncertain first or last day, a ranged amount) and, for a day,
//! which days of it give yes and which give no when that fact alone is fixed.
//!
//! The answer is worked out again with the fact fixed on a few days, never day by day: on the
//! days where some window or the question's time starts or ends (and those shifted by the
//! term's own duration), and by halving between two of them whose answers differ.

use super::explain::{Note, Settles};
use super::logic::Verdict;
use super::question::Evaluator;
use crate::ast::{Text, WindowEnd};
use crate::check::resolved::{Open, Point as PointExpr, Question, Value, Window};
use crate::check::{EventId, Target, TermId};
use crate::model::money;
use crate::model::range::Range;
use crate::model::time::{Day, Interval, Point};
use crate::model::world::{Bound, Context, World};
use crate::source::Spanned;

/// How many open facts an answer lists.
const MAX_FACTS: usize = 5;
/// How many days a fact is tried on at most (the rest of its days are not split).
const MAX_TRIES: usize = 200;

/// A fact an unknown answer depends on.
#[derive(Clone, Debug, PartialEq)]
pub enum OpenFact {
    /// An event's day.
    Event { name: Text, days: Point },
    /// A term's first (`start(d.x)`) or last (`end(d.x)`) day, as written.
    Bound {
        term: String,
        bound: Bound,
        days: Point,
    },
    /// A flow's amount, stated as a range.
    Amount {
        term: String,
        amount: Range,
        currency: Text,
    },
    /// An exchange rate declared as a range (`rate 1 EUR = between 1.05 USD and 1.10 USD`).
    Rate {
        from: String,
        to: String,
        rate: Range,
    },
}

/// A day fact in the world: what to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fixable {
    Event(EventId),
    Bound(TermId, Bound),
}

impl Evaluator<'_> {
    /// Adds to an unknown answer what would settle it.
    pub(super) fn note_settles(
        &self,
        question: &Spanned<Question>,
        explanation: &mut super::explain::Explanation,
    ) {
        let world = self.world;
        let program = world.program;
        let mut terms = Vec::new();
        let mut events = Vec::new();
        self.involved(question, &mut terms, &mut events);
        terms.sort_unstable();
        terms.dedup();
        // Day facts: events the question or the terms' windows name, then terms' uncertain bounds.
        let mut fixables: Vec<Fixable> = Vec::new();
        for &id in &terms {
            let Some(window) = program.term(id).and_then(|t| t.window()) else {
                continue;
            };
            let written = world.written_window(id);
            let (from, until) = window_points(window);
            for (bound, written_point, point) in [
                (Bound::Start, from, written.start),
                (Bound::End, until, written.end),
            ] {
                if point.is_exact() {
                    continue;
                }
                match written_point.map(|p| &p.node) {
                    Some(PointExpr::Event(e)) => events.push(e.id()),
                    _ => fixables.push(Fixable::Bound(id, bound)),
                }
            }
        }
        events.sort_unstable();
        events.dedup();
        let mut facts: Vec<Fixable> = events
            .iter()
            .filter(|&&e| !world.event(e).is_exact())
            .map(|&e| Fixable::Event(e))
            .collect();
        facts.extend(fixables);
        facts.dedup();
        let boundaries = self.boundaries(question, &terms);
        let is_value = matches!(&question.node, Question::Open(open) if matches!(open.as_ref(), Open::Value(_)));
        // Facts that settle the answer alone come first; one that does not is listed only when
        // none does (the answer then hangs on several at once).
        let mut settling = Vec::new();
        let mut others = Vec::new();
        for fact in facts.into_iter().take(MAX_FACTS) {
            let (open, days) = match fact {
                Fixable::Event(e) => {
                    let days = world.event(e);
                    let name = program
                        .events
                        .get(e)
                        .map_or_else(|| Text::from("?"), |d| d.name.node.clone());
                    (OpenFact::Event { name, days }, days)
                }
                Fixable::Bound(id, bound) => {
                    let w = world.written_window(id);
                    let days = match bound {
                        Bound::Start => w.start,
                        Bound::End => w.end,
                    };
                    let term = program.term_name(id);
                    (OpenFact::Bound { term, bound, days }, days)
                }
            };
            // A value asked alone is known once its facts are: which days give "yes" says nothing.
            let (yes, no, never) = if is_value {
                (Vec::new(), Vec::new(), None)
            } else {
                self.split(question, fact, days, &boundaries)
            };
            let settles =
                !yes.is_empty() || !no.is_empty() || never.is_some_and(|v| v != Verdict::Unknown);
            let note = Note::Settles(Box::new(Settles {
                fact: open,
                tried: !is_value,
                yes,
                no,
                never,
            }));
            if settles || is_value {
                settling.push(note);
            } else {
                others.push(note);
            }
        }
        if settling.is_empty() {
            settling = others;
        }
        explanation.notes.extend(settling);
        self.note_ranged_amounts(question, explanation);
        // A conversion at a ranged rate leaves the value a range too.
        let rates: Vec<Note> = explanation
            .notes
            .iter()
            .filter_map(|n| match n {
                Note::Converted { from, to, rate } if !rate.is_exact() => {
                    Some(Note::Settles(Box::new(Settles {
                        fact: OpenFact::Rate {
                            from: from.clone(),
                            to: to.clone(),
                            rate: *rate,
                        },
                        tried: false,
                        yes: Vec::new(),
                        no: Vec::new(),
                        never: None,
                    })))
                }
                _ => None,
            })
            .collect();
        explanation.notes.extend(rates);
    }

    /// The days of `days` on which fixing `fact` gives yes, and those giving no.
    fn split(
        &self,
        question: &Spanned<Question>,
        fact: Fixable,
        days: Point,
        boundaries: &[Day],
    ) -> (Vec<Interval>, Vec<Interval>, Option<Verdict>) {
        let (lo, hi) = (days.lo, days.hi);
        // An undated event may also never happen: that is tried on its own ([`Settles::never`]);
        // the days tried are real ones, the last stretch running on without end.
        let last = hi;
        let mut tries: Vec<Day> = vec![lo];
        if hi.is_finite() {
            tries.push(hi);
        }
        let shifts = self.shifts(fact);
        // A day well past every boundary: a change in the open tail is then found by halving.
        if let Some(&far) = boundaries.last() {
            tries.push(Day(far.0.saturating_add(800)));
        }
        for &b in boundaries {
            for d in [b.pred().pred(), b.pred(), b, b.succ(), b.succ().succ()] {
                tries.push(d);
                for &(months, days) in &shifts {
                    let shift = crate::ast::Duration { months, days };
                    tries.push(d.add(shift, -1));
                    tries.push(d.add(shift, -1).succ());
                }
            }
        }
        tries.retain(|&d| lo <= d && d <= last && d.is_finite());
        tries.sort_unstable();
        tries.dedup();
        tries.truncate(MAX_TRIES);
        let verdict_on = |d: Day| self.verdict_with(question, fact, d);
        // Each tried day with its answer; between two tried days that differ, the change is
        // found by halving.
        let mut pieces: Vec<(Day, Verdict)> = Vec::new();
        let mut previous: Option<(Day, Verdict)> = None;
        for d in tries {
            let v = verdict_on(d);
            if let Some((p, pv)) = previous {
                if pv != v && p.succ() < d {
                    let (mut a, mut b) = (p, d);
                    while a.succ() < b {
                        let mid = Day(a.0 + (b.0 - a.0) / 2);
                        if verdict_on(mid) == pv {
                            a = mid;
                        } else {
                            b = mid;
                        }
                    }
                    let vb = verdict_on(b);
                    if vb != v {
                        pieces.push((b, vb));
                    } else {
                        pieces.push((b, v));
                        previous = Some((d, v));
                        continue;
                    }
                }
            }
            pieces.push((d, v));
            previous = Some((d, v));
        }
        let mut yes: Vec<Interval> = Vec::new();
        let mut no: Vec<Interval> = Vec::new();
        for (i, &(start, v)) in pieces.iter().enumerate() {
            // A piece runs to the day before the next; the last one to the fact's last day.
            let end = match pieces.get(i + 1) {
                Some(next) => next.0.pred(),
                None => last,
            };
            let piece = Interval::new(start, end.max(start));
            let list = match v {
                Verdict::Yes => &mut yes,
                Verdict::No => &mut no,
                Verdict::Unknown => continue,
            };
            match list.last_mut() {
                Some(prev) if prev.end.succ() == piece.start => prev.end = piece.end,
                _ => list.push(piece),
            }
        }
        let never = (hi == Day::NEVER).then(|| verdict_on(Day::NEVER));
        (yes, no, never)
    }

    /// The answer with one fact fixed on one day.
    fn verdict_with(&self, question: &Spanned<Question>, fact: Fixable, day: Day) -> Verdict {
        let mut context: Context = self.world.context().clone();
        context.as_of = Some(self.world.as_of);
        let point = Point::exact(day);
        match fact {
            Fixable::Event(e) => {
                context.fixed_events.insert(e, point);
            }
            Fixable::Bound(id, bound) => {
                context.fixed_bounds.insert((id, bound), point);
            }
        }
        let world = World::new(self.world.program, context, self.world.as_of);
        let evaluator = Evaluator::new(&world, self.index, self.sources, self.text);
        evaluator
            .question(question)
            .map_or(Verdict::Unknown, |a| a.verdict)
    }

    /// The durations a fact's own term is written with (`for 7 years`): fixing its start moves
    /// its end by them.
    fn shifts(&self, fact: Fixable) -> Vec<(i32, i32)> {
        let Fixable::Bound(id, _) = fact else {
            return Vec::new();
        };
        match self.world.program.term(id).and_then(|t| t.window()) {
            Some(Window::Range {
                end: Some(WindowEnd::For(d)),
                ..
            }) => vec![(d.node.months, d.node.days)],
            _ => Vec::new(),
        }
    }

    /// Every day where a window of `terms`, a termination of one, or the question's time
    /// starts or ends: where fixing a fact can change the answer.
    fn boundaries(&self, question: &Spanned<Question>, terms: &[TermId]) -> Vec<Day> {
        let world = self.world;
        let mut days = vec![world.as_of];
        for &id in terms {
            let w = world.written_window(id);
            days.extend([w.start.lo, w.start.hi, w.end.lo, w.end.hi]);
            // As cut by terminations and the deal's own `terminated on`.
            if let Some(w) = world.window(id) {
                days.extend([w.start.lo, w.start.hi, w.end.lo, w.end.hi]);
            }
            for (_, at) in world.terminations_of(id) {
                days.extend([at.lo, at.hi]);
            }
        }
        let mut whens = Vec::new();
        whens_of(question, &mut whens);
        for when in whens {
            // Each point's days in both readings (an empty certain part has no ends to give).
            use crate::check::resolved::When;
            let points: Vec<&Spanned<PointExpr>> = match &when.node {
                When::Before(p) | When::After(p) | When::In(p) => vec![p],
                When::Between(a, b) => vec![a, b],
            };
            for p in points {
                for reading in [
                    crate::model::world::Reading::First,
                    crate::model::world::Reading::Last,
                ] {
                    let at = world.point(p, reading);
                    days.extend([at.lo.pred(), at.lo, at.hi, at.hi.succ()]);
                }
            }
        }
        days.retain(|d| d.is_finite());
        days.sort_unstable();
        days.dedup();
        days
    }

    /// The terms and events a question bears on.
    fn involved(
        &self,
        question: &Spanned<Question>,
        terms: &mut Vec<TermId>,
        events: &mut Vec<EventId>,
    ) {
        let program = self.world.program;
        let rights_of = |action: usize, asset: usize, terms: &mut Vec<TermId>| {
            for right in self.index.rights(action, asset) {
                terms.push(right.id);
                terms.extend(
                    self.world
                        .terminations_of(right.id)
                        .into_iter()
                        .map(|t| t.0),
                );
            }
        };
        let mut stack = vec![question];
        while let Some(q) = stack.pop() {
            match &q.node {
                Question::Or(parts) | Question::And(parts) => stack.extend(parts.iter()),
                Question::Not(inner) => stack.push(inner),
                Question::Literal(_) => {}
                Question::Can { action, asset, .. } => rights_of(action.id(), asset.id(), terms),
                Question::Open(open) => match open.as_ref() {
                    Open::When { action, asset, .. } | Open::Who { action, asset, .. } => {
                        rights_of(action.id(), asset.id(), terms)
                    }
                    Open::Value(v) => value_terms(program, v, terms, events),
                },
                Question::Active { target, .. } => target_terms(program, target.target, terms),
                Question::Compare { left, right, .. } => {
                    value_terms(program, left, terms, events);
                    value_terms(program, right, terms, events);
                }
            }
        }
        let mut whens = Vec::new();
        whens_of(question, &mut whens);
        for when in whens {
            when_events(&when.node, events);
        }
    }

    /// Ranged amounts of the flows a sum in the question adds up.
    fn note_ranged_amounts(
        &self,
        question: &Spanned<Question>,
        explanation: &mut super::explain::Explanation,
    ) {
        let program = self.world.program;
        let mut sums = Vec::new();
        let mut stack = vec![question];
        while let Some(q) = stack.pop() {
            match &q.node {
                Question::Or(parts) | Question::And(parts) => stack.extend(parts.iter()),
                Question::Not(inner) => stack.push(inner),
                Question::Compare { left, right, .. } => sums.extend([&left.node, &right.node]),
                Question::Open(open) => {
                    if let Open::Value(v) = open.as_ref() {
                        sums.push(&v.node);
                    }
                }
                _ => {}
            }
        }
        let mut listed = 0;
        for value in sums {
            let Some((a, b, kinds)) = sum_of(value) else {
                continue;
            };
            for flow in money::flows_between(program, a, b, kinds) {
                if listed >= MAX_FACTS || !self.world.applies_some_day(flow.term) {
                    continue;
                }
                let Some(crate::check::resolved::TermKind::Flow {
                    amount: Some(amount),
                    ..
                }) = program.term(flow.term).map(|t| &t.kind)
                else {
                    continue;
                };
                let range = Range::from_amount(&amount.node.amount);
                if range.is_exact() {
                    continue;
                }
                listed += 1;
                explanation.notes.push(Note::Settles(Box::new(Settles {
                    fact: OpenFact::Amount {
                        term: program.term_name(flow.term),
                        amount: range,
                        currency: amount.node.currency.clone(),
                    },
                    tried: false,
                    yes: Vec::new(),
                    no: Vec::new(),
                    never: None,
                })));
            }
        }
    }
}

/// A window's first and last points as written (`None`: none written, or `for`).
fn window_points(window: &Window) -> (Option<&Spanned<PointExpr>>, Option<&Spanned<PointExpr>>) {
    match window {
        Window::On(p) | Window::During(p) => (Some(p), Some(p)),
        Window::Range { from, end } => (
            from.as_ref(),
            match end {
                Some(WindowEnd::Until(p)) => Some(p),
                _ => None,
            },
        ),
    }
}

fn target_terms(program: &crate::check::Program, target: Target, terms: &mut Vec<TermId>) {
    match target {
        Target::Term(id) => terms.push(id),
        Target::Deal(d) => terms.extend(
            (0..program.deal_term_count(d))
                .map(|index| TermId::new(d, index))
                .filter(|id| !program.is_terminate(*id)),
        ),
    }
}

fn value_terms(
    program: &crate::check::Program,
    value: &Spanned<Value>,
    terms: &mut Vec<TermId>,
    events: &mut Vec<EventId>,
) {
    match &value.node {
        Value::Point(p) => point_refs(program, p, terms, events),
        Value::Invested(_, _, when) | Value::Paid(_, _, when) | Value::Flow(_, _, when) => {
            if let Some((a, b, kinds)) = sum_of(&value.node) {
                terms.extend(money::flows_between(program, a, b, kinds).map(|f| f.term));
            }
            if let Some(w) = when {
                when_events(&w.node, events);
            }
        }
        _ => {}
    }
}

/// A sum's payer, payee and the kinds of flow it adds up; `None` for any other value.
fn sum_of(value: &Value) -> Option<(usize, usize, &'static [crate::ast::FlowKind])> {
    match value {
        Value::Invested(a, b, _) => Some((a.id(), b.id(), &money::INVESTED)),
        Value::Paid(a, b, _) => Some((a.id(), b.id(), &money::PAID)),
        Value::Flow(a, b, _) => Some((a.id(), b.id(), &money::FLOW)),
        _ => None,
    }
}

/// The terms and events a point names, however deeply.
fn point_refs(
    program: &crate::check::Program,
    point: &PointExpr,
    terms: &mut Vec<TermId>,
    events: &mut Vec<EventId>,
) {
    let mut stack = vec![point];
    while let Some(p) = stack.pop() {
        match p {
            PointExpr::Event(e) => events.push(e.id()),
            PointExpr::Start(r) | PointExpr::End(r) => target_terms(program, r.target, terms),
            _ => stack.extend(p.parts().iter().map(|s| &s.node)),
        }
    }
}

fn when_events(when: &crate::check::resolved::When, events: &mut Vec<EventId>) {
    use crate::check::resolved::When;
    let points: Vec<&Spanned<PointExpr>> = match when {
        When::Before(p) | When::After(p) | When::In(p) => vec![p],
        When::Between(a, b) => vec![a, b],
    };
    let mut stack: Vec<&PointExpr> = points.into_iter().map(|p| &p.node).collect();
    while let Some(p) = stack.pop() {
        match p {
            PointExpr::Event(e) => events.push(e.id()),
            _ => stack.extend(p.parts().iter().map(|s| &s.node)),
        }
    }
}

/// Every WHEN of a question (its own, its parts', its values').
fn whens_of<'q>(
    question: &'q Spanned<Question>,
    out: &mut Vec<&'q Spanned<crate::check::resolved::When>>,
) {
    let mut stack = vec![question];
    while let Some(q) = stack.pop() {
        match &q.node {
            Question::Or(parts) | Question::And(parts) => stack.extend(parts.iter()),
            Question::Not(inner) => stack.push(inner),
            Question::Can { when, .. } | Question::Active { when, .. } => out.extend(when.as_ref()),
            Question::Open(open) => match open.as_ref() {
                Open::When { when, .. } | Open::Who { when, .. } => out.extend(when.as_ref()),
                Open::Value(v) => value_whens(v, out),
            },
            Question::Compare { left, right, .. } => {
                value_whens(left, out);
                value_whens(right, out);
            }
            Question::Literal(_) => {}
        }
    }
}

fn value_whens<'q>(
    value: &'q Spanned<Value>,
    out: &mut Vec<&'q Spanned<crate::check::resolved::When>>,
) {
    if let Value::Invested(_, _, Some(w))
    | Value::Paid(_, _, Some(w))
    | Value::Flow(_, _, Some(w)) = &value.node
    {
        out.push(w);
    }
}

/// How a fact reads (`end(d.ip)`, `agi_declared`).
pub fn fact_name(fact: &OpenFact) -> String {
    match fact {
        OpenFact::Event { name, .. } => name.to_string(),
        OpenFact::Bound { term, bound, .. } => match bound {
            Bound::Start => format!("start({term})"),
            Bound::End => format!("end({term})"),
        },
        OpenFact::Amount { term, .. } => format!("the amount of {term}"),
        OpenFact::Rate { from, to, .. } => format!("the rate of {from} in {to}"),
    }
}
