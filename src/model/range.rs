//! Exact decimal ranges with open or closed ends, for amounts stated loosely (reference §2) and
//! the three-valued comparisons on them (§6).

use crate::ast::{Amount, CmpOp};
use crate::eval::logic::Verdict;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;

/// Some value in `lo..hi`; `hi: None` means no upper bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Range {
    pub lo: Decimal,
    pub lo_open: bool,
    pub hi: Option<Decimal>,
    pub hi_open: bool,
}

impl Range {
    pub const ZERO: Range = Range {
        lo: Decimal::ZERO,
        lo_open: false,
        hi: Some(Decimal::ZERO),
        hi_open: false,
    };

    pub fn exact(value: Decimal) -> Range {
        Range {
            lo: value,
            lo_open: false,
            hi: Some(value),
            hi_open: false,
        }
    }

    pub fn closed(lo: Decimal, hi: Decimal) -> Range {
        Range {
            lo,
            lo_open: false,
            hi: Some(hi),
            hi_open: false,
        }
    }

    pub fn from_amount(amount: &Amount) -> Range {
        match amount {
            Amount::Exact(v) => Range::exact(*v),
            Amount::UpTo(v) => Range {
                lo: Decimal::ZERO,
                lo_open: true,
                hi: Some(*v),
                hi_open: false,
            },
            Amount::AtLeast(v) => Range {
                lo: *v,
                lo_open: false,
                hi: None,
                hi_open: false,
            },
            Amount::Between(range) => Range::closed(range.0, range.1),
            Amount::Undisclosed => Range {
                lo: Decimal::ZERO,
                lo_open: true,
                hi: None,
                hi_open: false,
            },
        }
    }

    pub fn is_exact(&self) -> bool {
        self.hi == Some(self.lo) && !self.lo_open && !self.hi_open
    }

    /// The sum of a value from each range; `None` when it overflows.
    pub fn add(&self, other: &Range) -> Option<Range> {
        let hi = match (self.hi, other.hi) {
            (Some(a), Some(b)) => Some(a.checked_add(b)?),
            _ => None,
        };
        Some(Range {
            lo: self.lo.checked_add(other.lo)?,
            lo_open: self.lo_open || other.lo_open,
            hi,
            hi_open: hi.is_some() && (self.hi_open || other.hi_open),
        })
    }

    /// Every value here is below every value there.
    fn always_lt(&self, other: &Range) -> bool {
        match self.hi {
            Some(hi) => hi < other.lo || (hi == other.lo && (self.hi_open || other.lo_open)),
            None => false,
        }
    }

    /// Every value here is at most every value there.
    fn always_le(&self, other: &Range) -> bool {
        self.hi.is_some_and(|hi| hi <= other.lo)
    }

    /// `self OP other`, three-valued: yes if it holds for every pair of values, no if for none.
    pub fn compare(&self, op: CmpOp, other: &Range) -> Verdict {
        match op {
            CmpOp::Lt => three(self.always_lt(other), other.always_le(self)),
            CmpOp::Le => three(self.always_le(other), other.always_lt(self)),
            CmpOp::Gt => other.compare(CmpOp::Lt, self),
            CmpOp::Ge => other.compare(CmpOp::Le, self),
            CmpOp::Eq => {
                let same = self.is_exact() && other.is_exact() && self.lo == other.lo;
                three(same, self.always_lt(other) || other.always_lt(self))
            }
            CmpOp::Ne => self.compare(CmpOp::Eq, other).not(),
        }
    }
}

fn three(yes: bool, no: bool) -> Verdict {
    Verdict::decide(yes, no)
}

/// An amount the way people write it: `38B`, `2.5T`, `400M`, `12,345`.
pub fn short_amount(value: Decimal) -> String {
    for (scale, suffix) in [
        (1_000_000_000_000i64, "T"),
        (1_000_000_000, "B"),
        (1_000_000, "M"),
    ] {
        let scale = Decimal::from(scale);
        if value.abs() >= scale {
            if let Some(v) = value.checked_div(scale) {
                let v = v.normalize();
                if v.scale() <= 3 {
                    return format!("{v}{suffix}");
                }
            }
        }
    }
    value.normalize().to_string()
}

impl Range {
    /// From 0 (included) to this range's top: a part of the amount, not known how much.
    pub fn from_zero(self) -> Range {
        Range {
            lo: Decimal::ZERO,
            lo_open: false,
            hi: self.hi,
            hi_open: self.hi_open,
        }
    }

    /// This amount converted at `rate` (both above 0): each end times the rate's.
    pub fn scale(self, rate: &Range) -> Range {
        let hi = match (self.hi, rate.hi) {
            (Some(a), Some(r)) => a.checked_mul(r),
            _ => None,
        };
        Range {
            lo: self.lo.checked_mul(rate.lo).unwrap_or(Decimal::MAX),
            lo_open: self.lo_open || rate.lo_open,
            hi,
            hi_open: self.hi_open || rate.hi_open,
        }
    }

    /// This amount for each of at least `least` and at most `most` periods (`None`: no bound).
    pub fn times(self, least: u64, most: Option<u64>) -> Range {
        let scale = |v: Decimal, n: u64| v.checked_mul(Decimal::from(n));
        let lo = scale(self.lo, least).unwrap_or(Decimal::MAX);
        let hi = match (self.hi, most) {
            (Some(h), Some(n)) => scale(h, n),
            _ => None,
        };
        Range {
            lo,
            lo_open: self.lo_open && least > 0,
            hi,
            hi_open: self.hi_open && most.is_some_and(|n| n > 0),
        }
    }
}

impl Range {
    /// The range as a reader would say it, `unit` after each amount (`" USD"`, `"%"`): `38B USD`,
    /// `up to 50B USD`, `at least 6.3B USD`, `between 100B and 138B USD`, `more than 210M USD,
    /// at most 650M USD` (an open end is "more than" / "less than", never "between").
    pub fn describe(&self, unit: &str) -> String {
        self.describe_with(unit, short_amount)
    }

    /// [`Range::describe`] of a percentage: each end to two decimals, and said to be rounded
    /// when it was (`about 6.67%`, not `6.666667%`).
    pub fn describe_percent(&self) -> String {
        let rounded = |v: Decimal| v.round_dp(2);
        let exact = rounded(self.lo) == self.lo && self.hi.is_none_or(|h| rounded(h) == h);
        let text = self.describe_with("", |v| format!("{}%", rounded(v).normalize()));
        match (exact, self.is_exact()) {
            (true, _) => text,
            (false, true) => format!("about {text}"),
            (false, false) => format!("{text} (rounded)"),
        }
    }

    fn describe_with(&self, unit: &str, show: impl Fn(Decimal) -> String) -> String {
        let lower = |v: Decimal| {
            if self.lo_open {
                format!("more than {}{unit}", show(v))
            } else {
                format!("at least {}{unit}", show(v))
            }
        };
        match self.hi {
            _ if self.is_exact() => format!("{}{unit}", show(self.lo)),
            None if self.lo.is_zero() => format!("some amount above 0{unit}"),
            None => lower(self.lo),
            Some(hi) if self.lo.is_zero() && self.lo_open && !self.hi_open => {
                format!("up to {}{unit}", show(hi))
            }
            Some(hi) if !self.lo_open && !self.hi_open => {
                format!("between {} and {}{unit}", show(self.lo), show(hi))
            }
            Some(hi) => {
                let upper = if self.hi_open { "less than" } else { "at most" };
                format!("{}, {upper} {}{unit}", lower(self.lo), show(hi))
            }
        }
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal as D;

    fn d(n: i64) -> D {
        D::from(n)
    }

    #[test]
    fn comparisons_are_three_valued() {
        let up_to_50 = Range::from_amount(&Amount::UpTo(d(50)));
        assert_eq!(
            up_to_50.compare(CmpOp::Le, &Range::exact(d(50))),
            Verdict::Yes
        );
        assert_eq!(
            up_to_50.compare(CmpOp::Lt, &Range::exact(d(50))),
            Verdict::Unknown
        );
        assert_eq!(
            up_to_50.compare(CmpOp::Gt, &Range::exact(d(0))),
            Verdict::Yes
        );
        let at_least = Range::from_amount(&Amount::AtLeast(d(6)));
        assert_eq!(
            at_least.compare(CmpOp::Ge, &Range::exact(d(6))),
            Verdict::Yes
        );
        assert_eq!(
            at_least.compare(CmpOp::Gt, &Range::exact(d(6))),
            Verdict::Unknown
        );
        assert_eq!(
            at_least.compare(CmpOp::Lt, &Range::exact(d(5))),
            Verdict::No
        );
        assert_eq!(
            Range::exact(d(3)).compare(CmpOp::Eq, &Range::exact(d(3))),
            Verdict::Yes
        );
        assert_eq!(
            Range::closed(d(1), d(3)).compare(CmpOp::Ne, &Range::exact(d(5))),
            Verdict::Yes
        );
    }

    #[test]
    fn sums_of_ranges_are_ranges() {
        let a = Range::from_amount(&Amount::UpTo(d(10)));
        let b = Range::from_amount(&Amount::Between(Box::new((d(1), d(2)))));
        let s = a.add(&b).unwrap();
        assert_eq!((s.lo, s.lo_open, s.hi), (d(1), true, Some(d(12))));
        assert_eq!(
            s.add(&Range::from_amount(&Amount::Undisclosed)).unwrap().hi,
            None
        );
    }

    #[test]
    fn ranges_read_as_a_reader_would_say_them() {
        let open_low = Range {
            lo: d(210_000_000),
            lo_open: true,
            hi: Some(d(650_000_000)),
            hi_open: false,
        };
        assert_eq!(
            open_low.describe(" USD"),
            "more than 210M USD, at most 650M USD"
        );
        assert_eq!(
            Range::closed(d(1), d(2)).describe(" USD"),
            "between 1 and 2 USD"
        );
        let up_to = Range::from_amount(&Amount::UpTo(d(50)));
        assert_eq!(up_to.describe(" USD"), "up to 50 USD");
        let more_than = Range {
            hi: None,
            ..open_low
        };
        assert_eq!(more_than.describe(" USD"), "more than 210M USD");
    }

    #[test]
    fn percentages_are_rounded_and_say_so() {
        let third = D::from(20) / D::from(3);
        assert_eq!(Range::exact(third).describe_percent(), "about 6.67%");
        assert_eq!(Range::exact(d(60)).describe_percent(), "60%");
        assert_eq!(
            Range::closed(D::from(10) / D::from(3), d(10)).describe_percent(),
            "between 3.33% and 10% (rounded)"
        );
    }

    #[test]
    fn short_amounts() {
        assert_eq!(short_amount(d(38_000_000_000)), "38B");
        assert_eq!(short_amount(d(2_500_000_000_000)), "2.5T");
        assert_eq!(short_amount(d(1234)), "1234");
    }

    #[test]
    fn a_range_times_periods() {
        let r = Range::closed(Decimal::from(2), Decimal::from(3));
        assert_eq!(
            r.times(1, Some(4)),
            Range::closed(Decimal::from(2), Decimal::from(12))
        );
        assert_eq!(r.times(2, None).hi, None);
        assert_eq!(
            r.from_zero(),
            Range::closed(Decimal::ZERO, Decimal::from(3))
        );
    }
}
