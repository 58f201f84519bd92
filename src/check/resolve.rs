//! Uses of names, dates and statically decidable types: each parsed deal, rule and question
//! becomes its resolved form (every name an id of its declaration, [`super::resolved`]); every
//! problem is reported, and the walk goes on after each one.

use super::resolved::{self, Ref, TargetRef};
use super::{DealId, PartyId, Program, Symbol};
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
    keep: impl Fn(Symbol) -> bool,
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

/// Turns parsed nodes into resolved ones, reporting every name, date and type problem as it
/// goes (and going on after each). A node with a name that does not resolve gives `None`.
pub(super) struct Resolver<'a> {
    program: &'a Program,
    /// Each deal's term labels by position while the deals themselves are being resolved (one
    /// at a time, each parsed deal let go once resolved); `None` once they are all resolved,
    /// when the resolved deals' labels are read.
    labels: Option<&'a [Box<[Option<Text>]>]>,
    diagnostics: &'a mut Diags,
}

impl Resolver<'_> {
    fn symbol(&mut self, name: &Name, kind: &str, keep: fn(Symbol) -> bool) -> Option<Symbol> {
        resolve_name(self.program, name, kind, keep, self.diagnostics)
    }

    fn party(&mut self, name: &Name) -> Option<Ref> {
        let id = expect_party(self.program, name, self.diagnostics)?;
        Ref::new(id, name.span)
    }

    /// A name of one kind of declaration (`id_of` picks its id from a symbol of that kind).
    fn named(
        &mut self,
        name: &Name,
        kind: &str,
        id_of: fn(Symbol) -> Option<usize>,
    ) -> Option<Ref> {
        let symbol = resolve_name(
            self.program,
            name,
            kind,
            |s| id_of(s).is_some(),
            self.diagnostics,
        )?;
        Ref::new(id_of(symbol)?, name.span)
    }

    fn action(&mut self, name: &Name) -> Option<Ref> {
        self.named(name, "an action", |s| match s {
            Symbol::Action(id) => Some(id),
            _ => None,
        })
    }

    fn channel(&mut self, name: &Name) -> Option<Ref> {
        self.named(name, "a channel", |s| match s {
            Symbol::Channel(id) => Some(id),
            _ => None,
        })
    }

    fn event(&mut self, name: &Name) -> Option<Ref> {
        self.named(name, "an event", |s| match s {
            Symbol::Event(id) => Some(id),
            _ => None,
        })
    }

    fn deal(&mut self, name: &Name) -> Option<Ref> {
        self.named(name, "a deal", |s| match s {
            Symbol::Deal(id) => Some(id),
            _ => None,
        })
    }

    fn asset(&mut self, asset: &AssetRef) -> Option<Ref> {
        let program = self.program;
        let owner = expect_party(program, &asset.owner, self.diagnostics)?;
        if let Some(id) = program.asset(asset) {
            return Ref::new(id, asset.span());
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
                &mut self.diagnostics.suggestions_left,
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
        self.diagnostics.push(d);
        None
    }

    /// A deal's term labels by position.
    fn labels_of(&self, deal: DealId) -> Vec<Option<&str>> {
        match self.labels {
            Some(labels) => labels
                .get(deal)
                .map(|l| l.iter().map(|l| l.as_deref()).collect())
                .unwrap_or_default(),
            None => self.program.term_labels(deal).collect(),
        }
    }

    fn target(&mut self, reference: &Reference) -> Option<TargetRef> {
        let Symbol::Deal(deal) =
            self.symbol(&reference.first, "a deal", |s| matches!(s, Symbol::Deal(_)))?
        else {
            return None;
        };
        let target = self
            .program
            .target_in(reference, |d| self.labels_of(d).into_iter());
        if target.is_none() {
            if let Some(label) = &reference.second {
                let labels: Vec<&str> = self.labels_of(deal).into_iter().flatten().collect();
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
                let d = match close {
                    Some(c) => d.with_help(format!("did you mean `{}.{c}`?", reference.first.node)),
                    None => d.with_help(format!(
                        "label the term: `{}: …` inside the deal",
                        label.node
                    )),
                };
                self.diagnostics.push(d);
            }
        }
        Some(TargetRef {
            target: target?,
            span: reference.span,
        })
    }

    fn point(&mut self, point: &Spanned<Point>) -> Option<Spanned<resolved::Point>> {
        let node = match &point.node {
            Point::Date(d) => {
                check_date(&Spanned::new(*d, point.span), self.diagnostics);
                Point::Date(*d)
            }
            Point::Sometime(d) => {
                check_date(&Spanned::new(*d, point.span), self.diagnostics);
                Point::Sometime(*d)
            }
            Point::SometimeBetween(dates) => {
                let (first, last) = **dates;
                check_date(&Spanned::new(first, point.span), self.diagnostics);
                check_date(&Spanned::new(last, point.span), self.diagnostics);
                let (a, b) = (time::period(first), time::period(last));
                if let (Some((start, _)), Some((_, end))) = (a, b) {
                    if end < start {
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::WINDOW,
                                point.span,
                                "`sometime between` ends before it starts",
                            )
                            .with_label(format!("{end} is before {start}"))
                            .with_help("write the earlier date first: `sometime between A and B`"),
                        );
                        return None;
                    }
                }
                Point::SometimeBetween(dates.clone())
            }
            Point::Event(name) => Point::Event(Box::new(self.event(name)?)),
            Point::Start(r) => Point::Start(Box::new(self.target(r)?)),
            Point::End(r) => Point::End(Box::new(self.target(r)?)),
            Point::Earliest(points) => Point::Earliest(Box::new(self.points(points)?)),
            Point::Latest(points) => Point::Latest(Box::new(self.points(points)?)),
            Point::Shifted(shifted) => {
                let (base, shifts) = &**shifted;
                Point::Shifted(Box::new((self.point(base)?, shifts.clone())))
            }
        };
        Some(Spanned::new(node, point.span))
    }

    /// Every point resolved (each one's problems reported), or `None`.
    fn points(&mut self, points: &[Spanned<Point>]) -> Option<Vec<Spanned<resolved::Point>>> {
        let resolved: Vec<_> = points.iter().map(|p| self.point(p)).collect();
        resolved.into_iter().collect()
    }

    fn optional_point(
        &mut self,
        point: Option<&Spanned<Point>>,
    ) -> Option<Option<Spanned<resolved::Point>>> {
        match point {
            Some(p) => Some(Some(self.point(p)?)),
            None => Some(None),
        }
    }

    fn window(&mut self, window: &Window, dated: bool, term: Span) -> Option<resolved::Window> {
        Some(match window {
            Window::On(p) => Window::On(self.point(p)?),
            Window::During(p) => Window::During(self.point(p)?),
            Window::Range { from, end } => {
                let start = self.optional_point(from.as_ref());
                let end = match end {
                    Some(WindowEnd::Until(p)) => self.point(p).map(|p| Some(WindowEnd::Until(p))),
                    Some(WindowEnd::For(d)) => {
                        if from.is_none() && !dated {
                            self.diagnostics.push(
                                Diagnostic::error(
                                    codes::TYPE,
                                    d.span,
                                    "`for` a duration needs a start",
                                )
                                .with_label("counted from when?")
                                .with_other(
                                    term,
                                    "this term has no `from` and its deal no `dated` day",
                                )
                                .with_help(
                                    "add `from DATE` before `for`, or a `dated` line to the deal",
                                ),
                            );
                        }
                        Some(Some(WindowEnd::For(d.clone())))
                    }
                    None => Some(None),
                };
                Window::Range {
                    from: start?,
                    end: end?,
                }
            }
        })
    }

    fn who(&mut self, who: &Who) -> Option<resolved::Who> {
        Some(match who {
            Who::Party(p) => Who::Party(self.party(p)?),
            Who::Parties(parties) => {
                let parties: Vec<_> = parties.iter().map(|p| self.party(p)).collect();
                Who::Parties(parties.into_iter().collect::<Option<_>>()?)
            }
            Who::Everyone { except } => {
                let except: Vec<_> = except.iter().map(|p| self.party(p)).collect();
                Who::Everyone {
                    except: except.into_iter().collect::<Option<_>>()?,
                }
            }
        })
    }

    fn term(&mut self, term: &Term, dated: bool) -> Option<resolved::Term> {
        let kind = match &term.kind {
            TermKind::Flow {
                kind,
                amount,
                from,
                to,
                what,
                window,
                valuation,
                every,
            } => {
                let (from, to) = (self.party(from), self.party(to));
                let window = self.window(window, dated, term.span);
                TermKind::Flow {
                    kind: *kind,
                    amount: amount.clone(),
                    from: from?,
                    to: to?,
                    what: what.clone(),
                    window: window?,
                    valuation: valuation.clone(),
                    every: *every,
                }
            }
            TermKind::Right {
                kind,
                who,
                action,
                asset,
                via,
                also_via,
                window,
            } => {
                let who = self.who(who);
                let action = self.action(action);
                let asset = self.asset(asset);
                let via = via.as_ref().map(|c| self.channel(c));
                let also_via: Vec<_> = also_via.iter().map(|c| self.channel(c)).collect();
                let window = self.window(window, dated, term.span);
                TermKind::Right {
                    kind: *kind,
                    who: who?,
                    action: action?,
                    asset: asset?,
                    via: match via {
                        Some(c) => Some(c?),
                        None => None,
                    },
                    also_via: also_via.into_iter().collect::<Option<_>>()?,
                    window: window?,
                }
            }
            TermKind::Terminate { target, on } => {
                let target = self.target(target);
                let on = self.optional_point(on.as_ref());
                TermKind::Terminate {
                    target: target?,
                    on: on?,
                }
            }
        };
        Some(Term {
            label: term.label.as_ref().map(|l| l.node.clone()),
            kind,
            span: term.span,
        })
    }

    fn status(&mut self, status: &Spanned<Status>) -> Option<Spanned<resolved::Status>> {
        let node = match &status.node {
            Status::Signed => Status::Signed,
            Status::Announced => Status::Announced,
            Status::Reported => Status::Reported,
            Status::Proposed => Status::Proposed,
            Status::TerminatedOn(p) => Status::TerminatedOn(Box::new(self.point(p)?)),
        };
        Some(Spanned::new(node, status.span))
    }

    /// A deal, resolved; what needs no resolving is moved, not copied.
    fn deal_of(&mut self, deal: Deal) -> resolved::Deal {
        for party in &deal.parties {
            self.party(party);
        }
        for extra in deal.statuses.iter().skip(1) {
            self.diagnostics.push(repeated(
                extra.span,
                "status",
                deal.statuses.first().map(|s| s.span),
            ));
        }
        for extra in deal.dated.iter().skip(1) {
            self.diagnostics.push(repeated(
                extra.span,
                "dated",
                deal.dated.first().map(|s| s.span),
            ));
        }
        let status = deal.statuses.first().and_then(|s| self.status(s));
        for d in &deal.dated {
            check_date(d, self.diagnostics);
        }
        let dated = !deal.dated.is_empty();
        let terms = deal.terms.iter().map(|t| self.term(t, dated)).collect();
        resolved::Deal {
            label: deal.label,
            doc: deal.doc,
            status,
            dated: deal.dated.first().cloned(),
            sources: deal.sources.into(),
            terms,
            span: deal.span,
        }
    }

    fn rule(&mut self, rule: &Rule) -> resolved::Rule {
        // One event fixed to two different days: the rule would silently use the last one.
        let mut fixed: Vec<(&Name, &Spanned<Point>)> = Vec::new();
        for assumption in &rule.assumptions {
            if let Assumption::Event(name, point) = assumption {
                match fixed.iter().find(|(n, _)| n.node == name.node) {
                    Some((first, day)) if !same_day(&day.node, &point.node) => self.diagnostics.push(
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
        let mut assumptions = Vec::with_capacity(rule.assumptions.len());
        for assumption in &rule.assumptions {
            let resolved = match assumption {
                Assumption::Deal(name) => match self.program.symbol(&name.node) {
                    Some(Symbol::Event(_)) => {
                        self.diagnostics.push(
                            Diagnostic::error(
                                codes::TYPE,
                                name.span,
                                format!("assuming event `{}` needs a day", name.node),
                            )
                            .with_label("which day?")
                            .with_help(format!("write `assuming {} on DATE`", name.node)),
                        );
                        None
                    }
                    _ => self.deal(name).map(Assumption::Deal),
                },
                Assumption::Event(name, point) => {
                    let event = self.event(name);
                    let point = self.point(point);
                    event.zip(point).map(|(e, p)| Assumption::Event(e, p))
                }
                Assumption::Bound(reference, bound, point) => {
                    self.assumed_bound(reference, *bound, point.as_ref())
                }
            };
            // One that did not resolve is left out (the rule set has errors).
            assumptions.extend(resolved);
        }
        if rule.checks.is_empty() {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::EMPTY_RULE,
                    rule.name.span,
                    format!("rule `{}` asks nothing", rule.name.node),
                )
                .with_label("no `ask` or `assert` in this rule")
                .with_help(
                    "add `ask QUESTION` (with `expect yes|no|unknown`) or `assert QUESTION`",
                ),
            );
        }
        for check in &rule.checks {
            self.check_open(check);
        }
        let checks = rule
            .checks
            .iter()
            .filter_map(|check| {
                Some(Check {
                    kind: check.kind,
                    question: self.question(&check.question)?,
                    text: check.text.clone(),
                    span: check.span,
                })
            })
            .collect();
        Rule {
            name: rule.name.clone(),
            label: rule.label.clone(),
            doc: rule.doc.clone(),
            assumptions,
            checks,
            span: rule.span,
        }
    }

    /// `assuming start(REF) on D` / `assuming end(REF) on D`: REF must name one term, and a
    /// day must be given.
    fn assumed_bound(
        &mut self,
        reference: &Reference,
        bound: Bound,
        point: Option<&Spanned<Point>>,
    ) -> Option<resolved::Assumption> {
        let word = match bound {
            Bound::Start => "start",
            Bound::End => "end",
        };
        let target = self.target(reference)?;
        if !matches!(target.target, super::Target::Term(_)) {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::TYPE,
                    reference.span,
                    format!("`assuming {word}(…)` fixes a day of one term, not of a whole deal"),
                )
                .with_label("a deal")
                .with_help(format!(
                    "name a labelled term: `assuming {word}(deal.label) on DATE`"
                )),
            );
            return None;
        }
        let Some(point) = point else {
            self.diagnostics.push(
                Diagnostic::error(
                    codes::TYPE,
                    reference.span,
                    format!("`assuming {word}(…)` needs a day"),
                )
                .with_label("which day?")
                .with_help(format!("write `assuming {word}(…) on DATE`")),
            );
            return None;
        };
        let point = self.point(point)?;
        Some(Assumption::Bound(Box::new(target), bound, Some(point)))
    }

    /// An open question has no yes/no answer to expect: `expect` or `assert` on one is an
    /// error (`ask` alone reports its value).
    fn check_open(&mut self, check: &Check) {
        let Question::Open(open) = &check.question.node else {
            return;
        };
        let what = match open.as_ref() {
            Open::When { .. } => "days",
            Open::Who { .. } => "parties",
            Open::Value(_) => "a value",
        };
        let (message, help) = match check.kind {
            CheckKind::Ask { expect: None } => return,
            CheckKind::Ask { expect: Some(_) } => (
                format!("`expect` on a question answered with {what}, not yes or no"),
                "drop `expect` to report the answer, or ask a yes/no question (`can …`, `active(…)`, a comparison such as `paid(A, B) >= 1B USD`)",
            ),
            CheckKind::Assert => (
                format!("`assert` on a question answered with {what}, not yes or no"),
                "use `ask` to report the answer, or assert a yes/no question (`can …`, `active(…)`, a comparison)",
            ),
        };
        self.diagnostics.push(
            Diagnostic::error(codes::OPEN_EXPECTED, check.span, message)
                .with_label("this question has no yes/no answer")
                .with_help(help),
        );
    }

    fn question(&mut self, question: &Spanned<Question>) -> Option<Spanned<resolved::Question>> {
        let node = match &question.node {
            Question::Or(qs) => Question::Or(self.questions(qs)?),
            Question::And(qs) => Question::And(self.questions(qs)?),
            Question::Not(q) => Question::Not(Box::new(self.question(q)?)),
            Question::Literal(v) => Question::Literal(*v),
            Question::Can {
                party,
                always,
                action,
                asset,
                via,
                when,
            } => {
                let party = self.party(party);
                let (action, asset, via, when) = self.deed(action, asset, via, when);
                Question::Can {
                    party: party?,
                    always: *always,
                    action: action?,
                    asset: asset?,
                    via: via?,
                    when: when?,
                }
            }
            Question::Open(open) => Question::Open(Box::new(self.open(open)?)),
            Question::Active { target, when } => {
                let target = self.target(target);
                let when = when.as_ref().map(|w| self.when(w));
                Question::Active {
                    target: target?,
                    when: match when {
                        Some(w) => Some(w?),
                        None => None,
                    },
                }
            }
            Question::Compare { left, op, right } => {
                let l = self.value(left);
                let r = self.value(right);
                let (lt, rt) = (
                    value_type(&left.node, &right.node),
                    value_type(&right.node, &left.node),
                );
                if lt != rt {
                    self.diagnostics.push(
                        Diagnostic::error(
                            codes::TYPE,
                            left.span,
                            format!("cannot compare {} with {}", lt.describe(), rt.describe()),
                        )
                        .with_label(lt.describe())
                        .with_other(right.span, rt.describe())
                        .with_help(
                            "compare money with money, dates with dates, percentages with percentages",
                        ),
                    );
                    return None;
                }
                Question::Compare {
                    left: l?,
                    op: *op,
                    right: r?,
                }
            }
        };
        Some(Spanned::new(node, question.span))
    }

    fn open(&mut self, open: &Open) -> Option<resolved::Open> {
        Some(match open {
            Open::When {
                party,
                action,
                asset,
                via,
                when,
            } => {
                let party = self.party(party);
                let (action, asset, via, when) = self.deed(action, asset, via, when);
                Open::When {
                    party: party?,
                    action: action?,
                    asset: asset?,
                    via: via?,
                    when: when?,
                }
            }
            Open::Who {
                always,
                action,
                asset,
                via,
                when,
            } => {
                let (action, asset, via, when) = self.deed(action, asset, via, when);
                Open::Who {
                    always: *always,
                    action: action?,
                    asset: asset?,
                    via: via?,
                    when: when?,
                }
            }
            Open::Value(value) => Open::Value(self.value(value)?),
        })
    }

    /// The action, asset, channel and days of a `can`, `when can` or `who can`, each resolved
    /// (every name is looked up, so each unknown one gets its diagnostic).
    #[allow(clippy::type_complexity)]
    fn deed(
        &mut self,
        action: &Name,
        asset: &AssetRef,
        via: &Option<Name>,
        when: &Option<Spanned<When>>,
    ) -> (
        Option<Ref>,
        Option<Ref>,
        Option<Option<Ref>>,
        Option<Option<Spanned<resolved::When>>>,
    ) {
        let action = self.action(action);
        let asset = self.asset(asset);
        let via = match via {
            Some(c) => self.channel(c).map(Some),
            None => Some(None),
        };
        let when = match when {
            Some(w) => self.when(w).map(Some),
            None => Some(None),
        };
        (action, asset, via, when)
    }

    fn questions(
        &mut self,
        questions: &[Spanned<Question>],
    ) -> Option<Vec<Spanned<resolved::Question>>> {
        let resolved: Vec<_> = questions.iter().map(|q| self.question(q)).collect();
        resolved.into_iter().collect()
    }

    fn when(&mut self, when: &Spanned<When>) -> Option<Spanned<resolved::When>> {
        let node = match &when.node {
            When::Before(p) => When::Before(self.point(p)?),
            When::After(p) => When::After(self.point(p)?),
            When::In(p) => When::In(self.point(p)?),
            When::Between(a, b) => {
                let (a, b) = (self.point(a), self.point(b));
                When::Between(a?, b?)
            }
        };
        Some(Spanned::new(node, when.span))
    }

    fn value(&mut self, value: &Spanned<Value>) -> Option<Spanned<resolved::Value>> {
        let pair = |r: &mut Self, a: &Name, b: &Name| {
            let (a, b) = (r.party(a), r.party(b));
            a.zip(b)
        };
        // A sum's WHEN, resolved; `Some(None)` when there is none.
        let over = |r: &mut Self, when: &Option<Box<Spanned<When>>>| match when {
            Some(w) => r.when(w).map(|w| Some(Box::new(w))),
            None => Some(None),
        };
        let node = match &value.node {
            Value::Point(p) => Value::Point(self.point(&Spanned::new(p.clone(), value.span))?.node),
            Value::Invested(a, b, when) => {
                let parties = pair(self, a, b);
                let when = over(self, when);
                let ((a, b), when) = parties.zip(when)?;
                Value::Invested(a, b, when)
            }
            Value::Paid(a, b, when) => {
                let parties = pair(self, a, b);
                let when = over(self, when);
                let ((a, b), when) = parties.zip(when)?;
                Value::Paid(a, b, when)
            }
            Value::Flow(a, b, when) => {
                let parties = pair(self, a, b);
                let when = over(self, when);
                let ((a, b), when) = parties.zip(when)?;
                Value::Flow(a, b, when)
            }
            Value::Roundtrip(a, b) => {
                let (a, b) = pair(self, a, b)?;
                Value::Roundtrip(a, b)
            }
            Value::Valuation(a) => Value::Valuation(self.party(a)?),
            Value::Money(m) => Value::Money(m.clone()),
            Value::Percent(p) => Value::Percent(*p),
            Value::Number(n) => Value::Number(*n),
            Value::Duration(d) => Value::Duration(*d),
        };
        Some(Spanned::new(node, value.span))
    }
}

/// Resolves a question against a checked rule set's names and types: the question, or every
/// problem found.
pub fn check_question(
    program: &Program,
    question: &Spanned<Question>,
) -> Result<Spanned<resolved::Question>, Vec<Diagnostic>> {
    let mut diagnostics = Diags::new();
    let mut resolver = Resolver {
        program,
        labels: None,
        diagnostics: &mut diagnostics,
    };
    let resolved = resolver.question(question);
    match resolved {
        Some(q) if !diagnostics.iter().any(Diagnostic::is_error) => Ok(q),
        _ => {
            if !diagnostics.iter().any(Diagnostic::is_error) {
                // Every name that fails to resolve is reported; this is a guard, not a path.
                diagnostics.push(Diagnostic::internal(
                    Some(question.span),
                    "the question did not resolve",
                ));
            }
            Err(diagnostics.list)
        }
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

/// Rule sets with at least this many deals a core resolve them on several threads.
const PARALLEL_DEALS: usize = 2048;

/// The resolved deals (boxed, each in the place its parsed deal left) and rules.
#[allow(clippy::vec_box)]
pub(super) type Resolution = (Vec<Box<resolved::Deal>>, Vec<resolved::Rule>);

/// Resolves every deal and rule in rule-set order, reporting every name, date and type problem.
/// Each parsed deal is let go as soon as it is resolved, so the two are never all held at once.
pub(super) fn resolve(
    program: &Program,
    declared: super::declare::Declared,
    diagnostics: &mut Diags,
) -> Resolution {
    if let Some(as_of) = &program.as_of {
        check_date(as_of, diagnostics);
    }
    for event in &program.events {
        match &event.when {
            Some(EventWhen::On(d)) | Some(EventWhen::Expected(d)) => check_date(d, diagnostics),
            None => {}
        }
    }
    let super::declare::Declared {
        deals,
        rules,
        term_labels,
    } = declared;
    let labels = &term_labels[..];
    // Deals resolve independently: on every core for a large rule set, each part in order. The
    // parser cut a large file the same way, so a part's parsed deals are mostly let go on the
    // thread (and so into the allocator's arena) that made them, where the resolved ones reuse
    // the memory.
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(deals.len() / PARALLEL_DEALS)
        .max(1);
    let mut parts = Vec::with_capacity(workers);
    let mut rest = deals;
    for k in (1..workers).rev() {
        let at = rest.len() * k / workers;
        parts.push(rest.split_off(at));
    }
    parts.push(rest);
    parts.reverse();
    let resolve_part = |part: Vec<Box<Deal>>, diagnostics: &mut Diags| {
        let mut resolver = Resolver {
            program,
            labels: Some(labels),
            diagnostics,
        };
        part.into_iter()
            .map(|deal| Box::new(resolver.deal_of(*deal)))
            .collect::<Vec<_>>()
    };
    let mut parts = parts.into_iter();
    let first = parts.next().unwrap_or_default();
    let mut resolved = std::thread::scope(|scope| {
        let handles: Vec<_> = parts
            .map(|part| {
                scope.spawn(move || {
                    let mut found = Diags::new();
                    let deals = resolve_part(part, &mut found);
                    (deals, found.list)
                })
            })
            .collect();
        let mut resolved = resolve_part(first, diagnostics);
        for handle in handles {
            match handle.join() {
                Ok((mut deals, mut found)) => {
                    resolved.append(&mut deals);
                    diagnostics.append(&mut found);
                }
                Err(_) => diagnostics.push(Diagnostic::internal(
                    None,
                    "a thread resolving deals failed",
                )),
            }
        }
        resolved
    });
    resolved.shrink_to_fit();
    let mut resolver = Resolver {
        program,
        labels: Some(labels),
        diagnostics,
    };
    let rules = rules.iter().map(|r| resolver.rule(r)).collect();
    (resolved, rules)
}
