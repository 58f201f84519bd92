//! Uses of names, dates and statically decidable types: every problem is reported, and the
//! walk goes on after each one.

use super::{PartyId, Program, Symbol, Target};
use crate::ast::*;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::time;
use crate::source::{Span, Spanned};

/// Diagnostics being collected, and how many more name comparisons "did you mean" may make:
/// comparing every unknown name with every declared one is quadratic, and a rule set with
/// tens of thousands of each must still be checked in seconds.
pub(super) struct Diags {
    pub list: Vec<Diagnostic>,
    suggestions_left: usize,
}

impl Diags {
    pub fn new() -> Diags {
        Diags {
            list: Vec::new(),
            suggestions_left: crate::limits::SUGGESTION_BUDGET,
        }
    }
}

impl std::ops::Deref for Diags {
    type Target = Vec<Diagnostic>;
    fn deref(&self) -> &Vec<Diagnostic> {
        &self.list
    }
}

impl std::ops::DerefMut for Diags {
    fn deref_mut(&mut self) -> &mut Vec<Diagnostic> {
        &mut self.list
    }
}

/// How similar two names must be (Jaro–Winkler) to be offered as "did you mean".
const CLOSE_ENOUGH: f64 = 0.8;

/// The closest of `candidates` to `wanted`, if one is close enough to be a typo; `None` once
/// the budget is spent. A candidate is `None` when walked but not of the kind wanted: every one
/// walked costs one, so a rule set of 100,000 rule names and one party does not walk them all
/// for each unknown party.
fn closest<'c>(
    wanted: &str,
    candidates: impl Iterator<Item = Option<&'c str>>,
    budget: &mut usize,
) -> Option<&'c str> {
    let wanted = wanted.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        let Some(candidate) = candidate else {
            continue;
        };
        let score = strsim::jaro_winkler(&wanted, &candidate.to_lowercase());
        if score > CLOSE_ENOUGH
            && best.is_none_or(|(b, n)| score > b || (score == b && candidate < n))
        {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, n)| n)
}

/// The closest declared name of the wanted kind, if one is close enough to be a typo.
fn suggest(
    program: &Program,
    wanted: &str,
    keep: impl Fn(Symbol) -> bool,
    diagnostics: &mut Diags,
) -> Option<String> {
    if diagnostics.suggestions_left == 0 {
        return None;
    }
    closest(
        wanted,
        program
            .all_names()
            .map(|(name, symbol)| keep(symbol).then_some(name)),
        &mut diagnostics.suggestions_left,
    )
    .map(str::to_string)
}

fn resolve_name(
    program: &Program,
    name: &Name,
    kind: &str,
    keep: fn(Symbol) -> bool,
    diagnostics: &mut Diags,
) -> Option<Symbol> {
    match program.symbol(&name.node) {
        Some(symbol) if keep(symbol) => Some(symbol),
        Some(other) => {
            let mut d = Diagnostic::error(
                codes::WRONG_KIND,
                name.span,
                format!("`{}` is {}, not {kind}", name.node, other.kind()),
            )
            .with_label(format!("expected {kind} here"));
            if let Some(at) = program.declared_at(&name.node) {
                d = d.with_other(at, format!("declared as {} here", other.kind()));
            }
            diagnostics.push(d.with_help(format!("use the name of {kind}")));
            None
        }
        None => {
            let mut d = Diagnostic::error(
                codes::UNKNOWN_NAME,
                name.span,
                format!(
                    "unknown {} `{}`",
                    &kind[kind.find(' ').map_or(0, |i| i + 1)..],
                    name.node
                ),
            )
            .with_label("not declared anywhere in the rule set");
            d = match suggest(program, &name.node, keep, diagnostics) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_help(format!(
                    "declare it, e.g. `{} {}`",
                    declaring_keyword(kind),
                    name.node
                )),
            };
            diagnostics.push(d);
            None
        }
    }
}

fn declaring_keyword(kind: &str) -> &str {
    match kind {
        "a party" => "party",
        "an action" => "action",
        "a channel" => "channel",
        "an event" => "event",
        _ => "deal",
    }
}

pub(super) fn expect_party(
    program: &Program,
    name: &Name,
    diagnostics: &mut Diags,
) -> Option<PartyId> {
    match resolve_name(
        program,
        name,
        "a party",
        |s| matches!(s, Symbol::Party(_)),
        diagnostics,
    )? {
        Symbol::Party(p) => Some(p),
        _ => None,
    }
}

fn expect_action(program: &Program, name: &Name, diagnostics: &mut Diags) {
    resolve_name(
        program,
        name,
        "an action",
        |s| matches!(s, Symbol::Action(_)),
        diagnostics,
    );
}

fn expect_channel(program: &Program, name: &Name, diagnostics: &mut Diags) {
    resolve_name(
        program,
        name,
        "a channel",
        |s| matches!(s, Symbol::Channel(_)),
        diagnostics,
    );
}

fn expect_event(program: &Program, name: &Name, diagnostics: &mut Diags) {
    resolve_name(
        program,
        name,
        "an event",
        |s| matches!(s, Symbol::Event(_)),
        diagnostics,
    );
}

fn expect_asset(program: &Program, asset: &AssetRef, diagnostics: &mut Diags) {
    let Some(owner) = expect_party(program, &asset.owner, diagnostics) else {
        return;
    };
    if program.asset(asset).is_some() {
        return;
    }
    let elsewhere: Vec<String> = program
        .assets
        .iter()
        .enumerate()
        .filter(|(_, a)| a.name.node == asset.name.node)
        .map(|(i, a)| {
            format!(
                "{}.{}",
                program.party_name(program.asset_owner.get(i).copied().unwrap_or(usize::MAX)),
                a.name.node
            )
        })
        .collect();
    let written = format!("{}.{}", asset.owner.node, asset.name.node);
    let d = if let Some(real) = elsewhere.first() {
        Diagnostic::error(
            codes::ASSET_OWNER,
            asset.span(),
            format!("`{written}` names the wrong owner: the asset is `{real}`"),
        )
        .with_label(format!(
            "`{}` does not own `{}`",
            program.party_name(owner),
            asset.name.node
        ))
        .with_help(format!(
            "an asset is always named with its owner: write `{real}`"
        ))
    } else {
        let close = closest(
            &asset.name.node,
            program.asset_names_of(owner).map(Some),
            &mut diagnostics.suggestions_left,
        );
        let d = Diagnostic::error(
            codes::UNKNOWN_NAME,
            asset.span(),
            format!("unknown asset `{written}`"),
        )
        .with_label("not declared anywhere in the rule set");
        match close {
            Some(n) => d.with_help(format!("did you mean `{}.{n}`?", asset.owner.node)),
            None => d.with_help(format!("declare it: `asset {written}`")),
        }
    };
    diagnostics.push(d);
}

fn expect_target(
    program: &Program,
    reference: &Reference,
    diagnostics: &mut Diags,
) -> Option<Target> {
    let symbol = resolve_name(
        program,
        &reference.first,
        "a deal",
        |s| matches!(s, Symbol::Deal(_)),
        diagnostics,
    )?;
    let Symbol::Deal(deal) = symbol else {
        return None;
    };
    let target = program.target(reference);
    if target.is_none() {
        if let Some(label) = &reference.second {
            let labels: Vec<&str> = program
                .deal_tree(deal)
                .into_iter()
                .flat_map(|d| &d.terms)
                .filter_map(|t| t.label.as_ref().map(|l| l.node.as_str()))
                .collect();
            let close = labels
                .iter()
                .find(|l| strsim::jaro_winkler(l, &label.node) > 0.8);
            let d = Diagnostic::error(
                codes::UNKNOWN_NAME,
                label.span,
                format!(
                    "deal `{}` has no term labelled `{}`",
                    reference.first.node, label.node
                ),
            )
            .with_label("no such term label");
            diagnostics.push(match close {
                Some(c) => d.with_help(format!("did you mean `{}.{c}`?", reference.first.node)),
                None => d.with_help(format!(
                    "label the term: `{}: …` inside the deal",
                    label.node
                )),
            });
        }
    }
    target
}

/// A date literal must name a real period.
fn check_date(date: &Spanned<DateLit>, diagnostics: &mut Diags) {
    if time::period(date.node).is_some() {
        return;
    }
    let help = match date.node {
        DateLit::Day { year, month, .. } if (1..=12).contains(&month) => {
            let days =
                time::period(DateLit::Month { year, month }).map_or(0, |(a, b)| b.0 - a.0 + 1);
            format!("{year:04}-{month:02} has {days} days")
        }
        DateLit::Day { .. } | DateLit::Month { .. } => "months run from 01 to 12".to_string(),
        DateLit::Quarter { .. } => "quarters run from Q1 to Q4".to_string(),
        DateLit::Half { .. } => "half years are H1 and H2".to_string(),
        DateLit::Decade { year } => format!(
            "a decade starts at a year ending in 0, like `{}s`",
            year - year.rem_euclid(10)
        ),
        DateLit::Year { .. } => "years run from 0000 to 9999".to_string(),
    };
    diagnostics.push(
        Diagnostic::error(codes::INVALID_DATE, date.span, "not a valid date")
            .with_label("no such date")
            .with_help(help),
    );
}

fn check_point(program: &Program, point: &Spanned<Point>, diagnostics: &mut Diags) {
    match &point.node {
        Point::Date(d) | Point::Sometime(d) => {
            check_date(&Spanned::new(*d, point.span), diagnostics)
        }
        Point::Event(name) => expect_event(program, name, diagnostics),
        Point::Start(r) | Point::End(r) => {
            expect_target(program, r, diagnostics);
        }
        Point::Earliest(points) | Point::Latest(points) => {
            for p in points {
                check_point(program, p, diagnostics);
            }
        }
        Point::Shifted(base, _) => check_point(program, base, diagnostics),
    }
}

fn check_window(
    program: &Program,
    window: &Window,
    dated: bool,
    term: Span,
    diagnostics: &mut Diags,
) {
    match window {
        Window::On(p) | Window::During(p) => check_point(program, p, diagnostics),
        Window::Range { from, end } => {
            if let Some(p) = from {
                check_point(program, p, diagnostics);
            }
            match end {
                Some(WindowEnd::Until(p)) => check_point(program, p, diagnostics),
                Some(WindowEnd::For(d)) if from.is_none() && !dated => diagnostics.push(
                    Diagnostic::error(codes::TYPE, d.span, "`for` a duration needs a start")
                        .with_label("counted from when?")
                        .with_other(term, "this term has no `from` and its deal no `dated` day")
                        .with_help("add `from DATE` before `for`, or a `dated` line to the deal"),
                ),
                _ => {}
            }
        }
    }
}

fn check_term(program: &Program, term: &Term, dated: bool, diagnostics: &mut Diags) {
    match &term.kind {
        TermKind::Flow {
            from, to, window, ..
        } => {
            expect_party(program, from, diagnostics);
            expect_party(program, to, diagnostics);
            check_window(program, window, dated, term.span, diagnostics);
        }
        TermKind::Right {
            who,
            action,
            asset,
            via,
            window,
            ..
        } => {
            match who {
                Who::Party(p) => {
                    expect_party(program, p, diagnostics);
                }
                Who::Everyone { except } => {
                    for p in except {
                        expect_party(program, p, diagnostics);
                    }
                }
            }
            expect_action(program, action, diagnostics);
            expect_asset(program, asset, diagnostics);
            if let Some(c) = via {
                expect_channel(program, c, diagnostics);
            }
            check_window(program, window, dated, term.span, diagnostics);
        }
        TermKind::Terminate { target, on } => {
            expect_target(program, target, diagnostics);
            if let Some(p) = on {
                check_point(program, p, diagnostics);
            }
        }
    }
}

fn check_deal(program: &Program, deal: &Deal, diagnostics: &mut Diags) {
    for party in &deal.parties {
        expect_party(program, party, diagnostics);
    }
    for extra in deal.statuses.iter().skip(1) {
        diagnostics.push(repeated(
            extra.span,
            "status",
            deal.statuses.first().map(|s| s.span),
        ));
    }
    for extra in deal.dated.iter().skip(1) {
        diagnostics.push(repeated(
            extra.span,
            "dated",
            deal.dated.first().map(|s| s.span),
        ));
    }
    if let Some(Spanned {
        node: Status::TerminatedOn(p),
        ..
    }) = deal.statuses.first()
    {
        check_point(program, p, diagnostics);
    }
    for d in &deal.dated {
        check_date(d, diagnostics);
    }
    for term in &deal.terms {
        check_term(program, term, !deal.dated.is_empty(), diagnostics);
    }
}

fn repeated(span: Span, what: &str, first: Option<Span>) -> Diagnostic {
    let mut d = Diagnostic::error(
        codes::DUPLICATE_NAME,
        span,
        format!("a deal has one `{what}` line"),
    )
    .with_label(format!("second `{what}`"))
    .with_help(format!("keep a single `{what}` line"));
    if let Some(first) = first {
        d = d.with_other(first, "first one here");
    }
    d
}

/// Whether two points written for `assuming EVENT on …` name the same day: date literals by
/// their first day (`2026-01` is `2026-01-01`, as an event's day), anything else as written.
fn same_day(a: &Point, b: &Point) -> bool {
    match (a, b) {
        (Point::Date(x), Point::Date(y)) => {
            time::period(*x).map(|p| p.0) == time::period(*y).map(|p| p.0)
        }
        _ => a == b,
    }
}

fn check_rule(program: &Program, rule: &crate::ast::Rule, diagnostics: &mut Diags) {
    // One event fixed to two different days: the rule would silently use the last one.
    let mut fixed: Vec<(&Name, &Spanned<Point>)> = Vec::new();
    for assumption in &rule.assumptions {
        if let Assumption::Event(name, point) = assumption {
            match fixed.iter().find(|(n, _)| n.node == name.node) {
                Some((first, day)) if !same_day(&day.node, &point.node) => diagnostics.push(
                    Diagnostic::error(
                        codes::CONFLICTING_ASSUMPTIONS,
                        point.span,
                        format!("rule `{}` assumes `{}` on two different days", rule.name.node, name.node),
                    )
                    .with_label("second day")
                    .with_other(day.span, format!("first day for `{}`", first.node))
                    .with_help("an event happens on one day: keep one `assuming` line for it, or split the rule"),
                ),
                Some(_) => {}
                None => fixed.push((name, point)),
            }
        }
    }
    for assumption in &rule.assumptions {
        match assumption {
            Assumption::Deal(name) => match program.symbol(&name.node) {
                Some(Symbol::Event(_)) => diagnostics.push(
                    Diagnostic::error(
                        codes::TYPE,
                        name.span,
                        format!("assuming event `{}` needs a day", name.node),
                    )
                    .with_label("which day?")
                    .with_help(format!("write `assuming {} on DATE`", name.node)),
                ),
                _ => {
                    resolve_name(
                        program,
                        name,
                        "a deal",
                        |s| matches!(s, Symbol::Deal(_)),
                        diagnostics,
                    );
                }
            },
            Assumption::Event(name, point) => {
                expect_event(program, name, diagnostics);
                check_point(program, point, diagnostics);
            }
        }
    }
    if rule.checks.is_empty() {
        diagnostics.push(
            Diagnostic::error(
                codes::EMPTY_RULE,
                rule.name.span,
                format!("rule `{}` asks nothing", rule.name.node),
            )
            .with_label("no `ask` or `assert` in this rule")
            .with_help("add `ask QUESTION` (with `expect yes|no|unknown`) or `assert QUESTION`"),
        );
    }
    for check in &rule.checks {
        check_question_into(program, &check.question, diagnostics);
    }
}

/// Checks a question against a rule set's names and types.
pub fn check_question(program: &Program, question: &Spanned<Question>) -> Vec<Diagnostic> {
    let mut diagnostics = Diags::new();
    check_question_into(program, question, &mut diagnostics);
    diagnostics.list
}

fn check_question_into(program: &Program, question: &Spanned<Question>, diagnostics: &mut Diags) {
    match &question.node {
        Question::Or(qs) | Question::And(qs) => {
            for q in qs {
                check_question_into(program, q, diagnostics);
            }
        }
        Question::Not(q) => check_question_into(program, q, diagnostics),
        Question::Literal(_) => {}
        Question::Can {
            party,
            action,
            asset,
            via,
            when,
            ..
        } => {
            expect_party(program, party, diagnostics);
            expect_action(program, action, diagnostics);
            expect_asset(program, asset, diagnostics);
            if let Some(c) = via {
                expect_channel(program, c, diagnostics);
            }
            if let Some(w) = when {
                check_when(program, w, diagnostics);
            }
        }
        Question::Active { target, when } => {
            expect_target(program, target, diagnostics);
            if let Some(w) = when {
                check_when(program, w, diagnostics);
            }
        }
        Question::Compare { left, right, .. } => {
            check_value(program, left, diagnostics);
            check_value(program, right, diagnostics);
            let (l, r) = (
                value_type(&left.node, &right.node),
                value_type(&right.node, &left.node),
            );
            if l != r {
                diagnostics.push(
                    Diagnostic::error(
                        codes::TYPE,
                        left.span,
                        format!("cannot compare {} with {}", l.describe(), r.describe()),
                    )
                    .with_label(l.describe())
                    .with_other(right.span, r.describe())
                    .with_help(
                        "compare money with money, dates with dates, percentages with percentages",
                    ),
                );
            }
        }
    }
}

fn check_when(program: &Program, when: &Spanned<When>, diagnostics: &mut Diags) {
    match &when.node {
        When::Before(p) | When::After(p) | When::In(p) => check_point(program, p, diagnostics),
        When::Between(a, b) => {
            check_point(program, a, diagnostics);
            check_point(program, b, diagnostics);
        }
    }
}

fn check_value(program: &Program, value: &Spanned<Value>, diagnostics: &mut Diags) {
    match &value.node {
        Value::Point(p) => check_point(program, &Spanned::new(p.clone(), value.span), diagnostics),
        Value::Invested(a, b) | Value::Paid(a, b) | Value::Flow(a, b) | Value::Roundtrip(a, b) => {
            expect_party(program, a, diagnostics);
            expect_party(program, b, diagnostics);
        }
        Value::Valuation(a) => {
            expect_party(program, a, diagnostics);
        }
        Value::Money(_) | Value::Percent(_) | Value::Number(_) | Value::Duration(_) => {}
    }
}

/// The static type of a compared value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    Money,
    Percent,
    Number,
    Duration,
    Time,
}

impl ValueType {
    fn describe(self) -> &'static str {
        match self {
            ValueType::Money => "money",
            ValueType::Percent => "a percentage",
            ValueType::Number => "a number",
            ValueType::Duration => "a duration",
            ValueType::Time => "a date",
        }
    }
}

/// A value's type; a bare year (`2030`) is a number when compared with a number.
pub fn value_type(value: &Value, other: &Value) -> ValueType {
    match value {
        Value::Money(_)
        | Value::Invested(..)
        | Value::Paid(..)
        | Value::Flow(..)
        | Value::Valuation(_) => ValueType::Money,
        Value::Percent(_) | Value::Roundtrip(..) => ValueType::Percent,
        Value::Number(_) => ValueType::Number,
        Value::Duration(_) => ValueType::Duration,
        Value::Point(Point::Date(DateLit::Year { .. })) if matches!(other, Value::Number(_)) => {
            ValueType::Number
        }
        Value::Point(_) => ValueType::Time,
    }
}

/// Checks every name, date and type; `each_deal` sees every deal once, unpacked, so the
/// checker's other passes over terms need not unpack them again.
pub(super) fn resolve(
    program: &Program,
    diagnostics: &mut Diags,
    mut each_deal: impl FnMut(super::DealId, &Deal),
) {
    if let Some(as_of) = &program.as_of {
        check_date(as_of, diagnostics);
    }
    for event in &program.events {
        match &event.when {
            Some(EventWhen::On(d)) | Some(EventWhen::Expected(d)) => check_date(d, diagnostics),
            None => {}
        }
    }
    for id in 0..program.deal_count() {
        if let Some(deal) = program.deal_tree(id) {
            check_deal(program, deal, diagnostics);
            each_deal(id, deal);
        }
    }
    for rule in &program.rules {
        check_rule(program, rule, diagnostics);
    }
}
