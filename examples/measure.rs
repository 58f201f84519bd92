//! One-shot measurements too big for criterion: `cargo run --release --example measure -- DEALS`.
//! Prints the time of each stage and the peak memory (Linux `VmHWM`), for docs/performance.md.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::time::Instant;

fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let deals: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let text = corpus::generate(deals, 1);
    if std::env::args().any(|a| a == "--memory") {
        // Load and check only, so the peak is what a user's run costs.
        let t = Instant::now();
        let rules = dealcheck::RuleSet::from_sources([("corpus.deal", text.as_str())]);
        let after_load = peak_memory_kib().unwrap_or(0);
        let report = rules.check(&dealcheck::Options::default());
        let elapsed = t.elapsed();
        println!(
            "peak after loading: {} MiB; after checking: {} MiB",
            after_load / 1024,
            peak_memory_kib().unwrap_or(0) / 1024
        );
        let peak = peak_memory_kib().unwrap_or(0);
        println!(
            "{deals} deals, {:.1} MB: load + check {:.2} s ({:.1} MB/s), {} rules; peak memory {} MiB = {:.2}× the input",
            text.len() as f64 / 1e6,
            elapsed.as_secs_f64(),
            text.len() as f64 / 1e6 / elapsed.as_secs_f64(),
            report.summary.rules,
            peak / 1024,
            peak as f64 * 1024.0 / text.len() as f64
        );
        return;
    }
    let mb = text.len() as f64 / 1e6;
    let before = peak_memory_kib().unwrap_or(0);
    println!(
        "corpus: {deals} deals, {mb:.1} MB (peak memory before loading: {} MiB)",
        before / 1024
    );

    let t = Instant::now();
    let lines = text.as_bytes().iter().filter(|&&b| b == b'\n').count();
    let byte_loop = t.elapsed();
    println!(
        "byte loop: {:.2} ms ({lines} lines, {:.0} MB/s)",
        byte_loop.as_secs_f64() * 1e3,
        mb / byte_loop.as_secs_f64()
    );

    let t = Instant::now();
    let ok = dealcheck::syntax::pest_only(&text);
    let pest = t.elapsed();
    println!(
        "pest alone: {:.1} ms ({:.1} MB/s, ok={ok})",
        pest.as_secs_f64() * 1e3,
        mb / pest.as_secs_f64()
    );

    let t = Instant::now();
    let (tree, _) = dealcheck::syntax::parse_file(dealcheck::source::FileId(0), &text);
    let parse = t.elapsed();
    println!(
        "parse + lower: {:.1} ms ({:.1} MB/s)",
        parse.as_secs_f64() * 1e3,
        mb / parse.as_secs_f64()
    );
    drop(tree);

    let t = Instant::now();
    let rules = dealcheck::RuleSet::from_sources([("corpus.deal", text.as_str())]);
    let load = t.elapsed();
    println!(
        "load (parse + lower + check): {:.1} ms ({:.1} MB/s, {} diagnostics)",
        load.as_secs_f64() * 1e3,
        mb / load.as_secs_f64(),
        rules.diagnostics().len()
    );

    let t = Instant::now();
    let report = rules.check(&dealcheck::Options::default());
    let check = t.elapsed();
    println!(
        "check (rules + built-in checks): {:.1} ms, {:?}",
        check.as_secs_f64() * 1e3,
        report.summary
    );
    println!(
        "load + check: {:.1} MB/s",
        mb / (load + check).as_secs_f64()
    );

    if let Some(peak) = peak_memory_kib() {
        let input = text.len() as f64 / 1024.0;
        println!(
            "peak memory: {} MiB = {:.2}× the input",
            peak / 1024,
            peak as f64 / input
        );
    }
}
