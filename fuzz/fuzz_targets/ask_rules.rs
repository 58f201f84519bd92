//! Random questions against the shipped `rules/` rule set.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static RULES: OnceLock<dealcheck::RuleSet> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let rules = RULES
        .get_or_init(|| dealcheck::RuleSet::load(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules")));
    let Ok(question) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(answer) = rules.ask(question, &dealcheck::Options::default()) {
        let _ = dealcheck::report::render_answer(&answer);
    }
});
