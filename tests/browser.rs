//! The pictures and the report in a real browser: Debian's Chromium, headless, opens the SVG
//! that `dealcheck timeline rules/` writes and the page `dealcheck check rules/ --format html`
//! writes; each must load with no console message, keep what it shows in its DOM, and leave a
//! screenshot under `target/browser/`.
//!
//! `.ci/run` installs Chromium and sets `DEALCHECK_BROWSER=1`, so in CI a missing browser is a
//! failure; elsewhere, without Chromium, the tests say so and check nothing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Chromium, or `None` (allowed only outside CI, where `DEALCHECK_BROWSER` is not set).
fn browser_or_skip() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|name| Path::new("/usr/bin").join(name))
        .find(|p| p.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("DEALCHECK_BROWSER").is_none(),
            "DEALCHECK_BROWSER is set but no Chromium is installed"
        );
        eprintln!("no Chromium under /usr/bin: the browser test checked nothing");
    }
    found
}

/// What `dealcheck ARGS` writes, saved as `name` in the tests' scratch directory: its text and
/// its `file://` address.
fn written(args: &[&str], name: &str) -> (String, String) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dealcheck"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, &text).unwrap();
    (text, format!("file://{}", file.display()))
}

/// Opens `url` headless with no network: refuses any console message, saves a screenshot as
/// `target/browser/<png>`, and gives the DOM the browser built.
fn open(browser: &Path, url: &str, window: &str, png: &str) -> String {
    let headless = |extra: &[&str]| {
        Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
            ])
            .args(["--enable-logging=stderr", "--v=0"])
            // Every host unresolvable: a request the page made would fail and log a console
            // error, which `open` refuses.
            .arg("--host-resolver-rules=MAP * ~NOTFOUND")
            .args(extra)
            .arg(url)
            .output()
            .unwrap()
    };
    let dom = headless(&["--dump-dom"]);
    assert!(dom.status.success());
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(!log.contains(":CONSOLE"), "console messages:\n{log}");
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target/browser")
        .join(png);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let shot = headless(&[
        &format!("--window-size={window}"),
        &format!("--screenshot={}", path.display()),
    ]);
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&path).unwrap();
    assert!(
        bytes.len() > 10_000 && bytes.starts_with(b"\x89PNG"),
        "a real picture"
    );
    String::from_utf8_lossy(&dom.stdout).into_owned()
}

#[test]
fn the_timeline_loads_in_chromium_without_errors() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (svg, url) = written(&["timeline", "rules/"], "timeline.svg");
    // Self-contained: nothing to fetch (the namespace is a name, not a request).
    let without_namespace = svg.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_namespace.contains("http://") && !without_namespace.contains("https://"));
    let dom = open(&browser, &url, "960,1200", "timeline.png");
    assert!(dom.contains("<svg"), "{dom}");
    for lane in [
        "host OpenAI.frontier_models",
        "supply_capacity OpenAI.compute_purchasing",
    ] {
        assert!(dom.contains(lane), "lane {lane} missing from the DOM");
    }
}

#[test]
fn the_html_report_loads_in_chromium_with_every_rule_and_picture() {
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (html, url) = written(&["check", "rules/", "--format", "html"], "report.html");
    assert!(
        !html.contains("<script") && !html.contains("src=\"http"),
        "nothing to fetch"
    );
    let dom = open(&browser, &url, "1200,2000", "report.png");
    // Every rule of the report is an article in the DOM, and both pictures are there.
    let report = dealcheck::RuleSet::load("rules/").check(&dealcheck::Options::default());
    for rule in &report.rules {
        assert!(
            dom.contains(&format!("id=\"rule-{}\"", rule.name)),
            "rule {}",
            rule.name
        );
    }
    assert!(dom.contains("id=\"timeline-title\"") && dom.contains("id=\"money-title\""));
}
