//! The spanned syntax tree of the deal language (reference §2–§6). No behaviour lives here.

use crate::source::{Span, Spanned};
use rust_decimal::Decimal;
use serde::Serialize;

/// Text held by the tree: names, labels, docs. A pointer to a shared string: lowering interns
/// names and short labels, so a name written a thousand times is held once (a rule set of
/// 100 MB holds millions of names and only tens of thousands of distinct ones).
pub type Text = arcstr::ArcStr;

/// A name as written, with its span.
pub type Name = Spanned<Text>;

/// One `.deal` file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Item {
    AsOf(Spanned<DateLit>),
    Party(PartyDecl),
    Asset(AssetDecl),
    Action(SimpleDecl),
    Channel(SimpleDecl),
    Event(EventDecl),
    /// Boxed so that an item list costs a pointer per deal, not a whole deal's worth of slack.
    Deal(Box<Deal>),
    Rule(Box<Rule>),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartyDecl {
    pub name: Name,
    pub label: Option<Text>,
    pub part_of: Option<Name>,
    pub doc: Option<Text>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AssetDecl {
    pub owner: Name,
    pub name: Name,
    pub label: Option<Text>,
    pub doc: Option<Text>,
}

/// An `action` or `channel` declaration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimpleDecl {
    pub name: Name,
    pub label: Option<Text>,
    pub doc: Option<Text>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventDecl {
    pub name: Name,
    pub label: Option<Text>,
    pub when: Option<EventWhen>,
    pub doc: Option<Text>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum EventWhen {
    /// `on DATE`: the day is known.
    On(Spanned<DateLit>),
    /// `expected PERIOD`: some day of the period, not known which.
    Expected(Spanned<DateLit>),
}

/// A date literal: a period of days (§2). Validity is checked later, at its span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DateLit {
    Day { year: i32, month: u8, day: u8 },
    Month { year: i32, month: u8 },
    Quarter { year: i32, quarter: u8 },
    Half { year: i32, half: u8 },
    Year { year: i32 },
    Decade { year: i32 },
}

/// A calendar duration, already normalised to months and days (weeks are 7 days). At most
/// 10,000 years (checked when lowering), so 32 bits hold either part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Duration {
    pub months: i32,
    pub days: i32,
}

/// An amount of money, exact or a range (§2).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Money {
    pub amount: Amount,
    /// ISO code (`USD`); symbols are already translated.
    pub currency: Text,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Amount {
    Exact(Decimal),
    /// `up to X`: more than 0, at most X.
    UpTo(Decimal),
    /// `at least X`: no upper bound.
    AtLeast(Decimal),
    Between(Decimal, Decimal),
    /// `undisclosed`: some amount above 0.
    Undisclosed,
}

/// A day, possibly not known exactly (§5).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Point {
    /// A date literal; which day of the period depends on where it stands.
    Date(DateLit),
    /// `sometime in PERIOD`.
    Sometime(DateLit),
    Event(Name),
    Start(Box<Reference>),
    End(Box<Reference>),
    Earliest(Vec<Spanned<Point>>),
    Latest(Vec<Spanned<Point>>),
    /// `POINT ± DURATION ± …`, applied left to right (a flat list, so long chains never recurse).
    Shifted(Box<Spanned<Point>>, Vec<(Shift, Duration)>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Shift {
    Plus,
    Minus,
}

/// `deal` or `deal.label` (or any other dotted name the checker will resolve).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Reference {
    pub first: Name,
    pub second: Option<Name>,
    pub span: Span,
}

/// When a term applies (§5).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Window {
    Range {
        from: Option<Box<Spanned<Point>>>,
        end: Option<WindowEnd>,
    },
    On(Box<Spanned<Point>>),
    During(Box<Spanned<Point>>),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum WindowEnd {
    Until(Box<Spanned<Point>>),
    For(Spanned<Duration>),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deal {
    pub name: Name,
    pub label: Option<Text>,
    pub doc: Option<Text>,
    pub parties: Vec<Name>,
    pub statuses: Vec<Spanned<Status>>,
    pub dated: Vec<Spanned<DateLit>>,
    pub sources: Vec<Text>,
    pub terms: Vec<Term>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Status {
    Signed,
    Announced,
    Reported,
    Proposed,
    TerminatedOn(Spanned<Point>),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Term {
    pub label: Option<Name>,
    pub kind: TermKind,
    pub span: Span,
}

impl Term {
    pub fn is_terminate(&self) -> bool {
        matches!(self.kind, TermKind::Terminate { .. })
    }

    pub fn is_right(&self) -> bool {
        matches!(self.kind, TermKind::Right { .. })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RightKind {
    Grant,
    Exclusive,
    Sole,
    Forbid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FlowKind {
    Invest,
    Pay,
    Lease,
    Supply,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TermKind {
    /// `invest`, `pay`, `lease … worth`, `supply … worth`: `from`/`to` as written.
    Flow {
        kind: FlowKind,
        amount: Option<Spanned<Money>>,
        from: Name,
        to: Name,
        what: Option<Text>,
        window: Window,
        valuation: Option<Box<Spanned<Money>>>,
    },
    Right {
        kind: RightKind,
        who: Who,
        action: Name,
        asset: AssetRef,
        via: Option<Name>,
        window: Window,
    },
    Terminate {
        target: Reference,
        on: Option<Spanned<Point>>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Who {
    Party(Name),
    Everyone { except: Vec<Name> },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AssetRef {
    pub owner: Name,
    pub name: Name,
}

impl AssetRef {
    /// `Owner.name` as written (worked out, not stored: there are hundreds of thousands).
    pub fn span(&self) -> Span {
        self.owner.span.to(self.name.span)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rule {
    pub name: Name,
    pub label: Option<Text>,
    pub doc: Option<Text>,
    pub assumptions: Vec<Assumption>,
    pub checks: Vec<Check>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Assumption {
    /// `assuming DEAL`: count the deal as in force.
    Deal(Name),
    /// `assuming EVENT on POINT`: fix the event's day.
    Event(Name, Spanned<Point>),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Check {
    pub kind: CheckKind,
    pub question: Spanned<Question>,
    /// The question as written, for the report.
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CheckKind {
    Ask { expect: Option<Verdict> },
    Assert,
}

/// Three-valued truth (Kleene).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Yes,
    No,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Question {
    Or(Vec<Spanned<Question>>),
    And(Vec<Spanned<Question>>),
    Not(Box<Spanned<Question>>),
    Literal(Verdict),
    Can {
        party: Name,
        always: bool,
        action: Name,
        asset: AssetRef,
        via: Option<Name>,
        when: Option<Spanned<When>>,
    },
    Active {
        target: Reference,
        when: Option<Spanned<When>>,
    },
    Compare {
        left: Spanned<Value>,
        op: CmpOp,
        right: Spanned<Value>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum When {
    Before(Spanned<Point>),
    After(Spanned<Point>),
    /// `on`, `in` and `during` all mean the days of X.
    In(Spanned<Point>),
    Between(Spanned<Point>, Spanned<Point>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Value {
    Money(Money),
    Percent(Decimal),
    Number(Decimal),
    Duration(Duration),
    Point(Point),
    Invested(Name, Name),
    Paid(Name, Name),
    Flow(Name, Name),
    Roundtrip(Name, Name),
    Valuation(Name),
}
