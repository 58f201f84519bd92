//! Explanations put into words: the one place the typed reasons of an answer
//! ([`crate::eval::explain`]) become sentences, for the text report and for JSON alike.

use crate::ast::CmpOp;
use crate::eval::explain::{
    ActiveSummary, CanSummary, CompareSummary, DealStatus, Deed, Explanation, LeftOut, LogicOp,
    Missing, NotInForce, Note, Shown, StatusWord, Summary, MAX_EXPLANATION_TERMS,
};
use crate::eval::logic::Verdict;
use crate::eval::open::{OpenValue, WhenAnswer, WhoAnswer};
use crate::model::range::Range;
use crate::model::time::{Day, Interval};
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
            Summary::When(when) => when.fmt(f),
            Summary::Who(who) => who.fmt(f),
            Summary::Value(side) => write!(f, "{} is {}", side.text, side.value),
            Summary::Failed(message) => write!(f, "could not be evaluated: {message}"),
        }
    }
}

impl Summary {
    /// The lines an answer shows under its sentence: a stretch of days each for `when can`, a
    /// party each for `who can`; none for the others.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Summary::When(when) => when.lines(),
            Summary::Who(who) => who.lines(),
            _ => Vec::new(),
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
            Note::Settles(settles) => settles.fmt(f),
            Note::Converted { from, to, rate } => write!(
                f,
                "amounts in {from} converted into {to} at the declared rate 1 {from} = {}",
                rate.describe(&format!(" {to}"))
            ),
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

impl Display for WhenAnswer {
    /// "Amazon may host OpenAI.models: first certainly on 2040-01-01, first possibly on
    /// 2030-01-01"; the days themselves are [`WhenAnswer::lines`].
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let (who, act) = (&self.deed.party, self.deed.act());
        match (self.earliest_certain, self.earliest_possible) {
            (_, None) => write!(f, "{who} may not {act} on any day of {}", self.days),
            (None, Some(p)) => write!(
                f,
                "{who} may {act} on no day for certain; first possibly on {p}"
            ),
            (Some(c), Some(p)) if c == p => write!(f, "{who} may {act} first on {c}"),
            (Some(c), Some(p)) => write!(
                f,
                "{who} may {act} first certainly on {c}, first possibly on {p}"
            ),
        }
    }
}

impl WhenAnswer {
    /// One line a stretch of days: `yes      2040-01-01 onwards`.
    pub fn lines(&self) -> Vec<String> {
        self.pieces
            .iter()
            .map(|(days, verdict)| format!("{:<8} {days}", verdict.word()))
            .collect()
    }
}

impl Display for WhoAnswer {
    /// "who may host OpenAI.models on some day of 2031-01-01 .. 2031-12-31: 2 declared
    /// parties; anyone else: no"; the parties are [`WhoAnswer::lines`].
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let which = if self.always { "every" } else { "some" };
        let count = match self.parties.len() {
            0 => "no declared party".to_string(),
            1 => "1 declared party".to_string(),
            n => format!("{n} declared parties"),
        };
        write!(
            f,
            "who may {} on {which} day of {}: {count}; anyone else: {}",
            self.deed.act(),
            self.days,
            self.anyone_else
        )
    }
}

impl WhoAnswer {
    /// How many parties the text lists before counting the rest.
    pub const MAX_LINES: usize = 50;

    /// One line a party that may: `yes      Microsoft`; parties that answer only as anyone
    /// else would are marked so.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .parties
            .iter()
            .take(Self::MAX_LINES)
            .map(|p| {
                let like = if p.as_anyone_else {
                    " (as anyone else)"
                } else {
                    ""
                };
                format!("{:<8} {}{like}", p.verdict.word(), p.party)
            })
            .collect();
        if self.parties.len() > Self::MAX_LINES {
            lines.push(format!(
                "… and {} more parties",
                self.parties.len() - Self::MAX_LINES
            ));
        }
        lines
    }
}

/// An interval's ends for JSON: ISO days, `null` for an open end.
fn day_or_null(day: Day) -> Option<String> {
    (day != Day::PAST && day != Day::NEVER).then(|| day.to_string())
}

struct DaysRecord<'a>(&'a Interval, Verdict);

impl Serialize for DaysRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut record = serializer.serialize_struct("Days", 3)?;
        record.serialize_field("from", &day_or_null(self.0.start))?;
        record.serialize_field("to", &day_or_null(self.0.end))?;
        record.serialize_field("answer", &self.1)?;
        record.end()
    }
}

/// JSON of an open answer (`value`, docs/report.md): data, with the value in words as `text`.
impl Serialize for OpenValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            OpenValue::Days(when) => {
                let days: Vec<DaysRecord<'_>> =
                    when.pieces.iter().map(|(i, v)| DaysRecord(i, *v)).collect();
                let mut record = serializer.serialize_struct("Days", 5)?;
                record.serialize_field("kind", "days")?;
                record.serialize_field("days", &days)?;
                record.serialize_field(
                    "earliest_certain",
                    &when.earliest_certain.map(|d| d.to_string()),
                )?;
                record.serialize_field(
                    "earliest_possible",
                    &when.earliest_possible.map(|d| d.to_string()),
                )?;
                record.serialize_field("text", &when.to_string())?;
                record.end()
            }
            OpenValue::Parties(who) => {
                let parties: Vec<PartyRecord<'_>> = who
                    .parties
                    .iter()
                    .map(|p| PartyRecord(&p.party, p.verdict))
                    .collect();
                let mut record = serializer.serialize_struct("Parties", 4)?;
                record.serialize_field("kind", "parties")?;
                record.serialize_field("parties", &parties)?;
                record.serialize_field("anyone_else", &who.anyone_else)?;
                record.serialize_field("text", &who.to_string())?;
                record.end()
            }
            OpenValue::Value(side) => {
                let mut record = serializer.serialize_struct("Value", 4)?;
                let (kind, low, high, unit): (
                    &str,
                    Option<String>,
                    Option<String>,
                    Option<String>,
                ) = match &side.value {
                    Shown::Money {
                        range, currency, ..
                    } => (
                        "money",
                        Some(range.lo.to_string()),
                        range.hi.map(|h| h.to_string()),
                        currency.clone(),
                    ),
                    Shown::Percent(range) => (
                        "percent",
                        Some(range.lo.to_string()),
                        range.hi.map(|h| h.to_string()),
                        None,
                    ),
                    Shown::Number(range) => (
                        "number",
                        Some(range.lo.to_string()),
                        range.hi.map(|h| h.to_string()),
                        None,
                    ),
                    Shown::Duration(_) => ("duration", None, None, None),
                    Shown::Point(p) => ("day", day_or_null(p.lo), day_or_null(p.hi), None),
                    Shown::Period(a, b) => ("period", day_or_null(*a), day_or_null(*b), None),
                    Shown::Missing(_) => ("missing", None, None, None),
                };
                record.serialize_field("kind", kind)?;
                record.serialize_field("low", &low)?;
                record.serialize_field("high", &high)?;
                record.serialize_field("unit", &unit)?;
                record.serialize_field("text", &side.value.to_string())?;
                record.end()
            }
        }
    }
}

struct PartyRecord<'a>(&'a crate::ast::Text, Verdict);

impl Serialize for PartyRecord<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut record = serializer.serialize_struct("Party", 2)?;
        record.serialize_field("party", self.0.as_str())?;
        record.serialize_field("answer", &self.1)?;
        record.end()
    }
}

impl Display for crate::eval::explain::Settles {
    /// "open: end(d.ip), sometime in 2029-12-31 .. 2039-12-31: yes if it is on 2035-01-01 ..
    /// 2039-12-31; no if on 2029-12-31 .. 2034-12-31".
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        use crate::eval::settle::{fact_name, OpenFact};
        let name = fact_name(&self.fact);
        match &self.fact {
            OpenFact::Amount {
                amount, currency, ..
            } => {
                return write!(
                    f,
                    "open: {name}, stated as {}",
                    amount.describe(&format!(" {currency}"))
                )
            }
            OpenFact::Rate { from, to, rate } => {
                return write!(
                    f,
                    "open: {name}, declared as 1 {from} = {}",
                    rate.describe(&format!(" {to}"))
                )
            }
            OpenFact::Event { days, .. } | OpenFact::Bound { days, .. } => {
                let days = if days.hi == Day::NEVER {
                    format!("some day from {}, or never", days.lo)
                } else {
                    days.to_string()
                };
                write!(f, "open: {name} ({days})")?;
            }
        }
        let list = |days: &[Interval], verdict: Verdict| {
            let mut said: Vec<String> = days.iter().map(|d| format!("on {d}")).collect();
            if self.never == Some(verdict) {
                said.push("never".to_string());
            }
            said.join(" or ")
        };
        let mut settled = Vec::new();
        for verdict in [Verdict::Yes, Verdict::No] {
            let days = if verdict == Verdict::Yes {
                &self.yes
            } else {
                &self.no
            };
            if !days.is_empty() || self.never == Some(verdict) {
                settled.push(format!("{verdict} if it is {}", list(days, verdict)));
            }
        }
        if !self.tried {
            Ok(())
        } else if settled.is_empty() {
            f.write_str(": fixing it alone does not settle the answer")
        } else {
            write!(f, ": {}", settled.join("; "))
        }
    }
}
