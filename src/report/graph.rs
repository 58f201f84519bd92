//! `dealcheck graph`: the money graph as Graphviz DOT or JSON (documented in `docs/report.md`).
//! Parties are nodes, units drawn inside their group; edges carry amounts; edges on a cycle are
//! highlighted, edges of deals not in force dashed.

use crate::model::checks::fold;
use crate::model::money::MoneyGraph;
use crate::model::world::World;
use serde::Serialize;
use std::fmt::Write;

#[derive(Clone, Debug, Serialize)]
pub struct GraphJson {
    pub nodes: Vec<NodeJson>,
    pub edges: Vec<EdgeJson>,
    /// Each listed cycle as group names, shortest first.
    pub cycles: Vec<Vec<String>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct NodeJson {
    pub name: String,
    pub label: Option<String>,
    /// The party's `///` doc lines, if any.
    pub description: Option<String>,
    /// The outermost group this party belongs to (itself for a group or lone party).
    pub group: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct EdgeJson {
    pub from: String,
    pub to: String,
    pub kind: crate::ast::FlowKind,
    pub amount: String,
    pub currency: String,
    pub term: String,
    pub deal: String,
    pub in_force: bool,
    pub on_cycle: bool,
}

/// The money graph of one world, ready to serialise or draw.
pub fn graph(world: &World<'_>) -> GraphJson {
    let program = world.program;
    let money = MoneyGraph::build(world);
    let folded = fold(world);
    let mut parties: Vec<usize> = money
        .edges
        .iter()
        .flat_map(|e| [e.payer(), e.payee()])
        .collect();
    parties.sort_unstable();
    parties.dedup();
    let nodes = parties
        .iter()
        .map(|&p| NodeJson {
            name: program.party_name(p).to_string(),
            label: program
                .parties
                .get(p)
                .and_then(|d| d.label.as_ref().map(|l| l.to_string())),
            description: program
                .parties
                .get(p)
                .and_then(|d| d.doc.as_ref().map(|l| l.to_string())),
            group: program.party_name(program.root(p)).to_string(),
        })
        .collect();
    let edges = money
        .edges
        .iter()
        .map(|e| {
            let on_cycle = match (
                folded.node_of(program, e.payer()),
                folded.node_of(program, e.payee()),
            ) {
                (Some(a), Some(b)) => folded.on_cycle(a, b),
                _ => false,
            };
            EdgeJson {
                from: program.party_name(e.payer()).to_string(),
                to: program.party_name(e.payee()).to_string(),
                kind: e.kind(),
                amount: e.amount.to_string(),
                currency: e.currency.to_string(),
                term: program.term_name(e.term()),
                deal: program
                    .deal_name(e.term().deal())
                    .map(|d| d.node.to_string())
                    .unwrap_or_default(),
                in_force: e.in_force,
                on_cycle,
            }
        })
        .collect();
    let cycles = folded
        .cycles
        .listed
        .iter()
        .map(|c| {
            c.iter()
                .filter_map(|&n| folded.nodes.get(n))
                .map(|&p| program.party_name(p).to_string())
                .collect()
        })
        .collect();
    GraphJson {
        nodes,
        edges,
        cycles,
    }
}

fn quote(s: &str) -> String {
    let escaped = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("\"{escaped}\"")
}

/// Graphviz DOT.
pub fn to_dot(g: &GraphJson) -> String {
    let mut out =
        String::from("digraph money {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
    let mut groups: Vec<&str> = g.nodes.iter().map(|n| n.group.as_str()).collect();
    groups.sort_unstable();
    groups.dedup();
    for group in groups {
        let members: Vec<&NodeJson> = g.nodes.iter().filter(|n| n.group == group).collect();
        let lone = members.len() == 1 && members.first().is_some_and(|m| m.name == group);
        if !lone {
            let _ = writeln!(
                out,
                "  subgraph {} {{\n    label={};",
                quote(&format!("cluster_{group}")),
                quote(group)
            );
        }
        for m in members {
            let label = match &m.label {
                Some(l) if *l != m.name => format!("{}\n{l}", m.name),
                _ => m.name.clone(),
            };
            // A party's description shows as a tooltip (SVG output), not in the drawing.
            let tooltip = m
                .description
                .as_ref()
                .map_or(String::new(), |d| format!(", tooltip={}", quote(d)));
            let _ = writeln!(
                out,
                "  {}{} [label={}{tooltip}];",
                if lone { "" } else { "  " },
                quote(&m.name),
                quote(&label)
            );
        }
        if !lone {
            out.push_str("  }\n");
        }
    }
    for e in &g.edges {
        let mut attrs = vec![format!(
            "label={}",
            quote(&format!("{} {}\n{}", e.amount, e.currency, e.term))
        )];
        if e.on_cycle {
            attrs.push("color=red, penwidth=2".to_string());
        }
        if !e.in_force {
            attrs.push("style=dashed".to_string());
        }
        let _ = writeln!(
            out,
            "  {} -> {} [{}];",
            quote(&e.from),
            quote(&e.to),
            attrs.join(", ")
        );
    }
    out.push_str("}\n");
    out
}
