//! Kleene's three-valued logic on [`Verdict`].

pub use crate::ast::Verdict;

impl Verdict {
    pub fn and(self, other: Verdict) -> Verdict {
        match (self, other) {
            (Verdict::No, _) | (_, Verdict::No) => Verdict::No,
            (Verdict::Yes, Verdict::Yes) => Verdict::Yes,
            _ => Verdict::Unknown,
        }
    }

    pub fn or(self, other: Verdict) -> Verdict {
        match (self, other) {
            (Verdict::Yes, _) | (_, Verdict::Yes) => Verdict::Yes,
            (Verdict::No, Verdict::No) => Verdict::No,
            _ => Verdict::Unknown,
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Verdict {
        match self {
            Verdict::Yes => Verdict::No,
            Verdict::No => Verdict::Yes,
            Verdict::Unknown => Verdict::Unknown,
        }
    }

    /// Yes when `yes` holds, else no when `no` holds, else unknown: the shape of every
    /// three-valued test ("for every possible value" / "for none").
    pub fn decide(yes: bool, no: bool) -> Verdict {
        if yes {
            Verdict::Yes
        } else if no {
            Verdict::No
        } else {
            Verdict::Unknown
        }
    }

    pub fn from_bool(b: bool) -> Verdict {
        if b {
            Verdict::Yes
        } else {
            Verdict::No
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Verdict::Yes => "yes",
            Verdict::No => "no",
            Verdict::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

#[cfg(test)]
mod tests {
    use super::Verdict::{self, *};

    const ALL: [Verdict; 3] = [Yes, No, Unknown];

    #[test]
    fn de_morgan_holds() {
        for a in ALL {
            for b in ALL {
                assert_eq!(a.and(b).not(), a.not().or(b.not()));
                assert_eq!(a.or(b).not(), a.not().and(b.not()));
            }
        }
    }

    #[test]
    fn unknown_absorbs_only_what_it_should() {
        assert_eq!(Unknown.and(No), No);
        assert_eq!(Unknown.or(Yes), Yes);
        assert_eq!(Unknown.and(Yes), Unknown);
        assert_eq!(Unknown.not(), Unknown);
    }
}
