//! Snapshot-testing rule outcomes with insta, exactly as a user of the library would.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use dealcheck::eval::explain::Note;
use dealcheck::{Options, RuleSet, Verdict};

#[test]
fn seed_outcomes_as_a_user_snapshots_them() {
    let rules = RuleSet::load("rules/seed");
    assert!(!rules.has_errors());
    let report = rules.check(&Options::default());
    let outcomes: Vec<(String, Vec<(String, Verdict)>)> = report
        .rules
        .iter()
        .map(|r| {
            (
                r.name.clone(),
                r.checks
                    .iter()
                    .map(|c| (c.question.to_string(), c.answer))
                    .collect(),
            )
        })
        .collect();
    insta::assert_json_snapshot!(outcomes);
}

#[test]
fn ask_answers_the_seed_question() {
    let rules = RuleSet::load("rules/seed");
    let answer = rules
        .ask(
            "can Amazon host OpenAI.frontier_models via developer_cloud before 2030",
            &Options::default(),
        )
        .unwrap();
    assert_eq!(answer.verdict, Verdict::No);
    assert!(answer
        .explanation
        .terms
        .iter()
        .any(|t| t.term == "microsoft_openai.ip"
            && t.effect == dealcheck::eval::explain::Effect::Blocks));
    insta::assert_json_snapshot!(answer);
}

#[test]
fn options_change_answers() {
    let rules = RuleSet::load("rules/seed");
    let q = "invested(Amazon, OpenAI) >= 10B USD";
    assert_eq!(
        rules.ask(q, &Options::default()).unwrap().verdict,
        Verdict::No
    );
    let assume = Options {
        assume: vec!["amazon_talks".into()],
        ..Options::default()
    };
    assert_eq!(rules.ask(q, &assume).unwrap().verdict, Verdict::Yes);
    let earlier = Options {
        as_of: dealcheck::parse_date("2025-10-01"),
        ..Options::default()
    };
    // Before the lease was dated, it is not yet in force.
    let lease = "active(aws_lease) in 2026";
    assert_eq!(
        rules.ask(lease, &Options::default()).unwrap().verdict,
        Verdict::Yes
    );
    assert_eq!(rules.ask(lease, &earlier).unwrap().verdict, Verdict::No);
}

#[test]
fn bad_questions_are_errors_not_panics() {
    let rules = RuleSet::load("rules/seed");
    for q in [
        "",
        "can",
        "can Amazn host OpenAI.frontier_models",
        "invested(Amazon, OpenAI) > 2030",
        &"(".repeat(100_000),
    ] {
        let err = rules.ask(q, &Options::default()).unwrap_err();
        assert!(!err.diagnostics.is_empty(), "{q:?}");
    }
}

#[test]
fn rule_sets_are_send_and_sync() {
    fn shareable<T: Send + Sync>() {}
    shareable::<RuleSet>();
    shareable::<dealcheck::Report>();
}

#[test]
fn a_time_with_no_day_is_said_plainly() {
    // The seed's as-of date is 2025-12-17, so "before 2020" has no day at all.
    let rules = RuleSet::load("rules/seed");
    let ask = |q: &str| rules.ask(q, &Options::default()).unwrap();
    let some_day = ask("can Amazon host OpenAI.frontier_models before 2020");
    assert_eq!(some_day.verdict, Verdict::No);
    assert!(
        some_day
            .explanation
            .summary
            .to_string()
            .contains("has no day"),
        "{}",
        some_day.explanation.summary
    );
    let every_day = ask("can Amazon always host OpenAI.frontier_models before 2020");
    assert_eq!(every_day.verdict, Verdict::Yes);
    assert!(every_day
        .explanation
        .summary
        .to_string()
        .contains("there is none"));
    let active = ask("active(microsoft_openai) between 2030 and 2029");
    assert_eq!(active.verdict, Verdict::No);
    assert!(active
        .explanation
        .summary
        .to_string()
        .contains("has no day"));
}

#[test]
fn a_no_says_which_rights_lie_on_other_days() {
    let mut text =
        String::from("as of 2025-01-01\nparty P\nparty Q\nparty O\naction show\nasset O.film\n");
    for year in 2030..2038 {
        text.push_str(&format!(
            "deal d{year} {{\n  licence: grant P may show O.film during {year}\n}}\n"
        ));
    }
    let rules = RuleSet::from_sources([("rights.deal", text)]);
    let ask = |q: &str| rules.ask(q, &Options::default()).unwrap();

    let between = ask("can P show O.film in 2028");
    assert_eq!(between.verdict, Verdict::No);
    let notes = &between.explanation.notes;
    assert_eq!(notes.len(), 6, "{notes:#?}");
    assert_eq!(
        notes[0].to_string(),
        "`d2030.licence` permits P only on 2030-01-01 .. 2030-12-31, none of them in the question's time"
    );
    assert_eq!(notes[5], Note::MoreRightsElsewhere(3));
    assert_eq!(notes[5].to_string(), "… and 3 more rights on other days");

    let stranger = ask("can Q show O.film in 2031");
    assert_eq!(stranger.verdict, Verdict::No);
    let notes: Vec<String> = stranger
        .explanation
        .notes
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        notes,
        vec!["no term in force lets Q show O.film".to_string()]
    );

    let owner = ask("can O show O.film in 2031");
    assert_eq!(owner.verdict, Verdict::Yes);
}

#[test]
fn a_roundtrip_lists_the_flows_in_and_back() {
    let mut text = String::from("as of 2025-01-01\nparty I\nparty E\ndeal stake {\n  invest 30M USD from I in E on 2024\n}\n");
    for n in 0..25 {
        text.push_str(&format!(
            "party M{n}\ndeal d{n} {{\n  out: pay 1M USD from E to M{n}\n  back: pay 1M USD from M{n} to I\n}}\n"
        ));
    }
    let rules = RuleSet::from_sources([("circle.deal", text)]);
    let answer = rules
        .ask("roundtrip(I, E) > 80%", &Options::default())
        .unwrap();
    let e = &answer.explanation;
    // 25M of the 30M can come back: 83.33%.
    assert_eq!(answer.verdict, Verdict::Yes, "{}", e.summary);
    let counts: Vec<_> = e
        .terms
        .iter()
        .filter(|t| t.effect == dealcheck::eval::explain::Effect::Counts)
        .collect();
    let returns = e
        .terms
        .iter()
        .filter(|t| t.effect == dealcheck::eval::explain::Effect::Returns)
        .count();
    assert_eq!(counts.len(), 1);
    assert_eq!(counts[0].term, "stake#1");
    assert_eq!(returns, 20);
    assert_eq!(e.notes.last(), Some(&Note::MoreFlowsBack(30)));
    // How it comes back: the first five paths, and the steps that limit it, counted past five.
    let how = &e.notes[..e.notes.len() - 1];
    assert_eq!(how.len(), 2, "{how:?}");
    let Note::ComesBack { paths, .. } = &how[0] else {
        panic!("{how:?}")
    };
    assert_eq!(paths.len(), 5);
    assert!(paths.iter().all(
        |(path, carried)| path.last().map(|p| p.as_str()) == Some("I")
            && *carried == rust_decimal::Decimal::from(1_000_000)
    ));
    assert!(matches!(&how[1], Note::Limits { steps, more: 20, .. } if steps.len() == 5));
    let words = how[1].to_string();
    assert!(words.starts_with("what limits it: "), "{words}");
    assert!(words.ends_with(" and 20 more steps"), "{words}");
}

#[test]
fn rules_that_assume_the_same_things_answer_as_they_would_alone() {
    // Rules with the same assumptions share one world; interleaved with other scenarios and with
    // rules that assume nothing, each must still answer exactly as it does in a rule set of its own.
    let deals = "as of 2025-12-17
party A
party B
party C
asset B.model
action host
event launch expected 2027
deal talks {
  between A, B
  status proposed
  invest 10B USD from A in B
  grant A may host B.model from launch
}
deal other {
  between B, C
  status reported
  pay 4B USD from B to A
  exclusive C may host B.model until 2030
}
";
    let rules = [
        "rule r1 {\n  assuming talks\n  ask roundtrip(A, B) == 0%\n  expect yes\n}",
        "rule r2 {\n  assuming other\n  ask can A host B.model in 2028\n  expect no\n}",
        "rule r3 {\n  ask invested(A, B) > 0 USD\n  expect no\n}",
        "rule r4 {\n  assuming talks\n  assuming launch on 2026-06-01\n  ask can A host B.model in 2026-07\n  expect yes\n}",
        "rule r5 {\n  assuming talks\n  ask can A host B.model in 2026-07\n  expect no\n}",
        "rule r6 {\n  assuming other\n  assuming talks\n  ask roundtrip(A, B) == 40%\n  expect yes\n}",
        "rule r7 {\n  assuming talks\n  ask can A host B.model in 2028\n  expect yes\n}",
    ];
    let all = format!("{deals}{}\n", rules.join("\n"));
    let together = RuleSet::from_sources([("all.deal", all.as_str())]).check(&Options::default());
    for (i, rule) in rules.iter().enumerate() {
        let alone = format!("{deals}{rule}\n");
        let alone =
            RuleSet::from_sources([("all.deal", alone.as_str())]).check(&Options::default());
        let (mut t, a) = (together.rules[i].clone(), alone.rules[0].clone());
        t.line = a.line; // the rule stands on another line of the file
        for (tc, ac) in t.checks.iter_mut().zip(&a.checks) {
            tc.line = ac.line;
        }
        assert_eq!(t, a, "rule {} answers differently among the others", i + 1);
        assert!(t.passed, "rule {}: {:?}", i + 1, t.checks);
    }
}

#[test]
fn a_deal_left_out_says_why() {
    let rules = RuleSet::from_sources([(
        "t.deal",
        "as of 2025-12-17\nparty A\nparty O\nasset O.m\naction host\n\
         deal later {\n  between A, O\n  dated 2026-02-01\n  grant A may host O.m\n}\n\
         deal talks {\n  between A, O\n  status proposed\n  grant A may host O.m\n}\n",
    )]);
    let notes = |q: &str| {
        rules
            .ask(q, &Options::default())
            .unwrap()
            .explanation
            .notes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(
        notes("active(later) in 2026").contains(
            "deal `later` (signed) is not yet in force: it is dated 2026-02-01, after the as-of date 2025-12-17"
        ),
        "{}",
        notes("active(later) in 2026")
    );
    assert!(notes("can A host O.m").contains(
        "deal `talks` (proposed) is not in force: proposed deals count only when assumed"
    ));
}

/// Diagnostics draw from the text that was loaded: a file changed on disk afterwards changes
/// nothing that is shown, and questions are still refused with the errors that stop them.
#[test]
fn diagnostics_draw_from_the_text_that_was_loaded() {
    use dealcheck::report::{render_diagnostic, RenderOptions};
    let dir = std::env::temp_dir().join(format!("dealcheck-changed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("deals.deal");
    let text = "as of 2025-12-17\nparty A\nasset A.m\naction host\n\
                deal d {\n  grant Z may host A.m\n}\n\
                rule r \"Quoted\" { ask can A host A.m expect yes }\n";
    std::fs::write(&path, text).unwrap();
    let rules = RuleSet::load(&path);
    std::fs::write(&path, "// rewritten\n").unwrap();
    let unknown = rules
        .diagnostics()
        .iter()
        .find(|d| d.message.contains('Z'))
        .expect("an unknown-name diagnostic");
    let drawn = render_diagnostic(unknown, rules.sources(), RenderOptions::default());
    assert!(drawn.contains("deals.deal:6:9"), "{drawn}");
    assert!(drawn.contains("grant Z may host A.m"), "{drawn}");
    // A rule set with errors answers no question, and says which errors stop it.
    let refused = rules
        .ask("can A host A.m", &Options::default())
        .unwrap_err();
    assert!(
        refused.to_string().contains("unknown party `Z`"),
        "{refused}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn asking_a_rule_set_that_did_not_load_says_so_not_blames_the_question() {
    let rules = RuleSet::load("no/such/rules");
    assert!(rules.has_errors());
    let error = rules
        .ask("can Sky host X", &Options::default())
        .expect_err("a rule set with errors answers nothing");
    let said = error.to_string();
    assert!(said.starts_with("no question answered"), "{said}");
    assert!(said.contains("cannot read `no/such/rules`"), "{said}");
    assert!(!said.contains("unknown party"), "{said}");
}

#[test]
fn an_ask_error_keeps_its_did_you_mean() {
    let rules = RuleSet::load("rules/seed");
    let error = rules
        .ask("can Amazn host OpenAI.frontier_models", &Options::default())
        .expect_err("a misspelt party");
    let said = error.to_string();
    assert!(said.starts_with("invalid question"), "{said}");
    assert!(said.contains("did you mean `Amazon`?"), "{said}");
}

/// The checked program is resolved: every name in a term is an id, and the id leads to the
/// declaration (where go-to-definition would go).
#[test]
fn a_resolved_term_names_its_declarations_by_id() {
    use dealcheck::ast::{Phase, TermKind};
    use dealcheck::check::{Resolved, Symbol};
    fn _resolved_names_are_refs(r: <Resolved as Phase>::Party) -> dealcheck::check::Ref {
        r
    }
    let rules = RuleSet::load("rules/seed");
    let program = rules.program();
    let mut seen = 0;
    for (_, term) in program.terms() {
        if let TermKind::Right { action, asset, .. } = &term.kind {
            let declared = program
                .declaration(Symbol::Action(action.id()))
                .expect("an action declaration");
            // The use and the declaration spell the same name.
            assert_eq!(
                rules.sources().slice(declared),
                rules.sources().slice(action.span)
            );
            let owner = program.owner_of(asset.id());
            assert!(program.declaration(Symbol::Party(owner)).is_some());
            seen += 1;
        }
    }
    assert!(seen > 0, "the seed has licences");
}

#[test]
fn an_assumed_day_outside_a_terms_range_is_an_error_and_fails_the_rule() {
    let rules = RuleSet::from_sources([(
        "outside.deal",
        "as of 2025-01-01\nparty Owner\nparty Licensee\nasset Owner.rights\naction broadcast\n\
         deal licence {\n  tv: grant Licensee may broadcast Owner.rights from 2025 until sometime in 2030s\n}\n\
         rule outside_its_range {\n  assuming end(licence.tv) on 2045-01-01\n  ask can Licensee broadcast Owner.rights in 2044\n}\n\
         rule inside_its_range {\n  assuming end(licence.tv) on 2035-06-30\n  ask can Licensee always broadcast Owner.rights in 2035-H1 expect yes\n}\n",
    )]);
    assert!(!rules.has_errors());
    let report = rules.check(&Options::default());
    let error = report
        .diagnostics
        .iter()
        .find(|d| d.code == "type")
        .unwrap();
    assert!(
        error.message.contains("cannot be 2045-01-01"),
        "{}",
        error.message
    );
    assert_eq!(error.line, Some(10));
    assert!(!report.rules[0].passed);
    assert!(report.rules[1].passed);
    assert_eq!(report.exit_code(), 1);
}
