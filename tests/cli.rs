//! The real binary: exit codes, output shapes, and bad inputs of every kind.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn dealcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dealcheck"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A fresh directory under the target dir, emptied first.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn rules_check_cleanly_with_the_summary_line() {
    let o = dealcheck(&["rules/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let last = out.lines().last().unwrap();
    assert!(
        last.ends_with("passed, 0 failed; 0 errors, 0 warnings"),
        "{last}"
    );
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn check_is_the_default_and_rules_the_default_path() {
    let o = dealcheck(&[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&dealcheck(&["check", "rules"])));
}

#[test]
fn json_report_has_the_fixed_fields() {
    let o = dealcheck(&["check", "rules/seed", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rule = &v["rules"][0];
    for field in ["name", "file", "line", "checks"] {
        assert!(!rule[field].is_null(), "rules[0].{field}");
    }
    let check = &rule["checks"][0];
    for field in ["question", "answer", "expected", "passed", "explanation"] {
        assert!(check.get(field).is_some(), "checks[0].{field}");
    }
    assert!(["yes", "no", "unknown"].contains(&check["answer"].as_str().unwrap()));
    for field in ["rules", "passed", "failed", "errors", "warnings"] {
        assert!(v["summary"][field].is_u64(), "summary.{field}");
    }
    assert!(v["diagnostics"].is_array());
}

#[test]
fn many_files_one_bad_names_the_bad_file_and_checks_the_rest() {
    let dir = scratch("one_bad");
    std::fs::write(dir.join("a.deal"), "party A\naction host\nasset A.m\n").unwrap();
    std::fs::write(
        dir.join("b.deal"),
        "party B\ndeal d {\n  grant B may host A.m until 2025-02-30\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("c.deal"),
        "party C\ndeal e {\n  grant Cee may host A.m\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("d.deal"), b"party D \"\xff\"\n").unwrap();
    let o = dealcheck(&[dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let diags = v["diagnostics"].as_array().unwrap();
    let at = |code: &str| {
        diags
            .iter()
            .find(|d| d["code"] == code)
            .unwrap_or_else(|| panic!("no {code}: {diags:?}"))
    };
    assert!(at("invalid-date")["file"]
        .as_str()
        .unwrap()
        .ends_with("b.deal"));
    assert_eq!(at("invalid-date")["line"], 3);
    assert!(at("unknown-name")["file"]
        .as_str()
        .unwrap()
        .ends_with("c.deal"));
    assert!(at("encoding")["file"].as_str().unwrap().ends_with("d.deal"));
    assert_eq!(at("encoding")["line"], 1);
}

#[test]
fn text_diagnostics_name_file_and_line_without_colour() {
    let dir = scratch("text_diag");
    std::fs::write(dir.join("x.deal"), "party A\nparty A\n").unwrap();
    let o = dealcheck(&[dir.to_str().unwrap(), "--color", "never"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("x.deal:2:7"), "{err}");
    assert!(!err.contains('\u{1b}'), "colour escapes with --color never");
    assert!(stdout(&o).contains("1 errors,"));
}

#[test]
fn failing_expectation_exits_1() {
    let dir = scratch("failing");
    std::fs::write(
        dir.join("x.deal"),
        "as of 2025-01-01\nrule r {\n  ask yes\n  expect no\n}\n",
    )
    .unwrap();
    let o = dealcheck(&[dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("1 rules: 0 passed, 1 failed"));
}

#[test]
fn deep_nesting_is_a_diagnostic_not_a_crash() {
    let dir = scratch("deep");
    let q = format!("{}yes{}", "(".repeat(100_000), ")".repeat(100_000));
    std::fs::write(dir.join("deep.deal"), format!("rule r {{\n  ask {q}\n}}\n")).unwrap();
    std::fs::write(
        dir.join("nots.deal"),
        format!("rule s {{\n  ask {}yes\n}}\n", "not ".repeat(100_000)),
    )
    .unwrap();
    let o = dealcheck(&[dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "too-deep");
    assert_eq!(d["line"], 2);
    assert_eq!(
        v["diagnostics"].as_array().unwrap().len(),
        1,
        "the `not` chain is fine"
    );
}

#[test]
fn symlink_loops_are_reported() {
    let dir = scratch("loop");
    std::fs::write(dir.join("a.deal"), "party A\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("again")).unwrap();
    let o = dealcheck(&[dir.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["message"].as_str().unwrap().contains("loop")));
}

#[test]
fn missing_path_is_an_error() {
    let o = dealcheck(&["no/such/dir"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/dir"));
}

#[test]
fn ask_prints_the_verdict_first() {
    let o = dealcheck(&[
        "ask",
        "rules/seed",
        "can Amazon host OpenAI.frontier_models via developer_cloud before 2030",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert_eq!(out.lines().next(), Some("no"));
    assert!(out.contains("microsoft_openai.ip"));
    let o = dealcheck(&[
        "ask",
        "rules/seed",
        "can Microsoft always host OpenAI.frontier_models in 2035",
    ]);
    assert_eq!(stdout(&o).lines().next(), Some("unknown"));
}

#[test]
fn ask_json_has_question_verdict_explanation() {
    let q = "can Amazon host OpenAI.frontier_models via developer_cloud before 2030";
    let o = dealcheck(&["ask", "rules/seed", q, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["question"], q);
    assert_eq!(v["verdict"], "no");
    assert!(v["explanation"].is_object());
}

#[test]
fn ask_with_a_bad_question_exits_2() {
    let o = dealcheck(&["ask", "rules/seed", "can Amazn host OpenAI.frontier_models"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("did you mean `Amazon`?"),
        "{}",
        stderr(&o)
    );
    let o = dealcheck(&["ask", "rules/seed", "can Amazon host"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn as_of_and_assume_flags() {
    let q = "invested(Amazon, OpenAI) >= 10B USD";
    let o = dealcheck(&["ask", "rules/seed", q, "--assume", "amazon_talks"]);
    assert_eq!(stdout(&o).lines().next(), Some("yes"));
    let o = dealcheck(&[
        "ask",
        "rules/seed",
        "active(aws_lease) in 2026",
        "--as-of",
        "2025-10-01",
    ]);
    assert_eq!(stdout(&o).lines().next(), Some("no"));
    let o = dealcheck(&["rules/", "--as-of", "2025-02-30"]);
    assert_eq!(o.status.code(), Some(2));
    let o = dealcheck(&["rules/", "--assume", "no_such_deal"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn closed_pipe_does_not_panic() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dealcheck"))
        .arg("rules/")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
    assert_ne!(o.status.code(), Some(101));
}

#[test]
fn graph_draws_dot_and_json() {
    let o = dealcheck(&["graph", "tests/fixtures/checks/circular.deal"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let dot = stdout(&o);
    assert!(dot.starts_with("digraph money {"));
    assert!(
        dot.contains("style=dashed"),
        "the reported deal's edge is dashed"
    );
    assert!(dot.contains("color=red"), "cycle edges are highlighted");
    insta::assert_snapshot!("graph_dot", dot);
    let o = dealcheck(&[
        "graph",
        "tests/fixtures/checks/circular.deal",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["cycles"][0],
        serde_json::json!(["Investor", "Startup", "Cloud"])
    );
    insta::assert_json_snapshot!("graph_json", v);
}

#[test]
fn a_file_gone_before_it_is_read_is_a_diagnostic() {
    let dir = scratch("gone");
    std::fs::write(dir.join("a.deal"), "party A\n").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("deleted.deal.orig"), dir.join("deleted.deal")).unwrap();
    let o = dealcheck(&[dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "io");
    assert!(d["file"].as_str().unwrap().ends_with("deleted.deal"));
}

#[test]
fn a_certain_exclusivity_collision_exits_1_not_2() {
    let o = dealcheck(&["tests/fixtures/checks/exclusive_certain.deal"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the rule set is valid; a built-in check found an error"
    );
    assert!(stderr(&o).contains("exclusive-conflict"));
}

#[test]
fn one_file_named_two_ways_is_read_once() {
    // `./rules/seed` and `rules/seed` are the same files: reading them twice would declare every
    // name twice.
    let o = dealcheck(&["rules/seed", "./rules/seed", "rules/seed/amazon.deal"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("15 rules: 15 passed"), "{}", stdout(&o));
}

#[test]
fn each_command_takes_only_its_own_formats() {
    for args in [
        &["rules/seed", "--format", "dot"][..],
        &["ask", "rules/seed", "yes", "--format", "dot"][..],
        &["graph", "rules/seed", "--format", "text"][..],
    ] {
        let o = dealcheck(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("invalid value"),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let o = dealcheck(&["graph", "rules/seed", "--format", "dot"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("digraph money"));
    // Each `--help` lists what that command writes, and nothing else.
    let help = |command: &str| stdout(&dealcheck(&[command, "--help"]));
    assert!(help("check").contains("[possible values: text, json, html]"));
    assert!(help("ask").contains("[possible values: text, json]"));
    assert!(help("graph").contains("[possible values: dot, json]"));
    assert!(help("timeline").contains("[possible values: svg, json]"));
    let o = dealcheck(&["ask", "rules/seed", "yes", "--format", "html"]);
    assert_eq!(o.status.code(), Some(2), "ask writes no page");
}

#[test]
fn check_writes_one_self_contained_html_page() {
    let o = dealcheck(&["check", "rules/", "--format", "html"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let html = stdout(&o);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<svg") && html.contains("id=\"sources\""));
    assert!(!html.contains("<script") && !html.contains("src=\"http"));
}

#[test]
fn json_errors_are_diagnostic_records_for_every_command() {
    let fields = |d: &serde_json::Value| {
        let mut keys: Vec<String> = d.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    let check = dealcheck(&["no/such/dir", "--format", "json"]);
    let graph = dealcheck(&["graph", "no/such/dir", "--format", "json"]);
    let ask = dealcheck(&["ask", "rules/seed", "can Amazn host X", "--format", "json"]);
    let mut shapes = Vec::new();
    for o in [&check, &graph, &ask] {
        assert_eq!(o.status.code(), Some(2));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let d = &v["diagnostics"][0];
        shapes.push(fields(d));
    }
    assert_eq!(shapes[0], shapes[1]);
    assert_eq!(shapes[0], shapes[2]);
    let v: serde_json::Value = serde_json::from_slice(&ask.stdout).unwrap();
    assert_eq!(v["diagnostics"][0]["file"], "<question>");
    assert!(v["diagnostics"][0]["column"].is_u64());
}

#[test]
fn global_flags_may_come_before_the_subcommand() {
    let o = dealcheck(&[
        "--as-of",
        "2025-10-01",
        "ask",
        "rules/seed",
        "active(aws_lease) in 2026",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().next(), Some("no"));
    let o = dealcheck(&["--format", "json", "rules/seed"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(serde_json::from_slice::<serde_json::Value>(&o.stdout).is_ok());
    let help = stdout(&dealcheck(&["--help"]));
    assert!(help.contains("means `dealcheck check PATH…`"), "{help}");
}

#[test]
fn a_directory_without_rule_files_fails_unless_allowed() {
    let dir = scratch("empty");
    let o = dealcheck(&[dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no `.deal` files"), "{}", stderr(&o));
    assert!(stdout(&o).contains("0 rules: 0 passed, 0 failed; 1 errors, 0 warnings"));
    let o = dealcheck(&[dir.to_str().unwrap(), "--allow-empty"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("0 errors, 1 warnings"));
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_write_is_an_error_and_a_closed_pipe_is_quiet() {
    for command in [
        &["rules/seed"][..],
        &["graph", "rules/seed"][..],
        &["ask", "rules/seed", "yes"][..],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_dealcheck"))
            .args(command)
            .stdout(full)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{command:?}");
        assert!(
            stderr(&o).contains("cannot write the output"),
            "{}",
            stderr(&o)
        );
    }
    // A stdout closed before the start (`>&-`) is a failed write too, for every command.
    for command in ["rules/seed", "graph rules/seed", "ask rules/seed yes"] {
        let o = Command::new("sh")
            .arg("-c")
            .arg(format!("\"$0\" {command} >&-"))
            .arg(env!("CARGO_BIN_EXE_dealcheck"))
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{command}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("standard output is closed"),
            "{}",
            stderr(&o)
        );
    }
    // Output thrown away on purpose (/dev/null opened for reading and writing, as Python's
    // `subprocess.DEVNULL` does) is not a failure.
    let null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
        .unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_dealcheck"))
        .arg("rules/seed")
        .stdout(null)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = Command::new("sh")
        .arg("-c")
        .arg("\"$0\" rules/ | head -c 1 >/dev/null")
        .arg(env!("CARGO_BIN_EXE_dealcheck"))
        .output()
        .unwrap();
    assert!(
        !stderr(&o).contains("cannot write"),
        "a closed pipe is quiet"
    );
}

/// Runs the binary on `path`, failing the test instead of hanging if it does not finish.
#[cfg(unix)]
fn dealcheck_within(args: &[&str], seconds: u64) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dealcheck"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("`dealcheck {args:?}` did not finish within {seconds} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_not_read() {
    let dir = scratch("special");
    std::fs::write(dir.join("a.deal"), "party A\n").unwrap();
    let fifo = dir.join("pipe.deal");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.deal")).unwrap();
    std::os::unix::fs::symlink("/dev/urandom", dir.join("random.deal")).unwrap();
    // Named on the command line, and found by walking the directory.
    for args in [
        vec![fifo.to_str().unwrap(), "--format", "json"],
        vec![dir.to_str().unwrap(), "--format", "json"],
    ] {
        let o = dealcheck_within(&args, 60);
        assert_eq!(o.status.code(), Some(2));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let messages: Vec<&str> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["message"].as_str().unwrap())
            .collect();
        assert!(
            messages.iter().any(|m| m.contains("pipe.deal` is a FIFO")),
            "{messages:?}"
        );
    }
    let o = dealcheck_within(&[dir.to_str().unwrap()], 60);
    let err = stderr(&o);
    assert!(err.contains("zero.deal` is a device"), "{err}");
    assert!(err.contains("random.deal` is a device"), "{err}");
}

#[test]
fn lone_carriage_returns_end_lines() {
    let good = scratch("lone_cr");
    std::fs::write(
        good.join("mac.deal"),
        "as of 2025-12-17\r// a comment\rparty A\rrule r {\r  ask yes\r}\r",
    )
    .unwrap();
    let o = dealcheck(&[good.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["summary"]["rules"], 1,
        "nothing after the comment is lost"
    );
    let bad = scratch("lone_cr_bad");
    std::fs::write(
        bad.join("mac.deal"),
        "// a comment\rparty A\r\nparty B\rparty A\r",
    )
    .unwrap();
    let o = dealcheck(&[bad.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "duplicate-name");
    assert_eq!(
        (d["line"].clone(), d["column"].clone()),
        (4.into(), 7.into())
    );
    let o = dealcheck(&[bad.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(err.contains("mac.deal:4:7"), "{err}");
    assert!(
        err.contains(" 4 │ party A"),
        "the drawn line is line 4: {err}"
    );
}

#[test]
fn escape_sequences_in_rule_files_do_not_reach_the_terminal() {
    let dir = scratch("escapes");
    let osc52 = "\u{1b}]52;c;aGk=\u{7}";
    std::fs::write(
        dir.join("x.deal"),
        format!("as of 2025-12-17\nparty A \"{osc52}\"\n/// doc \x1b[2J\nrule r \"\x1b[31m\" {{\n  ask yes\n}}\n"),
    )
    .unwrap();
    let o = dealcheck(&[dir.to_str().unwrap(), "--color", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!o.stdout.contains(&0x1b), "{}", stdout(&o));
    assert!(stdout(&o).contains("\\u{1b}[31m"), "{}", stdout(&o));
    // Drawn in a diagnostic: the source line and the message.
    std::fs::write(
        dir.join("y.deal"),
        format!("party B \"{osc52}\"\nparty B\n"),
    )
    .unwrap();
    let o = dealcheck(&[dir.to_str().unwrap(), "--color", "never"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("duplicate-name"), "{}", stderr(&o));
    assert!(!o.stderr.contains(&0x1b), "{}", stderr(&o));
}

#[test]
fn timeline_draws_svg_or_json_and_refuses_unknown_names() {
    let o = dealcheck(&[
        "timeline",
        "rules/seed",
        "--asset",
        "OpenAI.frontier_models",
        "--action",
        "host",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let svg = stdout(&o);
    assert!(svg.starts_with("<svg"), "{svg}");
    assert!(roxmltree::Document::parse(&svg).is_ok());
    assert!(svg.contains("host OpenAI.frontier_models"));
    assert!(!svg.contains("supply_capacity"), "only the lane asked for");

    let o = dealcheck(&["timeline", "rules/seed", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(!json["lanes"].as_array().unwrap().is_empty());

    let o = dealcheck(&["timeline", "rules/seed", "--asset", "OpenAI.nothing"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no asset is named `OpenAI.nothing`"),
        "{}",
        stderr(&o)
    );

    let o = dealcheck(&["timeline", "rules/seed", "--format", "text"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "timeline writes svg and json only"
    );
}

#[test]
fn check_watch_reports_again_after_a_change() {
    use std::io::BufRead;
    let dir = scratch("watch");
    let file = dir.join("a.deal");
    std::fs::write(&file, "party A\nrule r {\n  ask no\n    expect no\n}\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dealcheck"))
        .args(["check", "--watch", dir.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            if lines.send(line.unwrap_or_default()).is_err() {
                return;
            }
        }
    });
    let summary = |wanted: &str| loop {
        let line = received
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("a report");
        if line.starts_with("1 rules:") {
            assert_eq!(line, wanted);
            return;
        }
    };
    summary("1 rules: 1 passed, 0 failed; 0 errors, 0 warnings");
    // The watcher is set before the first report: this change is seen.
    std::fs::write(&file, "party A\nrule r {\n  ask no\n    expect yes\n}\n").unwrap();
    summary("1 rules: 0 passed, 1 failed; 0 errors, 0 warnings");
    child.kill().unwrap();
    let _ = child.wait();
}

#[test]
fn fmt_rewrites_checks_and_diffs() {
    let dir = scratch("fmt");
    let messy = dir.join("messy.deal");
    let broken = dir.join("broken.deal");
    std::fs::write(&messy, "party A   party B // two\ndeal d { between A,B }\n").unwrap();
    std::fs::write(&broken, "deal d {\n").unwrap();
    let formatted = "party A\nparty B // two\n\ndeal d {\n  between A, B\n}\n";

    // --check: nothing written, exit 2 (a file does not parse), the messy one named.
    let check = dealcheck(&["fmt", "--check", dir.to_str().unwrap()]);
    assert_eq!(check.status.code(), Some(2), "{}", stderr(&check));
    assert!(
        stdout(&check).contains("would reformat"),
        "{}",
        stdout(&check)
    );
    assert!(
        stderr(&check).contains("broken.deal: left as it is"),
        "{}",
        stderr(&check)
    );
    std::fs::remove_file(&broken).unwrap();

    // --diff: a unified diff, nothing written, exit 1.
    let diff = dealcheck(&["fmt", "--diff", messy.to_str().unwrap()]);
    assert_eq!(diff.status.code(), Some(1));
    assert!(
        stdout(&diff).contains("+  between A, B"),
        "{}",
        stdout(&diff)
    );
    assert_ne!(std::fs::read_to_string(&messy).unwrap(), formatted);

    // Rewriting, then --check passes.
    let write = dealcheck(&["fmt", dir.to_str().unwrap()]);
    assert_eq!(write.status.code(), Some(0), "{}", stderr(&write));
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), formatted);
    let again = dealcheck(&["fmt", "--check", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stderr(&again).contains("0 files would be reformatted, 1 already formatted"));
}

#[test]
fn shipped_rules_are_formatted() {
    let o = dealcheck(&["fmt", "--check", "rules/"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
}
