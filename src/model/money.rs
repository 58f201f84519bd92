//! The money graph (reference §4 table, §6 values, §7 `circular-flow`): one edge per `invest`,
//! `pay`, `lease … worth` and `supply … worth`, payer to payee. Shared by the evaluator's
//! `invested/paid/flow/roundtrip` and the circular-flow check.

use super::range::Range;
use super::world::World;
use crate::ast::{FlowKind, TermKind};
use crate::check::{Flow, PartyId, Program, TermId};
use crate::source::Span;
use rust_decimal::Decimal;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{HashMap, VecDeque};

/// A flow in one world: 64 bytes (no span, no name: both are read back from the term when a
/// diagnostic needs them), as a built graph holds one per flow of the rule set.
#[derive(Clone, Debug)]
pub struct Edge {
    pub flow: Flow,
    pub amount: Range,
    pub currency: Currency,
    /// Whether the term's deal is in force (and the term not terminated before it starts).
    pub in_force: bool,
}

impl Edge {
    pub fn term(&self) -> TermId {
        self.flow.term
    }

    pub fn kind(&self) -> FlowKind {
        self.flow.kind
    }

    pub fn payer(&self) -> PartyId {
        self.flow.payer()
    }

    pub fn payee(&self) -> PartyId {
        self.flow.payee()
    }

    /// Where the amount is written (read back from the term: only diagnostics need it).
    pub fn span(&self, program: &Program) -> Span {
        match program.term(self.flow.term).map(|t| &t.kind) {
            Some(TermKind::Flow {
                amount: Some(amount),
                ..
            }) => amount.span,
            _ => Span::default(),
        }
    }
}

/// A currency code in two bytes: the grammar allows three capital letters (signs are read as
/// their codes), 26³ codes, so every one the parser produces fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Currency(u16);

impl Currency {
    /// `None` for anything but three capital ASCII letters.
    pub fn new(code: &str) -> Option<Currency> {
        let &[a, b, c] = code.as_bytes() else {
            return None;
        };
        let letter = |x: u8| x.is_ascii_uppercase().then(|| u16::from(x - b'A'));
        Some(Currency((letter(a)? * 26 + letter(b)?) * 26 + letter(c)?))
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Each letter's number is below 26 by construction, so each byte is a capital.
        let letter = |n: u16| char::from(b'A' + (n % 26) as u8);
        let n = self.0;
        write!(f, "{}{}{}", letter(n / 676), letter(n / 26), letter(n))
    }
}

#[derive(Clone, Debug, Default)]
pub struct MoneyGraph {
    pub edges: Vec<Edge>,
}

/// Two amounts in different currencies met in one sum.
#[derive(Clone, Debug)]
pub struct CurrencyClash {
    pub first: (String, Span),
    pub second: (String, Span),
}

/// A sum of money: its currency (none for an empty sum) and range, with the terms summed.
#[derive(Clone, Debug)]
pub struct Sum {
    pub currency: Option<String>,
    pub range: Range,
    pub terms: Vec<TermId>,
    /// The declared rates a sum across currencies was converted with: from, to, rate.
    pub converted: Vec<(String, String, Range)>,
}

/// `roundtrip(I, E)` worked out: the share, the flows from I into E, and the flows that can
/// carry money back (every in-force flow on some path from E to I), for the explanation.
#[derive(Clone, Debug)]
pub struct Roundtrip {
    pub share: Range,
    pub flow_in: Sum,
    pub back: Vec<TermId>,
    /// How the money comes back, at the flows' least amounts: paths of groups from E to I,
    /// each with what it carries (the first few, the largest first).
    pub paths: Vec<(Vec<PartyId>, Decimal)>,
    /// The steps (group to group) that limit what comes back, each with its capacity.
    pub bottleneck: Vec<((PartyId, PartyId), Decimal)>,
}

/// The graph edge of a flow in one world (`None` when its term has no amount, or a currency
/// no parsed rule set has).
pub fn edge(world: &World<'_>, flow: &Flow) -> Option<Edge> {
    let term = world.program.term(flow.term)?;
    let TermKind::Flow {
        amount: Some(amount),
        ..
    } = &term.kind
    else {
        return None;
    };
    Some(Edge {
        flow: *flow,
        amount: Range::from_amount(&amount.node.amount),
        currency: Currency::new(&amount.node.currency)?,
        in_force: world.applies_some_day(flow.term),
    })
}

/// What `invested(P, Q)` sums.
pub const INVESTED: [FlowKind; 1] = [FlowKind::Invest];
/// What `paid(P, Q)` sums: payments, and leases and supplies worth something.
pub const PAID: [FlowKind; 3] = [FlowKind::Pay, FlowKind::Lease, FlowKind::Supply];
/// What `flow(P, Q)` sums: `invested + paid`.
pub const FLOW: [FlowKind; 4] = [
    FlowKind::Invest,
    FlowKind::Pay,
    FlowKind::Lease,
    FlowKind::Supply,
];

/// The flows of the given kinds from `payer` or its units to `payee` or its units, in force or
/// not: what a sum of them adds up.
pub fn flows_between<'p>(
    program: &'p Program,
    payer: PartyId,
    payee: PartyId,
    kinds: &'p [FlowKind],
) -> impl Iterator<Item = &'p Flow> + 'p {
    program
        .family(payer)
        .into_iter()
        .flat_map(move |p| program.flows_from(p))
        .filter(move |f| kinds.contains(&f.kind) && program.within(f.payee(), payee))
}

/// Sums in-force flows of the given kinds from `payer` (or its units) to `payee` (or its units),
/// looking only at what the payer's family pays.
///
/// Each flow counts for what is due over all time, or over the days of `within`
/// ([`super::due::counted`]): recurring amounts by the period, commitments cut short by a
/// termination (or due only partly within the days) from 0 to their amount.
pub fn sum(
    world: &World<'_>,
    payer: PartyId,
    payee: PartyId,
    kinds: &[FlowKind],
    within: Option<super::due::Within>,
) -> Result<Sum, CurrencyClash> {
    let program = world.program;
    let edges: Vec<Edge> = flows_between(program, payer, payee, kinds)
        .filter_map(|f| edge(world, f))
        .filter(|e| e.in_force)
        .filter_map(|mut e| {
            let every = match program.term(e.term()).map(|t| &t.kind) {
                Some(TermKind::Flow { every, .. }) => *every,
                _ => None,
            };
            e.amount = super::due::counted(world, e.term(), e.amount, every, within)?;
            Some(e)
        })
        .collect();
    let (edges, converted) = convert(program, edges);
    let mut sum = sum_edges(program, edges.iter())?;
    sum.converted = converted;
    Ok(sum)
}

/// Flows in several currencies, each converted into one of them when declared rates allow
/// (`rate 1 GBP = 1.27 USD` converts GBP into USD, never the other way: multiplying keeps the
/// amounts exact); unchanged otherwise, for [`sum_edges`] to refuse.
fn convert(program: &Program, mut edges: Vec<Edge>) -> (Vec<Edge>, Vec<(String, String, Range)>) {
    let mut currencies: Vec<Currency> = edges.iter().map(|e| e.currency).collect();
    currencies.sort_unstable_by_key(|c| c.to_string());
    currencies.dedup();
    if currencies.len() < 2 {
        return (edges, Vec::new());
    }
    let target = currencies.iter().copied().find(|t| {
        currencies
            .iter()
            .all(|c| c == t || program.rate(&c.to_string(), &t.to_string()).is_some())
    });
    let Some(target) = target else {
        return (edges, Vec::new());
    };
    let mut used = Vec::new();
    for c in currencies.into_iter().filter(|&c| c != target) {
        let (from, to) = (c.to_string(), target.to_string());
        let Some(rate) = program.rate(&from, &to) else {
            continue;
        };
        for edge in edges.iter_mut().filter(|e| e.currency == c) {
            edge.amount = edge.amount.scale(&rate);
            edge.currency = target;
        }
        used.push((from, to, rate));
    }
    (edges, used)
}

impl MoneyGraph {
    pub fn build(world: &World<'_>) -> MoneyGraph {
        // Sized up front: collecting from a filter doubles as it goes, and at a million flows
        // the doubling would leave up to half the graph spare.
        let mut edges = Vec::with_capacity(world.program.flows.len());
        edges.extend(world.program.flows.iter().filter_map(|f| edge(world, f)));
        MoneyGraph { edges }
    }

    /// `roundtrip(I, E)`: the share of I's flow into E that can come back to I (max-flow from E
    /// to I over in-force edges, I→E edges excluded, capped at the flow in), as a percent range.
    pub fn roundtrip(
        &self,
        program: &Program,
        investor: PartyId,
        target: PartyId,
    ) -> Result<Roundtrip, CurrencyClash> {
        self.roundtrip_within(program, investor, target, crate::limits::ROUNDTRIP_BUDGET)
    }

    /// [`MoneyGraph::roundtrip`] with the max-flow searches limited to `budget` edge visits.
    fn roundtrip_within(
        &self,
        program: &Program,
        investor: PartyId,
        target: PartyId,
        mut budget: usize,
    ) -> Result<Roundtrip, CurrencyClash> {
        let (i, e) = (program.root(investor), program.root(target));
        let all = [
            FlowKind::Invest,
            FlowKind::Pay,
            FlowKind::Lease,
            FlowKind::Supply,
        ];
        // What went in is I's own flow into E: from I or its units (not its group or the
        // group's other units) to E or its units (reference §6). The way back is over groups.
        let flow_in = sum_edges(
            program,
            self.edges.iter().filter(|x| {
                x.in_force
                    && all.contains(&x.kind())
                    && program.root(x.payer()) == i
                    && program.root(x.payee()) == e
                    && program.within(x.payer(), investor)
                    && program.within(x.payee(), target)
            }),
        )?;
        let nothing_back = |flow_in| Roundtrip {
            share: Range::ZERO,
            flow_in,
            back: Vec::new(),
            paths: Vec::new(),
            bottleneck: Vec::new(),
        };
        let Some(currency) = flow_in.currency.as_deref().and_then(Currency::new) else {
            return Ok(nothing_back(flow_in));
        };
        if i == e || flow_in.range.hi == Some(Decimal::ZERO) {
            return Ok(nothing_back(flow_in));
        }
        let back: Vec<&Edge> = self
            .edges
            .iter()
            .filter(|x| {
                x.in_force && !(program.root(x.payer()) == i && program.root(x.payee()) == e)
            })
            .filter(|x| program.root(x.payer()) != program.root(x.payee()))
            .collect();
        // Only flows on some path from E back to I matter, to the currency check and the
        // max-flow alike: found by one search each way, not one per flow.
        let from_target = reachable(program, &back, e, true);
        let to_investor = reachable(program, &back, i, false);
        let on_path = |x: &Edge| {
            from_target.contains(&program.root(x.payer()))
                && to_investor.contains(&program.root(x.payee()))
        };
        if let Some(other) = back.iter().find(|x| x.currency != currency && on_path(x)) {
            let first = self
                .edges
                .iter()
                .find(|x| flow_in.terms.contains(&x.term()))
                .map(|x| x.span(program))
                .unwrap_or_default();
            return Err(CurrencyClash {
                first: (currency.to_string(), first),
                second: (other.currency.to_string(), other.span(program)),
            });
        }
        let back: Vec<&Edge> = back
            .into_iter()
            .filter(|x| x.currency == currency && on_path(x))
            .collect();
        // A max-flow cut short by its budget is a lower bound: sound for the lowest share; the
        // highest share then falls back to 100%, so an answer may be unknown but never wrong.
        let hundred = Decimal::ONE_HUNDRED;
        // Lowest share: least that can come back over the most that went in. Its search, on
        // the flows' least amounts, shows how the money comes back.
        let mut how = None;
        let lo = match flow_in.range.hi {
            None => Decimal::ZERO,
            Some(fin) => {
                let found = max_flow(program, &back, e, i, fin, |r| r.lo, &mut budget);
                let share = found
                    .total
                    .checked_div(fin)
                    .unwrap_or(Decimal::ZERO)
                    .min(Decimal::ONE);
                how = found.complete.then_some(found);
                share
            }
        };
        // Highest share: most that can come back over the least that went in.
        let fin_lo = flow_in.range.lo;
        let hi = if fin_lo.is_zero() {
            let cap = Decimal::ONE;
            let found = max_flow(
                program,
                &back,
                e,
                i,
                cap,
                |r| r.hi.unwrap_or(cap),
                &mut budget,
            );
            if found.total > Decimal::ZERO || !found.complete {
                Decimal::ONE
            } else {
                Decimal::ZERO
            }
        } else {
            let pick = |r: &Range| r.hi.unwrap_or(fin_lo);
            match max_flow(program, &back, e, i, fin_lo, pick, &mut budget) {
                MaxFlow {
                    total,
                    complete: true,
                    ..
                } => total
                    .checked_div(fin_lo)
                    .unwrap_or(Decimal::ONE)
                    .min(Decimal::ONE),
                MaxFlow { .. } => Decimal::ONE,
            }
        };
        let pct = |d: Decimal| {
            d.checked_mul(hundred)
                .unwrap_or(hundred)
                .round_dp(6)
                .normalize()
        };
        // A least share of 0 is not reached when money surely went in and a path of flows that
        // are each surely above 0 (`up to`, `undisclosed`) leads back: the share is then above 0.
        let surely_positive = |r: &Range| r.lo > Decimal::ZERO || r.lo_open;
        let lo_open = lo.is_zero() && surely_positive(&flow_in.range) && {
            let positive: Vec<&Edge> = back
                .iter()
                .copied()
                .filter(|x| surely_positive(&x.amount))
                .collect();
            reachable(program, &positive, e, true).contains(&i)
        };
        let mut share = Range::closed(pct(lo), pct(hi.max(lo)));
        share.lo_open = lo_open;
        let (paths, bottleneck) = how.map_or((Vec::new(), Vec::new()), |f| (f.paths, f.bottleneck));
        Ok(Roundtrip {
            share,
            flow_in,
            back: back.iter().map(|x| x.term()).collect(),
            paths,
            bottleneck,
        })
    }
}

fn sum_edges<'a>(
    program: &Program,
    edges: impl Iterator<Item = &'a Edge>,
) -> Result<Sum, CurrencyClash> {
    let mut sum = Sum {
        currency: None,
        range: Range::ZERO,
        terms: Vec::new(),
        converted: Vec::new(),
    };
    // The first edge summed: its currency is the sum's.
    let mut first: Option<&Edge> = None;
    for edge in edges {
        match first {
            Some(f) if f.currency != edge.currency => {
                return Err(CurrencyClash {
                    first: (f.currency.to_string(), f.span(program)),
                    second: (edge.currency.to_string(), edge.span(program)),
                })
            }
            Some(_) => {}
            None => first = Some(edge),
        }
        sum.range = sum.range.add(&edge.amount).unwrap_or(Range {
            lo: sum.range.lo,
            lo_open: false,
            hi: None,
            hi_open: false,
        });
        sum.terms.push(edge.term());
    }
    sum.currency = first.map(|f| f.currency.to_string());
    Ok(sum)
}

/// The groups reachable from `from` over `edges` (`forward`), or from which `from` is reached.
fn reachable(
    program: &Program,
    edges: &[&Edge],
    from: PartyId,
    forward: bool,
) -> FxHashSet<PartyId> {
    let mut next: FxHashMap<PartyId, Vec<PartyId>> = FxHashMap::default();
    for x in edges {
        let (a, b) = (program.root(x.payer()), program.root(x.payee()));
        let (a, b) = if forward { (a, b) } else { (b, a) };
        next.entry(a).or_default().push(b);
    }
    let mut seen = FxHashSet::from_iter([from]);
    let mut queue = VecDeque::from([from]);
    while let Some(n) = queue.pop_front() {
        for &m in next.get(&n).into_iter().flatten() {
            if seen.insert(m) {
                queue.push_back(m);
            }
        }
    }
    seen
}

/// Max-flow from `source` to `sink` (Edmonds–Karp), every capacity capped at `cap` — enough to
/// know `min(max-flow, cap)`, and it keeps unbounded amounts finite. Each edge the searches
/// look at spends one unit of `budget`; when it runs out, the flow found so far is returned
/// with `false` (a lower bound, not the maximum).
/// What a max-flow found: how much, whether the search ran to its end, and how the money goes.
struct MaxFlow {
    total: Decimal,
    complete: bool,
    /// The flow split into paths (groups from source to sink), each with what it carries, the
    /// largest first.
    paths: Vec<(Vec<PartyId>, Decimal)>,
    /// The steps that limit the flow (a minimum cut), each with its capacity.
    bottleneck: Vec<((PartyId, PartyId), Decimal)>,
}

fn max_flow(
    program: &Program,
    edges: &[&Edge],
    source: PartyId,
    sink: PartyId,
    cap: Decimal,
    pick: impl Fn(&Range) -> Decimal,
    budget: &mut usize,
) -> MaxFlow {
    let mut capacity: HashMap<(PartyId, PartyId), Decimal> = HashMap::new();
    let mut neighbours: HashMap<PartyId, Vec<PartyId>> = HashMap::new();
    for edge in edges {
        let (a, b) = (program.root(edge.payer()), program.root(edge.payee()));
        let c = capacity.entry((a, b)).or_insert(Decimal::ZERO);
        *c = c
            .checked_add(pick(&edge.amount).min(cap))
            .unwrap_or(cap)
            .min(cap);
        capacity.entry((b, a)).or_insert(Decimal::ZERO);
        neighbours.entry(a).or_default().push(b);
        neighbours.entry(b).or_default().push(a);
    }
    let original = capacity.clone();
    let unfinished = |total| MaxFlow {
        total,
        complete: false,
        paths: Vec::new(),
        bottleneck: Vec::new(),
    };
    let mut total = Decimal::ZERO;
    while total < cap {
        let residual = |n, m| capacity.get(&(n, m)).copied().unwrap_or(Decimal::ZERO);
        let path = match shortest_path(&neighbours, residual, source, sink, budget) {
            Search::Found(path) => path,
            Search::NoPath => break,
            Search::OutOfBudget => return unfinished(total),
        };
        let bottleneck = path
            .iter()
            .map(|e| capacity.get(e).copied().unwrap_or(Decimal::ZERO))
            .fold(cap - total, Decimal::min);
        if bottleneck <= Decimal::ZERO {
            break;
        }
        for (a, b) in path {
            if let Some(c) = capacity.get_mut(&(a, b)) {
                *c -= bottleneck;
            }
            if let Some(c) = capacity.get_mut(&(b, a)) {
                *c += bottleneck;
            }
        }
        total += bottleneck;
    }
    // The money on each step: what its capacity lost (steps both ways net out).
    let mut carried: HashMap<(PartyId, PartyId), Decimal> = HashMap::new();
    for (&(a, b), &c) in &original {
        let left = capacity.get(&(a, b)).copied().unwrap_or(Decimal::ZERO);
        if c > left {
            carried.insert((a, b), c - left);
        }
    }
    let paths = flow_paths(&mut carried, &neighbours, source, sink, budget);
    // The groups still reachable once the flow is through; the steps leaving them are full.
    let mut reached = rustc_hash::FxHashSet::default();
    let mut queue = VecDeque::from([source]);
    reached.insert(source);
    while let Some(n) = queue.pop_front() {
        for &m in neighbours.get(&n).map_or(&[][..], |v| v.as_slice()) {
            let residual = capacity.get(&(n, m)).copied().unwrap_or(Decimal::ZERO);
            if residual > Decimal::ZERO && reached.insert(m) {
                queue.push_back(m);
            }
        }
    }
    // Nothing limits a flow that reached its cap (all that went in can come back).
    let mut bottleneck: Vec<((PartyId, PartyId), Decimal)> = original
        .iter()
        .filter(|_| total < cap)
        .filter(|(&(a, b), &c)| c > Decimal::ZERO && reached.contains(&a) && !reached.contains(&b))
        .map(|(&step, &c)| (step, c))
        .collect();
    bottleneck.sort_unstable();
    MaxFlow {
        total,
        complete: true,
        paths,
        bottleneck,
    }
}

/// What a search for a path found.
enum Search {
    /// The steps of a shortest path, from the sink back to the source.
    Found(Vec<(PartyId, PartyId)>),
    NoPath,
    OutOfBudget,
}

/// A shortest path from `source` to `sink` over steps whose `weight` is above zero, by
/// breadth-first search; each step looked at costs one of the budget.
fn shortest_path(
    neighbours: &HashMap<PartyId, Vec<PartyId>>,
    weight: impl Fn(PartyId, PartyId) -> Decimal,
    source: PartyId,
    sink: PartyId,
    budget: &mut usize,
) -> Search {
    let mut previous: HashMap<PartyId, PartyId> = HashMap::new();
    let mut queue = VecDeque::from([source]);
    while let Some(n) = queue.pop_front() {
        if n == sink {
            break;
        }
        for &m in neighbours.get(&n).map_or(&[][..], |v| v.as_slice()) {
            if *budget == 0 {
                return Search::OutOfBudget;
            }
            *budget -= 1;
            if m != source && !previous.contains_key(&m) && weight(n, m) > Decimal::ZERO {
                previous.insert(m, n);
                queue.push_back(m);
            }
        }
    }
    if !previous.contains_key(&sink) {
        return Search::NoPath;
    }
    let mut path = Vec::new();
    let mut n = sink;
    while let Some(&p) = previous.get(&n) {
        path.push((p, n));
        n = p;
    }
    Search::Found(path)
}

/// Most paths of a roundtrip's money listed.
const MAX_PATHS: usize = 5;

/// The first [`MAX_PATHS`] paths of a flow from `source` to `sink`, each with what it carries:
/// repeatedly follow steps that carry money and take the least of them off each.
fn flow_paths(
    carried: &mut HashMap<(PartyId, PartyId), Decimal>,
    neighbours: &HashMap<PartyId, Vec<PartyId>>,
    source: PartyId,
    sink: PartyId,
    budget: &mut usize,
) -> Vec<(Vec<PartyId>, Decimal)> {
    let mut paths = Vec::new();
    while paths.len() < MAX_PATHS {
        let money = |n, m| carried.get(&(n, m)).copied().unwrap_or(Decimal::ZERO);
        let steps = match shortest_path(neighbours, money, source, sink, budget) {
            Search::Found(steps) => steps,
            Search::NoPath | Search::OutOfBudget => break,
        };
        let nodes: Vec<PartyId> = std::iter::once(source)
            .chain(steps.iter().rev().map(|&(_, b)| b))
            .collect();
        let amount = nodes
            .windows(2)
            .filter_map(|w| match w {
                [a, b] => carried.get(&(*a, *b)).copied(),
                _ => None,
            })
            .min()
            .unwrap_or(Decimal::ZERO);
        for w in nodes.windows(2) {
            if let [a, b] = w {
                if let Some(c) = carried.get_mut(&(*a, *b)) {
                    *c -= amount;
                }
            }
        }
        paths.push((nodes, amount));
    }
    paths.sort_by_key(|p| std::cmp::Reverse(p.1));
    paths
}

#[cfg(test)]
mod tests {
    use super::MoneyGraph;
    use crate::{Options, RuleSet};

    /// I invests 100 in E; E pays 10 back through each of five middlemen.
    const FAN: &str =
        "as of 2025-12-17\nparty I\nparty E\nparty M1\nparty M2\nparty M3\nparty M4\nparty M5\n
deal d {
  invest 100M USD from I in E on 2024
  pay 10M USD from E to M1\n pay 10M USD from M1 to I
  pay 10M USD from E to M2\n pay 10M USD from M2 to I
  pay 10M USD from E to M3\n pay 10M USD from M3 to I
  pay 10M USD from E to M4\n pay 10M USD from M4 to I
  pay 10M USD from E to M5\n pay 10M USD from M5 to I
}
";

    /// The sizes the memory figures in docs/performance.md rest on: a checked rule set keeps
    /// one flow per flow term and one right per licence, and a built money graph one edge.
    #[test]
    fn table_entries_stay_small() {
        assert_eq!(std::mem::size_of::<crate::check::TermId>(), 8);
        assert_eq!(std::mem::size_of::<crate::check::Flow>(), 20);
        assert_eq!(std::mem::size_of::<super::Edge>(), 64);
        assert_eq!(std::mem::size_of::<crate::model::rights::Right>(), 48);
    }

    #[test]
    fn currencies_fit_in_two_bytes_and_read_back() {
        use super::Currency;
        for code in ["AAA", "USD", "EUR", "GBP", "ZZZ", "JPY"] {
            let c = Currency::new(code).unwrap_or_else(|| unreachable!("{code}"));
            assert_eq!(c.to_string(), code);
        }
        assert_ne!(Currency::new("USD"), Currency::new("USE"));
        for bad in ["", "US", "USDX", "usd", "U$D", "ÜSD"] {
            assert_eq!(Currency::new(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_max_flow_cut_short_gives_sound_bounds() {
        let rules = RuleSet::from_sources([("fan.deal", FAN)]);
        assert!(!rules.has_errors(), "{:?}", rules.diagnostics());
        let world = rules
            .world(&Options::default())
            .unwrap_or_else(|_| unreachable!());
        let program = rules.program();
        let (i, e) = (program.party("I"), program.party("E"));
        let (Some(i), Some(e)) = (i, e) else {
            unreachable!()
        };
        let graph = MoneyGraph::build(&world);
        let share = |budget| {
            graph
                .roundtrip_within(program, i, e, budget)
                .map(|r| r.share)
                .unwrap_or_else(|_| unreachable!())
        };
        let exact = share(usize::MAX);
        assert_eq!(exact.to_string(), "50");
        // With too small a budget: the lowest share is at most the truth, the highest 100%.
        let short = share(6);
        assert!(short.lo <= exact.lo, "{short}");
        assert_eq!(
            short.hi,
            Some(rust_decimal::Decimal::ONE_HUNDRED),
            "{short}"
        );
    }
}
