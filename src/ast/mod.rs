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

/// What the names in a tree stand for. The parser gives names as written ([`Syntax`]); the
/// checker gives the same tree with every name an id of its declaration
/// ([`crate::check::Resolved`]), which is all the later stages read. One set of types for both,
/// so the shape of a term is written once.
pub trait Phase: Clone + std::fmt::Debug + PartialEq + 'static {
    type Party: Clone + std::fmt::Debug + PartialEq;
    type Action: Clone + std::fmt::Debug + PartialEq;
    type Channel: Clone + std::fmt::Debug + PartialEq;
    type Event: Clone + std::fmt::Debug + PartialEq;
    /// `Owner.name`.
    type Asset: Clone + std::fmt::Debug + PartialEq;
    /// `deal` or `deal.label`.
    type Target: Clone + std::fmt::Debug + PartialEq;
    type Deal: Clone + std::fmt::Debug + PartialEq;
    /// A term's label (`ip:`).
    type Label: Clone + std::fmt::Debug + PartialEq;
}

/// Names as written: what the parser gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Syntax;

impl Phase for Syntax {
    type Party = Name;
    type Action = Name;
    type Channel = Name;
    type Event = Name;
    /// Boxed: two names, where the resolved form holds one id.
    type Asset = Box<AssetRef>;
    type Target = Reference;
    type Deal = Name;
    type Label = Name;
}

/// One `.deal` file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub items: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    AsOf(Spanned<DateLit>),
    // Every item is boxed, so that an item list costs a pointer an item (a rule set of 100 MB
    // has hundreds of thousands).
    Party(Box<PartyDecl>),
    Asset(Box<AssetDecl>),
    Action(Box<SimpleDecl>),
    Channel(Box<SimpleDecl>),
    Event(Box<EventDecl>),
    Deal(Box<Deal>),
    Rule(Box<Rule>),
    /// `rate 1 GBP = 1.27 USD`.
    Rate(Box<RateDecl>),
}

/// An exchange rate: `one` (of one currency) is worth `value` (of another).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RateDecl {
    pub one: Spanned<Money>,
    pub value: Spanned<Money>,
    pub span: Span,
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

/// The period of a recurring amount (`per year`, `per quarter`, `per month`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Every {
    Year,
    Quarter,
    Month,
}

impl Every {
    /// The period as a calendar duration.
    pub fn duration(self) -> Duration {
        let months = match self {
            Every::Year => 12,
            Every::Quarter => 3,
            Every::Month => 1,
        };
        Duration { months, days: 0 }
    }

    pub fn word(self) -> &'static str {
        match self {
            Every::Year => "year",
            Every::Quarter => "quarter",
            Every::Month => "month",
        }
    }
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
    /// Boxed: the rarer form, and twice the size of the others.
    Between(Box<(Decimal, Decimal)>),
    /// `undisclosed`: some amount above 0.
    Undisclosed,
}

/// A day, possibly not known exactly (§5).
#[derive(Clone, Debug, PartialEq)]
#[allow(clippy::box_collection)] // boxed for size: see below
pub enum Point<P: Phase = Syntax> {
    /// A date literal; which day of the period depends on where it stands.
    Date(DateLit),
    /// `sometime in PERIOD`.
    Sometime(DateLit),
    /// `sometime between A and B`: some day from A's first to B's last.
    SometimeBetween(Box<(DateLit, DateLit)>),
    // The forms below are boxed, so that a point is sixteen bytes and windows hold theirs in
    // place: a rule set of 100 MB has a million points, nearly all of them dates.
    Event(Box<P::Event>),
    Start(Box<P::Target>),
    End(Box<P::Target>),
    Earliest(Box<Vec<Spanned<Point<P>>>>),
    Latest(Box<Vec<Spanned<Point<P>>>>),
    /// `POINT ± DURATION ± …`, applied left to right (a flat list, so long chains never recurse).
    Shifted(Box<Shifted<P>>),
}

/// A point and the durations added to or taken from it, in order.
pub type Shifted<P> = (Spanned<Point<P>>, Vec<(Shift, Duration)>);

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
#[derive(Clone, Debug, PartialEq)]
pub enum Window<P: Phase = Syntax> {
    Range {
        from: Option<Spanned<Point<P>>>,
        end: Option<WindowEnd<P>>,
    },
    On(Spanned<Point<P>>),
    During(Spanned<Point<P>>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum WindowEnd<P: Phase = Syntax> {
    Until(Spanned<Point<P>>),
    For(Spanned<Duration>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Deal<P: Phase = Syntax> {
    pub name: Name,
    pub label: Option<Text>,
    pub doc: Option<Text>,
    pub parties: Vec<P::Party>,
    pub statuses: Vec<Spanned<Status<P>>>,
    pub dated: Vec<Spanned<DateLit>>,
    pub sources: Vec<Text>,
    pub terms: Vec<Term<P>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Status<P: Phase = Syntax> {
    Signed,
    Announced,
    Reported,
    Proposed,
    /// Boxed: most deals have another status, and every deal keeps its first.
    TerminatedOn(Box<Spanned<Point<P>>>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Term<P: Phase = Syntax> {
    pub label: Option<P::Label>,
    pub kind: TermKind<P>,
    pub span: Span,
}

impl<P: Phase> Term<P> {
    pub fn is_terminate(&self) -> bool {
        matches!(self.kind, TermKind::Terminate { .. })
    }

    pub fn is_right(&self) -> bool {
        matches!(self.kind, TermKind::Right { .. })
    }

    /// When the term applies, as written (a `terminate` term has no window).
    pub fn window(&self) -> Option<&Window<P>> {
        match &self.kind {
            TermKind::Flow { window, .. } | TermKind::Right { window, .. } => Some(window),
            TermKind::Terminate { .. } => None,
        }
    }
}

impl<P: Phase> Window<P> {
    /// The points the window is written with (a `for` duration is not one).
    pub fn points(&self) -> impl Iterator<Item = &Spanned<Point<P>>> {
        let (first, second) = match self {
            Window::On(p) | Window::During(p) => (Some(p), None),
            Window::Range { from, end } => (
                from.as_ref(),
                match end {
                    Some(WindowEnd::Until(p)) => Some(p),
                    _ => None,
                },
            ),
        };
        first.into_iter().chain(second)
    }
}

impl<P: Phase> Point<P> {
    /// The points this one is made of (`earliest`/`latest` lists, the base of a shift): a walk
    /// over nested points keeps its own stack with these, so deep nesting never recurses.
    pub fn parts(&self) -> &[Spanned<Point<P>>] {
        match self {
            Point::Earliest(points) | Point::Latest(points) => points,
            Point::Shifted(shifted) => std::slice::from_ref(&shifted.0),
            Point::Date(_)
            | Point::Sometime(_)
            | Point::SometimeBetween(_)
            | Point::Event(_)
            | Point::Start(_)
            | Point::End(_) => &[],
        }
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

#[derive(Clone, Debug, PartialEq)]
pub enum TermKind<P: Phase = Syntax> {
    /// `invest`, `pay`, `lease … worth`, `supply … worth`: `from`/`to` as written.
    Flow {
        kind: FlowKind,
        amount: Option<Spanned<Money>>,
        from: P::Party,
        to: P::Party,
        what: Option<Text>,
        window: Window<P>,
        valuation: Option<Box<Spanned<Money>>>,
        /// `per year|quarter|month`: the amount is due for each whole period of the window.
        every: Option<Every>,
    },
    Right {
        kind: RightKind,
        who: Who<P>,
        action: P::Action,
        asset: P::Asset,
        via: Option<P::Channel>,
        /// The further channels of a `via` list (`via uk, usa`): an empty box, no allocation,
        /// for the usual one channel or none.
        also_via: Box<[P::Channel]>,
        window: Window<P>,
    },
    Terminate {
        target: P::Target,
        on: Option<Spanned<Point<P>>>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum Who<P: Phase = Syntax> {
    Party(P::Party),
    /// Several parties (`grant Sky, TNT may …`, `exclusive Sky, TNT may …`).
    Parties(Box<[P::Party]>),
    Everyone {
        except: Box<[P::Party]>,
    },
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

#[derive(Clone, Debug, PartialEq)]
pub struct Rule<P: Phase = Syntax> {
    pub name: Name,
    pub label: Option<Text>,
    pub doc: Option<Text>,
    pub assumptions: Vec<Assumption<P>>,
    pub checks: Vec<Check<P>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Assumption<P: Phase = Syntax> {
    /// `assuming DEAL`: count the deal as in force.
    Deal(P::Deal),
    /// `assuming EVENT on POINT`: fix the event's day.
    Event(P::Event, Spanned<Point<P>>),
    /// `assuming start(REF) on POINT` / `assuming end(REF) on POINT`: fix a term's first or
    /// last day as written (`None`: no day given, an error the checker reports).
    Bound(Box<P::Target>, Bound, Option<Spanned<Point<P>>>),
}

/// A term's first or last day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Bound {
    Start,
    End,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Check<P: Phase = Syntax> {
    pub kind: CheckKind,
    pub question: Spanned<Question<P>>,
    /// The question as written, for the report.
    pub text: Text,
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

#[derive(Clone, Debug, PartialEq)]
pub enum Question<P: Phase = Syntax> {
    Or(Vec<Spanned<Question<P>>>),
    And(Vec<Spanned<Question<P>>>),
    Not(Box<Spanned<Question<P>>>),
    Literal(Verdict),
    Can {
        party: P::Party,
        always: bool,
        action: P::Action,
        asset: P::Asset,
        via: Option<P::Channel>,
        when: Option<Spanned<When<P>>>,
    },
    Active {
        target: P::Target,
        when: Option<Spanned<When<P>>>,
    },
    Compare {
        left: Spanned<Value<P>>,
        op: CmpOp,
        right: Spanned<Value<P>>,
    },
    /// An open question: only at the top of an `ask` (the grammar never nests one).
    Open(Box<Open<P>>),
}

/// A question answered with days, parties or a value rather than yes or no.
#[derive(Clone, Debug, PartialEq)]
pub enum Open<P: Phase = Syntax> {
    /// `when can P X A [via C] [WHEN]`: the days P may, in three kinds.
    When {
        party: P::Party,
        action: P::Action,
        asset: P::Asset,
        via: Option<P::Channel>,
        when: Option<Spanned<When<P>>>,
    },
    /// `who can [always] X A [via C] [WHEN]`: each declared party that may, and anyone else.
    Who {
        always: bool,
        action: P::Action,
        asset: P::Asset,
        via: Option<P::Channel>,
        when: Option<Spanned<When<P>>>,
    },
    /// A value alone (`paid(P, Q)`, `end(d.ip)`, `2030 + 7 years`): its value.
    Value(Spanned<Value<P>>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum When<P: Phase = Syntax> {
    Before(Spanned<Point<P>>),
    After(Spanned<Point<P>>),
    /// `on`, `in` and `during` all mean the days of X.
    In(Spanned<Point<P>>),
    Between(Spanned<Point<P>>, Spanned<Point<P>>),
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

#[derive(Clone, Debug, PartialEq)]
pub enum Value<P: Phase = Syntax> {
    Money(Money),
    Percent(Decimal),
    Number(Decimal),
    Duration(Duration),
    Point(Point<P>),
    /// A sum of flows from one party to another, over all time or over the days of a WHEN.
    Invested(P::Party, P::Party, Option<Box<Spanned<When<P>>>>),
    Paid(P::Party, P::Party, Option<Box<Spanned<When<P>>>>),
    Flow(P::Party, P::Party, Option<Box<Spanned<When<P>>>>),
    Roundtrip(P::Party, P::Party),
    Valuation(P::Party),
}
