//! Comparisons of values (reference §6): money and percent ranges, numbers, durations, and
//! points against points or whole periods — all three-valued.

use super::explain::{CompareSummary, Effect, Explanation, Missing, Note, Shown, Side, Summary};
use super::logic::Verdict;
use super::question::{Answer, Evaluator};
use crate::ast::{CmpOp, DateLit, FlowKind, Point as PointExpr};
use crate::check::resolved::{TermKind, Value, When};
use crate::check::TermId;
use crate::diagnostic::{codes, Diagnostic};
use crate::model::due::Within;
use crate::model::money::{self, CurrencyClash};
use crate::model::range::Range;
use crate::model::time::{period, Day, Point};
use crate::model::world::Reading;
use crate::source::{Span, Spanned};
use rust_decimal::Decimal;

/// How many flows back a `roundtrip` explanation lists before counting the rest.
const MAX_FLOWS_BACK: usize = 20;

/// A value, evaluated.
enum Val {
    Money {
        range: Range,
        currency: Option<String>,
        terms: Vec<TermId>,
        /// Declared rates a sum across currencies was converted with: from, to, rate.
        converted: Vec<(String, String, Range)>,
    },
    /// A percentage; a `roundtrip` brings the flows in and the flows that can carry money back.
    Percent {
        range: Range,
        flows_in: Vec<TermId>,
        back: Vec<TermId>,
        /// How the money of a `roundtrip` comes back, and what limits it.
        how: Vec<Note>,
    },
    Number(Range),
    Duration(crate::ast::Duration),
    /// One day, maybe not known exactly.
    Point(Point),
    /// A whole period (a bare date literal).
    Period(Day, Day),
    /// A value the rule set does not give (a valuation never stated).
    Missing(Missing),
}

fn day_range(lo: Day, hi: Day) -> Range {
    Range::closed(Decimal::from(lo.0), Decimal::from(hi.0))
}

impl Evaluator<'_> {
    pub(super) fn compare(
        &self,
        left: &Spanned<Value>,
        op: CmpOp,
        right: &Spanned<Value>,
        span: Span,
    ) -> Result<Answer, Diagnostic> {
        let l = self.value(left, span)?;
        let r = self.value(right, span)?;
        let l = year_as_number(&left.node, l, &r);
        let r = year_as_number(&right.node, r, &l);
        let (l, r) = self.same_currency(l, r);
        let verdict = match (&l, &r) {
            (Val::Missing(_), _) | (_, Val::Missing(_)) => Verdict::Unknown,
            (
                Val::Money {
                    range: a,
                    currency: ca,
                    ..
                },
                Val::Money {
                    range: b,
                    currency: cb,
                    ..
                },
            ) => {
                if let (Some(ca), Some(cb)) = (ca, cb) {
                    if ca != cb {
                        return Err(Diagnostic::error(
                            codes::CURRENCY,
                            span,
                            format!("cannot compare {ca} with {cb}"),
                        )
                        .with_label(format!("{ca} on the left, {cb} on the right"))
                        .with_help(format!(
                            "dealcheck converts currencies only at a declared rate: add `rate 1 {ca} = … {cb}`, or compare amounts in one currency"
                        )));
                    }
                }
                a.compare(op, b)
            }
            (Val::Percent { range: a, .. }, Val::Percent { range: b, .. })
            | (Val::Number(a), Val::Number(b)) => a.compare(op, b),
            (Val::Duration(a), Val::Duration(b)) => compare_durations(*a, op, *b),
            (Val::Point(p), Val::Period(f, l)) => point_vs_period(*p, op, *f, *l),
            (Val::Period(f, l), Val::Point(p)) => point_vs_period(*p, flip(op), *f, *l),
            (Val::Point(a), Val::Point(b)) => {
                day_range(a.lo, a.hi).compare(op, &day_range(b.lo, b.hi))
            }
            (Val::Period(f1, l1), Val::Period(f2, l2)) => {
                point_vs_period(Point { lo: *f1, hi: *l1 }, op, *f2, *l2)
            }
            _ => return Err(Diagnostic::error(
                codes::TYPE,
                span,
                "these values cannot be compared",
            )
            .with_label("different kinds of value")
            .with_help(
                "compare money with money, dates with dates, percentages with percentages",
            )),
        };
        let mut explanation = Explanation::new(Summary::Compare(Box::new(CompareSummary {
            left: Side {
                text: (self.text)(left.span),
                value: shown(&l),
            },
            op,
            right: Side {
                text: (self.text)(right.span),
                value: shown(&r),
            },
            verdict,
        })));
        for side in [left, right] {
            self.note_decided_by(&mut explanation, side);
        }
        for val in [&l, &r] {
            self.note_value(&mut explanation, val);
        }
        // Each term once, in linear time: a sum over thousands of flows lists thousands.
        explanation.dedup_terms();
        Ok(Answer {
            verdict,
            explanation,
        })
    }

    /// Two amounts in different currencies, one converted into the other's when a declared
    /// rate says how (`rate 1 GBP = 1.27 USD` turns GBP into USD); unchanged otherwise.
    fn same_currency(&self, l: Val, r: Val) -> (Val, Val) {
        let currency = |v: &Val| match v {
            Val::Money {
                currency: Some(c), ..
            } => Some(c.clone()),
            _ => None,
        };
        let (Some(a), Some(b)) = (currency(&l), currency(&r)) else {
            return (l, r);
        };
        if a == b {
            return (l, r);
        }
        let program = self.world.program;
        let convert = |v: Val, from: &str, to: &str| match v {
            Val::Money {
                range,
                terms,
                mut converted,
                ..
            } => match program.rate(from, to) {
                Some(rate) => {
                    converted.push((from.to_string(), to.to_string(), rate));
                    Val::Money {
                        range: range.scale(&rate),
                        currency: Some(to.to_string()),
                        terms,
                        converted,
                    }
                }
                None => Val::Money {
                    range,
                    currency: Some(from.to_string()),
                    terms,
                    converted,
                },
            },
            other => other,
        };
        if program.rate(&a, &b).is_some() {
            return (convert(l, &a, &b), r);
        }
        if program.rate(&b, &a).is_some() {
            return (l, convert(r, &b, &a));
        }
        // Both into a third currency each has a rate into (EUR and GBP both into USD).
        let common = program
            .rates
            .iter()
            .map(|rate| rate.to.to_string())
            .find(|t| program.rate(&a, t).is_some() && program.rate(&b, t).is_some());
        match common {
            Some(t) => (convert(l, &a, &t), convert(r, &b, &t)),
            None => (l, r),
        }
    }

    /// A value asked alone (`ask paid(A, B)`): the value, and the terms that make it. Its
    /// verdict says whether the value is known: yes when exact, unknown when only a range of it
    /// is (or the rule set does not give it).
    pub(super) fn value_answer(&self, value: &Spanned<Value>) -> Result<Answer, Diagnostic> {
        let val = self.value(value, value.span)?;
        let known = match &val {
            Val::Money { range, .. } | Val::Percent { range, .. } | Val::Number(range) => {
                range.is_exact()
            }
            Val::Point(p) => p.is_exact(),
            Val::Duration(_) | Val::Period(..) => true,
            Val::Missing(_) => false,
        };
        let verdict = if known {
            Verdict::Yes
        } else {
            Verdict::Unknown
        };
        let mut explanation = Explanation::new(Summary::Value(Box::new(Side {
            text: (self.text)(value.span),
            value: shown(&val),
        })));
        self.note_decided_by(&mut explanation, value);
        self.note_value(&mut explanation, &val);
        explanation.dedup_terms();
        Ok(Answer {
            verdict,
            explanation,
        })
    }

    /// `end(d.x)` of a term a termination ended early: the termination decides the day.
    fn note_decided_by(&self, explanation: &mut Explanation, value: &Spanned<Value>) {
        if let Value::Point(PointExpr::Start(r) | PointExpr::End(r)) = &value.node {
            if let crate::check::Target::Term(id) = r.target {
                self.note_cuts(explanation, id, crate::model::time::Interval::ALL);
            }
        }
    }

    /// What made a value: the flows summed, how money comes back, or why it is missing.
    fn note_value(&self, explanation: &mut Explanation, val: &Val) {
        match val {
            Val::Money {
                terms, converted, ..
            } => {
                for (from, to, rate) in converted {
                    let note = Note::Converted {
                        from: from.clone(),
                        to: to.clone(),
                        rate: *rate,
                    };
                    if !explanation.notes.contains(&note) {
                        explanation.notes.push(note);
                    }
                }
                self.note_flows(explanation, terms, Effect::Counts)
            }
            Val::Percent {
                flows_in,
                back,
                how,
                ..
            } => {
                explanation.notes.extend(how.iter().cloned());
                self.note_flows(explanation, flows_in, Effect::Counts);
                let listed = back.len().min(MAX_FLOWS_BACK);
                self.note_flows(
                    explanation,
                    back.get(..listed).unwrap_or(back),
                    Effect::Returns,
                );
                if back.len() > listed {
                    explanation
                        .notes
                        .push(Note::MoreFlowsBack(back.len() - listed));
                }
            }
            Val::Missing(why) => explanation.notes.push(Note::Missing(why.clone())),
            _ => {}
        }
    }

    /// Lists flow terms with what they did (`counts` toward a sum, `returns` money) on the days
    /// they are in force; the caller deduplicates once, after every value is in.
    fn note_flows(&self, explanation: &mut Explanation, terms: &[TermId], effect: Effect) {
        use crate::model::time::Interval;
        for &id in terms {
            // A flow whose start (or end) is not known exactly is in force only possibly on the
            // days it may or may not have started (or ended) yet.
            let (certain, possible) = match self.world.window(id) {
                Some(w) => (w.certain(), w.possible()),
                None => (Interval::ALL, Interval::ALL),
            };
            self.note_days(explanation, id, effect, None, certain, possible);
        }
    }

    fn value(&self, value: &Spanned<Value>, span: Span) -> Result<Val, Diagnostic> {
        let program = self.world.program;
        let clash = |c: CurrencyClash| {
            Diagnostic::error(
                codes::CURRENCY,
                span,
                format!("this sum mixes {} and {}", c.first.0, c.second.0),
            )
            .with_label("the question adds amounts in different currencies")
            .with_other(c.first.1, format!("an amount in {}", c.first.0))
            .with_other(c.second.1, format!("an amount in {}", c.second.0))
            .with_help(format!("dealcheck converts currencies only at a declared rate: add `rate 1 {} = … {}`, or keep one currency", c.first.0, c.second.0))
        };
        let money = |p,
                     q,
                     kinds: &[FlowKind],
                     when: &Option<Box<Spanned<When>>>|
         -> Result<Val, Diagnostic> {
            let within = when.as_deref().map(|w| {
                let days = self.days(Some(w));
                Within {
                    certain: days.certain,
                    possible: days.possible,
                }
            });
            let sum = crate::model::money::sum(self.world, p, q, kinds, within).map_err(clash)?;
            Ok(Val::Money {
                range: sum.range,
                currency: sum.currency,
                terms: sum.terms,
                converted: sum.converted,
            })
        };
        Ok(match &value.node {
            Value::Money(m) => Val::Money {
                range: Range::from_amount(&m.amount),
                currency: Some(m.currency.to_string()),
                terms: Vec::new(),
                converted: Vec::new(),
            },
            Value::Percent(p) => Val::Percent {
                how: Vec::new(),
                range: Range::exact(*p),
                flows_in: Vec::new(),
                back: Vec::new(),
            },
            Value::Number(n) => Val::Number(Range::exact(*n)),
            Value::Duration(d) => Val::Duration(*d),
            Value::Point(PointExpr::Date(d)) => match period(*d) {
                Some((f, l)) => Val::Period(f, l),
                None => Val::Missing(Missing::InvalidDate),
            },
            Value::Point(p) => Val::Point(self.world.point_node(p, Reading::First)),
            Value::Invested(a, b, when) => money(a.id(), b.id(), &money::INVESTED, when)?,
            Value::Paid(a, b, when) => money(a.id(), b.id(), &money::PAID, when)?,
            Value::Flow(a, b, when) => money(a.id(), b.id(), &money::FLOW, when)?,
            Value::Roundtrip(a, b) => {
                let found = self
                    .money()
                    .roundtrip(program, a.id(), b.id())
                    .map_err(clash)?;
                let how = roundtrip_notes(self.world, &found);
                Val::Percent {
                    range: found.share,
                    flows_in: found.flow_in.terms,
                    back: found.back,
                    how,
                }
            }
            Value::Valuation(q) => self.valuation(q.id()),
        })
    }

    /// The latest `at valuation` of an in-force investment into the party (or its units).
    fn valuation(&self, party: usize) -> Val {
        let program = self.world.program;
        let mut best: Option<(Day, TermId, Range, String)> = None;
        let investments = program
            .family(party)
            .into_iter()
            .flat_map(|p| program.flows_to(p))
            .filter(|f| f.kind == FlowKind::Invest);
        for flow in investments {
            let Some(TermKind::Flow {
                valuation: Some(v), ..
            }) = program.term(flow.term).map(|t| &t.kind)
            else {
                continue;
            };
            let Some(window) = self.world.window(flow.term) else {
                continue;
            };
            let when = window.start.hi;
            // The latest by start; ties go to the later term in the rule set.
            let later = best
                .as_ref()
                .is_none_or(|b| (when, flow.term) >= (b.0, b.1));
            if later {
                best = Some((
                    when,
                    flow.term,
                    Range::from_amount(&v.node.amount),
                    v.node.currency.to_string(),
                ));
            }
        }
        match best {
            Some((_, id, range, currency)) => Val::Money {
                range,
                currency: Some(currency),
                terms: vec![id],
                converted: Vec::new(),
            },
            None => Val::Missing(Missing::NoValuation(program.party_text(party))),
        }
    }
}

/// A value as the explanation shows it.
fn shown(v: &Val) -> Shown {
    match v {
        Val::Money {
            range,
            currency,
            terms,
            ..
        } => Shown::Money {
            range: *range,
            currency: currency.clone(),
            terms: terms.len(),
        },
        Val::Percent { range, .. } => Shown::Percent(*range),
        Val::Number(r) => Shown::Number(*r),
        Val::Duration(d) => Shown::Duration(*d),
        Val::Point(p) => Shown::Point(*p),
        Val::Period(f, l) => Shown::Period(*f, *l),
        Val::Missing(why) => Shown::Missing(why.clone()),
    }
}

/// `x OP period` for one uncertain day x against a whole period `[f, l]` (§6).
fn point_vs_period(p: Point, op: CmpOp, f: Day, l: Day) -> Verdict {
    let three = Verdict::decide;
    match op {
        CmpOp::Lt => three(p.hi < f, p.lo >= f),
        CmpOp::Gt => three(p.lo > l, p.hi <= l),
        CmpOp::Le => three(p.hi <= l, p.lo > l),
        CmpOp::Ge => three(p.lo >= f, p.hi < f),
        CmpOp::Eq => three(p.lo >= f && p.hi <= l, p.hi < f || p.lo > l),
        CmpOp::Ne => three(p.hi < f || p.lo > l, p.lo >= f && p.hi <= l),
    }
}

fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Ge => CmpOp::Le,
        other => other,
    }
}

/// A bare year compared with a number is that number (`x == 2030` where x is a number).
fn year_as_number(value: &Value, val: Val, other: &Val) -> Val {
    match (value, other) {
        (Value::Point(PointExpr::Date(DateLit::Year { year })), Val::Number(_)) => {
            Val::Number(Range::exact(Decimal::from(*year)))
        }
        _ => val,
    }
}

/// A roundtrip's paths back and its bottleneck as notes: `money comes back by Norva → Helix
/// (50M USD)`, `what limits it: Norva → Helix (50M USD)`.
fn roundtrip_notes(
    world: &crate::model::world::World<'_>,
    found: &crate::model::money::Roundtrip,
) -> Vec<Note> {
    /// How many steps of the bottleneck are named before counting the rest.
    const LISTED: usize = 5;
    let program = world.program;
    let currency = found.flow_in.currency.clone().unwrap_or_default();
    let mut notes = Vec::new();
    if found.paths.is_empty() {
        return notes;
    }
    notes.push(Note::ComesBack {
        paths: found
            .paths
            .iter()
            .map(|(nodes, carried)| {
                let names = nodes.iter().map(|&n| program.party_text(n)).collect();
                (names, *carried)
            })
            .collect(),
        currency: currency.clone(),
        // Paths are found with every flow at its least: say so when amounts are ranges.
        least: !found.share.is_exact(),
    });
    if !found.bottleneck.is_empty() {
        notes.push(Note::Limits {
            steps: found
                .bottleneck
                .iter()
                .take(LISTED)
                .map(|((a, b), c)| (program.party_text(*a), program.party_text(*b), *c))
                .collect(),
            more: found.bottleneck.len().saturating_sub(LISTED),
            currency,
        });
    }
    notes
}

/// `a OP b` for two durations, over every day they could start on: months and years against
/// days and weeks depend on which months they span (`1 month > 30 days` is unknown; `7 years >
/// 80 months` is yes). Both in months, or both in days, compare exactly.
fn compare_durations(a: crate::ast::Duration, op: CmpOp, b: crate::ast::Duration) -> Verdict {
    let exact = |x: i64, y: i64| {
        Range::exact(Decimal::from(x)).compare(op, &Range::exact(Decimal::from(y)))
    };
    if a.months == 0 && b.months == 0 {
        return exact(i64::from(a.days), i64::from(b.days));
    }
    if a.days == 0 && b.days == 0 {
        return exact(i64::from(a.months), i64::from(b.months));
    }
    // How much longer `a` runs than `b` from a start day depends only on the start's month and
    // year, and on its day of the month only from the 29th (where month ends clamp): the 1st,
    // 29th, 30th and 31st of every month of a 400-year Gregorian cycle cover every case.
    let (mut least, mut most) = (i64::MAX, i64::MIN);
    for month in 0..4800 {
        let (year, month) = (2000 + month / 12, (month % 12 + 1) as u8);
        for day in [1, 29, 30, 31] {
            let Some(start) = Day::from_ymd(year, month, day) else {
                continue;
            };
            let longer = i64::from(start.add(a, 1).0) - i64::from(start.add(b, 1).0);
            least = least.min(longer);
            most = most.max(longer);
        }
    }
    Range::closed(Decimal::from(least), Decimal::from(most)).compare(op, &Range::ZERO)
}
