//! Criterion benchmarks (`cargo bench`): parse+check throughput, a full check, `ask` latency for
//! a point and a range question, the money-graph checks on a dense graph, and a plain byte loop
//! as the ceiling any parser could reach. Results and how to read them: docs/performance.md.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "support/corpus.rs"]
mod corpus;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use dealcheck::{Options, RuleSet};
use std::fmt::Write;
use std::time::Duration;

fn parse_and_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("load");
    group
        .measurement_time(Duration::from_secs(5))
        .sample_size(10);
    for deals in [10, 1_000, 10_000] {
        let text = corpus::generate(deals, 1);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(deals), &text, |b, text| {
            b.iter(|| RuleSet::from_sources([("corpus.deal", text.as_str())]))
        });
    }
    group.finish();
}

/// The floor for reading the same bytes: count lines, touching every byte once.
fn byte_loop(c: &mut Criterion) {
    let text = corpus::generate(20_000, 1);
    let mut group = c.benchmark_group("byte_loop");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("count_newlines", |b| {
        b.iter(|| {
            black_box(text.as_bytes())
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
        })
    });
    group.finish();
}

fn full_check(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group
        .measurement_time(Duration::from_secs(5))
        .sample_size(10);
    for deals in [1_000, 10_000] {
        let rules = RuleSet::from_sources([("corpus.deal", corpus::generate(deals, 1))]);
        assert!(!rules.has_errors());
        group.bench_with_input(BenchmarkId::from_parameter(deals), &rules, |b, rules| {
            b.iter(|| rules.check(&Options::default()))
        });
    }
    group.finish();
}

fn ask(c: &mut Criterion) {
    let mut group = c.benchmark_group("ask");
    for deals in [10, 1_000, 10_000] {
        let rules = RuleSet::from_sources([("corpus.deal", corpus::generate(deals, 1))]);
        assert!(!rules.has_errors());
        let options = Options::default();
        let points: Vec<String> = (0..64).map(|i| corpus::point_question(deals, i)).collect();
        let ranges: Vec<String> = (0..64).map(|i| corpus::range_question(deals, i)).collect();
        let mut i = 0;
        group.bench_with_input(BenchmarkId::new("point", deals), &rules, |b, rules| {
            b.iter(|| {
                i = (i + 1) % points.len();
                rules.ask(&points[i], &options).unwrap()
            })
        });
        group.bench_with_input(BenchmarkId::new("range", deals), &rules, |b, rules| {
            b.iter(|| {
                i = (i + 1) % ranges.len();
                rules.ask(&ranges[i], &options).unwrap()
            })
        });
        if deals < 1_000 {
            continue;
        }
        // Open questions over the same deeds: within 3x of a point `can` (issue 18).
        let whens: Vec<String> = (0..64).map(|i| corpus::when_question(deals, i)).collect();
        let whos: Vec<String> = (0..64).map(|i| corpus::who_question(deals, i)).collect();
        group.bench_with_input(BenchmarkId::new("when", deals), &rules, |b, rules| {
            b.iter(|| {
                i = (i + 1) % whens.len();
                rules.ask(&whens[i], &options).unwrap()
            })
        });
        group.bench_with_input(BenchmarkId::new("who", deals), &rules, |b, rules| {
            b.iter(|| {
                i = (i + 1) % whos.len();
                rules.ask(&whos[i], &options).unwrap()
            })
        });
    }
    group.finish();
}

/// Every party pays every other: the cycle listing must stop at its cap, quickly.
fn dense_money_graph(c: &mut Criterion) {
    let mut text = String::from("as of 2025-12-17\n");
    let n = 60;
    for p in 0..n {
        let _ = writeln!(text, "party p{p}");
    }
    for a in 0..n {
        let _ = writeln!(text, "deal d{a} {{");
        for b in 0..n {
            if a != b {
                let _ = writeln!(text, "  pay {}M USD from p{a} to p{b}", 1 + (a * b) % 97);
            }
        }
        text.push_str("}\n");
    }
    let rules = RuleSet::from_sources([("dense.deal", text)]);
    assert!(!rules.has_errors());
    let mut group = c.benchmark_group("money_graph");
    group
        .measurement_time(Duration::from_secs(5))
        .sample_size(10);
    group.bench_function("complete_60_parties", |b| {
        b.iter(|| rules.check(&Options::default()))
    });
    group.bench_function("roundtrip_complete_60", |b| {
        b.iter(|| {
            rules
                .ask("roundtrip(p0, p1) > 50%", &Options::default())
                .unwrap()
        })
    });
    group.finish();
}

/// A rule set of `n` items of one shape.
type Shape = fn(usize) -> String;

/// Hostile shapes that were quadratic (docs/robustness.md), at doubling sizes: the time per
/// item must stay flat as the count doubles. Checked as a user would, with a full report.
fn hostile_shapes(c: &mut Criterion) {
    let mut group = c.benchmark_group("hostile");
    group
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .sample_size(10);
    let shapes: [(&str, Shape); 3] = [
        ("parties_on_one_line", |n| {
            let mut text = String::from("as of 2025-12-17 ");
            for i in 0..n {
                let _ = write!(text, "party P{i} ");
            }
            text
        }),
        ("unknown_parties_among_actions", |n| {
            let mut text = String::from("as of 2025-12-17\naction host\nparty O\nasset O.m\n");
            for i in 0..n {
                let _ = writeln!(text, "action a{i}");
                let _ = writeln!(text, "rule r{i} {{ ask can U{i} host O.m }}");
            }
            text
        }),
        ("pay_lines_in_one_deal", |n| {
            let mut text = String::from("as of 2025-12-17\nparty A\nparty B\ndeal d {\n");
            for i in 0..n {
                let _ = writeln!(text, "  pay {}M USD from A to B on 2025-01-01", i + 1);
            }
            text.push_str("}\n");
            text
        }),
    ];
    for (name, shape) in shapes {
        for n in [10_000, 20_000, 40_000] {
            let text = shape(n);
            group.throughput(Throughput::Elements(n as u64));
            group.bench_with_input(BenchmarkId::new(name, n), &text, |b, text| {
                b.iter(|| {
                    let rules = RuleSet::from_sources([("hostile.deal", text.as_str())]);
                    black_box(rules.check(&Options::default()).summary)
                })
            });
        }
    }
    group.finish();
}

/// The whole timeline (every lane) of a 10,000-deal rule set, drawn as SVG: issue 19 asks
/// under a second.
fn timeline(c: &mut Criterion) {
    use dealcheck::eval::chart::ChartFilter;
    use dealcheck::eval::question::Evaluator;
    let mut group = c.benchmark_group("timeline");
    group.sample_size(10);
    let rules = RuleSet::from_sources([("corpus.deal", corpus::generate(10_000, 1))]);
    assert!(!rules.has_errors());
    let world = rules.world(&Options::default()).unwrap();
    let text = |_| String::new();
    group.bench_function("svg/10000", |b| {
        b.iter(|| {
            let evaluator = Evaluator::new(&world, rules.rights_index(), rules.sources(), &text);
            let chart = evaluator.chart(&ChartFilter::default());
            black_box(dealcheck::report::svg::to_svg(&chart))
        })
    });
    group.finish();
}

/// The corpus of about `bytes` cut into files of about 50 KB at deal boundaries (the first
/// holds the declarations), as `(path, text)`.
fn workspace_files(bytes: usize) -> Vec<(String, String)> {
    let deals = bytes / 470; // 1,000 deals ≈ 470 KB
    let text = corpus::generate(deals, 1);
    let mut files = Vec::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let cut = rest
            .get(50_000.min(rest.len())..)
            .and_then(|tail| tail.find("\ndeal ").map(|i| 50_000 + i + 1))
            .unwrap_or(rest.len());
        let (part, tail) = rest.split_at(cut);
        files.push((
            format!("/bench/part{:04}.deal", files.len()),
            part.to_string(),
        ));
        rest = tail;
    }
    files
}

/// `dealcheck lsp` on a workspace of 1 MB and 10 MB: an edit to one file until its diagnostics
/// are ready (that file parsed again, the rule set checked again), then hover and code lenses.
fn language_server(c: &mut Criterion) {
    use dealcheck::lsp::{Message, Notification, Request, Server};
    use serde_json::json;
    let mut group = c.benchmark_group("lsp");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for megabytes in [1usize, 10] {
        let files = workspace_files(megabytes * 1_000_000);
        let mut server = Server::new();
        let request = |id: i32, method: &str, params: serde_json::Value| {
            Message::Request(Request::new(id.into(), method.to_string(), params))
        };
        let notify = |method: &str, params: serde_json::Value| {
            Message::Notification(Notification::new(method.to_string(), params))
        };
        server.handle_message(request(0, "initialize", json!({ "capabilities": {} })));
        for (path, text) in &files {
            server.handle_message(notify(
                "textDocument/didOpen",
                json!({ "textDocument": { "uri": format!("file://{path}"), "languageId": "deal", "version": 1, "text": text } }),
            ));
        }
        let (path, text) = files.last().unwrap();
        let uri = format!("file://{path}");
        let edited = format!("{text}\n// edited\n");
        let mut flip = false;
        group.bench_function(BenchmarkId::new("edit_to_diagnostics", format!("{megabytes}MB")), |b| {
            b.iter(|| {
                flip = !flip;
                let text = if flip { &edited } else { text };
                let out = server.handle_message(notify(
                    "textDocument/didChange",
                    json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text }] }),
                ));
                assert!(out.iter().all(|m| matches!(m, Message::Notification(_))));
                black_box(out)
            })
        });
        // A rule's `ask` line and a party's name in the last file.
        let ask_line = text
            .lines()
            .position(|l| l.trim_start().starts_with("ask "))
            .unwrap_or(0);
        let at = |line: usize, character: usize| json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } });
        let party_line = text
            .lines()
            .position(|l| l.contains(" between "))
            .unwrap_or(0);
        group.bench_function(
            BenchmarkId::new("hover_party", format!("{megabytes}MB")),
            |b| {
                b.iter(|| {
                    black_box(server.handle_message(request(
                        1,
                        "textDocument/hover",
                        at(party_line, 12),
                    )))
                })
            },
        );
        group.bench_function(
            BenchmarkId::new("hover_check", format!("{megabytes}MB")),
            |b| {
                b.iter(|| {
                    black_box(server.handle_message(request(
                        1,
                        "textDocument/hover",
                        at(ask_line, 3),
                    )))
                })
            },
        );
        group.bench_function(
            BenchmarkId::new("code_lens", format!("{megabytes}MB")),
            |b| {
                b.iter(|| {
                    black_box(server.handle_message(request(
                        1,
                        "textDocument/codeLens",
                        json!({ "textDocument": { "uri": uri } }),
                    )))
                })
            },
        );
    }
    group.finish();
}

criterion_group!(
    benches,
    language_server,
    timeline,
    hostile_shapes,
    parse_and_check,
    byte_loop,
    full_check,
    ask,
    dense_money_graph
);
criterion_main!(benches);
