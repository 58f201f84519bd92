//! Days, periods and uncertain points (reference §2 and §5). Days are plain integers so
//! windows are integer intervals; calendar arithmetic goes through jiff.

use crate::ast::{DateLit, Duration};
use serde::Serialize;
use std::fmt;

/// A day as a count from 1970-01-01, with two sentinels for the unbounded past and "never".
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Day(pub i32);

impl Day {
    /// Before every day (a window with no start).
    pub const PAST: Day = Day(i32::MIN);
    /// After every day: "never" (an open end, an event that may not happen).
    pub const NEVER: Day = Day(i32::MAX);

    pub fn is_finite(self) -> bool {
        self != Day::PAST && self != Day::NEVER
    }

    /// The next day; the sentinels stay where they are.
    pub fn succ(self) -> Day {
        if self.is_finite() {
            Day(self.0 + 1)
        } else {
            self
        }
    }

    /// The previous day; the sentinels stay where they are.
    pub fn pred(self) -> Day {
        if self.is_finite() {
            Day(self.0 - 1)
        } else {
            self
        }
    }

    /// The day from a calendar date; `None` when the date does not exist.
    pub fn from_ymd(year: i32, month: u8, day: u8) -> Option<Day> {
        let m = i8::try_from(month).ok()?;
        let d = i8::try_from(day).ok()?;
        let y = i16::try_from(year).ok()?;
        let date = jiff::civil::Date::new(y, m, d).ok()?;
        Some(Day::from_date(date))
    }

    fn from_date(date: jiff::civil::Date) -> Day {
        Day(days_from_civil(
            i64::from(date.year()),
            i64::from(date.month()),
            i64::from(date.day()),
        ))
    }

    fn to_date(self) -> Option<jiff::civil::Date> {
        if !self.is_finite() {
            return None;
        }
        let (y, m, d) = civil_from_days(i64::from(self.0));
        jiff::civil::Date::new(
            i16::try_from(y).ok()?,
            i8::try_from(m).ok()?,
            i8::try_from(d).ok()?,
        )
        .ok()
    }

    /// Calendar arithmetic (months first, then days; month ends clamp). Past the calendar's
    /// range the result saturates to [`Day::PAST`] or [`Day::NEVER`].
    pub fn add(self, duration: Duration, sign: i64) -> Day {
        let Some(date) = self.to_date() else {
            return self;
        };
        let span = jiff::Span::new()
            .try_months(i64::from(duration.months).saturating_mul(sign))
            .and_then(|s| s.try_days(i64::from(duration.days).saturating_mul(sign)));
        let shifted = span.ok().and_then(|span| {
            let months_only = jiff::Span::new().try_months(span.get_months()).ok()?;
            let after_months = date.checked_add(months_only).ok()?;
            let days_only = jiff::Span::new().try_days(span.get_days()).ok()?;
            after_months.checked_add(days_only).ok()
        });
        match shifted {
            Some(d) => Day::from_date(d),
            None if sign > 0 => Day::NEVER,
            None => Day::PAST,
        }
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Day::PAST => f.write_str("the beginning"),
            Day::NEVER => f.write_str("never"),
            day => {
                let (y, m, d) = civil_from_days(i64::from(day.0));
                // ISO 8601 writes years before 0000 with a sign and four digits: `-0974`.
                let sign = if y < 0 { "-" } else { "" };
                write!(f, "{sign}{:04}-{m:02}-{d:02}", y.unsigned_abs())
            }
        }
    }
}

impl fmt::Debug for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Days from 1970-01-01 (Howard Hinnant's algorithm; exact for the proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: i64, d: i64) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i32::try_from(era * 146_097 + doe - 719_468).unwrap_or(0)
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// A date literal's days, first and last; `None` when the literal names no real period.
pub fn period(date: DateLit) -> Option<(Day, Day)> {
    // The last month's last day directly: going to the next month and back would leave the
    // calendar after 9999-12 and saturate to "never".
    let month_span = |year: i32, first: u8, last: u8| -> Option<(Day, Day)> {
        let start = Day::from_ymd(year, first, 1)?;
        let last_month =
            jiff::civil::Date::new(i16::try_from(year).ok()?, i8::try_from(last).ok()?, 1).ok()?;
        Some((start, Day::from_date(last_month.last_of_month())))
    };
    match date {
        DateLit::Day { year, month, day } => Day::from_ymd(year, month, day).map(|d| (d, d)),
        DateLit::Month { year, month } => month_span(year, month, month),
        DateLit::Quarter { year, quarter } if (1..=4).contains(&quarter) => {
            month_span(year, quarter * 3 - 2, quarter * 3)
        }
        DateLit::Half { year, half } if (1..=2).contains(&half) => {
            month_span(year, half * 6 - 5, half * 6)
        }
        DateLit::Year { year } => month_span(year, 1, 12),
        DateLit::Decade { year } if year % 10 == 0 => {
            Some((Day::from_ymd(year, 1, 1)?, Day::from_ymd(year + 9, 12, 31)?))
        }
        _ => None,
    }
}

/// A day known only to lie in `[lo, hi]` (§5). `hi` may be [`Day::NEVER`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Point {
    pub lo: Day,
    pub hi: Day,
}

impl Point {
    /// Any day at all, or never: what a point is when nothing is known of it.
    pub const UNKNOWN: Point = Point {
        lo: Day::PAST,
        hi: Day::NEVER,
    };

    /// Some day of a date literal's period (`sometime in P`); unknown for an invalid literal.
    pub fn sometime_in(date: DateLit) -> Point {
        period(date).map_or(Point::UNKNOWN, |(lo, hi)| Point { lo, hi })
    }

    pub fn exact(day: Day) -> Point {
        Point { lo: day, hi: day }
    }

    pub fn is_exact(self) -> bool {
        self.lo == self.hi
    }

    pub fn shift(self, duration: Duration, sign: i64) -> Point {
        Point {
            lo: self.lo.add(duration, sign),
            hi: self.hi.add(duration, sign),
        }
    }

    pub fn earliest(self, other: Point) -> Point {
        Point {
            lo: self.lo.min(other.lo),
            hi: self.hi.min(other.hi),
        }
    }

    pub fn latest(self, other: Point) -> Point {
        Point {
            lo: self.lo.max(other.lo),
            hi: self.hi.max(other.hi),
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_exact() {
            write!(f, "{}", self.lo)
        } else {
            write!(f, "sometime in {} .. {}", self.lo, self.hi)
        }
    }
}

/// A closed interval of days; empty when `start > end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Interval {
    pub start: Day,
    pub end: Day,
}

impl Interval {
    pub const EMPTY: Interval = Interval {
        start: Day::NEVER,
        end: Day::PAST,
    };
    pub const ALL: Interval = Interval {
        start: Day::PAST,
        end: Day::NEVER,
    };

    /// `[start, end]`; empty when it holds no real day (a start of "never", an end before time).
    pub fn new(start: Day, end: Day) -> Interval {
        if start == Day::NEVER || end == Day::PAST || start > end {
            Interval::EMPTY
        } else {
            Interval { start, end }
        }
    }

    pub fn is_empty(self) -> bool {
        self.start > self.end
    }

    pub fn intersect(self, other: Interval) -> Interval {
        Interval {
            start: self.start.max(other.start),
            end: self.end.min(other.end),
        }
    }

    pub fn contains(self, day: Day) -> bool {
        self.start <= day && day <= self.end
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            f.write_str("no day")
        } else if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            match (self.start, self.end) {
                (Day::PAST, Day::NEVER) => f.write_str("every day"),
                (Day::PAST, end) => write!(f, "up to {end}"),
                (start, Day::NEVER) => write!(f, "{start} onwards"),
                (start, end) => write!(f, "{start} .. {end}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u8, d: u8) -> Day {
        Day::from_ymd(y, m, d).unwrap()
    }

    #[test]
    fn calendar_arithmetic_clamps_to_month_end() {
        let leap = day(2024, 2, 29);
        assert_eq!(
            leap.add(
                Duration {
                    months: 12,
                    days: 0
                },
                1
            ),
            day(2025, 2, 28)
        );
        assert_eq!(
            day(2025, 1, 31).add(Duration { months: 1, days: 0 }, 1),
            day(2025, 2, 28)
        );
        assert_eq!(
            day(2025, 3, 1).add(Duration { months: 0, days: 1 }, -1),
            day(2025, 2, 28)
        );
    }

    #[test]
    fn seven_year_lease_ends_the_day_before() {
        let start = day(2025, 11, 3);
        assert_eq!(
            start
                .add(
                    Duration {
                        months: 84,
                        days: 0
                    },
                    1
                )
                .pred(),
            day(2032, 11, 2)
        );
    }

    #[test]
    fn periods() {
        assert_eq!(
            period(DateLit::Quarter {
                year: 2027,
                quarter: 1
            }),
            Some((day(2027, 1, 1), day(2027, 3, 31)))
        );
        assert_eq!(
            period(DateLit::Half {
                year: 2026,
                half: 2
            }),
            Some((day(2026, 7, 1), day(2026, 12, 31)))
        );
        assert_eq!(
            period(DateLit::Decade { year: 2030 }),
            Some((day(2030, 1, 1), day(2039, 12, 31)))
        );
        assert_eq!(
            period(DateLit::Month {
                year: 2024,
                month: 2
            }),
            Some((day(2024, 2, 1), day(2024, 2, 29)))
        );
        assert_eq!(period(DateLit::Decade { year: 2031 }), None);
        // The calendar's last year ends on its last day, not "never".
        assert_eq!(
            period(DateLit::Year { year: 9999 }),
            Some((day(9999, 1, 1), day(9999, 12, 31)))
        );
        assert_eq!(
            period(DateLit::Quarter {
                year: 9999,
                quarter: 4
            }),
            Some((day(9999, 10, 1), day(9999, 12, 31)))
        );
        assert_eq!(
            period(DateLit::Day {
                year: 2025,
                month: 2,
                day: 30
            }),
            None
        );
        assert_eq!(
            period(DateLit::Month {
                year: 2025,
                month: 13
            }),
            None
        );
    }

    #[test]
    fn day_numbers_round_trip() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (1600, 3, 1),
            (9999, 12, 31),
            (50, 6, 15),
        ] {
            assert_eq!(day(y, m, d).to_string(), format!("{y:04}-{m:02}-{d:02}"));
        }
        assert_eq!(day(1970, 1, 2).0, 1);
        let early = day(26, 1, 1).add(
            Duration {
                months: 12_000,
                days: 0,
            },
            -1,
        );
        assert_eq!(early.to_string(), "-0974-01-01");
    }

    #[test]
    fn saturates_past_the_calendar() {
        assert_eq!(
            day(9999, 6, 1).add(
                Duration {
                    months: 12,
                    days: 0
                },
                1
            ),
            Day::NEVER
        );
        assert_eq!(
            Day::NEVER.add(Duration { months: 1, days: 0 }, -1),
            Day::NEVER
        );
    }
}
