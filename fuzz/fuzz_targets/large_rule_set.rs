//! Structure-aware and at scale: the bytes choose a *shape* — how many deals, parties, events and
//! rules, and a short pattern of term templates repeated across every deal — and the target
//! writes a rule set of up to thousands of deals full of cross-references (`start`/`end` of
//! other deals and terms, `earliest`/`latest`, shifted points, terminations, long and circular
//! reference chains, deep groups, flows in two currencies), then checks it, renders the report
//! and asks questions. The byte-level targets use 4 KB inputs and cannot reach these sizes; this
//! one looks for what only shows at scale: a stack overflow, a hang (libFuzzer's `-timeout`), a
//! panic in a path only many terms reach, or in drawing a diagnostic on a very long line (the
//! bytes may put the whole rule set on one line). `DEALCHECK_FUZZ_DUMP=1` prints the generated
//! rule set (to look at a finding: run the target binary on the artifact with it set).
#![no_main]

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::fmt::Write;

/// One term template of the pattern: which kind of term, and the small numbers it is built from.
#[derive(Clone, Copy)]
struct Template {
    kind: u8,
    a: u16,
    b: u16,
    point: u8,
    end: u8,
}

struct Shape {
    deals: usize,
    parties: usize,
    events: usize,
    rules: usize,
    terms_per_deal: usize,
    group_step: usize,
    pattern: Vec<Template>,
    questions: Vec<Template>,
    /// Everything on one line (comments dropped): diagnostics far along a line of hundreds of
    /// kilobytes (miette panicked drawing one past column 65,535).
    one_line: bool,
}

fn shape(u: &mut Unstructured<'_>) -> Result<Shape> {
    let deals = u.int_in_range(1..=3000)?;
    let parties = u.int_in_range(2..=2000)?;
    let events = u.int_in_range(0..=40)?;
    let rules = u.int_in_range(0..=200)?;
    let terms_per_deal = u.int_in_range(1..=6)?;
    let group_step = u.int_in_range(0..=8)?;
    let mut pattern = Vec::new();
    for _ in 0..u.int_in_range(1..=8)? {
        pattern.push(template(u)?);
    }
    let mut questions = Vec::new();
    for _ in 0..u.int_in_range(1..=6)? {
        questions.push(template(u)?);
    }
    Ok(Shape {
        deals,
        parties,
        events,
        rules,
        terms_per_deal,
        group_step,
        pattern,
        questions,
        // Read last, so that inputs from before this byte existed keep their shapes.
        one_line: u.arbitrary().unwrap_or(false),
    })
}

fn template(u: &mut Unstructured<'_>) -> Result<Template> {
    Ok(Template {
        kind: u.arbitrary()?,
        a: u.arbitrary()?,
        b: u.arbitrary()?,
        point: u.arbitrary()?,
        end: u.arbitrary()?,
    })
}

/// Another deal, chosen from this one's number: backwards makes long chains, forwards cycles.
fn other_deal(shape: &Shape, deal: usize, offset: u16) -> usize {
    let offset = usize::from(offset);
    if offset % 2 == 0 {
        (deal + shape.deals - 1 - (offset / 2) % shape.deals) % shape.deals
    } else {
        (deal + 1 + offset / 2) % shape.deals
    }
}

fn reference(shape: &Shape, deal: usize, t: Template) -> String {
    let target = other_deal(shape, deal, t.a);
    if t.b % 3 == 0 {
        format!("deal_{target}")
    } else {
        format!("deal_{target}.t{}", usize::from(t.b) % (shape.terms_per_deal + 1))
    }
}

fn date(seed: usize) -> String {
    let year = 2018 + seed % 20;
    match seed % 7 {
        0 => format!("{year}"),
        1 => format!("{year}-{:02}", 1 + seed % 12),
        2 => format!("{year}-Q{}", 1 + seed % 4),
        3 => format!("{year}-H{}", 1 + seed % 2),
        4 => format!("{}0s", 201 + seed % 3),
        _ => format!("{year}-{:02}-{:02}", 1 + seed % 12, 1 + seed % 28),
    }
}

/// A point, nested at most `depth` deep, that can refer to other deals and their terms.
fn point(shape: &Shape, deal: usize, t: Template, depth: u8) -> String {
    let seed = deal.wrapping_mul(31) + usize::from(t.a) + usize::from(t.point);
    let inner = Template {
        point: t.point.wrapping_mul(7).wrapping_add(3),
        a: t.a.wrapping_add(1),
        ..t
    };
    match (t.point % 10, depth) {
        (0, _) | (_, 0) => date(seed),
        (1, _) => format!("sometime in {}", date(seed)),
        (2, _) if shape.events > 0 => format!("event_{}", seed % shape.events),
        (3, _) => format!("start({})", reference(shape, deal, t)),
        (4, _) | (5, _) => format!("end({})", reference(shape, deal, t)),
        (6, _) => format!(
            "earliest({}, {})",
            point(shape, deal, inner, depth - 1),
            point(shape, deal, Template { a: t.b, ..inner }, depth - 1)
        ),
        (7, _) => format!(
            "latest({}, {})",
            point(shape, deal, inner, depth - 1),
            point(shape, deal, Template { a: t.b, ..inner }, depth - 1)
        ),
        (8, _) => format!(
            "{} + {} months - {} days",
            point(shape, deal, inner, depth - 1),
            t.b % 40,
            t.end % 30
        ),
        _ => date(seed),
    }
}

fn window(shape: &Shape, deal: usize, t: Template) -> String {
    let from = point(shape, deal, t, 2);
    let until = point(
        shape,
        deal,
        Template {
            point: t.end,
            a: t.b,
            ..t
        },
        2,
    );
    match t.end % 6 {
        0 => String::new(),
        1 => format!("from {from}"),
        2 => format!("from {from} until {until}"),
        3 => format!("until {until}"),
        4 => format!("from {from} for {} years", 1 + t.b % 12),
        _ => format!("during {}", date(usize::from(t.a))),
    }
}

fn party(shape: &Shape, seed: usize) -> usize {
    seed % shape.parties
}

const ACTIONS: [&str; 3] = ["host", "resell", "train_on"];

fn term(shape: &Shape, deal: usize, index: usize, t: Template, out: &mut String) {
    let p = party(shape, deal + usize::from(t.a));
    let q = party(shape, deal * 7 + usize::from(t.b) + 1);
    let action = ACTIONS[usize::from(t.kind / 16) % ACTIONS.len()];
    let asset = format!("p{}.m{}", party(shape, deal + usize::from(t.b)), t.a % 2);
    let via = if t.kind % 5 == 0 { " via cloud" } else { "" };
    let currency = if t.b % 11 == 0 { "EUR" } else { "USD" };
    let amount = match t.a % 5 {
        0 => format!("{} {currency}", 1 + t.b),
        1 => format!("up to {}B {currency}", 1 + t.b % 900),
        2 => format!("between {}M {currency} and {}M {currency}", t.b, t.b as u32 + 10),
        3 => format!("undisclosed {currency}"),
        _ => format!("at least {}M {currency}", t.b),
    };
    let window = window(shape, deal, t);
    let _ = write!(out, "  t{index}: ");
    let _ = match t.kind % 9 {
        0 => writeln!(out, "grant p{q} may {action} {asset}{via} {window}"),
        1 => writeln!(out, "exclusive p{q} may {action} {asset}{via} {window}"),
        2 => writeln!(out, "sole p{q} may {action} {asset}{via} {window}"),
        3 => writeln!(
            out,
            "forbid everyone except p{p}, p{q} {action} {asset}{via} {window}"
        ),
        4 => writeln!(
            out,
            "invest {amount} from p{p} in p{q} {window} at valuation {} {currency}",
            1000 + t.a
        ),
        5 => writeln!(out, "pay {amount} from p{q} to p{p} {window}"),
        6 => writeln!(out, "lease \"x\" from p{p} to p{q} {window} worth {amount}"),
        7 => writeln!(out, "supply \"y\" from p{q} to p{p} worth {amount} {window}"),
        _ => writeln!(
            out,
            "terminate {} on {}",
            reference(shape, deal, t),
            point(shape, deal, t, 2)
        ),
    };
}

fn question(shape: &Shape, seed: usize, t: Template) -> String {
    let p = party(shape, seed + usize::from(t.a));
    let q = party(shape, seed + usize::from(t.b));
    let when = match t.end % 5 {
        0 => String::new(),
        1 => format!(" before {}", date(usize::from(t.a))),
        2 => format!(" after {}", point(shape, seed % shape.deals, t, 2)),
        3 => format!(
            " between {} and {}",
            date(usize::from(t.a)),
            date(usize::from(t.b))
        ),
        _ => format!(" in {}", date(usize::from(t.b))),
    };
    let action = ACTIONS[usize::from(t.point) % ACTIONS.len()];
    match t.kind % 8 {
        0 => format!("can p{p} {action} p{q}.m{}{when}", t.a % 2),
        1 => format!("can p{p} always {action} p{q}.m0 via cloud{when}"),
        2 => format!("active({}){when}", reference(shape, seed % shape.deals, t)),
        3 => format!("invested(p{p}, p{q}) > {}M USD", t.b),
        4 => format!("roundtrip(p{p}, p{q}) >= {}%", t.b % 100),
        5 => format!("flow(p{p}, p{q}) <= paid(p{q}, p{p}) or valuation(p{q}) > 1B USD"),
        6 => format!(
            "{} < {}",
            point(shape, seed % shape.deals, t, 3),
            date(usize::from(t.b))
        ),
        _ => format!(
            "not (can p{p} host p{q}.m1{when} and active(deal_{}))",
            seed % shape.deals
        ),
    }
}

fn generate(shape: &Shape) -> String {
    let mut out = String::from("as of 2025-12-17\naction host\naction resell\naction train_on\nchannel cloud\n");
    for p in 0..shape.parties {
        let _ = write!(out, "party p{p}");
        if shape.group_step > 0 && p >= shape.group_step && p % 3 != 0 {
            let _ = write!(out, " part of p{}", p - shape.group_step);
        }
        let _ = writeln!(out, "\nasset p{p}.m0\nasset p{p}.m1");
    }
    for e in 0..shape.events {
        let _ = match e % 3 {
            0 => writeln!(out, "event event_{e}"),
            1 => writeln!(out, "event event_{e} on {}", date(e * 13)),
            _ => writeln!(out, "event event_{e} expected {}", date(e * 5)),
        };
    }
    let len = shape.pattern.len().max(1);
    for deal in 0..shape.deals {
        let Some(&first) = shape.pattern.get(deal % len) else {
            break;
        };
        let status = match first.end % 9 {
            0 => "proposed".to_string(),
            1 => "reported".to_string(),
            2 => format!("terminated on {}", point(shape, deal, first, 2)),
            _ => "signed".to_string(),
        };
        let _ = writeln!(
            out,
            "deal deal_{deal} {{\n  between p{}, p{}\n  status {status}",
            party(shape, deal),
            party(shape, deal + 1)
        );
        if first.a % 4 == 0 {
            let _ = writeln!(out, "  dated {}", date(deal));
        }
        for index in 0..shape.terms_per_deal {
            if let Some(&t) = shape.pattern.get((deal + index) % len) {
                term(shape, deal, index, t, &mut out);
            }
        }
        out.push_str("}\n");
    }
    for rule in 0..shape.rules {
        let _ = writeln!(out, "rule rule_{rule} {{");
        if rule % 4 == 1 {
            let _ = writeln!(out, "  assuming deal_{}", (rule * 17) % shape.deals);
        }
        if rule % 5 == 2 && shape.events > 0 {
            let _ = writeln!(
                out,
                "  assuming event_{} on {}",
                rule % shape.events,
                date(rule)
            );
        }
        for (i, &t) in shape.questions.iter().enumerate() {
            let _ = writeln!(out, "  ask {}", question(shape, rule * 3 + i, t));
        }
        out.push_str("}\n");
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(shape) = shape(&mut u) else {
        return;
    };
    let mut text = generate(&shape);
    if shape.one_line {
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect();
        text = lines.join(" ");
    }
    if std::env::var_os("DEALCHECK_FUZZ_DUMP").is_some() {
        eprintln!("{text}");
    }
    let rules = dealcheck::RuleSet::from_sources([("large.deal", text)]);
    let options = dealcheck::Options {
        as_of: dealcheck::parse_date("2025-12-17"),
        assume: Vec::new(),
    };
    let report = rules.check(&options);
    let _ = report.render_text();
    // The diagnostics as the CLI draws them (the first few: drawing is not what is searched).
    for d in report.raw_diagnostics.iter().take(20) {
        let _ = dealcheck::report::render_diagnostic(d, rules.sources(), Default::default());
    }
    for (i, &t) in shape.questions.iter().enumerate() {
        if let Ok(answer) = rules.ask(&question(&shape, i, t), &options) {
            let _ = dealcheck::report::render_answer(&answer);
        }
    }
});
