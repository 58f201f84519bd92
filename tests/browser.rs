//! The timeline in a real browser: Debian's Chromium, headless, opens the SVG that `dealcheck
//! timeline rules/` writes, and must load it with no console error, keep every lane in its
//! DOM, and take a screenshot (`target/browser/timeline.png`).
//!
//! `.ci/run` installs Chromium and sets `DEALCHECK_BROWSER=1`, so in CI a missing browser is a
//! failure; elsewhere, without Chromium, the test says so and checks nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|name| Path::new("/usr/bin").join(name))
        .find(|p| p.exists())
}

#[test]
fn the_timeline_loads_in_chromium_without_errors() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("DEALCHECK_BROWSER").is_none(),
            "DEALCHECK_BROWSER is set but no Chromium is installed"
        );
        eprintln!("no Chromium under /usr/bin: the browser test checked nothing");
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dealcheck"))
        .args(["timeline", "rules/"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let svg = String::from_utf8(out.stdout).unwrap();
    // Self-contained: nothing to fetch (the namespace is a name, not a request).
    let without_namespace = svg.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_namespace.contains("http://") && !without_namespace.contains("https://"));
    let file = dir.join("timeline.svg");
    std::fs::write(&file, &svg).unwrap();
    let url = format!("file://{}", file.display());
    let headless = |extra: &[&str]| {
        Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
            ])
            .args(["--enable-logging=stderr", "--v=0"])
            .args(extra)
            .arg(&url)
            .output()
            .unwrap()
    };
    let dom = headless(&["--dump-dom"]);
    assert!(dom.status.success());
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(!log.contains(":CONSOLE"), "console messages:\n{log}");
    assert!(dom_text.contains("<svg"), "{dom_text}");
    for lane in [
        "host OpenAI.frontier_models",
        "supply_capacity OpenAI.compute_purchasing",
    ] {
        assert!(dom_text.contains(lane), "lane {lane} missing from the DOM");
    }
    let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser/timeline.png");
    std::fs::create_dir_all(png.parent().unwrap()).unwrap();
    let shot = headless(&[
        "--window-size=960,1200",
        &format!("--screenshot={}", png.display()),
    ]);
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(
        bytes.len() > 10_000 && bytes.starts_with(b"\x89PNG"),
        "a real picture"
    );
}

#[test]
fn the_html_report_loads_in_chromium_with_every_rule_and_picture() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("DEALCHECK_BROWSER").is_none(),
            "DEALCHECK_BROWSER is set but no Chromium is installed"
        );
        eprintln!("no Chromium under /usr/bin: the browser test checked nothing");
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dealcheck"))
        .args(["check", "rules/", "--format", "html"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = String::from_utf8(out.stdout).unwrap();
    let file = dir.join("report.html");
    std::fs::write(&file, &html).unwrap();
    let url = format!("file://{}", file.display());
    let headless = |extra: &[&str]| {
        Command::new(&browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
            ])
            .args(["--enable-logging=stderr", "--v=0"])
            .args(extra)
            .arg(&url)
            .output()
            .unwrap()
    };
    let dom = headless(&["--dump-dom"]);
    assert!(dom.status.success());
    let dom_text = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(!log.contains(":CONSOLE"), "console messages:\n{log}");
    // Every rule of the report is an article in the DOM, and both pictures are there.
    let report = dealcheck::RuleSet::load("rules/").check(&dealcheck::Options::default());
    for rule in &report.rules {
        assert!(
            dom_text.contains(&format!("id=\"rule-{}\"", rule.name)),
            "rule {}",
            rule.name
        );
    }
    assert!(dom_text.contains("id=\"timeline-title\"") && dom_text.contains("id=\"money-title\""));
    let png = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/browser/report.png");
    std::fs::create_dir_all(png.parent().unwrap()).unwrap();
    let shot = headless(&[
        "--window-size=1200,2000",
        &format!("--screenshot={}", png.display()),
    ]);
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    assert!(std::fs::read(&png).unwrap().starts_with(b"\x89PNG"));
}
