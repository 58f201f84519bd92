//! Lowering of rules and questions (reference §6).

use super::cursor::{Cursor, Lowered};
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
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let name = self.name(c.next(Rule::decl_name)?);
        let label = match c.optional(Rule::label) {
            Some(label) => Some(self.lower_label(label)?),
            None => None,
        };
        let mut assumptions = Vec::new();
        let mut checks = Vec::new();
        while c.peek().is_some() {
            let child = c.any()?;
            match child.as_rule() {
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
        let mut c = self.cursor(pair);
        if let Some(bound) = c
            .optional(Rule::start_of)
            .or_else(|| c.optional(Rule::end_of))
        {
            let which = if bound.as_rule() == Rule::start_of {
                Bound::Start
            } else {
                Bound::End
            };
            let mut b = self.cursor(bound);
            let reference = self.lower_reference(b.next(Rule::reference)?)?;
            b.finish()?;
            let point = match c.optional(Rule::point) {
                Some(point) => Some(self.lower_point(point)?),
                None => None,
            };
            c.finish()?;
            return Ok(Assumption::Bound(Box::new(reference), which, point));
        }
        let name = self.name(c.next(Rule::name)?);
        let point = match c.optional(Rule::point) {
            Some(point) => Some(self.lower_point(point)?),
            None => None,
        };
        c.finish()?;
        Ok(match point {
            Some(point) => Assumption::Event(name, point),
            None => Assumption::Deal(name),
        })
    }

    fn lower_check(&mut self, pair: P<'_>) -> Lowered<Check> {
        let span = self.pair_span(&pair);
        let is_ask = pair.as_rule() == Rule::ask;
        let mut c = self.cursor(pair);
        let child = c.any()?;
        // The question's own text: without a comment that follows it.
        let own = self.pair_span(&child);
        let text = child
            .as_str()
            .get(..own.len())
            .unwrap_or(child.as_str())
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .into();
        let question = self.lower_query(child)?;
        let expect = match c.optional(Rule::verdict) {
            Some(verdict) => Some(lower_verdict(&verdict)?),
            None => None,
        };
        c.finish()?;
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

    /// What `ask`/`assert` (or a lone question) take: a yes/no question or an open one.
    pub(super) fn lower_query(&mut self, pair: P<'_>) -> Lowered<Spanned<Question>> {
        let span = self.pair_span(&pair);
        let open = match pair.as_rule() {
            Rule::question => return self.lower_question(pair),
            Rule::when_q => {
                let mut c = self.cursor(pair);
                c.next(Rule::when_word)?;
                let party = self.name(c.next(Rule::name)?);
                let (action, asset, via, when) = self.lower_deed(c)?;
                Open::When {
                    party,
                    action,
                    asset,
                    via,
                    when,
                }
            }
            Rule::who_q => {
                let mut c = self.cursor(pair);
                c.next(Rule::who_word)?;
                let always = c.optional(Rule::always).is_some();
                let (action, asset, via, when) = self.lower_deed(c)?;
                Open::Who {
                    always,
                    action,
                    asset,
                    via,
                    when,
                }
            }
            Rule::value_q => {
                let mut c = self.cursor(pair);
                let value = self.lower_value(c.any()?)?;
                c.finish()?;
                Open::Value(value)
            }
            other => {
                return Err(Diagnostic::internal(
                    Some(span),
                    format!("unexpected question {other:?}"),
                ))
            }
        };
        Ok(Spanned::new(Question::Open(Box::new(open)), span))
    }

    /// `X A [via C] [WHEN]`, the rest of a `when can` or `who can`, to the end of it.
    #[allow(clippy::type_complexity)]
    fn lower_deed(
        &mut self,
        mut c: Cursor<'_>,
    ) -> Lowered<(Name, Box<AssetRef>, Option<Name>, Option<Spanned<When>>)> {
        let action = self.name(c.next(Rule::name)?);
        let asset = self.lower_asset_ref(c.next(Rule::asset_ref)?)?;
        let via = self.optional_via(&mut c)?;
        let when = self.optional_when(&mut c)?;
        c.finish()?;
        Ok((action, asset, via, when))
    }

    fn optional_when(&mut self, c: &mut Cursor<'_>) -> Lowered<Option<Spanned<When>>> {
        match c.optional(Rule::when) {
            Some(when) => Ok(Some(self.lower_when(when)?)),
            None => Ok(None),
        }
    }

    pub(super) fn lower_question(&mut self, pair: P<'_>) -> Lowered<Spanned<Question>> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let mut out = vec![self.lower_and(c.next(Rule::and_q)?)?];
        while c.optional(Rule::or_op).is_some() {
            out.push(self.lower_and(c.next(Rule::and_q)?)?);
        }
        c.finish()?;
        Ok(collapse(out, span, Question::Or))
    }

    fn lower_and(&mut self, pair: P<'_>) -> Lowered<Spanned<Question>> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let mut out = vec![self.lower_not(c.next(Rule::not_q)?)?];
        while c.optional(Rule::and_op).is_some() {
            out.push(self.lower_not(c.next(Rule::not_q)?)?);
        }
        c.finish()?;
        Ok(collapse(out, span, Question::And))
    }

    fn lower_not(&mut self, pair: P<'_>) -> Lowered<Spanned<Question>> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let mut nots = 0usize;
        while c.optional(Rule::not_op).is_some() {
            nots += 1;
        }
        let primary = self.lower_primary(c.any()?)?;
        c.finish()?;
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
                let mut c = self.cursor(pair);
                let mut q = self.lower_question(c.next(Rule::question)?)?;
                c.finish()?;
                q.span = span;
                return Ok(q);
            }
            Rule::verdict => Question::Literal(lower_verdict(&pair)?),
            Rule::can_q => self.lower_can(pair)?,
            Rule::active_q => {
                let mut c = self.cursor(pair);
                let target = self.lower_reference(c.next(Rule::reference)?)?;
                let when = self.optional_when(&mut c)?;
                c.finish()?;
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
        let mut c = self.cursor(pair);
        let party = self.name(c.next(Rule::name)?);
        let always = c.optional(Rule::always).is_some();
        let action = self.name(c.next(Rule::name)?);
        let asset = self.lower_asset_ref(c.next(Rule::asset_ref)?)?;
        let via = self.optional_via(&mut c)?;
        let when = self.optional_when(&mut c)?;
        c.finish()?;
        Ok(Question::Can {
            party,
            always,
            action,
            asset,
            via,
            when,
        })
    }

    fn lower_when(&mut self, pair: P<'_>) -> Lowered<Spanned<When>> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let form = c.any()?;
        c.finish()?;
        let rule = form.as_rule();
        let mut f = self.cursor(form);
        let first = self.lower_point(f.next(Rule::point)?)?;
        let when = match rule {
            Rule::when_before => When::Before(first),
            Rule::when_after => When::After(first),
            Rule::when_on | Rule::when_in | Rule::when_during => When::In(first),
            Rule::when_between => When::Between(first, self.lower_point(f.next(Rule::point)?)?),
            other => {
                return Err(Diagnostic::internal(
                    Some(span),
                    format!("unexpected {other:?} in a when"),
                ))
            }
        };
        f.finish()?;
        Ok(Spanned::new(when, span))
    }

    fn lower_comparison(&mut self, pair: P<'_>) -> Lowered<Question> {
        let span = self.pair_span(&pair);
        let mut c = self.cursor(pair);
        let left = self.lower_value(c.any()?)?;
        let op = c.next(Rule::cmp_op)?;
        let op = match op.as_str() {
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            other => {
                return Err(Diagnostic::internal(
                    Some(span),
                    format!("unexpected comparison `{other}`"),
                ))
            }
        };
        let right = self.lower_value(c.any()?)?;
        c.finish()?;
        Ok(Question::Compare { left, op, right })
    }

    fn lower_value(&mut self, pair: P<'_>) -> Lowered<Spanned<Value>> {
        let span = self.pair_span(&pair);
        let value = match pair.as_rule() {
            Rule::money => Value::Money(self.lower_money(pair)?.node),
            Rule::percent => {
                let mut c = self.cursor(pair);
                let number = Text::from(c.next(Rule::number_part)?.as_str());
                c.finish()?;
                Value::Percent(self.decimal(&number, span))
            }
            Rule::number => Value::Number(self.decimal(pair.as_str(), span)),
            Rule::duration => Value::Duration(self.lower_duration(pair)?.node),
            Rule::point => Value::Point(self.lower_point(pair)?.node),
            Rule::value_fn => {
                // The function's keyword comes first; the cursor skips keywords, so read it raw.
                let func = pair.clone().into_inner().next().map(|p| p.as_rule());
                let mut c = self.cursor(pair);
                let first = self.name(c.next(Rule::name)?);
                let value = match func {
                    Some(Rule::VALUATION) => Value::Valuation(first),
                    Some(two @ (Rule::INVESTED | Rule::PAID | Rule::FLOW | Rule::ROUNDTRIP)) => {
                        let second = self.name(c.next(Rule::name)?);
                        let when = self.optional_when(&mut c)?.map(Box::new);
                        match two {
                            Rule::INVESTED => Value::Invested(first, second, when),
                            Rule::PAID => Value::Paid(first, second, when),
                            Rule::FLOW => Value::Flow(first, second, when),
                            _ => Value::Roundtrip(first, second),
                        }
                    }
                    other => {
                        return Err(Diagnostic::internal(
                            Some(span),
                            format!("unexpected value function {other:?}"),
                        ))
                    }
                };
                c.finish()?;
                value
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

fn lower_verdict(pair: &P<'_>) -> Lowered<Verdict> {
    match pair.clone().into_inner().next().map(|p| p.as_rule()) {
        Some(Rule::YES) => Ok(Verdict::Yes),
        Some(Rule::NO) => Ok(Verdict::No),
        Some(Rule::UNKNOWN) => Ok(Verdict::Unknown),
        other => Err(Diagnostic::internal(
            None,
            format!("unexpected {other:?} in a verdict"),
        )),
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
