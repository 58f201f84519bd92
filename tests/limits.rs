//! Every documented limit (docs/limits.md) is enforced with a diagnostic, and adversarial shapes
//! stay bounded: capped reports, no blow-up. No timings here — speed lives in the benches.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dealcheck::diagnostic::codes;
use dealcheck::eval::explain::Note;
use dealcheck::limits::*;
use dealcheck::{Options, RuleSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The report's diagnostics with one code.
fn findings<'r>(
    report: &'r dealcheck::Report,
    code: &str,
) -> Vec<&'r dealcheck::report::DiagnosticRecord> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .collect()
}

fn codes_of(rules: &RuleSet) -> Vec<&'static str> {
    rules.diagnostics().iter().map(|d| d.code).collect()
}

#[test]
fn file_size_limit() {
    let dir = scratch("limit_file_size");
    std::fs::write(dir.join("ok.deal"), "party A\n").unwrap();
    let big = std::fs::File::create(dir.join("huge.deal")).unwrap();
    big.set_len(MAX_FILE_BYTES + 1).unwrap(); // sparse: no real disk use
    let rules = RuleSet::load(&dir);
    let d = rules
        .diagnostics()
        .iter()
        .find(|d| d.code == codes::TOO_LARGE)
        .expect("too-large");
    assert!(d.message.contains("huge.deal"));
    assert_eq!(
        rules.program().parties.len(),
        1,
        "the other file is still read"
    );
}

#[test]
fn file_count_limit() {
    let dir = scratch("limit_file_count");
    for i in 0..=MAX_FILES {
        std::fs::write(dir.join(format!("f{i:06}.deal")), "").unwrap();
    }
    let rules = RuleSet::load(&dir);
    assert!(rules
        .diagnostics()
        .iter()
        .any(|d| d.code == codes::TOO_LARGE && d.message.contains("files")));
}

#[test]
fn nesting_limit() {
    let ok = format!("{}yes{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
    let deep = format!(
        "{}yes{}",
        "(".repeat(MAX_NESTING + 1),
        ")".repeat(MAX_NESTING + 1)
    );
    let rules = RuleSet::from_sources([("a.deal", format!("rule r {{ ask {ok} }}"))]);
    assert!(!rules.has_errors());
    let rules = RuleSet::from_sources([("a.deal", format!("rule r {{ ask {deep} }}"))]);
    assert_eq!(codes_of(&rules), [codes::TOO_DEEP]);
    let err = rules.ask(&deep, &Options::default()).unwrap_err();
    assert_eq!(err.diagnostics[0].code, codes::TOO_DEEP);
}

#[test]
fn name_and_label_limits() {
    let long_name = "n".repeat(MAX_NAME_BYTES + 1);
    let rules = RuleSet::from_sources([("a.deal", format!("party {long_name}\n"))]);
    assert_eq!(codes_of(&rules), [codes::TOO_LARGE]);
    // A 5 MB label: refused with a diagnostic, quickly.
    let label = "x".repeat(5 * 1024 * 1024);
    let rules = RuleSet::from_sources([("a.deal", format!("party A \"{label}\"\nparty B\n"))]);
    assert_eq!(codes_of(&rules), [codes::TOO_LARGE]);
    assert_eq!(rules.program().parties.len(), 2);
}

#[test]
fn a_hundred_thousand_overlapping_exclusive_licences() {
    let n = 100_000;
    let mut text = String::from("as of 2026-01-01\nparty Owner\nasset Owner.song\naction play\n");
    for i in 0..n {
        let _ = writeln!(
            text,
            "party p{i}\ndeal d{i} {{ exclusive p{i} may play Owner.song from 2026 }}"
        );
    }
    let rules = RuleSet::from_sources([("many.deal", text)]);
    assert!(!rules.has_errors());
    let report = rules.check(&Options::default());
    let conflicts: Vec<_> = findings(&report, codes::EXCLUSIVE_CONFLICT);
    assert_eq!(
        conflicts.len(),
        MAX_CONFLICTS + 1,
        "capped, plus the count of the rest"
    );
    let rest = conflicts.last().unwrap();
    // Every pair collides: n(n-1)/2 pairs in all.
    let all = n * (n - 1) / 2;
    assert!(
        rest.message
            .contains(&format!("{} more", all - MAX_CONFLICTS)),
        "{}",
        rest.message
    );
}

#[test]
fn ineffective_grants_are_capped() {
    // Every grant is blocked by the one forbid: the listing stops at its cap and says so.
    let mut text = String::from("as of 2026-01-01\nparty Owner\nasset Owner.song\naction play\n");
    text.push_str("deal ban { forbid everyone play Owner.song }\n");
    for i in 0..MAX_INEFFECTIVE + 50 {
        let _ = writeln!(
            text,
            "party p{i}\ndeal d{i} {{ grant p{i} may play Owner.song }}"
        );
    }
    let rules = RuleSet::from_sources([("blocked.deal", text)]);
    let report = rules.check(&Options::default());
    let found: Vec<_> = findings(&report, codes::INEFFECTIVE_GRANT);
    assert_eq!(found.len(), MAX_INEFFECTIVE + 1);
    assert!(found
        .last()
        .unwrap()
        .message
        .contains("more ineffective grants"));
}

#[test]
fn ineffective_grant_comparisons_are_budgeted() {
    // 5,000 grants and 5,000 forbids on one asset, all in 2026, each forbid on another party:
    // 25 million pairs meet in time and none blocks, which is more than the budget.
    let n = 5_000;
    let mut text = String::from("as of 2026-01-01\nparty Owner\nasset Owner.song\naction play\n");
    for i in 0..n {
        let _ = writeln!(
            text,
            "party p{i}\ndeal d{i} {{ grant p{i} may play Owner.song during 2026\n forbid q{i} play Owner.song during 2026 }}\nparty q{i}"
        );
    }
    assert!(n * n > INEFFECTIVE_BUDGET);
    let rules = RuleSet::from_sources([("meet.deal", text)]);
    assert!(!rules.has_errors(), "{:?}", rules.diagnostics());
    let report = rules.check(&Options::default());
    let found: Vec<_> = findings(&report, codes::INEFFECTIVE_GRANT);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("stopped after"));
}

#[test]
fn roundtrip_on_a_large_money_graph_with_a_second_currency() {
    // 1,000 parties paying each other in USD, and an unrelated EUR circle: the currency check
    // and the max-flow look only at flows on a path back to the investor (this took minutes
    // when every EUR flow was searched for on its own).
    let n = 1_000;
    let mut text = String::from("as of 2026-01-01\n");
    for p in 0..n {
        let _ = writeln!(text, "party p{p}\nparty q{p}");
    }
    text.push_str("deal usd {\n  invest 5B USD from p0 in p1 on 2025\n");
    for k in 0..10 * n {
        let (a, b) = ((k * 7919) % n, (k * 104_729 + 1) % n);
        if a != b {
            let _ = writeln!(text, "  pay {}M USD from p{a} to p{b}", k % 97 + 1);
        }
    }
    text.push_str("}\ndeal eur {\n");
    for k in 0..n {
        let _ = writeln!(text, "  pay 1M EUR from q{k} to q{}", (k + 1) % n);
    }
    text.push_str("}\n");
    let rules = RuleSet::from_sources([("money.deal", text)]);
    assert!(!rules.has_errors(), "{:?}", rules.diagnostics());
    let answer = rules
        .ask("roundtrip(p0, p1) >= 0%", &Options::default())
        .unwrap();
    assert_eq!(answer.verdict, dealcheck::Verdict::Yes);
    assert!(
        answer.explanation.summary.to_string().contains('%'),
        "{}",
        answer.explanation.summary
    );
}

#[test]
fn many_terms_refer_to_the_end_of_one_large_deal() {
    // `end(big)` is the latest end of 5,000 terms; 5,000 other terms start from it. Its value is
    // worked out once per world, not once per term that refers to it.
    let n = 5_000;
    let mut text = String::from("as of 2025-12-17\nparty A\nparty B\naction host\nasset B.m\n");
    text.push_str("deal big {\n");
    for i in 0..n {
        let _ = writeln!(
            text,
            "  grant A may host B.m from 2020-01-01 + {i} days for 1 year"
        );
    }
    text.push_str("}\ndeal later {\n");
    for i in 0..n {
        let _ = writeln!(
            text,
            "  grant A may host B.m from end(big) + {i} days for 1 day"
        );
    }
    text.push_str("}\n");
    let rules = RuleSet::from_sources([("ends.deal", text)]);
    assert!(!rules.has_errors(), "{:?}", rules.diagnostics());
    let report = rules.check(&Options::default());
    assert_eq!(report.summary.errors, 0);
    // big's last term runs 2033-09-08 .. 2034-09-07; `later` starts on that last day.
    let answer = rules
        .ask("start(later) == 2034-09-07", &Options::default())
        .unwrap();
    assert_eq!(
        answer.verdict,
        dealcheck::Verdict::Yes,
        "{}",
        answer.explanation.summary
    );
}

#[test]
fn a_long_chain_of_references_is_too_deep_not_a_stack_overflow() {
    // Each term starts after the next one ends, so working out the first needs the whole chain.
    let n = 3 * MAX_REFERENCE_DEPTH;
    let mut text =
        String::from("as of 2025-12-17\nparty A\nparty B\naction host\nasset B.m\ndeal d {\n");
    for i in 0..n - 1 {
        let _ = writeln!(
            text,
            "  t{i}: grant A may host B.m from end(d.t{}) + 1 day for 1 day",
            i + 1
        );
    }
    let _ = writeln!(
        text,
        "  t{}: grant A may host B.m from 2020-01-01 for 1 day\n}}",
        n - 1
    );
    let rules = RuleSet::from_sources([("chain.deal", text)]);
    assert!(!rules.has_errors(), "{:?}", rules.diagnostics());
    let report = rules.check(&Options::default());
    assert!(
        report.diagnostics.iter().any(|d| d.code == codes::TOO_DEEP),
        "{:?}",
        report.diagnostics
    );
    // An answer, unknown where the chain was cut, with a note saying why; compound questions
    // over all these terms stay linear.
    let answer = rules
        .ask(
            "can A host B.m in 2300 or can A host B.m in 2301",
            &Options::default(),
        )
        .unwrap();
    assert_eq!(answer.verdict, dealcheck::Verdict::Unknown);
    assert!(answer
        .explanation
        .notes
        .iter()
        .any(|n| matches!(n, Note::Diagnostic(d) if d.contains("deep"))));
}

#[test]
fn thousands_of_terminations_of_one_large_deal() {
    // 3,000 `terminate big` terms and 3,000 terms in `big`: the earliest termination of the deal
    // is worked out once, not once per term of it.
    let n = 3_000;
    let mut text =
        String::from("as of 2025-12-17\nparty A\nparty B\naction host\nasset B.m\ndeal big {\n");
    for i in 0..n {
        let _ = writeln!(
            text,
            "  grant A may host B.m from 2020-01-01 + {i} days for 20 years"
        );
    }
    text.push_str("}\ndeal amendments {\n");
    for i in 0..n {
        let _ = writeln!(text, "  terminate big on 2030-01-01 + {i} days");
    }
    text.push_str("}\n");
    let rules = RuleSet::from_sources([("ends.deal", text)]);
    assert!(!rules.has_errors(), "{:?}", rules.diagnostics());
    let ask = |q: &str| rules.ask(q, &Options::default()).unwrap().verdict;
    assert_eq!(
        ask("can A always host B.m in 2029"),
        dealcheck::Verdict::Yes
    );
    assert_eq!(ask("can A host B.m in 2030"), dealcheck::Verdict::No);
}

#[test]
fn a_sum_over_thousands_of_flows_lists_each_once() {
    // 20,000 investments from I in E: the explanation counts each term once, deduplicated in
    // linear time (a pairwise check took 4.9 s here; now the whole check takes a fraction), and
    // lists the first of them.
    let n = 20_000;
    let mut text = String::from("as of 2025-01-01\nparty I\nparty E\ndeal d {\n");
    for i in 0..n {
        let _ = writeln!(text, "  f{i}: invest 1M USD from I in E on 2024");
    }
    text.push_str("}\n");
    let rules = RuleSet::from_sources([("sum.deal", text)]);
    assert!(!rules.has_errors(), "{:?}", rules.diagnostics());
    let options = Options::default();
    let sum = rules.ask("invested(I, E) == 20B USD", &options).unwrap();
    assert_eq!(sum.verdict, dealcheck::Verdict::Yes);
    let max = dealcheck::eval::explain::MAX_EXPLANATION_TERMS;
    let once = Note::MoreTerms(n - max);
    let share = rules.ask("roundtrip(I, E) == 0%", &options).unwrap();
    assert_eq!(share.verdict, dealcheck::Verdict::Yes);
    for answer in [&sum, &share] {
        assert_eq!(answer.explanation.terms.len(), max);
        assert!(answer.explanation.notes.contains(&once));
    }
}

#[test]
fn did_you_mean_is_budgeted() {
    // 3,000 parties and 3,000 misspelt uses: comparing each with every party would take
    // 9 million comparisons, more than the budget, so the last ones get a plain help.
    let n = 3_000;
    let mut text = String::from("as of 2025-12-17\n");
    for i in 0..n {
        let _ = writeln!(text, "party p{i}\ndeal d{i} {{ between x{i}, p{i} }}");
    }
    assert!(n * n > SUGGESTION_BUDGET);
    let rules = RuleSet::from_sources([("typos.deal", text)]);
    let unknown: Vec<_> = rules
        .diagnostics()
        .iter()
        .filter(|d| d.code == codes::UNKNOWN_NAME)
        .collect();
    assert_eq!(unknown.len(), n);
    let helps: Vec<&str> = unknown.iter().filter_map(|d| d.help.as_deref()).collect();
    // `x100` is close to `p100` (short names like `x1` are not close enough to anything).
    let suggested = helps
        .iter()
        .filter(|h| h.starts_with("did you mean"))
        .count();
    assert!(suggested > 0, "no suggestion at all");
    assert!(
        suggested < n - 100,
        "{suggested} suggestions: the budget did not stop them"
    );
    assert!(helps.last().is_some_and(|h| h.starts_with("declare it")));
}

/// Hundreds of parallel flows on each step of a circle, each from its own proposed deal: the
/// cycle is drawn with a few flows a step and names a few of the deals that would close it
/// (this drew 22,000 lines a cycle, 182 MB for a 1 MB rule set).
#[test]
fn circular_flows_over_many_parallel_flows_draw_a_few_of_each_step() {
    let mut text = String::from("as of 2026-01-01\nparty A\nparty B\n");
    for i in 0..400 {
        let _ = writeln!(
            text,
            "deal there{i} {{ between A, B status proposed pay 1 USD from A to B }}\n\
             deal back{i} {{ between A, B status proposed pay 1 USD from B to A }}"
        );
    }
    let rules = RuleSet::from_sources([("parallel.deal", text)]);
    let report = rules.check(&Options::default());
    let cycles: Vec<_> = findings(&report, codes::CIRCULAR_FLOW);
    assert_eq!(cycles.len(), 1, "{cycles:?}");
    let cycle = cycles[0];
    assert!(
        cycle
            .message
            .contains("and 795 more deals came into force: A → B → A"),
        "{}",
        cycle.message
    );
    assert!(
        cycle.message.contains("(bottleneck 400 USD)"),
        "{}",
        cycle.message
    );
    assert_eq!(cycle.related.len(), 2 * MAX_CYCLE_FLOWS_PER_STEP - 1);
    let help = cycle.help.as_deref().unwrap_or("");
    assert!(
        help.contains("794 more flows on this circle are not drawn"),
        "{help}"
    );
    let drawn: String = report
        .raw_diagnostics
        .iter()
        .map(|d| dealcheck::report::render_diagnostic(d, rules.sources(), Default::default()))
        .collect();
    assert!(drawn.lines().count() < 60, "{drawn}");
}

#[test]
fn complete_money_graph_of_sixty_parties() {
    let mut text = String::from("as of 2026-01-01\n");
    for p in 0..60 {
        let _ = writeln!(text, "party p{p}");
    }
    text.push_str("deal all {\n");
    for a in 0..60 {
        for b in 0..60 {
            if a != b {
                let _ = writeln!(text, "  pay 1M USD from p{a} to p{b}");
            }
        }
    }
    text.push_str("}\n");
    let rules = RuleSet::from_sources([("dense.deal", text)]);
    let report = rules.check(&Options::default());
    let cycles: Vec<_> = findings(&report, codes::CIRCULAR_FLOW);
    assert_eq!(cycles.len(), MAX_CYCLES + 1);
    assert!(cycles
        .last()
        .unwrap()
        .message
        .contains("more circular flows"));
    assert!(
        cycles[0].message.contains("p0 → p1 → p0"),
        "shortest first: {}",
        cycles[0].message
    );
}

#[test]
fn a_million_parties() {
    let mut text = String::with_capacity(16 * 1_000_000);
    for i in 0..1_000_000 {
        let _ = writeln!(text, "party p{i}");
    }
    text.push_str("action x\nasset p999999.a\nrule r { ask can p0 x p999999.a\n expect no }\n");
    let rules = RuleSet::from_sources([("parties.deal", text)]);
    assert!(!rules.has_errors());
    assert_eq!(rules.program().parties.len(), 1_000_000);
    let report = rules.check(&Options {
        as_of: dealcheck::parse_date("2026-01-01"),
        assume: vec![],
    });
    assert_eq!(report.summary.failed, 0);
}

#[test]
fn a_group_of_a_hundred_thousand_units_and_a_deep_chain() {
    let mut text = String::from("as of 2026-01-01\nparty G\naction x\nasset G.a\n");
    for i in 0..100_000 {
        let _ = writeln!(text, "party u{i} part of G");
    }
    text.push_str("party c0\n");
    for i in 1..10_000 {
        let _ = writeln!(text, "party c{i} part of c{}", i - 1);
    }
    text.push_str("deal d { grant u99999 may x G.a\n  grant c9999 may x G.a }\n");
    let rules = RuleSet::from_sources([("groups.deal", text)]);
    assert!(!rules.has_errors(), "{:?}", rules.diagnostics().first());
    let options = Options::default();
    assert_eq!(
        rules.ask("can G x G.a", &options).unwrap().verdict,
        dealcheck::Verdict::Yes
    );
    assert_eq!(
        rules.ask("can c0 x G.a", &options).unwrap().verdict,
        dealcheck::Verdict::Yes,
        "through 10,000 levels"
    );
    assert_eq!(
        rules
            .program()
            .root(rules.program().party("c9999").unwrap()),
        rules.program().party("c0").unwrap()
    );
}

#[test]
fn an_empty_file_is_a_warning_and_the_rest_still_loads() {
    let rules = RuleSet::from_sources([
        ("empty.deal", "  // nothing here\n"),
        ("a.deal", "party A\n"),
    ]);
    assert!(!rules.has_errors());
    let d = &rules.diagnostics()[0];
    assert_eq!(
        (d.code, d.severity),
        (codes::EMPTY_FILE, dealcheck::Severity::Warning)
    );
    assert_eq!(rules.program().parties.len(), 1);
}

#[test]
fn cycles_of_window_references_are_capped_and_long_ones_summed_up() {
    // One cycle through 10,000 windows and 20,000 windows that each start at their own end: the
    // listing stops at its cap, and the long cycle names its first steps only.
    let mut text = String::from("as of 2025-12-17\nparty A\nparty B\naction host\nasset B.m\n");
    text.push_str("deal ring {\n  t0: grant A may host B.m from end(ring.t9999) for 1 day\n");
    for i in 1..10_000 {
        let _ = writeln!(
            text,
            "  t{i}: grant A may host B.m from end(ring.t{}) for 1 day",
            i - 1
        );
    }
    text.push_str("}\n");
    // 20,000 windows that each start at their own end: only self-loops, in one deal.
    text.push_str("deal own {\n");
    for i in 0..20_000 {
        let _ = writeln!(text, "  t{i}: grant A may host B.m from end(own.t{i})");
    }
    text.push_str("}\n");
    let rules = RuleSet::from_sources([("cycles.deal", text)]);
    assert!(!rules.has_errors(), "{:?}", rules.diagnostics());
    let report = rules.check(&Options::default());
    let found = findings(&report, codes::REFERENCE_CYCLE);
    assert_eq!(found.len(), MAX_REFERENCE_CYCLES + 1);
    assert!(
        found[0]
            .message
            .starts_with("the window of `ring.t0` depends on itself")
            && found[0].message.contains("… 9990 more …")
            && found[0].message.len() < 400,
        "{}",
        found[0].message
    );
    assert!(found[1].message.contains("`own.t0` → `own.t0`"));
    assert!(found.last().unwrap().message.contains("19901 more cycles"));
}

/// A rule set on one line: miette cannot draw an underline past column 65,535 (it panicked
/// there), so diagnostics on lines too long to draw name their place in words instead.
#[test]
fn diagnostics_on_lines_too_long_to_draw_name_their_place() {
    let mut line = String::from("party A party B asset A.m action host ");
    for i in 0..3_000 {
        let _ = write!(
            line,
            "deal d{i} {{ between A, B pay 5 USD from A to B pay 3 USD from B to A }} "
        );
    }
    line.push_str("deal x1 { between A, B exclusive A may host A.m } ");
    assert!(line.len() > 200_000);
    // A short second file: its own cycle is drawn; its licence collides with one on the long line.
    let short = "party C\ndeal y { between B, C\n  pay 1 USD from B to C\n  pay 1 USD from C to B\n  exclusive C may host A.m\n}\n";
    let render = |rules: &RuleSet, diagnostics: &[dealcheck::Diagnostic]| {
        diagnostics
            .iter()
            .map(|d| dealcheck::report::render_diagnostic(d, rules.sources(), Default::default()))
            .collect::<String>()
    };
    let rules = RuleSet::from_sources([("long.deal", line.as_str()), ("short.deal", short)]);
    let report = rules.check(&Options::default());
    let codes: Vec<&str> = report.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&codes::EXCLUSIVE_CONFLICT), "{codes:?}");
    assert!(codes.contains(&codes::CIRCULAR_FLOW), "{codes:?}");
    let text = render(&rules, &report.raw_diagnostics);
    assert!(
        text.contains("short.deal:3:"),
        "a short line is drawn: {text}"
    );
    assert!(text.contains("long.deal:1:"), "a long one is named: {text}");
    assert!(
        text.lines().all(|l| l.len() < MAX_SNIPPET_LINE_BYTES),
        "{text}"
    );

    // An unknown name, then a syntax error, far along one line.
    for (tail, found) in [
        ("deal z { between A, Q }", "unknown party `Q`"),
        ("deal w { between A B }", "expected `,`"),
    ] {
        let broken = format!("{line} {tail}");
        let rules = RuleSet::from_sources([("long.deal", broken.as_str())]);
        let text = render(&rules, rules.diagnostics());
        assert!(
            text.contains(found) && text.contains("long.deal:1:"),
            "{text}"
        );
        assert!(
            text.lines().all(|l| l.len() < MAX_SNIPPET_LINE_BYTES),
            "{text}"
        );
    }
}

/// 5,000 flows into one sum, 5,000 grants of one right: an answer lists the first terms that
/// bear on it and counts the rest (it listed every one, 5,000 lines an answer).
#[test]
fn explanations_list_the_first_terms_and_count_the_rest() {
    let mut text = String::from("as of 2026-01-01\nparty A\nparty B\nasset A.m\naction host\n");
    for i in 0..5_000 {
        let _ = writeln!(
            text,
            "deal d{i} {{ between A, B invest 1 USD from A in B grant B may host A.m }}"
        );
    }
    let rules = RuleSet::from_sources([("many.deal", text)]);
    // An `or` of many parts has a note a part: notes are capped too.
    let parts: Vec<String> = (0..300).map(|i| format!("active(d{i})")).collect();
    let either = rules.ask(&parts.join(" or "), &Options::default()).unwrap();
    let max_notes = dealcheck::eval::explain::MAX_EXPLANATION_NOTES;
    let notes = &either.explanation.notes;
    // The first notes, the count of the rest, then the count of the terms not listed.
    assert_eq!(notes.len(), max_notes + 2, "{notes:?}");
    assert_eq!(notes[max_notes], Note::MoreNotes(300 - max_notes));
    assert_eq!(
        notes[max_notes].to_string(),
        format!("… and {} more notes", 300 - max_notes)
    );
    for question in ["invested(A, B) == 5000 USD", "can B host A.m"] {
        let answer = rules.ask(question, &Options::default()).unwrap();
        assert_eq!(answer.verdict, dealcheck::Verdict::Yes, "{question}");
        let max = dealcheck::eval::explain::MAX_EXPLANATION_TERMS;
        assert_eq!(answer.explanation.terms.len(), max, "{question}");
        let note = Note::MoreTerms(5_000 - max);
        assert!(
            answer.explanation.notes.contains(&note),
            "{question}: {:?}",
            answer.explanation.notes
        );
    }
}

#[test]
fn unknown_names_among_many_other_names_spend_the_budget_walking() {
    // 3,000 actions and one party: each unknown party walks the actions too, so walking (not
    // only comparing) must count against the budget, or each would walk them all (100,000
    // unknown parties among 100,000 rule names, when rules shared the namespace, took 31 s).
    let n = 3_000;
    let mut text = String::from("as of 2025-12-17\naction host\nparty Unknown\nasset Unknown.m\n");
    for i in 0..n {
        let _ = writeln!(text, "action a{i}");
        let _ = writeln!(text, "rule r{i} {{ ask can Unknown{i} host Unknown.m }}");
    }
    assert!(n * n > SUGGESTION_BUDGET);
    let rules = RuleSet::from_sources([("unknown.deal", text)]);
    let helps: Vec<&str> = rules
        .diagnostics()
        .iter()
        .filter(|d| d.code == codes::UNKNOWN_NAME)
        .filter_map(|d| d.help.as_deref())
        .collect();
    assert_eq!(helps.len(), n, "every unknown name is reported");
    assert_eq!(helps.first(), Some(&"did you mean `Unknown`?"));
    assert!(helps.last().is_some_and(|h| h.starts_with("declare it")));
}

#[test]
fn repeated_diagnostics_are_capped_and_counted() {
    let n = 1_000;
    let mut text = String::from("as of 2025-12-17\nparty A\ndeal d {\n");
    for _ in 0..n {
        text.push_str("  status signed\n");
    }
    text.push_str("}\n");
    // A ring of parties: one diagnostic, whose message must not list them all.
    for i in 0..n {
        let _ = writeln!(text, "party P{i} part of P{}", (i + 1) % n);
    }
    let rules = RuleSet::from_sources([("repeated.deal", text)]);
    let report = rules.check(&Options::default());
    let duplicates = findings(&report, codes::DUPLICATE_NAME);
    assert_eq!(duplicates.len(), MAX_DIAGNOSTICS_PER_CODE + 1);
    let note = duplicates.last().unwrap();
    assert!(
        note.message.contains(&format!(
            "{} more `duplicate-name`",
            n - 1 - MAX_DIAGNOSTICS_PER_CODE
        )),
        "{}",
        note.message
    );
    assert_eq!(
        report.summary.errors,
        n - 1 + 1,
        "the summary counts them all"
    );
    let ring = findings(&report, codes::PART_OF_CYCLE);
    assert_eq!(ring.len(), 1);
    assert!(ring[0].message.len() < 200, "{}", ring[0].message);
    assert!(
        ring[0].message.contains("(990 more)"),
        "{}",
        ring[0].message
    );
}

#[test]
fn many_items_on_one_line_each_keep_their_own_doc() {
    let n = 20_000;
    let mut text = String::from("as of 2025-12-17\n/// the first\n");
    for i in 0..n {
        let _ = write!(text, "party P{i} ");
    }
    text.push_str("\n  /// indented\n  party Last\n");
    let rules = RuleSet::from_sources([("one_line.deal", text)]);
    assert!(!rules.has_errors(), "{:?}", rules.diagnostics().first());
    let parties = &rules.program().parties;
    assert_eq!(parties.len(), n + 1);
    assert_eq!(parties[0].doc.as_deref(), Some("the first"));
    assert!(parties[1..n].iter().all(|p| p.doc.is_none()));
    assert_eq!(parties[n].doc.as_deref(), Some("indented"));
}
