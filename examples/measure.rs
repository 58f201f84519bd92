//! One-shot measurements too big for criterion: `cargo run --release --example measure -- DEALS`.
//! Prints the time of each stage and the peak memory (Linux `VmHWM`), for docs/performance.md.

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts live heap bytes, so the memory run can say which stage holds what.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let live = LIVE.fetch_add(new_size, Ordering::Relaxed) + new_size;
        PEAK.fetch_max(live, Ordering::Relaxed);
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Live and peak heap MiB since the last call (the peak is reset to the live figure).
fn heap(stage: &str) {
    let live = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.swap(live, Ordering::Relaxed);
    eprintln!(
        "  heap {stage}: live {} MiB, peak during the stage {} MiB",
        live >> 20,
        peak >> 20
    );
}

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
        // As a user runs it: the rule set is a file on disk, read by `RuleSet::load`, so the
        // peak is what `dealcheck corpus.deal` costs (the generated text is dropped first).
        let path = std::env::temp_dir().join(format!("dealcheck-measure-{deals}.deal"));
        if let Err(error) = std::fs::write(&path, &text) {
            eprintln!("cannot write {}: {error}", path.display());
            return;
        }
        let input_len = text.len();
        if std::env::args().any(|a| a == "--stages") {
            let (tree, _) = dealcheck::syntax::parse_file(dealcheck::source::FileId(0), &text);
            heap("parse + lower (the syntax tree, with the text)");
            drop(tree);
        }
        drop(text);
        heap("before loading");
        let t = Instant::now();
        let rules = dealcheck::RuleSet::load(&path);
        heap("load");
        let after_load = peak_memory_kib().unwrap_or(0);
        let report = rules.check(&dealcheck::Options::default());
        let elapsed = t.elapsed();
        heap("check");
        let rules_checked = report.summary.rules;
        if std::env::args().any(|a| a == "--stages") {
            drop(report);
            heap("after dropping the report");
        }
        let _ = std::fs::remove_file(&path);
        println!(
            "peak after loading: {} MiB; after checking: {} MiB",
            after_load / 1024,
            peak_memory_kib().unwrap_or(0) / 1024
        );
        let peak = peak_memory_kib().unwrap_or(0);
        println!(
            "{deals} deals, {:.1} MB: load + check {:.2} s ({:.1} MB/s), {} rules; peak memory {} MiB = {:.2}× the input",
            input_len as f64 / 1e6,
            elapsed.as_secs_f64(),
            input_len as f64 / 1e6 / elapsed.as_secs_f64(),
            rules_checked,
            peak / 1024,
            peak as f64 * 1024.0 / input_len as f64
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
