//! Writes a generated rule set: `cargo run --release --example corpus -- DEALS OUT.deal [SEED]`.

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let deals: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let out = args
        .get(2)
        .cloned()
        .unwrap_or_else(|| format!("corpus-{deals}.deal"));
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    let text = corpus::generate(deals, seed);
    if let Err(e) = std::fs::write(&out, &text) {
        eprintln!("cannot write {out}: {e}");
        std::process::exit(2);
    }
    println!("{out}: {deals} deals, {} bytes", text.len());
}
