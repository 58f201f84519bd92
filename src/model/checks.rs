//! Built-in checks of reference §7, run on every check of a rule set: `window`,
//! `exclusive-conflict`, `ineffective-grant` and `circular-flow` (and `reference-cycle`, in its own
//! module).

use super::cycles::Digraph;
use super::money::{edge, Currency, Edge};
use super::range::Range;
use super::rights::{Effect, Holder, Right, RightsIndex};
use super::time::Interval;
use super::world::World;
use crate::ast::RightKind;
use crate::check::resolved::{Window, WindowEnd};
use crate::check::{PartyId, TermId};
use crate::diagnostic::{codes, Diagnostic, Severity};
use crate::source::Span;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

pub use crate::limits::{
    CYCLE_BUDGET, INEFFECTIVE_BUDGET, MAX_CONFLICTS, MAX_CYCLES, MAX_CYCLE_CLOSERS_NAMED,
    MAX_CYCLE_FLOWS_PER_STEP, MAX_INEFFECTIVE,
};

/// Runs every built-in check, adding what it finds to `diagnostics`.
pub fn run(world: &World<'_>, index: &RightsIndex, diagnostics: &mut Vec<Diagnostic>) {
    windows(world, diagnostics);
    super::reference_cycles::check(world.program, diagnostics);
    exclusive_conflicts(world, index, diagnostics);
    ineffective_grants(world, index, diagnostics);
    circular_flows(world, diagnostics);
}

fn term_span(world: &World<'_>, id: TermId) -> Span {
    world.program.term(id).map(|t| t.span).unwrap_or_default()
}

/// §5: a window that certainly ends before it starts is an error; one that only might, a warning.
/// Only `from … until …` compares two independent points; `for N` ends N after its own start
/// (wrong only when N is zero), and `on`/`during` a period or a single uncertain day is always
/// well formed.
fn windows(world: &World<'_>, diagnostics: &mut Vec<Diagnostic>) {
    for (id, term) in world.program.terms() {
        let Some(Window::Range { end: Some(end), .. }) = term.window() else {
            continue;
        };
        let w = world.written_window(id);
        // Named only when reported: most windows are well formed.
        let name = || world.program.term_name(id);
        let zero = matches!(end, WindowEnd::For(d) if d.node.months <= 0 && d.node.days <= 0);
        let label = || format!("starts {}, ends {}", w.start, w.end);
        if zero || w.end.hi < w.start.lo {
            diagnostics.push(
                Diagnostic::error(
                    codes::WINDOW,
                    term.span,
                    format!("the window of `{}` ends before it starts", name()),
                )
                .with_label(label())
                .with_help("check the dates: the end must not come before the start"),
            );
        } else if matches!(end, WindowEnd::Until(_)) && w.end.lo < w.start.hi {
            diagnostics.push(
                Diagnostic::warning(codes::WINDOW, term.span, format!("the window of `{}` might end before it starts", name()))
                    .with_label(label())
                    .with_help("the dates are uncertain; fix an event or narrow a period if the order is known"),
            );
        }
    }
}

/// An in-force right with its windows.
struct Live<'r> {
    right: &'r Right,
    holder: PartyId,
    family: PartyId,
    certain: Interval,
    possible: Interval,
}

fn channels_overlap(a: &Right, b: &Right) -> bool {
    a.via().is_none() || b.via().is_none() || a.via() == b.via()
}

/// §7 `exclusive-conflict`: a sweep over the licences of each (action, asset), sorted by start.
/// Active licences are counted by (group, channel), so finding whether a new licence collides is
/// constant time; pairs are listed up to [`MAX_CONFLICTS`] and counted beyond.
fn exclusive_conflicts(world: &World<'_>, index: &RightsIndex, diagnostics: &mut Vec<Diagnostic>) {
    let program = world.program;
    let mut listed = 0usize;
    let mut unlisted = 0usize;
    for rights in index.groups() {
        let mut live: Vec<Live<'_>> = rights
            .iter()
            .filter(|r| matches!(r.kind, RightKind::Exclusive | RightKind::Sole))
            .filter_map(|r| {
                let Holder::Party(holder) = r.holder else {
                    return None;
                };
                let w = world.window(r.id)?;
                let possible = w.possible();
                (!possible.is_empty()).then(|| Live {
                    right: r,
                    holder,
                    family: program.root(holder),
                    certain: w.certain(),
                    possible,
                })
            })
            .collect();
        if live.len() < 2 {
            continue;
        }
        live.sort_by_key(|l| (l.possible.start, l.right.id));
        let mut ending: BinaryHeap<Reverse<(crate::model::time::Day, usize)>> = BinaryHeap::new();
        let mut active: BTreeSet<usize> = BTreeSet::new();
        let mut by_via: HashMap<Option<usize>, usize> = HashMap::new();
        let mut by_family: HashMap<PartyId, usize> = HashMap::new();
        let mut by_family_via: HashMap<(PartyId, Option<usize>), usize> = HashMap::new();
        for (i, l) in live.iter().enumerate() {
            while let Some(Reverse((end, j))) = ending.peek().copied() {
                if end >= l.possible.start {
                    break;
                }
                ending.pop();
                active.remove(&j);
                if let Some(o) = live.get(j) {
                    decrement(&mut by_via, o.right.via());
                    decrement(&mut by_family, o.family);
                    decrement(&mut by_family_via, (o.family, o.right.via()));
                }
            }
            let count = |m: &HashMap<Option<usize>, usize>, k| m.get(&k).copied().unwrap_or(0);
            let overlapping = match l.right.via() {
                None => active.len(),
                Some(c) => count(&by_via, None) + count(&by_via, Some(c)),
            };
            let same_family = match l.right.via() {
                None => by_family.get(&l.family).copied().unwrap_or(0),
                Some(c) => {
                    by_family_via.get(&(l.family, None)).copied().unwrap_or(0)
                        + by_family_via
                            .get(&(l.family, Some(c)))
                            .copied()
                            .unwrap_or(0)
                }
            };
            let colliding = overlapping - same_family.min(overlapping);
            if colliding > 0 {
                if listed < MAX_CONFLICTS {
                    for &j in &active {
                        let Some(o) = live.get(j) else { continue };
                        if o.family == l.family
                            || o.right.id == l.right.id
                            || !channels_overlap(o.right, l.right)
                        {
                            continue;
                        }
                        if listed < MAX_CONFLICTS {
                            diagnostics.push(conflict(world, o, l));
                            listed += 1;
                        } else {
                            unlisted += 1;
                        }
                    }
                } else {
                    unlisted += colliding;
                }
            }
            active.insert(i);
            ending.push(Reverse((l.possible.end, i)));
            *by_via.entry(l.right.via()).or_default() += 1;
            *by_family.entry(l.family).or_default() += 1;
            *by_family_via.entry((l.family, l.right.via())).or_default() += 1;
        }
    }
    if unlisted > 0 {
        diagnostics.push(Diagnostic::new(
            codes::EXCLUSIVE_CONFLICT,
            Severity::Warning,
            crate::diagnostic::Location::Nowhere,
            format!("… and {unlisted} more colliding pairs of exclusive licences (only the first {MAX_CONFLICTS} are listed)"),
        ));
    }
}

fn decrement<K: std::hash::Hash + Eq>(map: &mut HashMap<K, usize>, key: K) {
    if let Some(c) = map.get_mut(&key) {
        *c = c.saturating_sub(1);
    }
}

fn conflict(world: &World<'_>, first: &Live<'_>, second: &Live<'_>) -> Diagnostic {
    let program = world.program;
    let certain = first.certain.intersect(second.certain);
    let possible = first.possible.intersect(second.possible);
    let what = |l: &Live<'_>| {
        let kind = if l.right.kind == RightKind::Sole {
            "sole"
        } else {
            "exclusive"
        };
        format!(
            "{kind} licence of `{}` to `{}`",
            program.term_name(l.right.id),
            program.party_name(l.holder)
        )
    };
    let asset = program
        .assets
        .get(first.right.asset())
        .map(|a| format!("{}.{}", a.owner.node, a.name.node))
        .unwrap_or_default();
    let action = program
        .actions
        .get(first.right.action())
        .map(|a| a.name.node.clone())
        .unwrap_or_default();
    let (severity, when) = if certain.is_empty() {
        (Severity::Warning, format!("possibly, {possible}"))
    } else {
        (Severity::Error, format!("certainly, {certain}"))
    };
    Diagnostic::new(
        codes::EXCLUSIVE_CONFLICT,
        severity,
        crate::diagnostic::Location::Span(term_span(world, second.right.id)),
        format!("two exclusive licences to `{action}` `{asset}` collide ({when})"),
    )
    .with_label(what(second))
    .with_other(term_span(world, first.right.id), what(first))
    .with_help("two parties cannot both hold exclusivity over the same action, asset and channel at once; end one before the other starts, or give them different channels")
}

/// §7 `ineffective-grant`: a grant blocked, over some of its days, by someone else's exclusivity
/// or a forbid. Grants to `everyone` are left out (blocking some of everyone is their nature).
fn ineffective_grants(world: &World<'_>, index: &RightsIndex, diagnostics: &mut Vec<Diagnostic>) {
    let program = world.program;
    let mut listed = 0;
    // Grants are compared with the blockers whose days can meet theirs (blockers sorted by
    // first possible day); the comparisons are budgeted, so a hostile rule set (tens of
    // thousands of grants and forbids on one asset, none blocking the other) stays fast.
    let mut budget = INEFFECTIVE_BUDGET;
    for rights in index.groups() {
        let mut blockers: Vec<(&Right, Interval, Interval)> = rights
            .iter()
            .filter(|r| r.kind != RightKind::Grant)
            .filter_map(|r| world.window(r.id).map(|w| (r, w.certain(), w.possible())))
            .filter(|(_, _, p)| !p.is_empty())
            .collect();
        if blockers.is_empty() {
            continue;
        }
        blockers.sort_by_key(|(r, _, p)| (p.start, r.id));
        for grant in rights.iter().filter(|r| r.kind == RightKind::Grant) {
            let Holder::Party(holder) = grant.holder else {
                continue;
            };
            let Some(window) = world.window(grant.id) else {
                continue;
            };
            let owner = program
                .asset_owner
                .get(grant.asset())
                .copied()
                .unwrap_or(usize::MAX);
            let reach = window.possible();
            let meeting = blockers.partition_point(|(_, _, p)| p.start <= reach.end);
            for (blocker, certain, possible) in blockers.get(..meeting).unwrap_or_default() {
                if budget == 0 {
                    diagnostics.push(Diagnostic::new(
                        codes::INEFFECTIVE_GRANT,
                        Severity::Advice,
                        crate::diagnostic::Location::Nowhere,
                        format!("the `ineffective-grant` check stopped after {} million comparisons of grants with blocking terms; grants not reached are not reported", INEFFECTIVE_BUDGET / 1_000_000),
                    ));
                    return;
                }
                budget -= 1;
                if possible.end < reach.start
                    || !channels_overlap(grant, blocker)
                    || blocker.effect_on(program, holder, owner) != Some(Effect::Blocks)
                {
                    continue;
                }
                let days_certain = window.certain().intersect(*certain);
                let days_possible = window.possible().intersect(*possible);
                if days_possible.is_empty() {
                    continue;
                }
                if listed >= MAX_INEFFECTIVE {
                    diagnostics.push(Diagnostic::new(
                        codes::INEFFECTIVE_GRANT,
                        Severity::Advice,
                        crate::diagnostic::Location::Nowhere,
                        format!("… and more ineffective grants (only the first {MAX_INEFFECTIVE} are listed)"),
                    ));
                    return;
                }
                listed += 1;
                let all = days_certain == window.possible() && !days_certain.is_empty();
                let extent = if all {
                    "for its whole window".to_string()
                } else if days_certain.is_empty() {
                    format!("possibly ({days_possible})")
                } else if days_certain == days_possible {
                    format!("({days_certain})")
                } else {
                    format!("({days_certain}; possibly {days_possible})")
                };
                let channel = match (grant.via(), blocker.via()) {
                    (None, Some(c)) => format!(
                        " via `{}`",
                        program
                            .channels
                            .get(c)
                            .map_or("?", |c| c.name.node.as_str())
                    ),
                    _ => String::new(),
                };
                let by = match blocker.kind {
                    RightKind::Forbid => format!("the forbid `{}`", program.term_name(blocker.id)),
                    RightKind::Sole => {
                        format!("the sole licence `{}`", program.term_name(blocker.id))
                    }
                    _ => format!("the exclusive licence `{}`", program.term_name(blocker.id)),
                };
                diagnostics.push(
                    Diagnostic::warning(
                        codes::INEFFECTIVE_GRANT,
                        term_span(world, grant.id),
                        format!(
                            "grant `{}` to `{}` is blocked{channel} {extent} by {by}",
                            program.term_name(grant.id),
                            program.party_name(holder)
                        ),
                    )
                    .with_label("this grant")
                    .with_other(term_span(world, blocker.id), "blocking term")
                    .with_help("a licence is worth nothing while someone else holds exclusivity or a forbid covers it"),
                );
            }
        }
    }
}

/// The money graph with units folded into their groups (§7), built from the rule set's flows
/// and the world's windows without materialising the graph: only the flows of a listed cycle
/// are read back whole (amount, currency), so a check of a million flows keeps 12 bytes a flow.
pub struct Folded<'w> {
    world: &'w World<'w>,
    /// The groups (outermost parties) with flows, sorted.
    pub nodes: Vec<PartyId>,
    /// Every flow between two different groups, sorted by (from, to) with flows in force
    /// first: one sorted list, not a map of small lists.
    links: Vec<Link>,
    pub cycles: super::cycles::Cycles,
}

/// A flow between two groups: node indices, and the flow's number in [`Program::flows`] with
/// whether it is in force in the top bit (a rule set has at most 5 million terms, so flow numbers
/// stay far below 2³¹).
///
/// [`Program::flows`]: crate::check::Program::flows
#[derive(Clone, Copy)]
struct Link {
    from: u32,
    to: u32,
    flow: u32,
}

impl Link {
    const IN_FORCE: u32 = 1 << 31;

    fn in_force(self) -> bool {
        self.flow & Link::IN_FORCE != 0
    }

    fn flow(self) -> usize {
        (self.flow & !Link::IN_FORCE) as usize
    }
}

impl<'w> Folded<'w> {
    /// The flows from group `a` to group `b`: those in force, then those kept aside.
    pub fn pair(&self, a: usize, b: usize) -> (Vec<Edge>, Vec<Edge>) {
        let key = |l: &Link| (l.from as usize, l.to as usize);
        let start = self.links.partition_point(|l| key(l) < (a, b));
        let end = self.links.partition_point(|l| key(l) <= (a, b));
        let flows = self.links.get(start..end).unwrap_or_default();
        let program = self.world.program;
        flows
            .iter()
            .filter_map(|l| edge(self.world, program.flows.get(l.flow())?))
            .partition(|e| e.in_force)
    }

    /// Whether the folded edge from `a` to `b` (node indices) lies on a listed cycle.
    pub fn on_cycle(&self, a: usize, b: usize) -> bool {
        self.cycles.listed.iter().any(|c| {
            c.iter()
                .enumerate()
                .any(|(i, &x)| x == a && c.get(i + 1).or(c.first()) == Some(&b))
        })
    }

    pub fn node_of(&self, program: &crate::check::Program, party: PartyId) -> Option<usize> {
        self.nodes.binary_search(&program.root(party)).ok()
    }
}

/// Folds the world's money graph and lists its cycles.
pub fn fold<'w>(world: &'w World<'w>) -> Folded<'w> {
    let program = world.program;
    // Marked in a table by party rather than collected twice per flow and deduplicated: a
    // rule set of 600,000 flows has a few thousand groups.
    let mut is_node = vec![false; program.parties.len()];
    for f in &program.flows {
        for party in [program.root(f.payer()), program.root(f.payee())] {
            if let Some(mark) = is_node.get_mut(party) {
                *mark = true;
            }
        }
    }
    let nodes: Vec<PartyId> = (0..is_node.len())
        .filter(|&p| is_node.get(p) == Some(&true))
        .collect();
    let node_of = |p: PartyId| {
        let n = nodes.binary_search(&program.root(p)).ok()?;
        u32::try_from(n).ok()
    };
    let mut links: Vec<Link> = Vec::with_capacity(program.flows.len());
    links.extend(program.flows.iter().enumerate().filter_map(|(i, f)| {
        let (from, to) = (node_of(f.payer())?, node_of(f.payee())?);
        let number = u32::try_from(i).ok().filter(|&n| n < Link::IN_FORCE)?;
        let flow = if world.applies_some_day(f.term) {
            number | Link::IN_FORCE
        } else {
            number
        };
        (from != to).then_some(Link { from, to, flow })
    }));
    links.sort_by_key(|l| (l.from, l.to, !l.in_force()));
    let cycles = Digraph::from_sorted(
        nodes.len(),
        links.iter().map(|l| (l.from as usize, l.to as usize)),
    )
    .cycles(MAX_CYCLES, CYCLE_BUDGET);
    Folded {
        world,
        nodes,
        links,
        cycles,
    }
}

/// §7 `circular-flow`: each elementary cycle of the money graph, shortest first, with its
/// bottleneck; cycles that a deal not in force would close are marked with that deal.
fn circular_flows(world: &World<'_>, diagnostics: &mut Vec<Diagnostic>) {
    let folded = fold(world);
    for cycle in &folded.cycles.listed {
        if let Some(d) = describe_cycle(world, &folded, cycle) {
            diagnostics.push(d);
        }
    }
    let found = &folded.cycles;
    if found.more > 0 || found.incomplete {
        let more = if found.incomplete {
            format!("at least {} more", found.more)
        } else {
            format!("{} more", found.more)
        };
        diagnostics.push(Diagnostic::new(
            codes::CIRCULAR_FLOW,
            Severity::Advice,
            crate::diagnostic::Location::Nowhere,
            format!(
                "… and {more} circular flows (only the {} shortest are listed)",
                found.listed.len()
            ),
        ));
    }
}

fn describe_cycle(world: &World<'_>, folded: &Folded<'_>, cycle: &[usize]) -> Option<Diagnostic> {
    let program = world.program;
    let mut names: Vec<&str> = cycle
        .iter()
        .filter_map(|&n| folded.nodes.get(n))
        .map(|&p| program.party_name(p))
        .collect();
    names.push(names.first().copied().unwrap_or(""));
    let mut edges: Vec<Edge> = Vec::new();
    let mut undrawn = 0;
    let mut closers: Vec<usize> = Vec::new();
    let mut bottleneck: Option<(Range, Currency)> = None;
    let mut mixed = false;
    for (i, &a) in cycle.iter().enumerate() {
        let b = *cycle.get(i + 1).or(cycle.first())?;
        let (in_force, kept_aside) = folded.pair(a, b);
        let used = if in_force.is_empty() {
            for e in &kept_aside {
                if !closers.contains(&e.term().deal()) {
                    closers.push(e.term().deal());
                }
            }
            kept_aside
        } else {
            in_force
        };
        let mut sum: Option<(Range, Currency)> = None;
        undrawn += used.len().saturating_sub(MAX_CYCLE_FLOWS_PER_STEP);
        for (k, e) in used.into_iter().enumerate() {
            sum = match sum {
                None => Some((e.amount, e.currency)),
                Some((r, c)) if c == e.currency => Some((r.add(&e.amount).unwrap_or(r), c)),
                Some(other) => {
                    mixed = true;
                    Some(other)
                }
            };
            if k < MAX_CYCLE_FLOWS_PER_STEP {
                edges.push(e);
            }
        }
        bottleneck = match (bottleneck, sum) {
            (None, s) => s,
            (Some(b), None) => Some(b),
            (Some((r, c)), Some((s, d))) if c == d => Some((min_range(r, s), c)),
            (Some(b), Some(_)) => {
                mixed = true;
                Some(b)
            }
        };
    }
    let path = names.join(" → ");
    let amount = match (&bottleneck, mixed) {
        (_, true) => "amounts in several currencies, so no bottleneck".to_string(),
        (Some((r, c)), false) => format!("bottleneck {r} {c}"),
        (None, false) => "no amounts".to_string(),
    };
    let first = edges.first()?;
    let span = program
        .term(first.term())
        .map(|t| t.span)
        .unwrap_or_default();
    let message = if closers.is_empty() {
        format!("money goes round in a circle: {path} ({amount})")
    } else {
        let mut deals: Vec<String> = closers
            .iter()
            .take(MAX_CYCLE_CLOSERS_NAMED)
            .filter_map(|&d| {
                program
                    .deal_name(d)
                    .map(|name| format!("`{}` ({})", name.node, world.deal_status(d)))
            })
            .collect();
        if closers.len() > MAX_CYCLE_CLOSERS_NAMED {
            deals.push(format!(
                "{} more deals",
                closers.len() - MAX_CYCLE_CLOSERS_NAMED
            ));
        }
        format!(
            "money would go round in a circle if {} came into force: {path} ({amount})",
            deals.join(" and ")
        )
    };
    let mut d = Diagnostic::advice(codes::CIRCULAR_FLOW, span, message)
        .with_label(edge_label(world, first));
    for e in edges.iter().skip(1) {
        let span = program.term(e.term()).map(|t| t.span).unwrap_or_default();
        d = d.with_other(span, edge_label(world, e));
    }
    let help = "investors worry when money invested comes back to them as payments; `roundtrip(I, E)` measures how much of an investment can come back";
    Some(if undrawn > 0 {
        d.with_help(format!(
            "{help} ({undrawn} more flows on this circle are not drawn: the first {MAX_CYCLE_FLOWS_PER_STEP} of each step are)"
        ))
    } else {
        d.with_help(help)
    })
}

fn min_range(a: Range, b: Range) -> Range {
    let (lo, lo_open) = if a.lo < b.lo || (a.lo == b.lo && a.lo_open) {
        (a.lo, a.lo_open)
    } else {
        (b.lo, b.lo_open)
    };
    let (hi, hi_open) = match (a.hi, b.hi) {
        (None, _) => (b.hi, b.hi_open),
        (_, None) => (a.hi, a.hi_open),
        (Some(x), Some(y)) if x < y || (x == y && a.hi_open) => (Some(x), a.hi_open),
        _ => (b.hi, b.hi_open),
    };
    Range {
        lo,
        lo_open,
        hi,
        hi_open,
    }
}

fn edge_label(world: &World<'_>, e: &Edge) -> String {
    let p = world.program;
    format!(
        "{} → {}: {} {} ({})",
        p.party_name(e.payer()),
        p.party_name(e.payee()),
        e.amount,
        e.currency,
        p.term_name(e.term())
    )
}
