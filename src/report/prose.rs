//! Explanations put into words: the one place the typed reasons of an answer
//! ([`crate::eval::explain`]) become sentences, for the text report and for JSON alike.

use crate::ast::CmpOp;
use crate::eval::explain::{
    ActiveSummary, CanSummary, CompareSummary, DealStatus, Deed, Explanation, LeftOut, LogicOp,
    Missing, NotInForce, Note, Shown, StatusWord, Summary, MAX_EXPLANATION_TERMS,
};
use crate::eval::logic::Verdict;
use crate::model::range::Range;
use rust_decimal::Decimal;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::fmt::{self, Display, Formatter};

impl Display for Summary {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Summary::Literal(v) => write!(f, "`{v}` is {v}"),
            Summary::Not { inner, verdict } => write!(f, "not {inner}: {verdict}"),
            Summary::Logic { op, parts, verdict } => {
                let op = match op {
                    LogicOp::And => " and ",
                    LogicOp::Or => " or ",
                };
                let words: Vec<&str> = parts.iter().map(|v| v.word()).collect();
                write!(f, "{}: {verdict}", words.join(op))
            }
            Summary::Can(can) => can.fmt(f),
            Summary::Active(active) => active.fmt(f),
            Summary::Compare(compare) => compare.fmt(f),
            Summary::Failed(message) => write!(f, "could not be evaluated: {message}"),
        }
    }
}

impl Deed {
    /// `host OpenAI.models via uk`: what the party does, without the party.
    fn act(&self) -> String {
        let via = self
            .via
            .as_ref()
            .map_or(String::new(), |c| format!(" via {c}"));
        format!("{} {}.{}{via}", self.action, self.owner, self.asset)
    }
}

impl Display for Deed {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.party, self.act())
    }
}

impl Display for CanSummary {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (who, act, days) = (&self.deed.party, self.deed.act(), self.days);
        let deed = &self.deed;
        match (self.verdict, self.always, self.day) {
            // `before X` with X before the as-of date, `between Y and X` with Y after X.
            _ if days.is_empty() => {
                if self.always {
                    write!(f, "the question's time has no day, so `can {who} always {act}` holds on every day of it: there is none")
                } else {
                    write!(
                        f,
                        "the question's time has no day, so `can {deed}` holds on none"
                    )
                }
            }
            (Verdict::Yes, false, Some(d)) => write!(
                f,
                "{who} may {act} on {d}, a day certainly in the question's time"
            ),
            (Verdict::Yes, _, _) => write!(f, "{who} may {act} on every day of {days}"),
            (Verdict::No, true, Some(d)) => write!(
                f,
                "{who} may not {act} on {d}, a day certainly in the question's time"
            ),
            (Verdict::No, _, _) => write!(f, "{who} may not {act} on any day of {days}"),
            (Verdict::Unknown, _, Some(d)) => write!(
                f,
                "`can {deed}` is not decided: from {d} the answer depends on days not known exactly"
            ),
            (Verdict::Unknown, _, None) => {
                write!(f, "`can {deed}` is not decided by the days known")
            }
        }
    }
}

impl Display for ActiveSummary {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let name = &self.target;
        match (self.verdict, self.day) {
            (Verdict::Yes, Some(d)) => write!(f, "`{name}` is in force on {d}"),
            (Verdict::No, _) if self.never_in_force => write!(
                f,
                "`{name}` is not in force at all (its deal is not in force or it has no terms)"
            ),
            (Verdict::No, _) if self.days.is_empty() => write!(
                f,
                "the question's time has no day, so `{name}` is in force on none of it"
            ),
            (Verdict::No, _) => write!(f, "`{name}` is in force on no day of {}", self.days),
            (_, Some(d)) => write!(
                f,
                "whether `{name}` is in force depends on days not known exactly, from {d}"
            ),
            _ => write!(f, "whether `{name}` is in force is not decided"),
        }
    }
}

impl Display for CompareSummary {
    /// "invested(A, B) is 10B USD, so `invested(A, B) >= 10B USD` is yes": each side's value,
    /// unless the side says it already (`10B USD`), then the comparison and its verdict.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut values: Vec<String> = [&self.left, &self.right]
            .into_iter()
            .map(|side| (&side.text, side.value.to_string()))
            .filter(|(text, value)| *text != value)
            .map(|(text, value)| format!("{text} is {value}"))
            .collect();
        values.dedup();
        let comparison = format!(
            "`{} {} {}` is {}",
            self.left.text,
            symbol(self.op),
            self.right.text,
            self.verdict
        );
        if values.is_empty() {
            f.write_str(&comparison)
        } else {
            write!(f, "{}, so {comparison}", values.join(" and "))
        }
    }
}

/// The operator as written.
fn symbol(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
        CmpOp::Eq => "==",
        CmpOp::Ne => "!=",
    }
}

impl Display for Shown {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Shown::Money {
                range,
                currency,
                terms,
            } => {
                let amount = match currency {
                    None => "0".to_string(),
                    Some(c) => range.describe(&format!(" {c}")),
                };
                match terms {
                    0 => f.write_str(&amount),
                    1 => write!(f, "{amount} (from 1 term)"),
                    n => write!(f, "{amount} (from {n} terms)"),
                }
            }
            Shown::Percent(range) => f.write_str(&range.describe_percent()),
            Shown::Number(range) => range.fmt(f),
            Shown::Duration(d) => {
                let unit = |n: i32, one: &str| match n {
                    1 => format!("1 {one}"),
                    n => format!("{n} {one}s"),
                };
                match (d.months, d.days) {
                    (months, 0) => f.write_str(&unit(months, "month")),
                    (0, days) => f.write_str(&unit(days, "day")),
                    (months, days) => {
                        write!(f, "{} {}", unit(months, "month"), unit(days, "day"))
                    }
                }
            }
            Shown::Point(p) => p.fmt(f),
            Shown::Period(first, last) if first == last => first.fmt(f),
            Shown::Period(first, last) => write!(f, "{first} .. {last}"),
            Shown::Missing(why) => write!(f, "not known ({why})"),
        }
    }
}

impl Display for Missing {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Missing::InvalidDate => f.write_str("not a valid date"),
            Missing::NoValuation(party) => {
                write!(f, "no investment in force states a valuation of `{party}`")
            }
        }
    }
}

impl Display for Note {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Note::Part {
                question,
                verdict,
                summary,
            } => {
                let label = match verdict {
                    Some(v) => format!("`{question}` is {v}"),
                    None => format!("`{question}`"),
                };
                let summary = summary.to_string();
                // A comparison's summary ends by saying what the label says (`… so `x > 1` is
                // yes`): then it is said once.
                if summary.ends_with(&label) {
                    f.write_str(&summary)
                } else {
                    write!(f, "{label}: {summary}")
                }
            }
            Note::Owns { owner, deed } => write!(f, "{owner} owns {}.{}", deed.owner, deed.asset),
            Note::PermitsElsewhere {
                term,
                party,
                days,
                cut_by,
            } => {
                write!(
                    f,
                    "`{term}` permits {party} only on {days}, none of them in the question's time"
                )?;
                if !cut_by.is_empty() {
                    let names: Vec<String> = cut_by
                        .iter()
                        .map(|(name, at)| format!("`{name}` from {at}"))
                        .collect();
                    write!(f, " (cut by {})", names.join(", "))?;
                }
                Ok(())
            }
            Note::MoreRightsElsewhere(n) => write!(f, "… and {n} more rights on other days"),
            Note::NoRight(deed) => write!(f, "no term in force lets {deed}"),
            Note::NotInForce(left_out) => left_out.fmt(f),
            Note::MoreNotes(n) => write!(f, "… and {n} more notes"),
            Note::MoreTerms(n) => write!(
                f,
                "… and {n} more terms bear on this answer (the first {MAX_EXPLANATION_TERMS} are listed)"
            ),
            Note::ComesBack {
                paths,
                currency,
                least,
            } => {
                let paths: Vec<String> = paths
                    .iter()
                    .map(|(nodes, carried)| {
                        format!("{} ({})", nodes.join(" → "), amount(*carried, currency))
                    })
                    .collect();
                let least = if *least {
                    " (each flow at its least)"
                } else {
                    ""
                };
                write!(f, "money comes back by {}{least}", paths.join("; "))
            }
            Note::Limits {
                steps,
                more,
                currency,
            } => {
                let steps: Vec<String> = steps
                    .iter()
                    .map(|(from, to, carried)| {
                        format!("{from} → {to} ({})", amount(*carried, currency))
                    })
                    .collect();
                write!(f, "what limits it: {}", steps.join(", "))?;
                if *more > 0 {
                    write!(f, " and {more} more steps")?;
                }
                Ok(())
            }
            Note::MoreFlowsBack(n) => {
                write!(f, "… and {n} more flows that can carry money back")
            }
            Note::Missing(why) => why.fmt(f),
            Note::Diagnostic(message) => f.write_str(message),
        }
    }
}

fn amount(value: Decimal, currency: &str) -> String {
    Range::exact(value).describe(&format!(" {currency}"))
}

impl Display for NotInForce {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (name, status) = (&self.deal, &self.status);
        match self.reason {
            LeftOut::DatedLater {
                dated,
                as_of,
                also_unassumed,
            } => {
                write!(f, "deal `{name}` ({status}) is not yet in force: it is dated {dated}, after the as-of date {as_of}")?;
                if also_unassumed {
                    write!(f, " (and, {status}, it counts only when assumed)")?;
                }
                f.write_str("; a later `--as-of` would count it")
            }
            LeftOut::NotAssumed => write!(
                f,
                "deal `{name}` ({status}) is not in force: {status} deals count only when assumed (`assuming {name}`, or `--assume {name}`)"
            ),
        }
    }
}

impl Display for DealStatus {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self.word {
            StatusWord::Signed => f.write_str("signed")?,
            StatusWord::Announced => f.write_str("announced")?,
            StatusWord::Reported => f.write_str("reported")?,
            StatusWord::Proposed => f.write_str("proposed")?,
            StatusWord::TerminatedOn(p) => write!(f, "terminated on {p}")?,
            StatusWord::Unknown => return Ok(()),
        }
        if self.assumed {
            f.write_str(" (assumed)")?;
        }
        Ok(())
    }
}

/// JSON: `{ "summary", "terms", "notes" }` with the summary and notes in words
/// (docs/report.md).
impl Serialize for Explanation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let notes: Vec<String> = self.notes.iter().map(ToString::to_string).collect();
        let mut record = serializer.serialize_struct("Explanation", 3)?;
        record.serialize_field("summary", &self.summary.to_string())?;
        record.serialize_field("terms", &self.terms)?;
        record.serialize_field("notes", &notes)?;
        record.end()
    }
}

impl Serialize for DealStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}
