//! One evaluation context: the as-of date, the assumed deals and fixed events, and from them
//! which deals are in force and every term's window (reference §4–§5).

use super::time::{period, Day, Interval, Point};
use crate::ast::{self, DateLit, EventWhen};
use crate::check::resolved::{self, Status, TermKind, Window, WindowEnd};
use crate::check::{DealFacts, DealId, EventId, Program, Target, TermId};
use crate::limits::MAX_REFERENCE_DEPTH;
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};

/// What a rule or the command line assumes on top of the rule set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Context {
    pub as_of: Option<Day>,
    pub assumed_deals: HashSet<DealId>,
    pub fixed_events: HashMap<EventId, Point>,
    /// Terms' first or last days fixed (`assuming end(d.ip) on 2031-05-01`), as written:
    /// terminations still cut them.
    pub fixed_bounds: HashMap<(TermId, Bound), Point>,
}

pub use crate::ast::Bound;

/// Which day of a period a date literal means where one day is needed (§5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reading {
    First,
    Last,
}

/// A term's window: it starts on `start` and ends on `end` (inclusive), each possibly uncertain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TermWindow {
    pub start: Point,
    pub end: Point,
}

impl TermWindow {
    pub const ALWAYS: TermWindow = TermWindow {
        start: Point {
            lo: Day::PAST,
            hi: Day::PAST,
        },
        end: Point {
            lo: Day::NEVER,
            hi: Day::NEVER,
        },
    };

    /// Days inside however the points turn out.
    pub fn certain(self) -> Interval {
        Interval::new(self.start.hi, self.end.lo)
    }

    /// Days inside for some choice of the points.
    pub fn possible(self) -> Interval {
        Interval::new(self.start.lo, self.end.hi)
    }

    /// Stops applying from `from` on (`terminate … on`, `terminated on`).
    pub fn cut(self, from: Point) -> TermWindow {
        let end = Point {
            lo: self.end.lo.min(from.lo.pred()),
            hi: self.end.hi.min(from.hi.pred()),
        };
        TermWindow {
            start: self.start,
            end,
        }
    }
}

#[derive(Clone, Copy)]
enum Slot {
    InProgress,
    Done(TermWindow),
}

/// The rule set seen from one context. Building one is constant time: windows and terminations
/// are worked out when first asked for, so a question pays only for the terms it touches.
pub struct World<'p> {
    pub program: &'p Program,
    pub as_of: Day,
    context: Context,
    /// Windows as written (before terminations). `start(x)` may refer to another term, so the
    /// order is not known in advance.
    written: RefCell<TermMemo<Slot>>,
    /// Where each term stops applying, from in-force terminations (`None` while being worked
    /// out: a termination day that depends on the very term it cuts sees no cut).
    cuts: RefCell<TermMemo<Option<Option<Point>>>>,
    /// `start(deal)` and `end(deal)`, once worked out without meeting a cycle: many terms may
    /// refer to the bounds of one large deal.
    deal_bounds: RefCell<Memo<(Point, Point)>>,
    /// Where a deal's `terminated on` and the `terminate` terms aimed at the whole deal stop
    /// its terms, once worked out without meeting a cycle: shared by all its terms.
    deal_cuts: RefCell<Memo<Option<Point>>>,
    /// How often a window or cut was asked for while it was being worked out (a cycle): values
    /// worked out meanwhile depend on where the cycle was entered and are not memoised.
    cycles_met: Cell<u64>,
    /// How many windows and cuts are being worked out, one inside another (a chain of
    /// `start`/`end` references); past [`MAX_REFERENCE_DEPTH`] the next is unknown, so a long
    /// chain cannot overflow the stack.
    depth: Cell<usize>,
    /// The first term whose window was left unknown because the chain was too deep.
    too_deep: Cell<Option<TermId>>,
}

/// One level of a chain of references being worked out; leaves it when dropped.
struct Nested<'w>(&'w Cell<usize>);

impl Drop for Nested<'_> {
    fn drop(&mut self) {
        self.0.set(self.0.get().saturating_sub(1));
    }
}

/// A memo by number (a term's [`Program::term_number`], a deal's id): a hash map while a world
/// has touched few (a question touches a handful), a table indexed by number once it has
/// touched many (the built-in checks touch them all), where the map would cost several times
/// the table.
///
/// [`Program::term_number`]: crate::check::Program::term_number
enum Memo<T> {
    Sparse(FxHashMap<usize, T>),
    Dense(Vec<Option<T>>),
}

impl<T> Default for Memo<T> {
    fn default() -> Self {
        Memo::Sparse(FxHashMap::default())
    }
}

impl<T: Copy> Memo<T> {
    fn get(&self, key: usize) -> Option<T> {
        match self {
            Memo::Sparse(map) => map.get(&key).copied(),
            Memo::Dense(table) => table.get(key).copied().flatten(),
        }
    }

    /// Remembers `value` for `key`, of `size` possible keys (a key past them: nothing to
    /// remember).
    fn insert(&mut self, key: usize, size: usize, value: T) {
        if key >= size {
            return;
        }
        if let Memo::Sparse(map) = self {
            if map.len() < 64 || map.len() < size / 16 {
                map.insert(key, value);
                return;
            }
            let mut table = vec![None; size];
            for (&key, &value) in map.iter() {
                if let Some(slot) = table.get_mut(key) {
                    *slot = Some(value);
                }
            }
            *self = Memo::Dense(table);
        }
        match self {
            Memo::Sparse(map) => {
                map.insert(key, value);
            }
            Memo::Dense(table) => {
                if let Some(slot) = table.get_mut(key) {
                    *slot = Some(value);
                }
            }
        }
    }
}

/// A memo of terms, by term number.
struct TermMemo<T>(Memo<T>);

impl<T> Default for TermMemo<T> {
    fn default() -> Self {
        TermMemo(Memo::default())
    }
}

impl<T: Copy> TermMemo<T> {
    fn get(&self, program: &Program, id: TermId) -> Option<T> {
        self.0.get(program.term_number(id)?)
    }

    /// A term not of this rule set has no number: nothing to remember.
    fn insert(&mut self, program: &Program, id: TermId, value: T) {
        if let Some(n) = program.term_number(id) {
            self.0.insert(n, program.term_count(), value);
        }
    }
}

impl<'p> World<'p> {
    /// A deal's status in this world: its first status word, and whether it is assumed.
    pub fn deal_status(&self, deal: usize) -> DealStatus {
        let word = match self.program.deal_tree(deal) {
            None => StatusWord::Unknown,
            Some(d) => match d.status.as_ref().map(|s| &s.node) {
                None | Some(Status::Signed) => StatusWord::Signed,
                Some(Status::Announced) => StatusWord::Announced,
                Some(Status::Reported) => StatusWord::Reported,
                Some(Status::Proposed) => StatusWord::Proposed,
                Some(Status::TerminatedOn(p)) => {
                    StatusWord::TerminatedOn(self.point(p, Reading::First))
                }
            },
        };
        DealStatus {
            word,
            assumed: self.context().assumed_deals.contains(&deal),
        }
    }

    pub fn new(program: &'p Program, context: Context, today: Day) -> World<'p> {
        let as_of = context
            .as_of
            .or_else(|| {
                program
                    .as_of
                    .as_ref()
                    .and_then(|d| period(d.node))
                    .map(|(first, _)| first)
            })
            .unwrap_or(today);
        World {
            program,
            as_of,
            context,
            written: RefCell::default(),
            cuts: RefCell::default(),
            deal_bounds: RefCell::default(),
            deal_cuts: RefCell::default(),
            cycles_met: Cell::new(0),
            depth: Cell::new(0),
            too_deep: Cell::new(None),
        }
    }

    pub fn deal_in_force(&self, deal: DealId) -> bool {
        self.program
            .deal_facts(deal)
            .is_some_and(|d| deal_in_force(d, deal, &self.context, self.as_of))
    }

    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The first day of a deal's `dated` line.
    pub fn dated(&self, deal: DealId) -> Option<Day> {
        self.program
            .deal_facts(deal)?
            .dated
            .and_then(period)
            .map(|(first, _)| first)
    }

    /// The day a term stops applying from, if an in-force termination says so: its deal's
    /// `terminated on`, or `terminate` terms aimed at it or its deal (the earliest wins).
    pub fn cut(&self, id: TermId) -> Option<Point> {
        match self.cuts.borrow().get(self.program, id) {
            Some(Some(known)) => return known,
            Some(None) => {
                self.cycles_met.set(self.cycles_met.get() + 1);
                return None;
            }
            None => {}
        }
        let Some(_nested) = self.enter(id) else {
            // Too deep to know: it may stop any day (never "no cut", which could say yes wrongly).
            return Some(Point::UNKNOWN);
        };
        // Mark first: a termination day that depends on this very term sees no cut.
        self.cuts.borrow_mut().insert(self.program, id, None);
        let program = self.program;
        let mut cut = self.deal_cut(id.deal());
        for terminator in program.terminators_of(Target::Term(id)) {
            if let Some(at) = self.termination_day(terminator) {
                cut = Some(cut.map_or(at, |c| c.earliest(at)));
            }
        }
        self.cuts.borrow_mut().insert(program, id, Some(cut));
        cut
    }

    /// The `terminate` terms that take effect on a term (aimed at it or at its deal), each with
    /// its day: for explanations, which name the termination that cut a window.
    pub fn terminations_of(&self, id: TermId) -> Vec<(TermId, Point)> {
        let program = self.program;
        program
            .terminators_of(Target::Term(id))
            .chain(program.terminators_of(Target::Deal(id.deal())))
            .filter_map(|t| Some((t, self.termination_day(t)?)))
            .collect()
    }

    /// Where the whole of a deal stops applying: its `terminated on`, and `terminate` terms aimed
    /// at the deal (the earliest wins). Remembered only when working it out met no cycle: then
    /// it does not depend on which term asked (a term whose cut is being worked out sees none),
    /// and every term of the deal gets the same answer it would have worked out itself.
    fn deal_cut(&self, deal: DealId) -> Option<Point> {
        if let Some(known) = self.deal_cuts.borrow().get(deal) {
            return known;
        }
        let cycles_before = self.cycles_met.get();
        let program = self.program;
        let mut cut: Option<Point> = None;
        let mut add = |at: Point| cut = Some(cut.map_or(at, |c| c.earliest(at)));
        let terminated = program.deal_facts(deal).is_some_and(|f| f.terminated);
        if terminated && self.deal_in_force(deal) && !program.has_circular_status(deal) {
            if let Some(Status::TerminatedOn(point)) = program
                .deal_tree(deal)
                .and_then(|d| d.status.as_ref())
                .map(|s| &s.node)
            {
                add(self.point(point, Reading::First));
            }
        }
        for terminator in program.terminators_of(Target::Deal(deal)) {
            if let Some(at) = self.termination_day(terminator) {
                add(at);
            }
        }
        if self.cycles_met.get() == cycles_before {
            self.deal_cuts
                .borrow_mut()
                .insert(deal, program.deal_count(), cut);
        }
        cut
    }

    /// The day a `terminate` term takes effect, when its deal is in force and its day does not
    /// depend on what it cuts.
    fn termination_day(&self, terminator: TermId) -> Option<Point> {
        if !self.deal_in_force(terminator.deal())
            || self.program.is_circular_termination(terminator)
        {
            return None;
        }
        let Some(TermKind::Terminate { on, .. }) = self.program.term(terminator).map(|t| &t.kind)
        else {
            return None;
        };
        Some(match on {
            Some(p) => self.point(p, Reading::First),
            None => Point::exact(self.dated(terminator.deal()).unwrap_or(self.as_of)),
        })
    }

    /// Whether a term applies on some day (its deal in force, and not terminated before it
    /// starts): what puts a flow in the money graph's in-force edges.
    pub fn applies_some_day(&self, id: TermId) -> bool {
        self.window(id).is_some_and(|w| !w.possible().is_empty())
    }

    /// When a term applies, terminations included; `None` when its deal is not in force.
    pub fn window(&self, id: TermId) -> Option<TermWindow> {
        if !self.deal_in_force(id.deal()) {
            return None;
        }
        let written = self.written_window(id);
        Some(match self.cut(id) {
            Some(at) => written.cut(at),
            None => written,
        })
    }

    /// One level deeper into a chain of references, or `None` (and the term noted) past the
    /// limit; the level is left when the guard is dropped.
    fn enter(&self, id: TermId) -> Option<Nested<'_>> {
        if self.depth.get() >= MAX_REFERENCE_DEPTH {
            self.cycles_met.set(self.cycles_met.get() + 1);
            if self.too_deep.get().is_none() {
                self.too_deep.set(Some(id));
            }
            return None;
        }
        self.depth.set(self.depth.get() + 1);
        Some(Nested(&self.depth))
    }

    /// Adds the `too-deep` error of this world to `diagnostics`, unless one at the same term is
    /// there already (several worlds may cut the same chain).
    pub fn report_too_deep(&self, diagnostics: &mut Vec<crate::diagnostic::Diagnostic>) {
        if let Some(d) = self.too_deep_diagnostic() {
            if !diagnostics
                .iter()
                .any(|o| o.code == d.code && o.location == d.location)
            {
                diagnostics.push(d);
            }
        }
    }

    /// The `too-deep` error for the first term left unknown because references between terms
    /// nest too deep, at that term.
    pub fn too_deep_diagnostic(&self) -> Option<crate::diagnostic::Diagnostic> {
        let id = self.too_deep.get()?;
        let term = self.program.term(id)?;
        Some(
            crate::diagnostic::Diagnostic::error(
                crate::diagnostic::codes::TOO_DEEP,
                term.span,
                format!(
                    "references to other terms' `start`/`end` nest more than {MAX_REFERENCE_DEPTH} deep at `{}`",
                    self.program.term_name(id)
                ),
            )
            .with_label("this window is taken as unknown, and so are those that depend on it")
            .with_help("break the chain: give a term in it a date instead of a reference"),
        )
    }

    /// When a term applies as written, whether or not its deal is in force.
    pub fn written_window(&self, id: TermId) -> TermWindow {
        let term = self.program.term(id);
        // Only a window that reads other windows (`start(…)`, `end(…)`) is remembered: one of
        // dates and events is worked out again at once, and remembering every term's window
        // would cost 20 bytes a term of the rule set (16 MiB on the 100 MB corpus).
        if !term.is_some_and(reads_windows) {
            let Some(_nested) = self.enter(id) else {
                return TermWindow {
                    start: Point::UNKNOWN,
                    end: Point::UNKNOWN,
                };
            };
            return match term {
                Some(term) => self.fix_bounds(id, self.compute_window(id.deal(), term)),
                None => TermWindow::ALWAYS,
            };
        }
        let slot = self.written.borrow().get(self.program, id);
        match slot {
            Some(Slot::Done(w)) => return w,
            // A window that depends on itself (`from start(this)`): unknown from end to end.
            Some(Slot::InProgress) => {
                self.cycles_met.set(self.cycles_met.get() + 1);
                let unknown = Point::UNKNOWN;
                return TermWindow {
                    start: unknown,
                    end: unknown,
                };
            }
            None => {}
        }
        let Some(_nested) = self.enter(id) else {
            return TermWindow {
                start: Point::UNKNOWN,
                end: Point::UNKNOWN,
            };
        };
        self.written
            .borrow_mut()
            .insert(self.program, id, Slot::InProgress);
        let window = match self.program.term(id) {
            Some(term) => self.fix_bounds(id, self.compute_window(id.deal(), term)),
            None => TermWindow::ALWAYS,
        };
        self.written
            .borrow_mut()
            .insert(self.program, id, Slot::Done(window));
        window
    }

    /// The window with the bounds the context fixes.
    fn fix_bounds(&self, id: TermId, mut window: TermWindow) -> TermWindow {
        if self.context.fixed_bounds.is_empty() {
            return window;
        }
        if let Some(p) = self.context.fixed_bounds.get(&(id, Bound::Start)) {
            window.start = *p;
        }
        if let Some(p) = self.context.fixed_bounds.get(&(id, Bound::End)) {
            window.end = *p;
        }
        window
    }

    fn compute_window(&self, deal: DealId, term: &resolved::Term) -> TermWindow {
        let Some(window) = term.window() else {
            return TermWindow::ALWAYS;
        };
        match window {
            Window::On(p) | Window::During(p) => TermWindow {
                start: self.point(p, Reading::First),
                end: self.point(p, Reading::Last),
            },
            Window::Range { from, end } => {
                let start = match from {
                    Some(p) => self.point(p, Reading::First),
                    None => Point::exact(self.dated(deal).unwrap_or(Day::PAST)),
                };
                let end = match end {
                    Some(WindowEnd::Until(p)) => {
                        // Known exactly, `until X` runs through X. Known only to lie in [lo, hi],
                        // the term stops sometime then: perhaps as the range begins (its last
                        // day the day before lo), at the latest through hi (§5: `until sometime
                        // in 2030s` certainly covers every day up to 2029-12-31).
                        let end = self.point(p, Reading::Last);
                        if end.is_exact() {
                            end
                        } else {
                            Point {
                                lo: end.lo.pred(),
                                hi: end.hi,
                            }
                        }
                    }
                    Some(WindowEnd::For(d)) => {
                        let after = start.shift(d.node, 1);
                        Point {
                            lo: after.lo.pred(),
                            hi: after.hi.pred(),
                        }
                    }
                    None => Point::exact(Day::NEVER),
                };
                TermWindow { start, end }
            }
        }
    }

    /// The day a point stands for, as a range of possible days.
    pub fn point(
        &self,
        point: &crate::source::Spanned<resolved::Point>,
        reading: Reading,
    ) -> Point {
        self.point_node(&point.node, reading)
    }

    pub fn point_node(&self, point: &resolved::Point, reading: Reading) -> Point {
        match point {
            ast::Point::Date(d) => date_point(*d, reading),
            ast::Point::Sometime(d) => Point::sometime_in(*d),
            ast::Point::SometimeBetween(dates) => {
                let (first, last) = (Point::sometime_in(dates.0), Point::sometime_in(dates.1));
                Point {
                    lo: first.lo,
                    hi: last.hi,
                }
            }
            ast::Point::Event(event) => self.event(event.id()),
            ast::Point::Start(r) => self.target_bounds(r.target).0,
            ast::Point::End(r) => self.target_bounds(r.target).1,
            ast::Point::Earliest(points) => {
                let mut it = points.iter().map(|p| self.point(p, reading));
                let first = it.next().unwrap_or(Point::exact(Day::NEVER));
                it.fold(first, Point::earliest)
            }
            ast::Point::Latest(points) => {
                let mut it = points.iter().map(|p| self.point(p, reading));
                let first = it.next().unwrap_or(Point::exact(Day::PAST));
                it.fold(first, Point::latest)
            }
            ast::Point::Shifted(shifted) => {
                let (base, shifts) = &**shifted;
                let mut p = self.point(base, reading);
                for (sign, duration) in shifts {
                    p = p.shift(*duration, if *sign == ast::Shift::Plus { 1 } else { -1 });
                }
                p
            }
        }
    }

    /// An event's day: fixed by an assumption, `on`, `expected`, or any day after the as-of date
    /// (or never).
    pub fn event(&self, id: EventId) -> Point {
        if let Some(p) = self.context.fixed_events.get(&id) {
            return *p;
        }
        match self.program.events.get(id).and_then(|e| e.when.as_ref()) {
            Some(EventWhen::On(d)) => date_point(d.node, Reading::First),
            Some(EventWhen::Expected(d)) => Point::sometime_in(d.node),
            None => Point {
                lo: self.as_of.succ(),
                hi: Day::NEVER,
            },
        }
    }

    /// `start(REF)` and `end(REF)`: of a term, its window's first and last day (terminations
    /// included); of a deal, the earliest start and latest end of its terms.
    pub fn target_bounds(&self, target: Target) -> (Point, Point) {
        let window_of = |id: TermId| {
            let w = self.written_window(id);
            match self.cut(id) {
                Some(at) if self.deal_in_force(id.deal()) => w.cut(at),
                _ => w,
            }
        };
        match target {
            Target::Term(id) => {
                let w = window_of(id);
                (w.start, w.end)
            }
            Target::Deal(d) => {
                if let Some(known) = self.deal_bounds.borrow().get(d) {
                    return known;
                }
                let cycles_before = self.cycles_met.get();
                let count = self.program.deal_term_count(d);
                let windows: Vec<TermWindow> = (0..count)
                    .filter(|&index| !self.program.is_terminate(TermId::new(d, index)))
                    .map(|index| window_of(TermId::new(d, index)))
                    .collect();
                let start = windows.iter().map(|w| w.start).reduce(Point::earliest);
                let end = windows.iter().map(|w| w.end).reduce(Point::latest);
                let bounds = (
                    start.unwrap_or(Point::exact(Day::PAST)),
                    end.unwrap_or(Point::exact(Day::NEVER)),
                );
                if self.cycles_met.get() == cycles_before {
                    self.deal_bounds
                        .borrow_mut()
                        .insert(d, self.program.deal_count(), bounds);
                }
                bounds
            }
        }
    }
}

/// Whether a term's window reads another's days (`start(…)`, `end(…)`, at any depth).
fn reads_windows(term: &resolved::Term) -> bool {
    term.window()
        .is_some_and(|w| w.points().any(|p| reads_window(&p.node)))
}

/// Whether a point reads a window; a point of dates and events (nearly all) is answered without
/// allocating: this runs on every window worked out.
fn reads_window(point: &resolved::Point) -> bool {
    if matches!(point, ast::Point::Start(_) | ast::Point::End(_)) {
        return true;
    }
    // Nested points: an explicit stack, as they nest deeply.
    let mut stack: Vec<&resolved::Point> = point.parts().iter().map(|p| &p.node).collect();
    while let Some(p) = stack.pop() {
        if matches!(p, ast::Point::Start(_) | ast::Point::End(_)) {
            return true;
        }
        stack.extend(p.parts().iter().map(|p| &p.node));
    }
    false
}

/// A date literal read as one day.
pub fn date_point(date: DateLit, reading: Reading) -> Point {
    match period(date) {
        Some((first, last)) => Point::exact(if reading == Reading::First {
            first
        } else {
            last
        }),
        None => Point::UNKNOWN,
    }
}

/// Assuming a deal lifts only the exclusion by status (`reported`, `proposed`): a deal dated
/// after the as-of date is not yet in force, assumed or not (reference §4).
fn deal_in_force(deal: DealFacts, id: DealId, context: &Context, as_of: Day) -> bool {
    let counts = deal.counts_unassumed || context.assumed_deals.contains(&id);
    let dated = deal.dated.and_then(period).map(|(first, _)| first);
    counts && dated.is_none_or(|d| d <= as_of)
}

#[cfg(test)]
mod tests {
    use crate::check::TermId;
    use crate::{Options, RuleSet};

    /// Runs of ten deals, each term starting where the previous one ends, every run from its
    /// own month: enough terms that a world touching them all switches its memo to the table,
    /// while a world asked about one term touches at most ten.
    fn runs(deals: usize) -> String {
        let mut text = String::from("party a\nparty b\naction host\nasset b.m\n");
        for i in 0..deals {
            let from = if i % 10 == 0 {
                format!("2020-01-01 + {i} weeks")
            } else {
                format!("end(d{}.t)", i - 1)
            };
            text.push_str(&format!(
                "deal d{i} {{ between a, b\n t: grant a may host b.m from {from} for {} days }}\n",
                i % 7 + 1
            ));
        }
        text
    }

    #[test]
    fn dense_memo_gives_the_windows_of_the_sparse_one() {
        let rules = RuleSet::from_sources([("runs.deal", runs(300))]);
        assert!(!rules.has_errors(), "{:?}", rules.diagnostics());
        let options = Options::default();
        let dense = rules.world(&options).unwrap_or_else(|_| unreachable!());
        let all: Vec<_> = (0..300)
            .map(|deal| dense.window(TermId::new(deal, 0)))
            .collect();
        assert!(matches!(dense.written.borrow().0, super::Memo::Dense(_)));
        for (deal, window) in all.iter().enumerate() {
            let fresh = rules.world(&options).unwrap_or_else(|_| unreachable!());
            assert_eq!(*window, fresh.window(TermId::new(deal, 0)), "deal {deal}");
            assert!(matches!(fresh.written.borrow().0, super::Memo::Sparse(_)));
        }
    }

    /// A deal whose bounds depend on a term that depends on those bounds, and a deal that
    /// refers to them: every order of asking gives the same days.
    const CYCLIC: &str = "as of 2025-12-17\nparty A\nparty B\naction host\nasset B.m\n
deal d {
  a: grant A may host B.m from start(d) + 1 day for 10 days
  b: grant A may host B.m from 2025-01-01 for 5 days
  c: grant A may host B.m from end(d) - 2 days for 3 days
}
deal e {
  x: grant A may host B.m from end(d) for 1 day
  y: grant A may host B.m from start(d.a) until end(d.c)
}
";

    #[test]
    fn deal_bounds_do_not_depend_on_the_order_of_asking() {
        let rules = RuleSet::from_sources([("cyclic.deal", CYCLIC)]);
        let options = Options::default();
        let d = crate::check::Target::Deal(0);
        let terms: Vec<TermId> = (0..2)
            .flat_map(|deal| (0..3).map(move |index| TermId::new(deal, index)))
            .filter(|id| rules.program().term(*id).is_some())
            .collect();
        let answers = |order: &[usize], bounds_first: bool| {
            let world = rules.world(&options).unwrap_or_else(|_| unreachable!());
            let mut early = None;
            if bounds_first {
                early = Some(world.target_bounds(d));
            }
            let mut windows = vec![None; terms.len()];
            for &k in order {
                windows[k] = terms.get(k).map(|&id| world.window(id));
            }
            let late = world.target_bounds(d);
            (early.unwrap_or(late), late, windows)
        };
        let reference = answers(&[0, 1, 2, 3, 4], false);
        for order in [[4, 3, 2, 1, 0], [3, 0, 4, 2, 1], [2, 4, 0, 3, 1]] {
            for bounds_first in [false, true] {
                let got = answers(&order, bounds_first);
                assert_eq!(
                    got.1, reference.1,
                    "order {order:?}, bounds first {bounds_first}"
                );
                assert_eq!(got.0, got.1, "order {order:?}, bounds first {bounds_first}");
                assert_eq!(
                    got.2, reference.2,
                    "order {order:?}, bounds first {bounds_first}"
                );
            }
        }
    }
}

/// A deal's status in a world, as explanations and diagnostics show it (words in `report`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DealStatus {
    pub word: StatusWord,
    /// Counted as in force by `assuming` or `--assume`.
    pub assumed: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StatusWord {
    Signed,
    Announced,
    Reported,
    Proposed,
    /// Terminated, on the first day of this point.
    TerminatedOn(Point),
    /// No such deal.
    Unknown,
}
