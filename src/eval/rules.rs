//! Rules (reference §6, §8): each check evaluated in its rule's world; a check that cannot be
//! evaluated becomes an error outcome and every other check is still answered.

use super::explain::Explanation;
use super::logic::Verdict;
use super::question::Evaluator;
use crate::ast::{Assumption, CheckKind};
use crate::check::Program;
use crate::diagnostic::Diagnostic;
use crate::model::money::MoneyGraph;
use crate::model::rights::RightsIndex;
use crate::model::world::{Reading, World};
use crate::source::{SourceMap, Span};
use serde::Serialize;
use std::sync::Arc;

/// One rule's outcome.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleOutcome {
    pub name: String,
    pub label: Option<String>,
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
    pub question: String,
    pub line: usize,
    pub answer: Verdict,
    /// What `expect` says; `yes` for an `assert`; null for an `ask` without `expect`.
    pub expected: Option<Verdict>,
    pub passed: bool,
    pub explanation: Explanation,
    /// Why the check could not be evaluated, when it could not.
    pub error: Option<String>,
}

/// Evaluates every rule; diagnostics from checks that could not be evaluated go to `diagnostics`.
/// Also returns the base world's money graph if a rule needed it, for the built-in checks.
pub fn evaluate_rules(
    program: &Program,
    index: &RightsIndex,
    sources: &SourceMap,
    base: &World<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<RuleOutcome>, Option<Arc<MoneyGraph>>) {
    let text = |span: Span| {
        sources
            .slice(span)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut outcomes = Vec::with_capacity(program.rules.len());
    // Rules without assumptions share one evaluator, so what it builds once (the money graph)
    // is built once for all of them, not once per rule.
    let shared = Evaluator::new(base, index, sources, &text);
    for rule in &program.rules {
        let checks = if rule.assumptions.is_empty() {
            evaluate_checks(rule, &shared, sources, diagnostics)
        } else {
            let mut context = base.context().clone();
            context.as_of = Some(base.as_of);
            for assumption in &rule.assumptions {
                match assumption {
                    Assumption::Deal(name) => {
                        if let Some(d) = program.deal(&name.node) {
                            context.assumed_deals.insert(d);
                        }
                    }
                    Assumption::Event(name, point) => {
                        if let Some(e) = program.event(&name.node) {
                            context
                                .fixed_events
                                .insert(e, base.point(point, Reading::First));
                        }
                    }
                }
            }
            let world = World::new(program, context, base.as_of);
            let evaluator = Evaluator::new(&world, index, sources, &text);
            let checks = evaluate_checks(rule, &evaluator, sources, diagnostics);
            world.report_too_deep(diagnostics);
            checks
        };
        let (file, line) = sources.location(rule.name.span);
        outcomes.push(RuleOutcome {
            name: rule.name.node.to_string(),
            label: rule.label.as_ref().map(|l| l.to_string()),
            file,
            line,
            passed: checks.iter().all(|c| c.passed),
            checks,
        });
    }
    (outcomes, shared.built_money())
}

/// The outcome of each check of one rule, in order.
fn evaluate_checks(
    rule: &crate::ast::Rule,
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
        let outcome = match evaluator.question(&check.question) {
            Ok(answer) => CheckOutcome {
                kind,
                question: check.text.clone(),
                line,
                answer: answer.verdict,
                expected,
                passed: expected.is_none_or(|e| e == answer.verdict),
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
                    explanation: Explanation::with_summary(format!(
                        "could not be evaluated: {message}"
                    )),
                    error: Some(message),
                }
            }
        };
        checks.push(outcome);
    }
    checks
}
