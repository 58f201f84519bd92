//! `dealcheck [check] PATH…`

use super::{err, out, Common};
use dealcheck::report::{render_diagnostic, Format};
use dealcheck::{LoadOptions, RuleSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub fn run(common: &Common, rule_set: RuleSet, format: Format) -> u8 {
    let code = report(common, &rule_set, format, Exiting(true));
    // Freeing millions of small nodes only to exit costs as much as building them: skip it.
    std::mem::forget(rule_set);
    code
}

/// `check --watch`: checks, then again after each change to a `.deal` file under the paths
/// (changes within 200 ms are taken together), the screen cleared first on a terminal. Runs
/// until interrupted; exits 2 only when the paths cannot be watched.
pub fn watch(common: &Common, paths: Vec<PathBuf>, options: &LoadOptions, format: Format) -> u8 {
    use notify_debouncer_mini::{new_debouncer, notify::RecursiveMode};
    let paths = if paths.is_empty() {
        vec![PathBuf::from("rules")]
    } else {
        paths
    };
    let (changes, changed) = std::sync::mpsc::channel();
    let mut debouncer = match new_debouncer(Duration::from_millis(200), changes) {
        Ok(d) => d,
        Err(e) => {
            err(&format!("error: cannot watch files: {e}\n"));
            return 2;
        }
    };
    for path in &paths {
        if let Err(e) = debouncer.watcher().watch(path, RecursiveMode::Recursive) {
            err(&format!("error: cannot watch `{}`: {e}\n", path.display()));
            return 2;
        }
    }
    let terminal = std::io::stdout().is_terminal();
    loop {
        if terminal {
            out("\x1b[2J\x1b[H");
        }
        let rule_set = dealcheck::RuleSet::load_paths_with(&paths, options);
        report(common, &rule_set, format, Exiting(false));
        err("watching for changes to `.deal` files (Ctrl-C to stop)\n");
        loop {
            match changed.recv() {
                Ok(Ok(events)) if events.iter().any(|e| is_rule_file(&e.path)) => break,
                Ok(_) => continue,
                Err(_) => return 2,
            }
        }
    }
}

fn is_rule_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "deal")
}

/// Whether the process ends after this report (its memory then need not be freed).
struct Exiting(bool);

/// Writes the report; the exit status it calls for.
fn report(common: &Common, rule_set: &RuleSet, format: Format, exiting: Exiting) -> u8 {
    let report = rule_set.check(&common.options());
    match format {
        Format::Json => match serde_json::to_string_pretty(&report) {
            Ok(json) => out(&format!("{json}\n")),
            Err(e) => err(&format!(
                "internal error: cannot serialise the report: {e}\n"
            )),
        },
        Format::Html => out(&rule_set.html_page(&report, &common.options())),
        // `check` is not offered DOT (`Format::CHECK`); were it asked for, text is written.
        Format::Text | Format::Dot | Format::Svg => {
            // Reference §8: rules, then diagnostics, then the summary line.
            out(&dealcheck::report::render_rules(&report.rules));
            let render = common.render();
            for d in &report.raw_diagnostics {
                err(&render_diagnostic(d, rule_set.sources(), render));
            }
            out(&format!(
                "{}\n",
                dealcheck::report::summary_line(&report.summary)
            ));
        }
    }
    let code = report.exit_code();
    if exiting.0 {
        std::mem::forget(report);
    }
    code
}
