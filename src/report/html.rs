//! The report as one self-contained HTML page (`dealcheck check --format html`): the summary,
//! every rule with its answers and explanations (each cited clause a link to its line, shown
//! on the page), the diagnostics, the timeline and the money graph as inline SVG, and the rule
//! files themselves. No script, no font, no request: it reads the same with JavaScript off, in
//! print and in dark mode.

use super::escape::escape_markup as escape;
use super::graph::GraphJson;
use super::{summary_line, Report};
use crate::source::SourceMap;
use std::fmt::Write;

/// The page. `timeline` and `money` are SVG documents (empty when the rule set is invalid).
pub fn to_html(report: &Report, sources: &SourceMap, timeline: &str, money: &str) -> String {
    let mut out = String::new();
    let summary = summary_line(&report.summary);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>dealcheck report: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>dealcheck report</h1><p>As of {}. <strong>{}</strong></p>\n\
         <nav aria-label=\"Sections\"><a href=\"#rules\">Rules</a> · <a href=\"#diagnostics\">Diagnostics</a> · \
         <a href=\"#timeline\">Timeline</a> · <a href=\"#money\">Money</a> · <a href=\"#sources\">Rule files</a></nav></header>\n<main>\n",
        escape(&summary),
        escape(&report.as_of),
        escape(&summary)
    );
    out.push_str(
        "<section id=\"rules\" aria-labelledby=\"rules-h\"><h2 id=\"rules-h\">Rules</h2>\n",
    );
    for rule in &report.rules {
        let status = if rule.passed { "ok" } else { "failed" };
        let _ = writeln!(
            out,
            "<article class=\"rule {status}\" id=\"rule-{}\"><h3>{} <span class=\"badge {status}\">{}</span></h3>",
            escape(&rule.name),
            escape(&rule.name),
            if rule.passed { "ok" } else { "FAILED" }
        );
        if let Some(label) = &rule.label {
            let _ = write!(out, "<p class=\"label\">{}</p>", escape(label));
        }
        if let Some(doc) = &rule.description {
            let _ = write!(out, "<p class=\"doc\">{}</p>", escape(doc));
        }
        let _ = writeln!(
            out,
            "<p class=\"where\">{}</p>",
            source_link(sources, &rule.file, rule.line)
        );
        for check in &rule.checks {
            let verdict = if check.passed { "pass" } else { "FAIL" };
            let expected = check
                .expected
                .map_or(String::new(), |e| format!(", expected {e}"));
            let _ = writeln!(
                out,
                "<div class=\"check\"><p><code>{} {}</code></p><p class=\"answer {}\">answer: <strong>{}</strong>{expected} <span class=\"badge {}\">{verdict}</span></p>",
                check.kind,
                escape(&check.question),
                check.answer,
                check.answer,
                if check.passed { "ok" } else { "failed" }
            );
            let e = &check.explanation;
            let _ = write!(
                out,
                "<p class=\"because\">{}</p>",
                escape(&e.summary.to_string())
            );
            let lines = e.summary.lines();
            if !lines.is_empty() {
                let _ = write!(
                    out,
                    "<pre class=\"lines\">{}</pre>",
                    escape(&lines.join("\n"))
                );
            }
            if !e.terms.is_empty() || !e.notes.is_empty() {
                out.push_str("<ul class=\"terms\">");
                for t in &e.terms {
                    let party = t.party.as_ref().map_or(String::new(), |p| format!(" {p}"));
                    let _ = write!(
                        out,
                        "<li>{} ({}) {}{} {} {}</li>",
                        source_link_named(sources, &t.file, t.line, &t.term),
                        escape(&t.status.to_string()),
                        escape(&t.effect.to_string()),
                        escape(&party),
                        escape(&t.certainty.to_string()),
                        escape(&t.days.to_string())
                    );
                }
                for n in &e.notes {
                    let _ = write!(out, "<li class=\"note\">{}</li>", escape(&n.to_string()));
                }
                out.push_str("</ul>");
            }
            out.push_str("</div>\n");
        }
        out.push_str("</article>\n");
    }
    out.push_str("</section>\n");
    out.push_str("<section id=\"diagnostics\" aria-labelledby=\"diagnostics-h\"><h2 id=\"diagnostics-h\">Diagnostics</h2>\n");
    if report.diagnostics.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str("<ul class=\"diagnostics\">");
        for d in &report.diagnostics {
            let place = match (&d.file, d.line) {
                (Some(file), Some(line)) => source_link(sources, file, line),
                (Some(file), None) => escape(file),
                _ => String::new(),
            };
            let help = d.help.as_ref().map_or(String::new(), |h| {
                format!("<br><span class=\"help\">help: {}</span>", escape(h))
            });
            let _ = write!(
                out,
                "<li class=\"{}\"><strong>{}</strong> <code>{}</code> {}: {}{help}</li>",
                d.severity,
                d.severity,
                escape(d.code),
                place,
                escape(&d.message)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n");
    let _ = write!(
        out,
        "<section id=\"timeline\" aria-labelledby=\"timeline-h\"><h2 id=\"timeline-h\">Who may act, when</h2>\n\
         <p>Solid: certainly may; hatched: possibly; dashed red: holds a right but is blocked.</p>\n<figure>{}</figure></section>\n",
        if timeline.is_empty() { "<p>No timeline: the rule set is invalid.</p>" } else { timeline }
    );
    let _ = write!(
        out,
        "<section id=\"money\" aria-labelledby=\"money-h\"><h2 id=\"money-h\">Money</h2>\n\
         <p>Who pays or invests in whom; red arrows lie on a cycle, dashed ones belong to deals not in force.</p>\n<figure>{}</figure></section>\n",
        if money.is_empty() { "<p>No money graph: the rule set is invalid.</p>" } else { money }
    );
    out.push_str("<section id=\"sources\" aria-labelledby=\"sources-h\"><h2 id=\"sources-h\">Rule files</h2>\n");
    for (id, file) in sources.files() {
        let _ = write!(
            out,
            "<details open><summary><code>{}</code></summary><pre class=\"source\">",
            escape(&file.path)
        );
        for (n, line) in file.text().lines().enumerate() {
            let _ = writeln!(
                out,
                "<span id=\"src-{}-{}\" class=\"line\"><span class=\"n\">{:>4}</span> {}</span>",
                id.0,
                n + 1,
                n + 1,
                escape(line)
            );
        }
        out.push_str("</pre></details>\n");
    }
    out.push_str("</section>\n</main>\n</body>\n</html>\n");
    out
}

/// `file:line` as a link to the line shown on the page.
fn source_link(sources: &SourceMap, file: &str, line: usize) -> String {
    source_link_named(sources, file, line, &format!("{file}:{line}"))
}

fn source_link_named(sources: &SourceMap, file: &str, line: usize, text: &str) -> String {
    match sources.files().find(|(_, f)| f.path == file) {
        Some((id, _)) => format!(
            "<a href=\"#src-{}-{line}\" title=\"{}:{line}\">{}</a>",
            id.0,
            escape(file),
            escape(text)
        ),
        None => escape(text),
    }
}

/// The money graph as SVG: the parties on a circle (every one visible, no layout engine to
/// ship), an arrow a payer and payee with what flows, red on a cycle, dashed when its deal is
/// not in force.
pub fn money_svg(graph: &GraphJson) -> String {
    const SIZE: f64 = 640.0;
    // Parties that trade with each other sit together: the circle goes round one connected
    // set of parties (in the order a search from its first party meets them) after another.
    let order = circle_order(graph);
    let n = graph.nodes.len().max(1);
    let radius = SIZE / 2.0 - 110.0;
    let centre = SIZE / 2.0;
    let at = |i: usize| {
        let angle = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        (centre + radius * angle.cos(), centre + radius * angle.sin())
    };
    let index = |name: &str| {
        let node = graph.nodes.iter().position(|node| node.name == name)?;
        order.iter().position(|&o| o == node)
    };
    let mut out = String::new();
    let described: Vec<String> = graph
        .edges
        .iter()
        .map(|e| format!("{} pays {} {} {}", e.from, e.to, e.amount, e.currency))
        .collect();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{SIZE}\" height=\"{SIZE}\" viewBox=\"0 0 {SIZE} {SIZE}\" role=\"img\" aria-labelledby=\"money-title money-desc\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n\
         <title id=\"money-title\">The money graph: {} parties, {} flows, {} cycles</title><desc id=\"money-desc\">{}</desc>\n\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"5\" markerHeight=\"5\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"context-stroke\"/></marker></defs>\n\
         <style>.flow{{stroke:#4a5568;stroke-width:1.5;fill:none}}.cycle{{stroke:#c53030;stroke-width:2.5}}.out{{stroke-dasharray:5 4;opacity:.6}}.node circle{{fill:#ebf8ff;stroke:#2b6cb0}}.node text{{text-anchor:middle;fill:#1a202c}}.amount{{fill:#4a5568;font-size:10px;text-anchor:middle}}@media (prefers-color-scheme: dark){{.node text{{fill:#f7fafc}}.node circle{{fill:#2a4365}}.amount{{fill:#cbd5e0}}.flow{{stroke:#a0aec0}}}}</style>",
        graph.nodes.len(),
        graph.edges.len(),
        graph.cycles.len(),
        escape(&described.join("; "))
    );
    for (k, e) in graph.edges.iter().enumerate() {
        let (Some(a), Some(b)) = (index(&e.from), index(&e.to)) else {
            continue;
        };
        let ((x1, y1), (x2, y2)) = (at(a), at(b));
        // Shortened to the circles' edges, and bowed so flows both ways do not overlap.
        let (dx, dy) = (x2 - x1, y2 - y1);
        let length = (dx * dx + dy * dy).sqrt().max(1.0);
        let (ux, uy) = (dx / length, dy / length);
        let (sx, sy, ex, ey) = (
            x1 + ux * 18.0,
            y1 + uy * 18.0,
            x2 - ux * 18.0,
            y2 - uy * 18.0,
        );
        let (cx, cy) = ((sx + ex) / 2.0 - uy * 24.0, (sy + ey) / 2.0 + ux * 24.0);
        let mut class = String::from("flow");
        if e.on_cycle {
            class.push_str(" cycle");
        }
        if !e.in_force {
            class.push_str(" out");
        }
        let _ = writeln!(
            out,
            "<g id=\"flow-{k}\"><path class=\"{class}\" d=\"M{sx:.1},{sy:.1} Q{cx:.1},{cy:.1} {ex:.1},{ey:.1}\" marker-end=\"url(#arrow)\"><title>{} → {}: {} {} ({})</title></path></g>",
            escape(&e.from),
            escape(&e.to),
            escape(&e.amount),
            escape(&e.currency),
            escape(&e.term)
        );
    }
    for (i, node) in order.iter().filter_map(|&o| graph.nodes.get(o)).enumerate() {
        let (x, y) = at(i);
        let _ = writeln!(
            out,
            "<g class=\"node\" id=\"party-{i}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"16\"/><text x=\"{x:.1}\" y=\"{:.1}\">{}</text></g>",
            y + 30.0,
            escape(&node.name)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// The nodes in circle order: each connected set of parties together, breadth first.
fn circle_order(graph: &GraphJson) -> Vec<usize> {
    let n = graph.nodes.len();
    let index = |name: &str| graph.nodes.iter().position(|node| node.name == name);
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &graph.edges {
        if let (Some(a), Some(b)) = (index(&e.from), index(&e.to)) {
            if let Some(list) = next.get_mut(a) {
                list.push(b);
            }
            if let Some(list) = next.get_mut(b) {
                list.push(a);
            }
        }
    }
    let mut seen = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        if seen.get(start).copied().unwrap_or(true) {
            continue;
        }
        let mut queue = std::collections::VecDeque::from([start]);
        if let Some(s) = seen.get_mut(start) {
            *s = true;
        }
        while let Some(node) = queue.pop_front() {
            order.push(node);
            for &m in next.get(node).map_or(&[][..], |v| v.as_slice()) {
                if let Some(s) = seen.get_mut(m) {
                    if !*s {
                        *s = true;
                        queue.push_back(m);
                    }
                }
            }
        }
    }
    order
}

/// The flows as a table: the money graph's text alternative, readable in print.
pub fn money_table(graph: &GraphJson) -> String {
    let mut out = String::from(
        "<table class=\"flows\"><caption>Every flow</caption><thead><tr><th scope=\"col\">From</th><th scope=\"col\">To</th><th scope=\"col\">Amount</th><th scope=\"col\">Term</th><th scope=\"col\">Note</th></tr></thead><tbody>",
    );
    for e in &graph.edges {
        let mut note = Vec::new();
        if e.on_cycle {
            note.push("on a cycle");
        }
        if !e.in_force {
            note.push("deal not in force");
        }
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{} {}</td><td>{}</td><td>{}</td></tr>",
            escape(&e.from),
            escape(&e.to),
            escape(&e.amount),
            escape(&e.currency),
            escape(&e.term),
            note.join(", ")
        );
    }
    out.push_str("</tbody></table>");
    out
}

const STYLE: &str = "
:root{color-scheme:light dark;--fg:#1a202c;--bg:#fff;--muted:#4a5568;--ok:#276749;--bad:#c53030;--line:#e2e8f0}
@media (prefers-color-scheme: dark){:root{--fg:#e2e8f0;--bg:#171923;--muted:#a0aec0;--ok:#68d391;--bad:#fc8181;--line:#2d3748}}
body{font-family:system-ui,sans-serif;color:var(--fg);background:var(--bg);max-width:72rem;margin:0 auto;padding:1rem;line-height:1.45}
h1{margin:.2rem 0}h2{border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2rem}h3{margin:.2rem 0}
nav a{color:inherit}a{color:#2b6cb0}
.rule{border:1px solid var(--line);border-radius:6px;padding:.6rem .9rem;margin:.8rem 0}
.rule.failed{border-color:var(--bad)}.badge{font-size:.75rem;padding:.05rem .4rem;border-radius:4px;border:1px solid currentColor}
.badge.ok{color:var(--ok)}.badge.failed{color:var(--bad)}
.label{font-style:italic;margin:.2rem 0}.doc,.where{color:var(--muted);margin:.2rem 0}
.check{border-top:1px dashed var(--line);padding-top:.4rem;margin-top:.4rem}.answer{margin:.2rem 0}
.because{margin:.2rem 0}.terms{margin:.2rem 0 .4rem 1.2rem;padding:0;font-size:.92rem}.note{color:var(--muted)}
.lines,.source{font-size:.85rem;overflow-x:auto}.source .n{color:var(--muted);user-select:none}
.source .line{display:block}.source .line:target{background:#fefcbf;color:#1a202c}
.diagnostics .error strong{color:var(--bad)}.help{color:var(--muted)}
figure{margin:0;overflow-x:auto}svg{max-width:100%;height:auto}
.flows{border-collapse:collapse;font-size:.88rem;margin-top:.6rem}.flows td,.flows th{border:1px solid var(--line);padding:.15rem .5rem;text-align:left}
@media print{nav{display:none}details{display:block}.rule{break-inside:avoid}a{color:inherit;text-decoration:none}}
";
