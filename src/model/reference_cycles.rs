//! `reference-cycle`: windows whose days depend on themselves through `start(…)`/`end(…)`.
//!
//! The evaluator takes such a window as unknown where the cycle closes (docs/language.md §5), so
//! every answer that depends on it is `unknown`, with nothing in the answer to say why. Each cycle
//! is reported once, as a warning at its first term, with the path that closes it.

use super::cycles::Digraph;
use crate::check::resolved::{Point, Status, TermKind, Window};
use crate::check::{DealId, Program, Target, TermId};
use crate::diagnostic::{codes, Diagnostic, Location, Severity};
use crate::limits::MAX_REFERENCE_CYCLES;
use crate::source::Spanned;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::VecDeque;

/// Steps of a cycle named in its warning (and terms labelled); longer cycles are summed up.
const SHOWN_STEPS: usize = 10;

/// A node of the dependency graph: a term's window, a deal's bounds (`start(deal)` reads every
/// term of the deal; one node per deal keeps the graph linear in the references written), or the
/// day a termination cuts at: a `terminate` term's, or a deal's `terminated on`. Every term a
/// termination cuts depends on its day; one aimed at a whole deal reaches the deal's terms through
/// one `DealCuts` node, again to stay linear.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Node {
    Term(TermId),
    Deal(DealId),
    /// The day of a `terminate` term (the id is the terminating term's).
    Cut(TermId),
    /// Every cut of a whole deal: its `terminated on` and the `terminate` terms aimed at it.
    DealCuts(DealId),
    /// The day of a deal's `terminated on`.
    StatusCut(DealId),
}

/// The terminations whose day depends on a window they cut: they cut nothing (docs/language.md
/// §5), and each is on a `reference-cycle` the check reports.
#[derive(Debug, Default)]
pub struct CircularCuts {
    /// `terminate` terms, by the terminating term.
    pub terms: FxHashSet<TermId>,
    /// Deals whose `terminated on` day depends on one of their own terms.
    pub statuses: FxHashSet<DealId>,
}

/// Finds the terminations on a cycle of references (one pass over the dependency graph).
pub fn circular_cuts(program: &Program) -> CircularCuts {
    let graph = DependencyGraph::build(program);
    let mut found = CircularCuts::default();
    if graph.nodes.is_empty() {
        return found;
    }
    let digraph = Digraph::new(graph.nodes.len(), graph.edges.iter().copied());
    let component = digraph.components();
    let mut size: FxHashMap<usize, usize> = FxHashMap::default();
    for &c in &component {
        *size.entry(c).or_default() += 1;
    }
    for (n, node) in graph.nodes.iter().enumerate() {
        let on_cycle = graph.loops_to_itself(n)
            || component
                .get(n)
                .and_then(|c| size.get(c))
                .is_some_and(|&s| s > 1);
        match node {
            Node::Cut(t) if on_cycle => {
                found.terms.insert(*t);
            }
            Node::StatusCut(d) if on_cycle => {
                found.statuses.insert(*d);
            }
            _ => {}
        }
    }
    found
}

/// Adds a warning for each cycle of window references (at most [`MAX_REFERENCE_CYCLES`], then a
/// count), in rule-set order of the cycles' first terms.
pub fn check(program: &Program, diagnostics: &mut Vec<Diagnostic>) {
    let graph = DependencyGraph::build(program);
    if graph.nodes.is_empty() {
        return;
    }
    let digraph = Digraph::new(graph.nodes.len(), graph.edges.iter().copied());
    let component = digraph.components();
    // Members of each component; a component is a cycle when it has two members or a self-loop.
    let mut members: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for (node, &c) in component.iter().enumerate() {
        members.entry(c).or_default().push(node);
    }
    let mut cycles: Vec<Vec<usize>> = members
        .into_values()
        .filter(|m| m.len() > 1 || m.iter().any(|&n| graph.loops_to_itself(n)))
        .collect();
    // First term of each cycle in rule-set order; report cycles in that order.
    for cycle in &mut cycles {
        cycle.sort_by_key(|&n| graph.nodes.get(n).copied());
    }
    cycles.sort_by_key(|c| c.first().and_then(|&n| graph.nodes.get(n).copied()));
    let total = cycles.len();
    for cycle in cycles.iter().take(MAX_REFERENCE_CYCLES) {
        if let Some(d) = describe(program, &graph, &digraph, &component, cycle) {
            diagnostics.push(d);
        }
    }
    if total > MAX_REFERENCE_CYCLES {
        diagnostics.push(Diagnostic::new(
            codes::REFERENCE_CYCLE,
            Severity::Warning,
            Location::Nowhere,
            format!(
                "… and {} more cycles of window references (only the first {MAX_REFERENCE_CYCLES} are listed)",
                total - MAX_REFERENCE_CYCLES
            ),
        ));
    }
}

/// Which windows each window reads through its own points and through the days of the
/// terminations that cut it.
#[derive(Default)]
struct DependencyGraph {
    nodes: Vec<Node>,
    index: FxHashMap<Node, usize>,
    edges: Vec<(usize, usize)>,
    /// Per node: whether it refers to itself directly (`from end(this)`).
    self_loop: Vec<bool>,
}

impl DependencyGraph {
    fn build(program: &Program) -> DependencyGraph {
        let mut graph = DependencyGraph::default();
        let mut references = Vec::new();
        for (id, term) in program.terms().filter(|(_, t)| !t.is_terminate()) {
            references.clear();
            if let Some(window) = term.window() {
                window_references(window, &mut references);
            }
            if references.is_empty() {
                continue;
            }
            let from = graph.node(Node::Term(id));
            graph.edges_to(program, from, &references);
        }
        for (id, term) in program.terms().filter(|(_, t)| t.is_terminate()) {
            let TermKind::Terminate {
                target,
                on: Some(on),
            } = &term.kind
            else {
                continue;
            };
            references.clear();
            point_references(on, &mut references);
            if references.is_empty() {
                continue;
            }
            let cut = graph.node(Node::Cut(id));
            match target.target {
                Target::Term(t) => {
                    let cut_term = graph.node(Node::Term(t));
                    graph.edge(cut_term, cut);
                }
                Target::Deal(d) => {
                    let cuts = graph.deal_cuts_node(program, d);
                    graph.edge(cuts, cut);
                }
            }
            graph.edges_to(program, cut, &references);
        }
        for deal in 0..program.deal_count() {
            if !program.deal_facts(deal).is_some_and(|f| f.terminated) {
                continue;
            }
            let Some(Status::TerminatedOn(on)) = program
                .deal_tree(deal)
                .and_then(|d| d.status.as_ref())
                .map(|s| &s.node)
            else {
                continue;
            };
            references.clear();
            point_references(on, &mut references);
            if references.is_empty() {
                continue;
            }
            let cuts = graph.deal_cuts_node(program, deal);
            let status = graph.node(Node::StatusCut(deal));
            graph.edge(cuts, status);
            graph.edges_to(program, status, &references);
        }
        graph
    }

    /// Edges from `from` to each window or deal it reads.
    fn edges_to(&mut self, program: &Program, from: usize, references: &[Target]) {
        for &target in references {
            let to = match target {
                Target::Term(t) => self.node(Node::Term(t)),
                Target::Deal(d) => self.deal_node(program, d),
            };
            self.edge(from, to);
        }
    }

    /// The node every cut of a whole deal hangs from, with an edge to it from each of the deal's
    /// terms the first time it is met.
    fn deal_cuts_node(&mut self, program: &Program, deal: DealId) -> usize {
        if let Some(&n) = self.index.get(&Node::DealCuts(deal)) {
            return n;
        }
        let n = self.node(Node::DealCuts(deal));
        for index in 0..program.deal_term_count(deal) {
            let id = TermId::new(deal, index);
            if !program.is_terminate(id) {
                let t = self.node(Node::Term(id));
                self.edge(t, n);
            }
        }
        n
    }

    fn node(&mut self, node: Node) -> usize {
        if let Some(&n) = self.index.get(&node) {
            return n;
        }
        self.nodes.push(node);
        self.self_loop.push(false);
        self.index.insert(node, self.nodes.len() - 1);
        self.nodes.len() - 1
    }

    /// A deal's node, with its edges to the deal's terms the first time it is met.
    fn deal_node(&mut self, program: &Program, deal: DealId) -> usize {
        if let Some(&n) = self.index.get(&Node::Deal(deal)) {
            return n;
        }
        let n = self.node(Node::Deal(deal));
        let count = program.deal_term_count(deal);
        for index in 0..count {
            let id = TermId::new(deal, index);
            if !program.is_terminate(id) {
                let t = self.node(Node::Term(id));
                self.edge(n, t);
            }
        }
        n
    }

    fn loops_to_itself(&self, node: usize) -> bool {
        self.self_loop.get(node).copied().unwrap_or(false)
    }

    fn edge(&mut self, from: usize, to: usize) {
        if from == to {
            if let Some(flag) = self.self_loop.get_mut(from) {
                *flag = true;
            }
        } else {
            self.edges.push((from, to));
        }
    }
}

fn window_references(window: &Window, out: &mut Vec<Target>) {
    for point in window.points() {
        point_references(point, out);
    }
}

/// Every `start(…)`/`end(…)` target inside a point (an explicit stack: points nest).
fn point_references(point: &Spanned<Point>, out: &mut Vec<Target>) {
    let mut stack = vec![point];
    while let Some(p) = stack.pop() {
        if let Point::Start(r) | Point::End(r) = &p.node {
            out.push(r.target);
        }
        stack.extend(p.node.parts());
    }
}

/// The warning for one cycle: the path from its first term back to itself, the other terms on it
/// labelled. A cycle through a termination's day starts from that termination instead, which is
/// what the warning is about: it cuts nothing.
fn describe(
    program: &Program,
    graph: &DependencyGraph,
    digraph: &Digraph,
    component: &[usize],
    cycle: &[usize],
) -> Option<Diagnostic> {
    let &first = cycle.first()?;
    let Some(Node::Term(first_term)) = graph.nodes.get(first).copied() else {
        return None;
    };
    let cut = cycle
        .iter()
        .copied()
        .find(|&n| matches!(graph.nodes.get(n), Some(Node::Cut(_) | Node::StatusCut(_))));
    let start = cut.unwrap_or(first);
    let path = if graph.loops_to_itself(start) {
        vec![start, start]
    } else {
        path_back(digraph, component, start)?
    };
    let deal_name = |d: DealId| {
        program
            .deal_name(d)
            .map_or_else(|| "?".to_string(), |d| d.node.to_string())
    };
    let name = |n: usize| match graph.nodes.get(n) {
        Some(Node::Term(t)) => format!("`{}`", program.term_name(*t)),
        Some(Node::Deal(d)) => format!("deal `{}`", deal_name(*d)),
        Some(Node::Cut(t)) => format!("the termination `{}`", program.term_name(*t)),
        Some(Node::StatusCut(d)) => format!("the `terminated on` of deal `{}`", deal_name(*d)),
        Some(Node::DealCuts(d)) => format!("the end of deal `{}`", deal_name(*d)),
        None => "?".to_string(),
    };
    // The node every cut of a deal hangs from is how the graph is built, not a step a reader
    // would name.
    let steps: Vec<usize> = path
        .iter()
        .copied()
        .filter(|&n| !matches!(graph.nodes.get(n), Some(Node::DealCuts(_))))
        .collect();
    // A cycle through thousands of windows is named by its first steps and its length.
    let mut shown: Vec<String> = steps.iter().take(SHOWN_STEPS).map(|&n| name(n)).collect();
    if steps.len() > SHOWN_STEPS {
        shown.push(format!("… {} more …", steps.len() - SHOWN_STEPS - 1));
        shown.push(name(start));
    }
    let cut_span = |n: usize| match graph.nodes.get(n) {
        Some(Node::Cut(t)) => program.term(*t).map(|t| t.span),
        Some(Node::StatusCut(d)) => program
            .deal_tree(*d)
            .and_then(|d| d.status.as_ref().map(|s| s.span)),
        _ => None,
    };
    let mut diagnostic = match cut {
        Some(cut) => Diagnostic::warning(
            codes::REFERENCE_CYCLE,
            cut_span(cut)?,
            format!(
                "the day of {} depends on what it cuts: {}",
                name(cut),
                shown.join(" → ")
            ),
        )
        .with_label("so it cuts nothing: its day would move with the cut")
        .with_help("give the termination a date (or an event) instead of a `start(…)`/`end(…)` of what it ends"),
        None => Diagnostic::warning(
            codes::REFERENCE_CYCLE,
            program.term(first_term)?.span,
            format!(
                "the window of {} depends on itself: {}",
                name(first),
                shown.join(" → ")
            ),
        )
        .with_label("its days are unknown where the cycle closes, and so is every answer that needs them")
        .with_help("give one window of the cycle a date (or an event) instead of a `start(…)`/`end(…)` of another"),
    };
    let mut labelled = if cut.is_some() {
        Vec::new()
    } else {
        vec![first_term]
    };
    for &n in steps.iter().take(SHOWN_STEPS) {
        if let Some(Node::Term(t)) = graph.nodes.get(n).copied() {
            if !labelled.contains(&t) {
                labelled.push(t);
                if let Some(term) = program.term(t) {
                    diagnostic =
                        diagnostic.with_other(term.span, format!("{} is on the cycle", name(n)));
                }
            }
        }
    }
    Some(diagnostic)
}

/// A shortest path from `start` back to itself inside its component (breadth first).
fn path_back(digraph: &Digraph, component: &[usize], start: usize) -> Option<Vec<usize>> {
    let own = component.get(start).copied()?;
    let mut came_from: FxHashMap<usize, usize> = FxHashMap::default();
    let mut queue = VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for &m in digraph.adjacency.get(n).map_or(&[][..], |v| v.as_slice()) {
            if component.get(m) != Some(&own) {
                continue;
            }
            if m == start {
                let mut path = vec![start];
                let mut at = n;
                while at != start {
                    path.push(at);
                    at = *came_from.get(&at)?;
                }
                path.push(start);
                let last = path.len() - 1;
                if let Some(middle) = path.get_mut(1..last) {
                    middle.reverse();
                }
                return Some(path);
            }
            if let std::collections::hash_map::Entry::Vacant(e) = came_from.entry(m) {
                e.insert(n);
                queue.push_back(m);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::codes;
    use crate::{Options, RuleSet};

    fn cycles(text: &str) -> Vec<String> {
        let rules = RuleSet::from_sources([("t.deal", text)]);
        assert!(!rules.has_errors(), "{:?}", rules.diagnostics());
        rules
            .check(&Options::default())
            .diagnostics
            .iter()
            .filter(|d| d.code == codes::REFERENCE_CYCLE)
            .map(|d| d.message.clone())
            .collect()
    }

    const HEAD: &str = "as of 2025-12-17\nparty A\nparty B\naction host\nasset B.m\n";

    #[test]
    fn a_lone_window_that_starts_at_its_own_end_is_a_cycle() {
        let found = cycles(&format!(
            "{HEAD}deal d {{ t: grant A may host B.m from end(d.t) }}"
        ));
        assert_eq!(
            found,
            ["the window of `d.t` depends on itself: `d.t` → `d.t`"]
        );
    }

    #[test]
    fn references_without_a_cycle_are_not_reported() {
        let found = cycles(&format!(
            "{HEAD}deal d {{\n  a: grant A may host B.m from 2026 for 1 year\n  b: grant A may host B.m from end(d.a) until end(e)\n}}\ndeal e {{ grant A may host B.m from start(d.a) }}"
        ));
        assert!(found.is_empty(), "{found:?}");
    }
}
