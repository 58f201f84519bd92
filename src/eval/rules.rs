//! Rules (reference §6, §8): each check evaluated in its rule's world; a check that cannot be
//! evaluated becomes an error outcome and every other check is still answered.

use super::explain::{Explanation, Summary};
use super::logic::Verdict;
use super::question::Evaluator;
use crate::ast::Bound;
use crate::ast::CheckKind;
use crate::check::resolved::{Assumption, Rule};
use crate::check::{DealId, EventId, Program, Target};
use crate::diagnostic::codes;
use crate::diagnostic::Diagnostic;
use crate::model::rights::RightsIndex;
use crate::model::time::Day;
use crate::model::world::{Context, Reading, World};
use crate::source::{SourceMap, Span};
use serde::Serialize;
use std::collections::BTreeMap;

/// One rule's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleOutcome {
    pub name: String,
    pub label: Option<String>,
    /// The rule's `///` doc lines (reference §2: its description in reports).
    pub description: Option<String>,
    pub file: String,
    pub line: usize,
    /// Every check passed.
    pub passed: bool,
    pub checks: Vec<CheckOutcome>,
}

/// One `ask` or `assert`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckOutcome {
    /// `ask` or `assert`.
    pub kind: &'static str,
    /// The question as written.
    /// Shared with the rule set (a report of thousands of rules keeps one a check).
    pub question: crate::ast::Text,
    pub line: usize,
    pub answer: Verdict,
    /// What `expect` says; `yes` for an `assert`; null for an `ask` without `expect`.
    pub expected: Option<Verdict>,
    pub passed: bool,
    /// What an open question (`when can`, `who can`, a value) answers; absent for yes/no.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<super::open::OpenValue>,
    pub explanation: Explanation,
    /// Why the check could not be evaluated, when it could not.
    pub error: Option<String>,
}

/// Evaluates every rule; diagnostics from checks that could not be evaluated go to `diagnostics`.
///
/// Rules that assume the same things share one world, so what a world works out once (windows,
/// the money graph) is worked out once per scenario, not once per rule; worlds are built one at
/// a time and dropped after their rules. Outcomes and diagnostics stay in rule-set order.
pub fn evaluate_rules(
    program: &Program,
    index: &RightsIndex,
    sources: &SourceMap,
    base: &World<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<RuleOutcome> {
    let text = |span: Span| {
        sources
            .slice(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let count = program.rules.len();
    let mut checks: Vec<Option<Vec<CheckOutcome>>> = (0..count).map(|_| None).collect();
    let mut found: Vec<Vec<Diagnostic>> = (0..count).map(|_| Vec::new()).collect();
    let mut bad_assumption = vec![false; count];
    // Rules without assumptions share the base world's evaluator.
    let shared = Evaluator::new(base, index, sources, &text);
    let mut scenarios: BTreeMap<ScenarioKey, (Context, Vec<usize>)> = BTreeMap::new();
    for (r, rule) in program.rules.iter().enumerate() {
        if rule.assumptions.is_empty() {
            if let (Some(slot), Some(out)) = (checks.get_mut(r), found.get_mut(r)) {
                *slot = Some(evaluate_checks(rule, &shared, sources, out));
            }
        } else {
            let mut scratch = Vec::new();
            let out = found.get_mut(r).unwrap_or(&mut scratch);
            let before = out.len();
            let context = scenario(program, base, &rule.assumptions, out);
            // An assumption that could not be made: the rule's answers are not the ones asked.
            if out.len() > before {
                if let Some(flag) = bad_assumption.get_mut(r) {
                    *flag = true;
                }
            }
            scenarios
                .entry(ScenarioKey::of(&context))
                .or_insert_with(|| (context, Vec::new()))
                .1
                .push(r);
        }
    }
    for (context, rules) in scenarios.into_values() {
        let world = World::new(program, context, base.as_of);
        let evaluator = Evaluator::new(&world, index, sources, &text);
        for &r in &rules {
            if let (Some(rule), Some(slot), Some(out)) =
                (program.rules.get(r), checks.get_mut(r), found.get_mut(r))
            {
                *slot = Some(evaluate_checks(rule, &evaluator, sources, out));
            }
        }
        if let Some(out) = rules.last().and_then(|&r| found.get_mut(r)) {
            world.report_too_deep(out);
        }
    }
    let mut outcomes = Vec::with_capacity(count);
    for (((rule, checks), found), bad) in program
        .rules
        .iter()
        .zip(checks)
        .zip(found)
        .zip(bad_assumption)
    {
        for d in found {
            // Several scenarios may cut the same chain of references: one `too-deep` is enough.
            let repeated = d.code == crate::diagnostic::codes::TOO_DEEP
                && diagnostics
                    .iter()
                    .any(|o| o.code == d.code && o.location == d.location);
            if !repeated {
                diagnostics.push(d);
            }
        }
        let checks = checks.unwrap_or_default();
        let (file, line) = sources.location(rule.name.span);
        outcomes.push(RuleOutcome {
            name: rule.name.node.to_string(),
            label: rule.label.as_ref().map(|l| l.to_string()),
            description: rule.doc.as_ref().map(|d| d.to_string()),
            file,
            line,
            passed: !bad && checks.iter().all(|c| c.passed),
            checks,
        });
    }
    outcomes
}

/// The context of a rule with assumptions: the base world's, with its deals assumed and its
/// events fixed (event days read in the base world).
///
/// An event's day may be written with another event the rule fixes (`assuming b on a + 1 day`):
/// days are read again with the events fixed so far until none moves. The checker refuses
/// circular assumptions, so with n events fixed, n rounds settle every day.
fn scenario(
    program: &Program,
    base: &World<'_>,
    assumptions: &[Assumption],
    diagnostics: &mut Vec<Diagnostic>,
) -> Context {
    let mut context = base.context().clone();
    context.as_of = Some(base.as_of);
    let mut events = Vec::new();
    for assumption in assumptions {
        match assumption {
            Assumption::Deal(deal) => {
                context.assumed_deals.insert(deal.id());
            }
            Assumption::Event(event, point) => events.push((event.id(), point)),
            Assumption::Bound(target, bound, Some(point)) => {
                let Target::Term(id) = target.target else {
                    continue;
                };
                let written = base.written_window(id);
                let possible = match bound {
                    Bound::Start => written.start,
                    Bound::End => written.end,
                };
                let day = base.point(point, Reading::First);
                if day.lo < possible.lo || day.hi > possible.hi {
                    let word = match bound {
                        Bound::Start => "start",
                        Bound::End => "end",
                    };
                    diagnostics.push(
                        Diagnostic::error(
                            codes::TYPE,
                            point.span,
                            format!(
                                "`{word}({})` cannot be {day}: as written it is {possible}",
                                program.term_name(id)
                            ),
                        )
                        .with_label("outside the days the term allows")
                        .with_help("fix it to a day inside its possible range"),
                    );
                    continue;
                }
                context.fixed_bounds.insert((id, *bound), day);
            }
            Assumption::Bound(_, _, None) => {}
        }
    }
    let base_events = context.fixed_events.clone();
    for _ in 0..events.len() {
        let world = World::new(program, context.clone(), base.as_of);
        let mut fixed = base_events.clone();
        for &(event, point) in &events {
            fixed.insert(event, world.point(point, Reading::First));
        }
        if fixed == context.fixed_events {
            break;
        }
        context.fixed_events = fixed;
    }
    context
}

/// What makes two rules' worlds the same: the deals they assume and the days they fix events to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ScenarioKey {
    deals: Vec<DealId>,
    events: Vec<(EventId, Day, Day)>,
    bounds: Vec<(crate::check::TermId, Bound, Day, Day)>,
}

impl ScenarioKey {
    fn of(context: &Context) -> ScenarioKey {
        let mut deals: Vec<DealId> = context.assumed_deals.iter().copied().collect();
        deals.sort_unstable();
        let mut events: Vec<(EventId, Day, Day)> = context
            .fixed_events
            .iter()
            .map(|(&e, p)| (e, p.lo, p.hi))
            .collect();
        events.sort_unstable();
        let mut bounds: Vec<_> = context
            .fixed_bounds
            .iter()
            .map(|(&(id, bound), p)| (id, bound, p.lo, p.hi))
            .collect();
        bounds.sort_unstable();
        ScenarioKey {
            deals,
            events,
            bounds,
        }
    }
}

/// The outcome of each check of one rule, in order.
fn evaluate_checks(
    rule: &Rule,
    evaluator: &Evaluator<'_>,
    sources: &SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<CheckOutcome> {
    let mut checks = Vec::with_capacity(rule.checks.len());
    for check in &rule.checks {
        let expected = match check.kind {
            CheckKind::Ask { expect } => expect,
            CheckKind::Assert => Some(Verdict::Yes),
        };
        let kind = if matches!(check.kind, CheckKind::Assert) {
            "assert"
        } else {
            "ask"
        };
        let (_, line) = sources.location(check.span);
        let outcome = match evaluator.answer(&check.question) {
            Ok(answer) => CheckOutcome {
                kind,
                question: check.text.clone(),
                line,
                answer: answer.verdict,
                expected,
                passed: expected.is_none_or(|e| e == answer.verdict),
                value: answer.value(),
                explanation: answer.explanation,
                error: None,
            },
            Err(diagnostic) => {
                let message = diagnostic.message.clone();
                diagnostics.push(diagnostic);
                CheckOutcome {
                    kind,
                    question: check.text.clone(),
                    line,
                    answer: Verdict::Unknown,
                    expected,
                    passed: false,
                    value: None,
                    explanation: Explanation::new(Summary::Failed(message.clone())),
                    error: Some(message),
                }
            }
        };
        checks.push(outcome);
    }
    checks
}
