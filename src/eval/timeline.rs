//! A three-valued answer per day, as a piecewise-constant function: a sorted list of segment
//! starts. Built by one sweep over interval ends, so cost depends on the number of terms, never
//! on the number of days.

use super::logic::Verdict;
use crate::model::time::{Day, Interval};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeline {
    /// `(first day, verdict)`, sorted; the first segment starts at [`Day::PAST`].
    segments: Vec<(Day, Verdict)>,
}

/// A term's contribution: days it certainly applies, days it possibly applies (a superset).
#[derive(Clone, Copy, Debug)]
pub struct Cover {
    pub certain: Interval,
    pub possible: Interval,
}

impl Timeline {
    pub fn constant(verdict: Verdict) -> Timeline {
        Timeline {
            segments: vec![(Day::PAST, verdict)],
        }
    }

    /// Per day: (owned or some permit) and not (some block), in Kleene logic.
    pub fn sweep(owned: bool, permits: &[Cover], blocks: &[Cover]) -> Timeline {
        // (day, permit certain, permit possible, block certain, block possible) deltas.
        let mut events: Vec<(Day, [i32; 4])> =
            Vec::with_capacity(4 * (permits.len() + blocks.len()));
        let mut push = |interval: Interval, slot: usize| {
            if interval.is_empty() {
                return;
            }
            let mut delta = [0; 4];
            if let Some(d) = delta.get_mut(slot) {
                *d = 1;
            }
            events.push((interval.start, delta));
            if interval.end != Day::NEVER {
                events.push((interval.end.succ(), delta.map(|d| -d)));
            }
        };
        for c in permits {
            push(c.certain, 0);
            push(c.possible, 1);
        }
        for c in blocks {
            push(c.certain, 2);
            push(c.possible, 3);
        }
        events.sort_unstable_by_key(|e| e.0);
        let mut counts = [0i32; 4];
        let verdict = |c: &[i32; 4]| {
            let permitted = if owned || c[0] > 0 {
                Verdict::Yes
            } else if c[1] > 0 {
                Verdict::Unknown
            } else {
                Verdict::No
            };
            let blocked = if c[2] > 0 {
                Verdict::Yes
            } else if c[3] > 0 {
                Verdict::Unknown
            } else {
                Verdict::No
            };
            permitted.and(blocked.not())
        };
        let mut segments = vec![(Day::PAST, verdict(&counts))];
        let mut i = 0;
        while let Some(&(day, _)) = events.get(i) {
            while let Some(&(d, delta)) = events.get(i) {
                if d != day {
                    break;
                }
                for (c, x) in counts.iter_mut().zip(delta) {
                    *c += x;
                }
                i += 1;
            }
            push_segment(&mut segments, day, verdict(&counts));
        }
        Timeline { segments }
    }

    /// Per day: not this.
    pub fn not(&self) -> Timeline {
        Timeline {
            segments: self
                .segments
                .iter()
                .map(|&(day, v)| (day, v.not()))
                .collect(),
        }
    }

    /// Per day: this or that.
    pub fn or(&self, other: &Timeline) -> Timeline {
        self.combine(other, Verdict::or)
    }

    /// Per day: this and that.
    pub fn and(&self, other: &Timeline) -> Timeline {
        self.combine(other, Verdict::and)
    }

    fn combine(&self, other: &Timeline, op: fn(Verdict, Verdict) -> Verdict) -> Timeline {
        let mut days: Vec<Day> = self
            .segments
            .iter()
            .chain(&other.segments)
            .map(|s| s.0)
            .collect();
        days.sort_unstable();
        days.dedup();
        let mut segments = Vec::with_capacity(days.len());
        let (mut a, mut b) = (0usize, 0usize);
        for day in days {
            while self.segments.get(a + 1).is_some_and(|s| s.0 <= day) {
                a += 1;
            }
            while other.segments.get(b + 1).is_some_and(|s| s.0 <= day) {
                b += 1;
            }
            let va = self.segments.get(a).map_or(Verdict::No, |s| s.1);
            let vb = other.segments.get(b).map_or(Verdict::No, |s| s.1);
            push_segment(&mut segments, day, op(va, vb));
        }
        Timeline { segments }
    }

    /// The segments that overlap `interval`, clipped to it.
    pub fn pieces(&self, interval: Interval) -> impl Iterator<Item = (Interval, Verdict)> + '_ {
        let n = self.segments.len();
        (0..n).filter_map(move |i| {
            let &(start, verdict) = self.segments.get(i)?;
            let end = self.segments.get(i + 1).map_or(Day::NEVER, |s| s.0.pred());
            let piece = Interval::new(start, end).intersect(interval);
            (!piece.is_empty()).then_some((piece, verdict))
        })
    }

    /// The first day of `interval` whose answer is `verdict`.
    pub fn find(&self, interval: Interval, verdict: Verdict) -> Option<Day> {
        self.pieces(interval)
            .find(|p| p.1 == verdict)
            .map(|p| p.0.start)
    }

    /// Whether every day of `interval` answers `verdict` (true when it is empty).
    pub fn all(&self, interval: Interval, verdict: Verdict) -> bool {
        self.pieces(interval).all(|p| p.1 == verdict)
    }

    /// The answer on one day.
    pub fn at(&self, day: Day) -> Verdict {
        self.find(Interval::new(day, day), Verdict::Yes)
            .map(|_| Verdict::Yes)
            .or_else(|| {
                self.find(Interval::new(day, day), Verdict::No)
                    .map(|_| Verdict::No)
            })
            .unwrap_or(Verdict::Unknown)
    }
}

fn push_segment(segments: &mut Vec<(Day, Verdict)>, day: Day, verdict: Verdict) {
    match segments.last_mut() {
        Some(last) if last.1 == verdict => {}
        Some(last) if last.0 == day => last.1 = verdict,
        _ => segments.push((day, verdict)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(a: i32, b: i32) -> Interval {
        Interval::new(Day(a), Day(b))
    }

    #[test]
    fn sweep_combines_permits_and_blocks() {
        let grant = Cover {
            certain: iv(0, 100),
            possible: iv(0, 100),
        };
        let exclusive = Cover {
            certain: iv(0, 10),
            possible: iv(0, 20),
        };
        let t = Timeline::sweep(false, &[grant], &[exclusive]);
        assert_eq!(t.at(Day(-1)), Verdict::No);
        assert_eq!(t.at(Day(5)), Verdict::No);
        assert_eq!(t.at(Day(15)), Verdict::Unknown);
        assert_eq!(t.at(Day(50)), Verdict::Yes);
        assert_eq!(t.at(Day(101)), Verdict::No);
        assert_eq!(t.find(iv(0, 200), Verdict::Yes), Some(Day(21)));
        assert!(t.all(iv(0, 10), Verdict::No));
        assert!(t.all(Interval::EMPTY, Verdict::Yes));
    }

    #[test]
    fn or_merges_segments() {
        let a = Timeline::sweep(
            false,
            &[Cover {
                certain: iv(0, 9),
                possible: iv(0, 9),
            }],
            &[],
        );
        let b = Timeline::sweep(
            false,
            &[Cover {
                certain: iv(10, 19),
                possible: iv(10, 29),
            }],
            &[],
        );
        let c = a.or(&b);
        assert!(c.all(iv(0, 19), Verdict::Yes));
        assert!(c.all(iv(20, 29), Verdict::Unknown));
        assert_eq!(c.at(Day(30)), Verdict::No);
    }
}
