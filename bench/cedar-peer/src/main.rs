//! dealcheck against Cedar, side by side in one run: the same exclusive licences as a deal rule
//! set and as Cedar policies, loaded and asked the same questions. Prints medians and ratios.
//!
//! Each exclusive licence `exclusive hI may host Owner.aI` is, in Cedar, a permit for its holder
//! and a forbid for everyone else: N deals ↔ 2N policies.

use cedar_policy::{
    Authorizer, Context, Entities, EntityUid, PolicySet, Request, Schema, ValidationMode, Validator,
};
use dealcheck::{Options, RuleSet};
use std::hint::black_box;
use std::str::FromStr;
use std::time::Instant;

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

/// Median seconds of `runs` runs of `f`.
fn time(runs: usize, mut f: impl FnMut(usize)) -> f64 {
    let mut samples = Vec::with_capacity(runs);
    for i in 0..runs {
        let t = Instant::now();
        f(i);
        samples.push(t.elapsed().as_secs_f64());
    }
    median(samples)
}

fn cedar_policies(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        out.push_str(&format!(
            "permit(principal == Party::\"h{i}\", action == Action::\"host\", resource == Asset::\"a{i}\");\n\
             forbid(principal, action == Action::\"host\", resource == Asset::\"a{i}\") unless {{ principal == Party::\"h{i}\" }};\n"
        ));
    }
    out
}

fn deal_rules(n: usize) -> String {
    let mut out = String::from("as of 2025-12-17\nparty Owner\nparty x\naction host\n");
    for i in 0..n {
        out.push_str(&format!("party h{i}\nasset Owner.a{i}\ndeal d{i} {{ between Owner, h{i}  exclusive h{i} may host Owner.a{i} }}\n"));
    }
    out
}

const SCHEMA: &str =
    "entity Party; entity Asset; action host appliesTo { principal: Party, resource: Asset };";

fn main() {
    let schema = Schema::from_cedarschema_str(SCHEMA).expect("schema").0;
    println!("| deals | Cedar policies | Cedar load (parse+validate) | dealcheck load | load ratio | Cedar is_authorized | dealcheck ask (point) | dealcheck ask (before 2030) | ask ratio | range ÷ point |");
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut ask_at = Vec::new();
    for n in [1_000usize, 10_000] {
        let policies = cedar_policies(n);
        let rules_text = deal_rules(n);
        let runs = if n > 1_000 { 5 } else { 15 };

        let cedar_load = time(runs, |_| {
            let set = PolicySet::from_str(&policies).expect("policies parse");
            let result = Validator::new(schema.clone()).validate(&set, ValidationMode::Strict);
            assert!(result.validation_passed());
            black_box(set);
        });
        let deal_load = time(runs, |_| {
            let rules = RuleSet::from_sources([("peer.deal", rules_text.as_str())]);
            assert!(!rules.has_errors());
            black_box(rules);
        });

        let set = PolicySet::from_str(&policies).expect("policies parse");
        let authorizer = Authorizer::new();
        let entities = Entities::empty();
        let requests: Vec<Request> = (0..64)
            .map(|k| {
                let uid = |s: &str| EntityUid::from_str(s).expect("uid");
                Request::new(
                    uid("Party::\"x\""),
                    uid("Action::\"host\""),
                    uid(&format!("Asset::\"a{}\"", k * 7 % n)),
                    Context::empty(),
                    None,
                )
                .expect("request")
            })
            .collect();
        let cedar_ask = time(2_000, |i| {
            black_box(authorizer.is_authorized(&requests[i % requests.len()], &set, &entities));
        });

        let rules = RuleSet::from_sources([("peer.deal", rules_text.as_str())]);
        let options = Options::default();
        let points: Vec<String> = (0..64)
            .map(|k| format!("can x host Owner.a{}", k * 7 % n))
            .collect();
        let ranges: Vec<String> = (0..64)
            .map(|k| format!("can x host Owner.a{} before 2030", k * 7 % n))
            .collect();
        for i in 0..500 {
            black_box(
                rules
                    .ask(&points[i % points.len()], &options)
                    .expect("answer"),
            );
            black_box(
                rules
                    .ask(&ranges[i % ranges.len()], &options)
                    .expect("answer"),
            );
            black_box(authorizer.is_authorized(&requests[i % requests.len()], &set, &entities));
        }
        let point = time(2_000, |i| {
            let answer = rules
                .ask(&points[i % points.len()], &options)
                .expect("answer");
            assert_eq!(answer.verdict, dealcheck::Verdict::No);
        });
        let range = time(2_000, |i| {
            black_box(
                rules
                    .ask(&ranges[i % ranges.len()], &options)
                    .expect("answer"),
            );
        });
        ask_at.push(point);
        println!(
            "| {n} | {} | {:.2} ms | {:.2} ms | {:.3} | {:.1} µs | {:.1} µs | {:.1} µs | {:.4} | {:.2} |",
            2 * n,
            cedar_load * 1e3,
            deal_load * 1e3,
            deal_load / cedar_load,
            cedar_ask * 1e6,
            point * 1e6,
            range * 1e6,
            point / cedar_ask,
            range / point
        );
    }
    if let [a, b] = ask_at[..] {
        println!("\nask latency growth 1,000 → 10,000 deals: {:.2}×", b / a);
    }

    // Parse throughput: Cedar policy text, a realistic deal corpus, and a plain byte loop.
    let policies = cedar_policies(20_000);
    let cedar_parse = time(3, |_| {
        black_box(PolicySet::from_str(&policies).expect("parse"));
    });
    let corpus = deal_rules(100_000);
    let byte_loop = time(20, |_| {
        black_box(
            black_box(corpus.as_bytes())
                .iter()
                .filter(|&&b| b == b'\n')
                .count(),
        );
    });
    let deal_parse = time(3, |_| {
        black_box(RuleSet::from_sources([("peer.deal", corpus.as_str())]));
    });
    let mbps = |bytes: usize, secs: f64| bytes as f64 / 1e6 / secs;
    println!("\nparse throughput: Cedar {:.1} MB/s ({} KB of policies); dealcheck load {:.1} MB/s and byte loop {:.0} MB/s ({:.1} MB) → dealcheck ÷ byte loop = 1/{:.0}",
        mbps(policies.len(), cedar_parse),
        policies.len() / 1000,
        mbps(corpus.len(), deal_parse),
        mbps(corpus.len(), byte_loop),
        corpus.len() as f64 / 1e6,
        deal_parse / byte_loop);
}
