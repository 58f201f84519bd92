//! The money graph (reference §4 table, §6 values, §7 `circular-flow`): one edge per `invest`,
//! `pay`, `lease … worth` and `supply … worth`, payer to payee. Shared by the evaluator's
//! `invested/paid/flow/roundtrip` and the circular-flow check.

use super::range::Range;
use super::world::World;
use crate::ast::{FlowKind, TermKind};
use crate::check::{Flow, PartyId, Program, TermId};
use crate::source::Span;
use rust_decimal::Decimal;
use std::collections::{HashMap, VecDeque};

#[derive(Clone, Debug)]
pub struct Edge<'p> {
    pub term: TermId,
    pub kind: FlowKind,
    pub payer: PartyId,
    pub payee: PartyId,
    pub amount: Range,
    /// Borrowed from the rule set: a graph of a million flows holds no copies.
    pub currency: &'p str,
    /// Whether the term's deal is in force (and the term not terminated before it starts).
    pub in_force: bool,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct MoneyGraph<'p> {
    pub edges: Vec<Edge<'p>>,
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
}

/// The graph edge of a flow in one world.
fn edge<'p>(world: &World<'p>, flow: &Flow) -> Option<Edge<'p>> {
    let term = world.program.term(flow.term)?;
    let TermKind::Flow {
        amount: Some(amount),
        ..
    } = &term.kind
    else {
        return None;
    };
    Some(Edge {
        term: flow.term,
        kind: flow.kind,
        payer: flow.payer,
        payee: flow.payee,
        amount: Range::from_amount(&amount.node.amount),
        currency: amount.node.currency.as_str(),
        in_force: world
            .window(flow.term)
            .is_some_and(|w| !w.possible().is_empty()),
        span: amount.span,
    })
}

/// Sums in-force flows of the given kinds from `payer` (or its units) to `payee` (or its units),
/// looking only at what the payer's family pays.
pub fn sum(
    world: &World<'_>,
    payer: PartyId,
    payee: PartyId,
    kinds: &[FlowKind],
) -> Result<Sum, CurrencyClash> {
    let program = world.program;
    let edges: Vec<Edge> = program
        .family(payer)
        .into_iter()
        .flat_map(|p| program.flows_from(p))
        .filter(|f| kinds.contains(&f.kind) && program.within(f.payee, payee))
        .filter_map(|f| edge(world, f))
        .filter(|e| e.in_force)
        .collect();
    sum_edges(edges.iter())
}

impl<'p> MoneyGraph<'p> {
    pub fn build(world: &World<'p>) -> MoneyGraph<'p> {
        MoneyGraph {
            edges: world
                .program
                .flows
                .iter()
                .filter_map(|f| edge(world, f))
                .collect(),
        }
    }

    /// `roundtrip(I, E)`: the share of I's flow into E that can come back to I (max-flow from E
    /// to I over in-force edges, I→E edges excluded, capped at the flow in), as a percent range.
    pub fn roundtrip(
        &self,
        program: &Program,
        investor: PartyId,
        target: PartyId,
    ) -> Result<(Range, Sum), CurrencyClash> {
        let (i, e) = (program.root(investor), program.root(target));
        let all = [
            FlowKind::Invest,
            FlowKind::Pay,
            FlowKind::Lease,
            FlowKind::Supply,
        ];
        let flow_in = sum_edges(self.edges.iter().filter(|x| {
            x.in_force
                && all.contains(&x.kind)
                && program.root(x.payer) == i
                && program.root(x.payee) == e
        }))?;
        let Some(currency) = flow_in.currency.clone() else {
            return Ok((Range::ZERO, flow_in));
        };
        if i == e || flow_in.range.hi == Some(Decimal::ZERO) {
            return Ok((Range::ZERO, flow_in));
        }
        let back: Vec<&Edge> = self
            .edges
            .iter()
            .filter(|x| x.in_force && !(program.root(x.payer) == i && program.root(x.payee) == e))
            .filter(|x| program.root(x.payer) != program.root(x.payee))
            .collect();
        if let Some(other) = back
            .iter()
            .find(|x| x.currency != currency && on_some_path(program, &back, e, i, x))
        {
            let first = self
                .edges
                .iter()
                .find(|x| flow_in.terms.contains(&x.term))
                .map(|x| x.span)
                .unwrap_or_default();
            return Err(CurrencyClash {
                first: (currency, first),
                second: (other.currency.to_string(), other.span),
            });
        }
        let back: Vec<&Edge> = back
            .into_iter()
            .filter(|x| x.currency == currency)
            .collect();
        let hundred = Decimal::ONE_HUNDRED;
        // Lowest share: least that can come back over the most that went in.
        let lo = match flow_in.range.hi {
            None => Decimal::ZERO,
            Some(fin) => {
                let back_lo = max_flow(program, &back, e, i, fin, |r| r.lo);
                back_lo
                    .checked_div(fin)
                    .unwrap_or(Decimal::ZERO)
                    .min(Decimal::ONE)
            }
        };
        // Highest share: most that can come back over the least that went in.
        let fin_lo = flow_in.range.lo;
        let hi = if fin_lo.is_zero() {
            let cap = Decimal::ONE;
            if max_flow(program, &back, e, i, cap, |r| r.hi.unwrap_or(cap)) > Decimal::ZERO {
                Decimal::ONE
            } else {
                Decimal::ZERO
            }
        } else {
            let back_hi = max_flow(program, &back, e, i, fin_lo, |r| r.hi.unwrap_or(fin_lo));
            back_hi
                .checked_div(fin_lo)
                .unwrap_or(Decimal::ONE)
                .min(Decimal::ONE)
        };
        let pct = |d: Decimal| {
            d.checked_mul(hundred)
                .unwrap_or(hundred)
                .round_dp(6)
                .normalize()
        };
        Ok((Range::closed(pct(lo), pct(hi.max(lo))), flow_in))
    }
}

fn sum_edges<'a, 'p: 'a>(edges: impl Iterator<Item = &'a Edge<'p>>) -> Result<Sum, CurrencyClash> {
    let mut sum = Sum {
        currency: None,
        range: Range::ZERO,
        terms: Vec::new(),
    };
    let mut first_span = Span::default();
    for edge in edges {
        match &sum.currency {
            Some(c) if *c != edge.currency => {
                return Err(CurrencyClash {
                    first: (c.clone(), first_span),
                    second: (edge.currency.to_string(), edge.span),
                })
            }
            Some(_) => {}
            None => {
                sum.currency = Some(edge.currency.to_string());
                first_span = edge.span;
            }
        }
        sum.range = sum.range.add(&edge.amount).unwrap_or(Range {
            lo: sum.range.lo,
            lo_open: false,
            hi: None,
            hi_open: false,
        });
        sum.terms.push(edge.term);
    }
    Ok(sum)
}

/// Whether `edge` lies on some path from `source` to `sink` (groups folded).
fn on_some_path(
    program: &Program,
    edges: &[&Edge<'_>],
    source: PartyId,
    sink: PartyId,
    edge: &Edge<'_>,
) -> bool {
    let reach = |from: PartyId, forward: bool| {
        let mut seen = vec![from];
        let mut queue = VecDeque::from([from]);
        while let Some(n) = queue.pop_front() {
            for x in edges {
                let (a, b) = (program.root(x.payer), program.root(x.payee));
                let (a, b) = if forward { (a, b) } else { (b, a) };
                if a == n && !seen.contains(&b) {
                    seen.push(b);
                    queue.push_back(b);
                }
            }
        }
        seen
    };
    reach(source, true).contains(&program.root(edge.payer))
        && reach(sink, false).contains(&program.root(edge.payee))
}

/// Max-flow from `source` to `sink` (Edmonds–Karp), every capacity capped at `cap` — enough to
/// know `min(max-flow, cap)`, and it keeps unbounded amounts finite.
fn max_flow(
    program: &Program,
    edges: &[&Edge<'_>],
    source: PartyId,
    sink: PartyId,
    cap: Decimal,
    pick: impl Fn(&Range) -> Decimal,
) -> Decimal {
    let mut capacity: HashMap<(PartyId, PartyId), Decimal> = HashMap::new();
    let mut neighbours: HashMap<PartyId, Vec<PartyId>> = HashMap::new();
    for edge in edges {
        let (a, b) = (program.root(edge.payer), program.root(edge.payee));
        let c = capacity.entry((a, b)).or_insert(Decimal::ZERO);
        *c = c
            .checked_add(pick(&edge.amount).min(cap))
            .unwrap_or(cap)
            .min(cap);
        capacity.entry((b, a)).or_insert(Decimal::ZERO);
        neighbours.entry(a).or_default().push(b);
        neighbours.entry(b).or_default().push(a);
    }
    let mut total = Decimal::ZERO;
    while total < cap {
        // Shortest augmenting path by breadth-first search.
        let mut previous: HashMap<PartyId, PartyId> = HashMap::new();
        let mut queue = VecDeque::from([source]);
        while let Some(n) = queue.pop_front() {
            if n == sink {
                break;
            }
            for &m in neighbours.get(&n).map_or(&[][..], |v| v.as_slice()) {
                let residual = capacity.get(&(n, m)).copied().unwrap_or(Decimal::ZERO);
                if m != source && !previous.contains_key(&m) && residual > Decimal::ZERO {
                    previous.insert(m, n);
                    queue.push_back(m);
                }
            }
        }
        if !previous.contains_key(&sink) {
            break;
        }
        let mut path = Vec::new();
        let mut n = sink;
        while let Some(&p) = previous.get(&n) {
            path.push((p, n));
            n = p;
        }
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
    total
}
