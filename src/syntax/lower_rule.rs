//! Lowering of rules and questions (reference §6).

use super::cursor::Lowered;
use super::grammar::Rule;
use super::lower::Lowerer;
use crate::ast::*;
use crate::diagnostic::Diagnostic;
use crate::source::Spanned;
use pest::iterators::Pair;

type P<'i> = Pair<'i, Rule>;

impl Lowerer<'_> {
    pub(super) fn lower_rule(
        &mut self,
        pair: P<'_>,
        doc: Option<Text>,
    ) -> Lowered<crate::ast::Rule> {
        let span = super::cursor::span_of(&pair, self.file, self.offset);
        let mut inner = pair.into_inner();
        let mut name = None;
        let mut label = None;
        let mut assumptions = Vec::new();
        let mut checks = Vec::new();
        for child in inner.by_ref() {
            match child.as_rule() {
                Rule::RULE => {}
                Rule::decl_name => name = Some(self.name(child)),
                Rule::label => label = Some(self.lower_label(child)?),
                Rule::assuming => assumptions.push(self.lower_assuming(child)?),
                Rule::ask | Rule::assert => match self.lower_check(child) {
                    Ok(check) => checks.push(check),
                    Err(d) => self.diagnostics.push(d),
                },
                other => {
                    return Err(Diagnostic::internal(
                        Some(span),
                        format!("unexpected {other:?} in a rule"),
                    ))
                }
            }
        }
        let name = name.ok_or_else(|| Diagnostic::internal(Some(span), "rule without a name"))?;
        assumptions.shrink_to_fit();
        checks.shrink_to_fit();
        Ok(crate::ast::Rule {
            name,
            label,
            doc,
            assumptions,
            checks,
            span,
        })
    }

    fn lower_assuming(&mut self, pair: P<'_>) -> Lowered<Assumption> {
        let mut name = None;
        let mut point = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::name => name = Some(self.name(child)),
                Rule::point => point = Some(self.lower_point(child)?),
                _ => {}
            }
        }
        let Some(name) = name else {
            return Err(Diagnostic::internal(None, "assuming without a name"));
        };
        Ok(match point {
            Some(point) => Assumption::Event(name, point),
            None => Assumption::Deal(name),
        })
    }

    fn lower_check(&mut self, pair: P<'_>) -> Lowered<Check> {
        let span = self.pair_span(&pair);
        let is_ask = pair.as_rule() == Rule::ask;
        let mut question = None;
        let mut expect = None;
        let mut text = String::new();
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::question => {
                    // The question's own text: without a comment that follows it.
                    let own = self.pair_span(&child);
                    text = child
                        .as_str()
                        .get(..own.len())
                        .unwrap_or(child.as_str())
                        .split_whitespace()
                        .collect::<Vec<_>>()
                        .join(" ");
                    question = Some(self.lower_question(child)?);
                }
                Rule::verdict => expect = Some(lower_verdict(&child)),
                _ => {}
            }
        }
        let question =
            question.ok_or_else(|| Diagnostic::internal(Some(span), "check without a question"))?;
        let kind = if is_ask {
            CheckKind::Ask { expect }
        } else {
            CheckKind::Assert
        };
        Ok(Check {
            kind,
            question,
            text,
            span,
        })
    }

    pub(super) fn lower_question(&mut self, pair: P<'_>) -> Lowered<Spanned<Question>> {
        let span = self.pair_span(&pair);
        let operands = pair.into_inner().filter(|p| p.as_rule() == Rule::and_q);
        let mut out = Vec::new();
        for operand in operands {
            out.push(self.lower_and(operand)?);
        }
        Ok(collapse(out, span, Question::Or))
    }

    fn lower_and(&mut self, pair: P<'_>) -> Lowered<Spanned<Question>> {
        let span = self.pair_span(&pair);
        let mut out = Vec::new();
        for operand in pair.into_inner().filter(|p| p.as_rule() == Rule::not_q) {
            out.push(self.lower_not(operand)?);
        }
        Ok(collapse(out, span, Question::And))
    }

    fn lower_not(&mut self, pair: P<'_>) -> Lowered<Spanned<Question>> {
        let span = self.pair_span(&pair);
        let mut nots = 0usize;
        let mut primary = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::not_op => nots += 1,
                _ => primary = Some(self.lower_primary(child)?),
            }
        }
        let primary =
            primary.ok_or_else(|| Diagnostic::internal(Some(span), "`not` without an operand"))?;
        // `not not q` is `q` in Kleene logic; folding keeps long chains from nesting deeply.
        Ok(if nots % 2 == 1 {
            Spanned::new(Question::Not(Box::new(primary)), span)
        } else {
            primary
        })
    }

    fn lower_primary(&mut self, pair: P<'_>) -> Lowered<Spanned<Question>> {
        let span = self.pair_span(&pair);
        let question = match pair.as_rule() {
            Rule::paren_q => {
                let inner = pair.into_inner().find(|p| p.as_rule() == Rule::question);
                let inner =
                    inner.ok_or_else(|| Diagnostic::internal(Some(span), "empty parentheses"))?;
                let mut q = self.lower_question(inner)?;
                q.span = span;
                return Ok(q);
            }
            Rule::verdict => Question::Literal(lower_verdict(&pair)),
            Rule::can_q => self.lower_can(pair)?,
            Rule::active_q => {
                let mut target = None;
                let mut when = None;
                for child in pair.into_inner() {
                    match child.as_rule() {
                        Rule::reference => target = Some(self.lower_reference(child)?),
                        Rule::when => when = Some(self.lower_when(child)?),
                        _ => {}
                    }
                }
                let target = target
                    .ok_or_else(|| Diagnostic::internal(Some(span), "active without a target"))?;
                Question::Active { target, when }
            }
            Rule::comparison => self.lower_comparison(pair)?,
            other => {
                return Err(Diagnostic::internal(
                    Some(span),
                    format!("unexpected question {other:?}"),
                ))
            }
        };
        Ok(Spanned::new(question, span))
    }

    fn lower_can(&mut self, pair: P<'_>) -> Lowered<Question> {
        let span = self.pair_span(&pair);
        let mut names = Vec::new();
        let (mut always, mut asset, mut via, mut when) = (false, None, None, None);
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::name => names.push(self.name(child)),
                Rule::always => always = true,
                Rule::asset_ref => asset = Some(self.lower_asset_ref(child)?),
                Rule::via => {
                    via = child
                        .into_inner()
                        .find(|p| p.as_rule() == Rule::name)
                        .map(|p| self.name(p))
                }
                Rule::when => when = Some(self.lower_when(child)?),
                _ => {}
            }
        }
        let mut names = names.into_iter();
        match (names.next(), names.next(), asset) {
            (Some(party), Some(action), Some(asset)) => Ok(Question::Can {
                party,
                always,
                action,
                asset,
                via,
                when,
            }),
            _ => Err(Diagnostic::internal(
                Some(span),
                "incomplete `can` question",
            )),
        }
    }

    fn lower_when(&mut self, pair: P<'_>) -> Lowered<Spanned<When>> {
        let span = self.pair_span(&pair);
        let form = pair
            .into_inner()
            .next()
            .ok_or_else(|| Diagnostic::internal(Some(span), "empty when"))?;
        let rule = form.as_rule();
        let mut points = Vec::new();
        for p in form.into_inner().filter(|p| p.as_rule() == Rule::point) {
            points.push(self.lower_point(p)?);
        }
        let mut points = points.into_iter();
        let (first, second) = (points.next(), points.next());
        let when = match (rule, first, second) {
            (Rule::when_before, Some(x), None) => When::Before(x),
            (Rule::when_after, Some(x), None) => When::After(x),
            (Rule::when_on | Rule::when_in | Rule::when_during, Some(x), None) => When::In(x),
            (Rule::when_between, Some(x), Some(y)) => When::Between(x, y),
            _ => return Err(Diagnostic::internal(Some(span), "malformed when")),
        };
        Ok(Spanned::new(when, span))
    }

    fn lower_comparison(&mut self, pair: P<'_>) -> Lowered<Question> {
        let span = self.pair_span(&pair);
        let mut values = Vec::new();
        let mut op = None;
        for child in pair.into_inner() {
            if child.as_rule() == Rule::cmp_op {
                op = Some(match child.as_str() {
                    "<" => CmpOp::Lt,
                    "<=" => CmpOp::Le,
                    ">" => CmpOp::Gt,
                    ">=" => CmpOp::Ge,
                    "==" => CmpOp::Eq,
                    _ => CmpOp::Ne,
                });
            } else {
                values.push(self.lower_value(child)?);
            }
        }
        let mut values = values.into_iter();
        match (values.next(), op, values.next()) {
            (Some(left), Some(op), Some(right)) => Ok(Question::Compare { left, op, right }),
            _ => Err(Diagnostic::internal(Some(span), "malformed comparison")),
        }
    }

    fn lower_value(&mut self, pair: P<'_>) -> Lowered<Spanned<Value>> {
        let span = self.pair_span(&pair);
        let value = match pair.as_rule() {
            Rule::money => Value::Money(self.lower_money(pair)?.node),
            Rule::percent => {
                let number = pair
                    .into_inner()
                    .next()
                    .map(|p| Text::from(p.as_str()))
                    .unwrap_or_default();
                Value::Percent(self.decimal(&number, span))
            }
            Rule::number => Value::Number(self.decimal(pair.as_str(), span)),
            Rule::duration => Value::Duration(self.lower_duration(pair)?.node),
            Rule::point => Value::Point(self.lower_point(pair)?.node),
            Rule::value_fn => {
                let mut func = None;
                let mut names = Vec::new();
                for child in pair.into_inner() {
                    match child.as_rule() {
                        Rule::name => names.push(self.name(child)),
                        Rule::OPEN | Rule::CLOSE | Rule::COMMA => {}
                        other => func = Some(other),
                    }
                }
                let mut names = names.into_iter();
                match (func, names.next(), names.next()) {
                    (Some(Rule::INVESTED), Some(a), Some(b)) => Value::Invested(a, b),
                    (Some(Rule::PAID), Some(a), Some(b)) => Value::Paid(a, b),
                    (Some(Rule::FLOW), Some(a), Some(b)) => Value::Flow(a, b),
                    (Some(Rule::ROUNDTRIP), Some(a), Some(b)) => Value::Roundtrip(a, b),
                    (Some(Rule::VALUATION), Some(a), None) => Value::Valuation(a),
                    _ => return Err(Diagnostic::internal(Some(span), "malformed value function")),
                }
            }
            other => {
                return Err(Diagnostic::internal(
                    Some(span),
                    format!("unexpected value {other:?}"),
                ))
            }
        };
        Ok(Spanned::new(value, span))
    }
}

fn lower_verdict(pair: &P<'_>) -> Verdict {
    match pair.clone().into_inner().next().map(|p| p.as_rule()) {
        Some(Rule::YES) => Verdict::Yes,
        Some(Rule::NO) => Verdict::No,
        _ => Verdict::Unknown,
    }
}

/// One operand stays itself; several make an n-ary node (no deep left-leaning chains).
fn collapse(
    mut operands: Vec<Spanned<Question>>,
    span: crate::source::Span,
    make: fn(Vec<Spanned<Question>>) -> Question,
) -> Spanned<Question> {
    if operands.len() == 1 {
        if let Some(only) = operands.pop() {
            return only;
        }
    }
    Spanned::new(make(operands), span)
}
