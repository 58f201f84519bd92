//! When money is due (docs/language.md §6, "Money over time"): what a flow counts for over all
//! time or over the days of a WHEN, as a range. A one-off is due on its day, a commitment over
//! its window with no schedule known, a recurring amount (`per year`) once for each whole
//! period of its window. Worked out from the window's ends, never day by day.

use super::range::Range;
use super::time::{Day, Interval, Point};
use super::world::World;
use crate::ast::{Duration, Every};
use crate::check::TermId;

/// The days of a WHEN a sum is asked over: certainly, and possibly (a superset).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Within {
    pub certain: Interval,
    pub possible: Interval,
}

/// What a flow of `amount` (for each period when `every`) counts for, or `None` when nothing:
/// its term is not in force on any day, or is due on no day of `within`.
///
/// A flow a termination cut short (or may have) counts from 0 to its amount unless it
/// recurs: no schedule says how much was paid before the cut. A recurring flow counts its
/// periods up to the cut.
pub fn counted(
    world: &World<'_>,
    term: TermId,
    amount: Range,
    every: Option<Every>,
    within: Option<Within>,
) -> Option<Range> {
    let window = world.window(term)?;
    let possible = window.possible();
    if possible.is_empty() {
        return None;
    }
    let written = world.written_window(term);
    if let Some(period) = every {
        let (start, end) = (window.start, window.end);
        let (lo, hi) = periods(start, end, written.end, period.duration(), within)?;
        return Some(amount.times(lo, hi));
    }
    let cut = written.certain() != window.certain() || written.possible() != possible;
    let mut range = if cut { amount.from_zero() } else { amount };
    if let Some(within) = within {
        if possible.intersect(within.possible).is_empty() {
            return None;
        }
        let inside = possible.intersect(within.certain) == possible;
        if !inside {
            range = range.from_zero();
        }
    }
    Some(range)
}

/// How many periods of a recurring flow count: at least, and at most (`None`: no bound, a
/// flow with no end). `None` when none can.
///
/// Only periods wholly inside the window as written count. Certainly counted: those that
/// also end before any termination and lie in the WHEN's certain days — known only when the
/// start, which fixes the periods, is. Possibly counted: those that start before the flow may
/// have stopped and meet the WHEN's possible days (a period only partly in the WHEN may or may
/// not have been paid in it, as may one a termination cut).
fn periods(
    start: Point,
    end: Point,
    written_end: Point,
    period: Duration,
    within: Option<Within>,
) -> Option<(u64, Option<u64>)> {
    let all = Within {
        certain: Interval::ALL,
        possible: Interval::ALL,
    };
    let within = within.unwrap_or(all);
    let least = if start.is_exact() {
        let last = end.lo.min(within.certain.end);
        Periods {
            start_from: start.lo.max(within.certain.start),
            end_by: last,
            start_by: Day::NEVER,
            end_from: Day::PAST,
        }
        .count(start.lo, period)
        .unwrap_or(0)
    } else {
        0
    };
    // A payment falls on a day the flow runs: none if the WHEN starts after it may have stopped.
    if within.possible.start > end.hi {
        return None;
    }
    let meeting = Periods {
        start_from: start.lo,
        end_by: written_end.hi,
        start_by: end.hi.min(within.possible.end),
        end_from: within.possible.start,
    };
    // Shifting where the periods start changes how many fit a stretch by at most one, if the
    // stretch has a day.
    let stretch = Interval::new(
        start.lo.max(within.possible.start),
        end.hi.min(within.possible.end).min(written_end.hi),
    );
    let most = match meeting.count(start.lo, period) {
        None => None,
        Some(n) if !start.is_exact() && !stretch.is_empty() => Some(n.saturating_add(1)),
        Some(n) => Some(n),
    };
    if most == Some(0) {
        return None;
    }
    Some((least, most))
}

/// Which periods count: those starting on or after `start_from` and by `start_by`, ending on
/// or after `end_from` and by `end_by`.
struct Periods {
    start_from: Day,
    start_by: Day,
    end_from: Day,
    end_by: Day,
}

impl Periods {
    /// How many periods from `anchor` qualify; `None`: no bound (they go on forever).
    fn count(&self, anchor: Day, period: Duration) -> Option<u64> {
        if self.start_by == Day::NEVER && self.end_by == Day::NEVER {
            return None;
        }
        let starts = |k| period_start(anchor, period, k);
        let ends = |k| period_start(anchor, period, k + 1).pred();
        let first =
            first_k(|k| starts(k) >= self.start_from).max(first_k(|k| ends(k) >= self.end_from));
        let past = first_k(|k| starts(k) > self.start_by).min(first_k(|k| ends(k) > self.end_by));
        Some(past.saturating_sub(first))
    }
}

/// The first day of period `k` (from 0) of periods from `anchor`.
fn period_start(anchor: Day, period: Duration, k: u64) -> Day {
    let months = i64::from(period.months).saturating_mul(i64::try_from(k).unwrap_or(i64::MAX));
    let months = i32::try_from(months).unwrap_or(i32::MAX);
    anchor.add(
        Duration {
            months,
            days: period.days,
        },
        1,
    )
}

/// The least `k` for which `holds` (monotone: false, then true), searched by halving; bounded
/// by the days a date can hold, so it always ends.
fn first_k(holds: impl Fn(u64) -> bool) -> u64 {
    let mut hi: u64 = 1;
    while !holds(hi) && hi < (1 << 40) {
        hi *= 2;
    }
    let mut lo = 0;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if holds(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u8, d: u8) -> Day {
        Day::from_ymd(y, m, d).unwrap_or(Day::PAST)
    }

    const YEAR: Duration = Duration {
        months: 12,
        days: 0,
    };

    #[test]
    fn whole_and_meeting_periods() {
        let anchor = day(2025, 1, 1);
        let periods = |start_from, end_by, start_by, end_from| {
            Periods {
                start_from,
                end_by,
                start_by,
                end_from,
            }
            .count(anchor, YEAR)
        };
        // 2025 through 2028: four whole years.
        assert_eq!(
            periods(anchor, day(2028, 12, 31), Day::NEVER, Day::PAST),
            Some(4)
        );
        // 2026-03-01 .. 2027-12-31 holds only 2027 whole, and meets 2026 and 2027.
        let (lo, hi) = (day(2026, 3, 1), day(2027, 12, 31));
        assert_eq!(periods(lo, hi, Day::NEVER, Day::PAST), Some(1));
        assert_eq!(periods(anchor, Day::NEVER, hi, lo), Some(2));
        assert_eq!(periods(hi, lo, Day::NEVER, Day::PAST), Some(0));
        assert_eq!(periods(anchor, Day::NEVER, Day::NEVER, Day::PAST), None);
    }
}
