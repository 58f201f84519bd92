//! Property tests: the interval evaluator against a naive day-by-day reference on random small
//! rule sets and questions, and laws every answer must obey.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dealcheck::ast::RightKind;
use dealcheck::check::resolved::{Question, TermKind, When, Who};
use dealcheck::check::{Program, Ref, TermId};
use dealcheck::eval::open::OpenValue;
use dealcheck::eval::question::{Evaluator, ANYONE_ELSE};
use dealcheck::model::time::{Day, Point};
use dealcheck::model::world::{Reading, World};
use dealcheck::source::FileId;
use dealcheck::{Options, RuleSet, Verdict};
use proptest::prelude::*;

const PARTIES: [&str; 4] = ["Owner", "P", "Q", "QUnit"];
/// Few dates, so windows and questions often meet at the same boundaries.
const DATES: [&str; 9] = [
    "2026",
    "2026-07-14",
    "2027-Q2",
    "2027-H2",
    "2028-02-29",
    "sometime in 2027",
    "sometime in 2026-H2",
    "launch",
    "someday",
];

fn header() -> String {
    "as of 2025-06-01\nparty Owner\nparty P\nparty Q\nparty QUnit part of Q\nasset Owner.a\naction x\n\
     channel c0\nchannel c1\nevent launch expected 2027\nevent someday\n"
        .to_string()
}

fn who() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(&PARTIES[..]).prop_map(str::to_string),
        holders(),
        Just("everyone".to_string()),
        prop::sample::select(&PARTIES[..]).prop_map(|p| format!("everyone except {p}")),
    ]
}

/// Two different parties, as a list.
fn holders() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&PARTIES[..]),
        prop::sample::select(&PARTIES[..]),
    )
        .prop_filter("two different parties", |(a, b)| a != b)
        .prop_map(|(a, b)| format!("{a}, {b}"))
}

/// A term's channels: none, one, or both.
fn term_via() -> impl Strategy<Value = String> {
    prop_oneof![via(), Just("via c0, c1".to_string())]
}

fn window() -> impl Strategy<Value = String> {
    let date = || prop::sample::select(&DATES[..]);
    prop_oneof![
        Just(String::new()),
        date().prop_map(|d| format!("from {d}")),
        date().prop_map(|d| format!("until {d}")),
        (date(), date()).prop_map(|(a, b)| format!("from {a} until {b}")),
        (date(), 1..30u32).prop_map(|(a, n)| format!("from {a} for {n} months")),
        date().prop_map(|d| format!("during {d}")),
    ]
}

fn via() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("via c0".to_string()),
        Just("via c1".to_string())
    ]
}

fn term() -> impl Strategy<Value = String> {
    let holder = || {
        prop_oneof![
            3 => prop::sample::select(&PARTIES[..]).prop_map(str::to_string),
            1 => holders(),
        ]
    };
    prop_oneof![
        (who(), term_via(), window())
            .prop_map(|(w, v, win)| format!("grant {w} may x Owner.a {v} {win}")),
        (holder(), term_via(), window())
            .prop_map(|(h, v, win)| format!("exclusive {h} may x Owner.a {v} {win}")),
        (holder(), term_via(), window())
            .prop_map(|(h, v, win)| format!("sole {h} may x Owner.a {v} {win}")),
        (who(), term_via(), window())
            .prop_map(|(w, v, win)| format!("forbid {w} x Owner.a {v} {win}")),
    ]
}

fn deal() -> impl Strategy<Value = (String, Vec<String>)> {
    let status = prop::sample::select(
        &[
            "signed",
            "announced",
            "reported",
            "proposed",
            "terminated on 2027-05",
        ][..],
    );
    (status, prop::collection::vec(term(), 1..4)).prop_map(|(s, terms)| (s.to_string(), terms))
}

fn rule_set_text() -> impl Strategy<Value = String> {
    (prop::collection::vec(deal(), 1..5), any::<bool>()).prop_map(|(deals, amend)| {
        let mut text = header();
        for (i, (status, terms)) in deals.iter().enumerate() {
            text.push_str(&format!("deal d{i} {{\n  status {status}\n"));
            for (j, t) in terms.iter().enumerate() {
                text.push_str(&format!("  t{j}: {t}\n"));
            }
            text.push_str("}\n");
        }
        if amend {
            text.push_str(
                "deal amend {\n  dated 2025-01-01\n  terminate d0.t0 on sometime in 2026\n}\n",
            );
        }
        text
    })
}

fn when() -> impl Strategy<Value = String> {
    let date = || prop::sample::select(&DATES[..]);
    prop_oneof![
        Just(String::new()),
        date().prop_map(|d| format!("before {d}")),
        date().prop_map(|d| format!("after {d}")),
        date().prop_map(|d| format!("in {d}")),
        (date(), date()).prop_map(|(a, b)| format!("between {a} and {b}")),
    ]
}

fn can_question() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&PARTIES[..]),
        any::<bool>(),
        via(),
        when(),
    )
        .prop_map(|(p, always, v, w)| {
            format!(
                "can {p} {}x Owner.a {v} {w}",
                if always { "always " } else { "" }
            )
        })
}

// ---------------------------------------------------------------------------------------------
// The reference: day by day, straight from the reference's words.

/// Days far enough on both sides that nothing changes beyond them.
const FIRST: i32 = 19_000; // 2022-01-08
const LAST: i32 = 24_500; // 2037-01-29

fn applies(world: &World<'_>, id: TermId, day: Day) -> Verdict {
    match world.window(id) {
        None => Verdict::No,
        Some(w) if w.certain().contains(day) => Verdict::Yes,
        Some(w) if w.possible().contains(day) => Verdict::Unknown,
        Some(_) => Verdict::No,
    }
}

fn may_on(
    world: &World<'_>,
    program: &Program,
    party: usize,
    via: Option<usize>,
    day: Day,
) -> Verdict {
    let actors: Vec<usize> = (0..program.parties.len())
        .filter(|&a| program.within(a, party))
        .collect();
    may_on_actors(world, program, &actors, via, day)
}

/// Day by day: may any of `actors` (each alone) act? An actor may be an undeclared party in no
/// group (`ANYONE_ELSE`).
fn may_on_actors(
    world: &World<'_>,
    program: &Program,
    actors: &[usize],
    via: Option<usize>,
    day: Day,
) -> Verdict {
    let owner = program.party("Owner").unwrap();
    let channels: Vec<Option<usize>> = match via {
        Some(c) => vec![Some(c)],
        None => (0..program.channels.len())
            .map(Some)
            .chain([None])
            .collect(),
    };
    let mut answer = Verdict::No;
    for &actor in actors {
        for &channel in &channels {
            let mut permitted = Verdict::from_bool(actor == owner);
            let mut blocked = Verdict::No;
            for (id, term) in program.terms() {
                let TermKind::Right {
                    kind,
                    who,
                    via,
                    also_via,
                    ..
                } = &term.kind
                else {
                    continue;
                };
                // A term with channels covers each of them; one without, every channel.
                let on_channel = match via {
                    None => true,
                    Some(first) => std::iter::once(first)
                        .chain(also_via.iter())
                        .any(|v| Some(v.id()) == channel),
                };
                if !on_channel {
                    continue;
                }
                let excepted =
                    |except: &[Ref]| except.iter().any(|e| program.within(actor, e.id()));
                let on = applies(world, id, day);
                let (permits, blocks) = match (kind, who) {
                    (RightKind::Grant, Who::Party(p)) => (actor == p.id(), false),
                    (RightKind::Grant, Who::Everyone { except }) => (!excepted(except), false),
                    (RightKind::Forbid, Who::Party(p)) => (false, program.within(actor, p.id())),
                    (RightKind::Forbid, Who::Everyone { except }) => (false, !excepted(except)),
                    (RightKind::Grant, Who::Parties(ps)) => {
                        (ps.iter().any(|p| p.id() == actor), false)
                    }
                    (RightKind::Forbid, Who::Parties(ps)) => {
                        (false, ps.iter().any(|p| program.within(actor, p.id())))
                    }
                    (_, Who::Party(h)) => {
                        let holder = h.id();
                        let other = program.root(actor) != program.root(holder);
                        let spared =
                            *kind == RightKind::Sole && program.root(actor) == program.root(owner);
                        (actor == holder, actor != holder && other && !spared)
                    }
                    // Several holders: each may; everyone outside all their groups may not.
                    (_, Who::Parties(ps)) => {
                        let holds = ps.iter().any(|p| p.id() == actor);
                        let other = ps
                            .iter()
                            .all(|p| program.root(actor) != program.root(p.id()));
                        let spared =
                            *kind == RightKind::Sole && program.root(actor) == program.root(owner);
                        (holds, !holds && other && !spared)
                    }
                    _ => (false, false),
                };
                if permits {
                    permitted = permitted.or(on);
                }
                if blocks {
                    blocked = blocked.or(on);
                }
            }
            answer = answer.or(permitted.and(blocked.not()));
        }
    }
    answer
}

/// Whether a day is certainly / possibly in the WHEN, from its definition in §6.
fn in_when(world: &World<'_>, when: Option<&When>, day: Day) -> (bool, bool) {
    let as_of = world.as_of;
    let p = |x, r| world.point(x, r);
    let within = |lo: Day, hi: Day| lo <= day && day <= hi;
    match when {
        None => (day == as_of, day == as_of),
        Some(When::Before(x)) => {
            let Point { lo, hi } = p(x, Reading::First);
            (day >= as_of && day < lo, day >= as_of && day < hi)
        }
        Some(When::After(x)) => {
            let Point { lo, hi } = p(x, Reading::Last);
            (day > hi && hi != Day::NEVER, day > lo)
        }
        Some(When::In(x)) => {
            let (s, e) = (p(x, Reading::First), p(x, Reading::Last));
            (within(s.hi, e.lo), within(s.lo, e.hi))
        }
        Some(When::Between(x, y)) => {
            let (s, e) = (p(x, Reading::First), p(y, Reading::Last));
            (within(s.hi, e.lo), within(s.lo, e.hi))
        }
    }
}

fn reference(rule_set: &RuleSet, question: &str) -> Verdict {
    let program = rule_set.program();
    let world = rule_set.world(&Options::default()).unwrap();
    let (q, _) = dealcheck::syntax::parse_question(FileId(99), question).unwrap();
    let q = dealcheck::check::check_question(program, &q).unwrap();
    let Question::Can {
        party,
        always,
        via,
        when,
        ..
    } = q.node
    else {
        panic!("not a can question")
    };
    let party = party.id();
    let via = via.map(|c| c.id());
    let when = when.as_ref().map(|w| &w.node);
    over_days(&world, when, always, |day| {
        may_on(&world, program, party, via, day)
    })
}

/// "Some day" (or with `always`, "every day") of a WHEN, from each day's answer (§6).
fn over_days(
    world: &World<'_>,
    when: Option<&When>,
    always: bool,
    may: impl Fn(Day) -> Verdict,
) -> Verdict {
    let (mut some_certain_yes, mut all_possible_no) = (false, true);
    let (mut all_possible_yes, mut some_certain_no) = (true, false);
    for d in FIRST..=LAST {
        let day = Day(d);
        let (certain, possible) = in_when(world, when, day);
        if !possible {
            continue;
        }
        let v = may(day);
        some_certain_yes |= certain && v == Verdict::Yes;
        some_certain_no |= certain && v == Verdict::No;
        all_possible_no &= v == Verdict::No;
        all_possible_yes &= v == Verdict::Yes;
    }
    match (
        always,
        some_certain_yes,
        all_possible_no,
        all_possible_yes,
        some_certain_no,
    ) {
        (false, true, ..) => Verdict::Yes,
        (false, false, true, ..) => Verdict::No,
        (true, _, _, true, _) => Verdict::Yes,
        (true, _, _, false, true) => Verdict::No,
        _ => Verdict::Unknown,
    }
}

fn load(text: &str) -> RuleSet {
    let rule_set = RuleSet::from_sources([("random.deal", text)]);
    assert!(
        !rule_set.has_errors(),
        "{text}\n{:?}",
        rule_set.diagnostics()
    );
    rule_set
}

fn ask(rule_set: &RuleSet, question: &str) -> Verdict {
    rule_set.ask(question, &Options::default()).unwrap().verdict
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Day by day, the swept timeline equals the reference's answer for that day.
    #[test]
    fn timeline_matches_each_day(text in rule_set_text(), p in prop::sample::select(&PARTIES[..]), v in via()) {
        let rule_set = load(&text);
        let program = rule_set.program();
        let world = rule_set.world(&Options::default()).unwrap();
        let text_of = |_: dealcheck::source::Span| String::new();
        let evaluator = Evaluator::new(&world, rule_set.rights_index(), rule_set.sources(), &text_of);
        let party = program.party(p).unwrap();
        let via = v.strip_prefix("via ").map(|c| program.channel(c).unwrap());
        let (action, asset) = (program.action("x").unwrap(), 0);
        let owner = program.party("Owner").unwrap();
        let (timeline, _, _) = evaluator.may_timeline(party, action, asset, via, owner);
        for d in FIRST..=LAST {
            prop_assert_eq!(timeline.at(Day(d)), may_on(&world, program, party, via, Day(d)), "day {}\n{}", Day(d), text);
        }
    }

    /// The days of a WHEN, as intervals, are the days the reference puts in it.
    #[test]
    fn when_days_match_each_day(text in rule_set_text(), w in when()) {
        let rule_set = load(&text);
        let world = rule_set.world(&Options::default()).unwrap();
        let text_of = |_: dealcheck::source::Span| String::new();
        let evaluator = Evaluator::new(&world, rule_set.rights_index(), rule_set.sources(), &text_of);
        let (q, _) = dealcheck::syntax::parse_question(FileId(99), &format!("can P x Owner.a {w}")).unwrap();
        let q = dealcheck::check::check_question(rule_set.program(), &q).unwrap();
        let Question::Can { when, .. } = q.node else { unreachable!() };
        let days = evaluator.days(when.as_ref());
        for d in FIRST..=LAST {
            let (certain, possible) = in_when(&world, when.as_ref().map(|w| &w.node), Day(d));
            prop_assert_eq!((days.certain.contains(Day(d)), days.possible.contains(Day(d))), (certain, possible), "day {} {}", Day(d), w);
        }
    }

    /// The interval evaluator agrees with walking the days one by one.
    #[test]
    fn interval_evaluator_matches_day_by_day(text in rule_set_text(), question in can_question()) {
        let rule_set = load(&text);
        prop_assert_eq!(ask(&rule_set, &question), reference(&rule_set, &question), "{}\n{}", text, question);
    }

    /// `when can`: each day of the answer is the reference's answer that day, and-ed with
    /// whether the day is asked about; the earliest days are the first yes and non-no days.
    #[test]
    fn when_can_matches_day_by_day(text in rule_set_text(), p in prop::sample::select(&PARTIES[..]), v in via(), w in when()) {
        let rule_set = load(&text);
        let program = rule_set.program();
        let world = rule_set.world(&Options::default()).unwrap();
        let question = format!("when can {p} x Owner.a {v} {w}");
        let answer = rule_set.ask(&question, &Options::default()).unwrap();
        let Some(OpenValue::Days(days)) = answer.value() else { panic!("no days: {question}") };
        let (q, _) = dealcheck::syntax::parse_question(FileId(99), &format!("can P x Owner.a {w}")).unwrap();
        let q = dealcheck::check::check_question(program, &q).unwrap();
        let Question::Can { when, .. } = q.node else { unreachable!() };
        let when = when.as_ref().map(|w| &w.node);
        let party = program.party(p).unwrap();
        let via = v.strip_prefix("via ").map(|c| program.channel(c).unwrap());
        let (mut first_yes, mut first_possible) = (None, None);
        for d in FIRST..=LAST {
            let day = Day(d);
            let (certain, possible) = match when {
                None => (day >= world.as_of, day >= world.as_of),
                Some(_) => in_when(&world, when, day),
            };
            let listed = days.pieces.iter().find(|(i, _)| i.contains(day)).map(|p| p.1);
            if !possible {
                prop_assert_eq!(listed, None, "day {} is not asked about\n{}\n{}", day, text, question);
                continue;
            }
            let asked = if certain { Verdict::Yes } else { Verdict::Unknown };
            let expected = may_on(&world, program, party, via, day).and(asked);
            prop_assert_eq!(listed, Some(expected), "day {}\n{}\n{}", day, text, question);
            if expected == Verdict::Yes && first_yes.is_none() { first_yes = Some(day); }
            if expected != Verdict::No && first_possible.is_none() { first_possible = Some(day); }
        }
        let within = |found: Option<Day>, expected: Option<Day>| match expected {
            Some(_) => found == expected,
            None => found.is_none_or(|d| d.0 > LAST),
        };
        prop_assert!(within(days.earliest_certain, first_yes), "earliest certain {:?} vs {:?}\n{}\n{}", days.earliest_certain, first_yes, text, question);
        prop_assert!(within(days.earliest_possible, first_possible), "earliest possible {:?} vs {:?}\n{}\n{}", days.earliest_possible, first_possible, text, question);
    }

    /// `who can`: each declared party's verdict is its `can` answer by the reference (absent
    /// means no), and anyone else's is the reference's for an undeclared party in no group.
    #[test]
    fn who_can_matches_each_party(text in rule_set_text(), always in any::<bool>(), v in via(), w in when()) {
        let rule_set = load(&text);
        let program = rule_set.program();
        let world = rule_set.world(&Options::default()).unwrap();
        let always_word = if always { "always " } else { "" };
        let question = format!("who can {always_word}x Owner.a {v} {w}");
        let answer = rule_set.ask(&question, &Options::default()).unwrap();
        let Some(OpenValue::Parties(who)) = answer.value() else { panic!("no parties: {question}") };
        let mut any = Verdict::No;
        for p in PARTIES {
            let expected = reference(&rule_set, &format!("can {p} {always_word}x Owner.a {v} {w}"));
            let listed = who.parties.iter().find(|l| l.party.as_str() == p).map_or(Verdict::No, |l| l.verdict);
            prop_assert_eq!(listed, expected, "{}\n{}\n{}", p, text, question);
            any = any.or(expected);
        }
        let (q, _) = dealcheck::syntax::parse_question(FileId(99), &format!("can P x Owner.a {w}")).unwrap();
        let q = dealcheck::check::check_question(program, &q).unwrap();
        let Question::Can { when, .. } = q.node else { unreachable!() };
        let via = v.strip_prefix("via ").map(|c| program.channel(c).unwrap());
        let anyone = over_days(&world, when.as_ref().map(|w| &w.node), always, |day| {
            may_on_actors(&world, program, &[ANYONE_ELSE], via, day)
        });
        prop_assert_eq!(who.anyone_else, anyone, "anyone else\n{}\n{}", text, question);
        prop_assert_eq!(answer.verdict, any.or(anyone), "{}\n{}", text, question);
    }

}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// `always` implies "some day" on a WHEN with a certain day; "no day" rules out `always`
    /// on a WHEN with a possible day.
    #[test]
    fn always_implies_some_day(text in rule_set_text(), p in prop::sample::select(&PARTIES[..]), w in when()) {
        let rule_set = load(&text);
        let always = ask(&rule_set, &format!("can {p} always x Owner.a {w}"));
        let some = ask(&rule_set, &format!("can {p} x Owner.a {w}"));
        let world = rule_set.world(&Options::default()).unwrap();
        let (q, _) = dealcheck::syntax::parse_question(FileId(99), &format!("can {p} x Owner.a {w}")).unwrap();
        let q = dealcheck::check::check_question(rule_set.program(), &q).unwrap();
        let Question::Can { when, .. } = q.node else { unreachable!() };
        let days: Vec<(bool, bool)> = (FIRST..=LAST).map(|d| in_when(&world, when.as_ref().map(|w| &w.node), Day(d))).collect();
        if always == Verdict::Yes && days.iter().any(|d| d.0) {
            prop_assert_eq!(some, Verdict::Yes, "{}", text);
        }
        if some == Verdict::No && days.iter().any(|d| d.1) {
            prop_assert_ne!(always, Verdict::Yes, "{}", text);
        }
    }

    /// De Morgan's laws hold on whole questions.
    #[test]
    fn de_morgan(text in rule_set_text(), a in can_question(), b in can_question()) {
        let rule_set = load(&text);
        let lhs = ask(&rule_set, &format!("not ({a} and {b})"));
        let rhs = ask(&rule_set, &format!("not ({a}) or not ({b})"));
        prop_assert_eq!(lhs, rhs);
        let lhs = ask(&rule_set, &format!("not ({a} or {b})"));
        let rhs = ask(&rule_set, &format!("not ({a}) and not ({b})"));
        prop_assert_eq!(lhs, rhs);
    }

    /// Fixing an event's day never turns yes into no or no into yes.
    #[test]
    fn fixing_an_event_only_settles_unknowns(text in rule_set_text(), question in can_question(), day in 0..365i32) {
        let base = load(&text);
        let before = ask(&base, &question);
        let fixed_day = dealcheck::Day(dealcheck::parse_date("2027-01-01").unwrap().0 + day);
        let rule = format!("{text}rule fixed {{\n  assuming launch on {fixed_day}\n  ask {question}\n}}\n");
        let fixed = load(&rule);
        let after = fixed.check(&Options::default()).rules[0].checks[0].answer;
        if before != Verdict::Unknown {
            prop_assert_eq!(before, after, "{}\n{}", rule, question);
        }
    }

    /// Narrowing an amount's range never turns yes into no or no into yes.
    #[test]
    fn narrowing_a_range_only_settles_unknowns(
        lo in 1..50u32, width in 0..50u32, cut_lo in 0..50u32, cut_hi in 0..50u32, threshold in 0..120u32,
        op in prop::sample::select(&["<", "<=", ">", ">=", "==", "!="][..]),
    ) {
        let hi = lo + width;
        let narrow_lo = (lo + cut_lo).min(hi);
        let narrow_hi = hi.saturating_sub(cut_hi).max(narrow_lo);
        let make = |a: u32, b: u32| load(&format!(
            "as of 2026-01-01\nparty I\nparty S\ndeal d {{\n  invest between {a}M USD and {b}M USD from I in S\n  invest 10M USD from I in S\n}}\n"
        ));
        let q = format!("invested(I, S) {op} {threshold}M USD");
        let wide = ask(&make(lo, hi), &q);
        let narrow = ask(&make(narrow_lo, narrow_hi), &q);
        if wide != Verdict::Unknown {
            prop_assert_eq!(wide, narrow);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Evaluation is deterministic, and 8 threads sharing one `RuleSet` get the answers one
    /// thread gets.
    #[test]
    fn deterministic_and_shareable(text in rule_set_text(), questions in prop::collection::vec(can_question(), 1..6)) {
        let rule_set = load(&text);
        let expected: Vec<Verdict> = questions.iter().map(|q| ask(&rule_set, q)).collect();
        let first = serde_json::to_string(&rule_set.check(&Options::default())).unwrap();
        let second = serde_json::to_string(&rule_set.check(&Options::default())).unwrap();
        prop_assert_eq!(&first, &second);
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| {
                    let answers: Vec<Verdict> = questions.iter().map(|q| ask(&rule_set, q)).collect();
                    (answers, serde_json::to_string(&rule_set.check(&Options::default())).unwrap())
                }))
                .collect();
            for h in handles {
                let (answers, report) = h.join().unwrap();
                assert_eq!(answers, expected);
                assert_eq!(report, first);
            }
        });
    }
}

/// Every elementary cycle of a small digraph, by brute force: each permutation of each subset of
/// nodes, rotated to start at its smallest node, kept if every edge exists.
fn brute_force_cycles(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    fn permutations(items: &[usize]) -> Vec<Vec<usize>> {
        if items.len() <= 1 {
            return vec![items.to_vec()];
        }
        let mut out = Vec::new();
        for i in 0..items.len() {
            let mut rest = items.to_vec();
            let first = rest.remove(i);
            for mut p in permutations(&rest) {
                p.insert(0, first);
                out.push(p);
            }
        }
        out
    }
    let has = |a: usize, b: usize| a != b && edges.contains(&(a, b));
    let mut cycles = Vec::new();
    for mask in 1u32..(1 << n) {
        let nodes: Vec<usize> = (0..n).filter(|i| mask & (1 << i) != 0).collect();
        if nodes.len() < 2 {
            continue;
        }
        let (first, rest) = nodes.split_first().unwrap();
        for p in permutations(rest) {
            let mut cycle = vec![*first];
            cycle.extend(p);
            let closed = (0..cycle.len()).all(|i| has(cycle[i], cycle[(i + 1) % cycle.len()]));
            if closed {
                cycles.push(cycle);
            }
        }
    }
    cycles.sort();
    cycles
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// The cycle listing finds every elementary cycle, only real ones, each once, shortest first.
    #[test]
    fn cycle_listing_matches_brute_force(n in 2..7usize, edges in prop::collection::vec((0..7usize, 0..7usize), 0..30)) {
        let edges: Vec<(usize, usize)> = edges.into_iter().filter(|&(a, b)| a < n && b < n).collect();
        let found = dealcheck::model::cycles::Digraph::new(n, edges.iter().copied()).cycles(100_000, 10_000_000);
        prop_assert!(!found.incomplete);
        prop_assert_eq!(found.more, 0);
        prop_assert!(found.listed.windows(2).all(|w| w[0].len() <= w[1].len()), "shortest first");
        let mut listed = found.listed.clone();
        listed.sort();
        prop_assert_eq!(listed, brute_force_cycles(n, &edges));
    }
}

// ---------------------------------------------------------------------------------------------
// Money over time: one flow's share of a sum over a WHEN, against walking its days and periods.

/// A flow: its window (possibly with an uncertain start) and whether it recurs.
fn money_flow() -> impl Strategy<Value = String> {
    let exact = || prop::sample::select(&["2026", "2026-07-14", "2027-Q2", "2028-02-29"][..]);
    let start = || {
        prop_oneof![
            exact().prop_map(str::to_string),
            Just("sometime in 2026-H2".to_string())
        ]
    };
    prop_oneof![
        exact().prop_map(|d| format!("pay 100 USD from P to Q on {d}")),
        Just("pay 100 USD from P to Q on sometime in 2027".to_string()),
        (start(), 1..40u32)
            .prop_map(|(d, n)| format!("pay 100 USD from P to Q from {d} for {n} months")),
        (start(), exact()).prop_map(|(a, b)| format!("pay 100 USD from P to Q from {a} until {b}")),
        (
            start(),
            prop::sample::select(&["year", "quarter", "month"][..]),
            1..30u32
        )
            .prop_map(|(d, every, n)| format!(
                "pay 100 USD per {every} from P to Q from {d} for {n} months"
            )),
        (
            start(),
            prop::sample::select(&["year", "quarter", "month"][..])
        )
            .prop_map(|(d, every)| format!("pay 100 USD per {every} from P to Q from {d}")),
    ]
}

fn money_text(flow: &str, cut: Option<&str>) -> String {
    let mut text = format!("as of 2025-06-01\nparty P\nparty Q\nevent launch expected 2027\nevent someday\ndeal d {{\n  dated 2025-01-01\n  f: {flow}\n}}\n");
    if let Some(day) = cut {
        text.push_str(&format!(
            "deal amend {{\n  dated 2025-01-01\n  terminate d.f on {day}\n}}\n"
        ));
    }
    text
}

/// The flow's (certain, possible) days, its recurring period in months, and the days of its
/// possible starts.
fn flow_days(
    rule_set: &RuleSet,
) -> (
    dealcheck::model::time::Interval,
    dealcheck::model::time::Interval,
    Option<i32>,
    Vec<Day>,
    Day,
) {
    let program = rule_set.program();
    let world = rule_set.world(&Options::default()).unwrap();
    let id = TermId::new(0, 0);
    let window = world.window(id).unwrap();
    let every = match &program.term(id).unwrap().kind {
        TermKind::Flow { every, .. } => every.map(|e| e.duration().months),
        _ => None,
    };
    let starts = (window.start.lo.0..=window.start.hi.0).map(Day).collect();
    (
        window.certain(),
        window.possible(),
        every,
        starts,
        window.end.lo,
    )
}

fn money_range(
    rule_set: &RuleSet,
    question: &str,
) -> Option<(rust_decimal::Decimal, Option<rust_decimal::Decimal>)> {
    let answer = rule_set.ask(question, &Options::default()).unwrap();
    let Some(OpenValue::Value(side)) = answer.value() else {
        panic!("no value: {question}")
    };
    match side.value {
        dealcheck::eval::explain::Shown::Money {
            range,
            currency: Some(_),
            ..
        } => Some((range.lo, range.hi)),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// A one-off or a commitment counts wholly when every day it may be due is certainly in
    /// the WHEN, not at all when none is possibly in it, else from 0 to its amount; a recurring
    /// flow counts its whole periods certainly inside, and at most the periods that meet it.
    #[test]
    fn money_over_when_matches_days_and_periods(flow in money_flow(), w in when(), cut in prop::option::of(prop::sample::select(&["2026-09-30", "2027-03-01"][..]))) {
        let text = money_text(&flow, cut);
        let rule_set = load(&text);
        let world = rule_set.world(&Options::default()).unwrap();
        let question = format!("paid(P, Q) {w}");
        let found = money_range(&rule_set, &question);
        let when = match w.as_str() {
            "" => None,
            _ => {
                let (q, _) = dealcheck::syntax::parse_question(FileId(99), &format!("active(d) {w}")).unwrap();
                let q = dealcheck::check::check_question(rule_set.program(), &q).unwrap();
                let Question::Active { when, .. } = q.node else { unreachable!() };
                when
            }
        };
        let in_when = |day: Day| match &when {
            None => (true, true),
            Some(w) => in_when(&world, Some(&w.node), day),
        };
        let (certain, possible, every, starts, _) = flow_days(&rule_set);
        let hundred = rust_decimal::Decimal::from(100);
        let far = Day(LAST + 4000);
        match every {
            None => {
                let cut_short = cut.is_some() && world.written_window(TermId::new(0, 0)).possible() != possible;
                let days: Vec<Day> = (possible.start.0.max(FIRST)..=possible.end.0.min(LAST)).map(Day).collect();
                let unbounded = possible.end.0 > LAST || possible.start.0 < FIRST;
                let all_in = !unbounded && days.iter().all(|&d| in_when(d).0);
                let none_in = !unbounded && days.iter().all(|&d| !in_when(d).1);
                let expected = if possible.is_empty() || none_in {
                    None
                } else if all_in && !cut_short {
                    Some((hundred, Some(hundred)))
                } else {
                    Some((rust_decimal::Decimal::ZERO, Some(hundred)))
                };
                if !unbounded || expected.is_none() {
                    prop_assert_eq!(found, expected, "{}\n{}", text, question);
                }
                let _ = certain;
            }
            Some(months) => {
                // Each possible start: walk its periods up to far beyond the last day checked.
                let (mut least, mut most) = (u64::MAX, 0u64);
                let mut unbounded = false;
                // This start's written end (`for N months` ties it to the start) and where the
                // termination, if any, stops it.
                let months_for = flow.split(" for ").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse::<i32>().ok());
                let cut_day = cut.map(|c| dealcheck::parse_date(c).unwrap());
                for &start in &starts {
                    let written_end = match months_for {
                        Some(n) => start.add(dealcheck::ast::Duration { months: n, days: 0 }, 1).pred(),
                        None => Day::NEVER,
                    };
                    let stops = cut_day.map_or(written_end, |c| written_end.min(c.pred()));
                    let (mut whole, mut meeting) = (0u64, 0u64);
                    let mut k = 0;
                    loop {
                        let first = start.add(dealcheck::ast::Duration { months: months * k, days: 0 }, 1);
                        let last = start.add(dealcheck::ast::Duration { months: months * (k + 1), days: 0 }, 1).pred();
                        if first > stops || first > far || last > written_end {
                            // Periods go on past the days walked: unbounded if the WHEN does too.
                            if first <= stops && last <= written_end && in_when(far).1 { unbounded = true; }
                            break;
                        }
                        let days = first.0..=last.0;
                        let certainly = last <= stops && days.clone().all(|d| in_when(Day(d)).0);
                        // Whole in the window as written, started before the flow may have
                        // stopped, and meeting the WHEN.
                        let possibly = last <= written_end && days.clone().any(|d| d <= stops.0 && in_when(Day(d)).1);
                        if certainly { whole += 1; }
                        if possibly { meeting += 1; }
                        k += 1;
                    }
                    least = least.min(whole);
                    most = most.max(meeting);
                }
                match found {
                    None => prop_assert_eq!(most, 0, "{}\n{}", text, question),
                    Some((lo, hi)) => {
                        // Sound: never more certain than the periods walked, never less possible.
                        prop_assert!(lo <= hundred * rust_decimal::Decimal::from(least), "low {} > {} periods\n{}\n{}", lo, least, text, question);
                        if let Some(hi) = hi {
                            prop_assert!(!unbounded, "bounded although the flow runs past the days walked\n{}\n{}", text, question);
                            prop_assert!(hi >= hundred * rust_decimal::Decimal::from(most), "high {} < {} periods\n{}\n{}", hi, most, text, question);
                        }
                        // Exact where the start is: both ends are the periods walked.
                        if starts.len() == 1 && !unbounded {
                            prop_assert_eq!(lo, hundred * rust_decimal::Decimal::from(least), "{}\n{}", text, question);
                            prop_assert_eq!(hi, Some(hundred * rust_decimal::Decimal::from(most)), "{}\n{}", text, question);
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What would settle it: every day of an open fact, fixed alone, against the days listed.

/// Fixes one fact on one day in a context.
type Fix = dyn Fn(Day, &mut dealcheck::model::world::Context);

fn verdict_with(
    rule_set: &RuleSet,
    question: &str,
    fix: impl FnOnce(&mut dealcheck::model::world::Context),
) -> Verdict {
    let program = rule_set.program();
    let base = rule_set.world(&Options::default()).unwrap();
    let mut context = base.context().clone();
    context.as_of = Some(base.as_of);
    fix(&mut context);
    let world = World::new(program, context, base.as_of);
    let text_of = |_: dealcheck::source::Span| String::new();
    let evaluator = Evaluator::new(
        &world,
        rule_set.rights_index(),
        rule_set.sources(),
        &text_of,
    );
    let (q, _) = dealcheck::syntax::parse_question(FileId(99), question).unwrap();
    let q = dealcheck::check::check_question(program, &q).unwrap();
    evaluator.question(&q).unwrap().verdict
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// For an unknown `can`, each day of each open fact listed, fixed alone, gives yes where the
    /// answer says yes, no where it says no, and unknown elsewhere.
    #[test]
    fn settling_days_match_each_day(text in rule_set_text(), question in can_question()) {
        use dealcheck::eval::explain::Note;
        use dealcheck::eval::settle::OpenFact;
        use dealcheck::model::world::Bound;
        let rule_set = load(&text);
        let program = rule_set.program();
        let answer = rule_set.ask(&question, &Options::default()).unwrap();
        for note in &answer.explanation.notes {
            let Note::Settles(settles) = note else { continue };
            let (days, fixing): (Point, Box<Fix>) = match &settles.fact {
                OpenFact::Event { name, days } => {
                    let id = program.event(name).unwrap();
                    (*days, Box::new(move |d, c| { c.fixed_events.insert(id, Point::exact(d)); }))
                }
                OpenFact::Bound { term, bound, days } => {
                    let id = program.terms().map(|(id, _)| id).find(|&id| program.term_name(id) == *term).unwrap();
                    let bound: Bound = *bound;
                    (*days, Box::new(move |d, c| { c.fixed_bounds.insert((id, bound), Point::exact(d)); }))
                }
                OpenFact::Amount { .. } | OpenFact::Rate { .. } => continue,
            };
            if days.hi == Day::NEVER {
                let found = verdict_with(&rule_set, &question, |c| fixing(Day::NEVER, c));
                prop_assert_eq!(settles.never, Some(found), "never\n{}\n{}", text, question);
            }
            let (lo, hi) = (days.lo.0.max(FIRST), days.hi.0.min(LAST));
            for d in lo..=hi {
                let day = Day(d);
                let listed = if settles.yes.iter().any(|i| i.contains(day)) {
                    Verdict::Yes
                } else if settles.no.iter().any(|i| i.contains(day)) {
                    Verdict::No
                } else {
                    Verdict::Unknown
                };
                let found = verdict_with(&rule_set, &question, |c| fixing(day, c));
                prop_assert_eq!(listed, found, "{} fixed on {}\n{}\n{}\n{:?}", dealcheck::eval::settle::fact_name(&settles.fact), day, text, question, settles);
            }
        }
    }
}
