//! `circular-assumption`: a rule that fixes an event to a day that depends on that very event
//! (`assuming e on e + 1 day`, or `assuming e on end(d.x)` where `d.x` ends on `e`). Such a day
//! has no meaning: fixing the event moves the day it is fixed to.
//!
//! Runs once the checker knows every term and termination, since a window's days depend on the
//! terminations aimed at it as well as on its own points.

use super::resolved::{Assumption, Point, Status, TermKind};
use super::{EventId, Program, Target, TermId};
use crate::diagnostic::{codes, Diagnostic};
use crate::source::Spanned;
use rustc_hash::FxHashSet;

/// Adds an error for each `assuming EVENT on POINT` whose point depends on an event the same
/// rule fixes in a cycle back to EVENT (itself included).
pub(super) fn check(program: &Program, diagnostics: &mut Vec<Diagnostic>) {
    for rule in &program.rules {
        let fixed: Vec<(EventId, &Spanned<Point>)> = rule
            .assumptions
            .iter()
            .filter_map(|a| match a {
                Assumption::Event(event, point) => Some((event.id(), point)),
                Assumption::Deal(_) | Assumption::Bound(..) => None,
            })
            .collect();
        for &(id, point) in &fixed {
            if let Some(path) = path_back(program, &fixed, id, point) {
                let event = event_name(program, id);
                diagnostics.push(
                    Diagnostic::error(
                        codes::CIRCULAR_ASSUMPTION,
                        point.span,
                        format!(
                            "rule `{}` fixes `{event}` to a day that depends on `{event}` itself{path}",
                            rule.name.node
                        ),
                    )
                    .with_label(format!("this day moves when `{event}` does"))
                    .with_help(format!(
                        "fix `{event}` to a date, or to a point that does not depend on it"
                    )),
                );
            }
        }
    }
}

/// `Some(" (through …)")` when `point` depends on `event`, directly or through the days other
/// assumptions of the rule fix; `None` when it does not.
fn path_back(
    program: &Program,
    fixed: &[(EventId, &Spanned<Point>)],
    event: EventId,
    point: &Spanned<Point>,
) -> Option<String> {
    // Events reached so far, in order: each one fixed by the rule is followed to its own day.
    let mut through: Vec<&str> = Vec::new();
    let mut events = events_of(program, point);
    let mut seen: FxHashSet<EventId> = FxHashSet::default();
    while let Some(e) = events.pop() {
        if e == event {
            return Some(if through.is_empty() {
                String::new()
            } else {
                format!(" (through `{}`)", through.join("`, `"))
            });
        }
        if !seen.insert(e) {
            continue;
        }
        if let Some(&(id, day)) = fixed.iter().find(|(n, _)| *n == e) {
            through.push(event_name(program, id));
            events.extend(events_of(program, day));
        }
    }
    None
}

/// Every event a point's day depends on: events it names, and those of every window (with the
/// terminations that cut it) its `start(…)`/`end(…)` read, transitively. Explicit stacks: points
/// and references nest deeply.
fn events_of<'p>(program: &'p Program, point: &'p Spanned<Point>) -> Vec<EventId> {
    let mut found = Vec::new();
    let mut points: Vec<&'p Spanned<Point>> = vec![point];
    let mut targets: Vec<Target> = Vec::new();
    let mut seen: FxHashSet<Target> = FxHashSet::default();
    loop {
        if let Some(p) = points.pop() {
            match &p.node {
                Point::Event(event) => found.push(event.id()),
                Point::Start(r) | Point::End(r) => targets.push(r.target),
                _ => {}
            }
            points.extend(p.node.parts());
        } else if let Some(target) = targets.pop() {
            if seen.insert(target) {
                read_target(program, target, &mut points, &mut targets);
            }
        } else {
            return found;
        }
    }
}

/// The points a target's days are made of, and the other targets they read.
fn read_target<'p>(
    program: &'p Program,
    target: Target,
    points: &mut Vec<&'p Spanned<Point>>,
    targets: &mut Vec<Target>,
) {
    match target {
        Target::Deal(deal) => {
            for index in 0..program.deal_term_count(deal) {
                targets.push(Target::Term(TermId::new(deal, index)));
            }
        }
        Target::Term(id) => {
            if let Some(window) = program.term(id).and_then(|t| t.window()) {
                points.extend(window.points());
            }
            let aimed = program
                .terminators_of(Target::Term(id))
                .chain(program.terminators_of(Target::Deal(id.deal())));
            for terminator in aimed {
                if let Some(TermKind::Terminate { on: Some(on), .. }) =
                    program.term(terminator).map(|t| &t.kind)
                {
                    points.push(on);
                }
            }
            let status = program.deal_tree(id.deal()).and_then(|d| d.status.as_ref());
            if let Some(Status::TerminatedOn(on)) = status.map(|s| &s.node) {
                points.push(on);
            }
        }
    }
}

fn event_name(program: &Program, event: EventId) -> &str {
    program
        .events
        .get(event)
        .map_or("?", |e| e.name.node.as_str())
}
