//! Any bytes cut into up to four files: a multi-file rule set checked end to end (rules, built-in
//! checks, rendering), never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files: Vec<(String, String)> = data
        .split(|&b| b == 0xFF)
        .take(4)
        .enumerate()
        .map(|(i, part)| {
            (
                format!("f{i}.deal"),
                String::from_utf8_lossy(part).into_owned(),
            )
        })
        .collect();
    let rules = dealcheck::RuleSet::from_sources(files);
    let report = rules.check(&dealcheck::Options {
        as_of: dealcheck::parse_date("2025-12-17"),
        assume: Vec::new(),
    });
    for d in &report.raw_diagnostics {
        let _ = dealcheck::report::render_diagnostic(d, rules.sources(), Default::default());
    }
    let _ = report.render_text();
});
