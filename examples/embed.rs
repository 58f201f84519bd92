//! Embedding dealcheck: load a rule set once, check it, and ask it questions.
//!
//! Run with `cargo run --example embed`.

use dealcheck::{Options, RuleSet, Verdict};

fn main() {
    let rules = RuleSet::load("rules/seed");
    if rules.has_errors() {
        eprintln!(
            "the rule set is invalid: {} diagnostics",
            rules.diagnostics().len()
        );
        std::process::exit(2);
    }

    let options = Options::default();
    let report = rules.check(&options);
    println!("{}", dealcheck::report::summary_line(&report.summary));

    for question in [
        "can Amazon host OpenAI.frontier_models via developer_cloud before 2030",
        "can Microsoft always host OpenAI.frontier_models via developer_cloud in 2035",
    ] {
        match rules.ask(question, &options) {
            Ok(answer) => {
                println!(
                    "{question}\n  → {}: {}",
                    answer.verdict, answer.explanation.summary
                );
                if answer.verdict == Verdict::Unknown {
                    println!("  (the answer depends on a date the deals give only roughly)");
                }
            }
            Err(e) => eprintln!("{e}"),
        }
    }

    // What if the proposed Amazon deal were signed?
    let assumed = Options {
        assume: vec!["amazon_talks".to_string()],
        ..Options::default()
    };
    if let Ok(answer) = rules.ask("roundtrip(Amazon, OpenAI) == 100%", &assumed) {
        println!(
            "with the Amazon deal, all of Amazon's money can come back: {}",
            answer.verdict
        );
    }
}
