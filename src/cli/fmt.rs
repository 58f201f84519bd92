//! `dealcheck fmt [--check] [--diff] PATH…` (`-` formats standard input to standard output)

use super::{err, out, Common};
use dealcheck::report::render_diagnostic;
use dealcheck::source::{FileId, SourceMap};
use dealcheck::Diagnostic;
use std::io::Read;
use std::path::PathBuf;

/// What to do with a file whose layout is not canonical.
#[derive(Clone, Copy)]
pub struct Mode {
    /// Exit 1 instead of rewriting.
    pub check: bool,
    /// Print a unified diff instead of rewriting.
    pub diff: bool,
}

/// Exit status: 2 when a file could not be read or parsed (it is left as it is), else 1 when
/// `--check` or `--diff` found a file to change, else 0.
pub fn run(common: &Common, mut paths: Vec<PathBuf>, mode: Mode) -> u8 {
    if paths.is_empty() {
        paths.push(PathBuf::from("rules"));
    }
    if paths.len() == 1 && paths.first().is_some_and(|p| p.as_os_str() == "-") {
        return stdin(common);
    }
    let (found, diagnostics) = dealcheck::load::find_paths(&paths, false);
    let mut failed = !diagnostics.is_empty();
    report(common, &SourceMap::default(), &diagnostics);
    let (mut changed, mut unchanged) = (0usize, 0usize);
    for path in found {
        let file = match dealcheck::load::read_file(path.clone()) {
            Ok(file) => file,
            Err(d) => {
                report(common, &SourceMap::default(), &[d]);
                failed = true;
                continue;
            }
        };
        let formatted = match format(common, &file.path, &file.text) {
            Some(f) => f,
            None => {
                failed = true;
                continue;
            }
        };
        if formatted == file.text {
            unchanged += 1;
            continue;
        }
        changed += 1;
        if mode.diff {
            out(&unified_diff(&file.path, &file.text, &formatted));
        } else if mode.check {
            out(&format!("would reformat {}\n", file.path));
        } else if let Err(e) = std::fs::write(&path, formatted) {
            err(&format!("error: cannot write `{}`: {e}\n", file.path));
            failed = true;
        }
    }
    let done = if mode.check || mode.diff {
        "would be reformatted"
    } else {
        "reformatted"
    };
    err(&format!(
        "{changed} {} {done}, {unchanged} already formatted\n",
        if changed == 1 { "file" } else { "files" }
    ));
    if failed {
        2
    } else if changed > 0 && (mode.check || mode.diff) {
        1
    } else {
        0
    }
}

/// Standard input formatted to standard output (for editors); on a syntax error the input is
/// written back unchanged, the diagnostics go to stderr and the status is 2.
fn stdin(common: &Common) -> u8 {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        err(&format!("error: cannot read standard input: {e}\n"));
        return 2;
    }
    let text = match dealcheck::load::decode("<stdin>", bytes) {
        Ok(text) => text,
        Err(d) => {
            report(common, &SourceMap::default(), &[d]);
            return 2;
        }
    };
    match format(common, "<stdin>", &text) {
        Some(formatted) => {
            out(&formatted);
            0
        }
        None => {
            out(&text);
            2
        }
    }
}

/// The text formatted, or `None` after reporting why it was left as it is.
fn format(common: &Common, path: &str, text: &str) -> Option<String> {
    match dealcheck::fmt::format_file(FileId(0), text) {
        Ok(formatted) => Some(formatted),
        Err(errors) => {
            // The file as the one of a source map, only to draw the errors.
            let mut sources = SourceMap::default();
            sources.add(path.to_string(), text.to_string());
            report(common, &sources, &errors);
            err(&format!("{path}: left as it is (it does not parse)\n"));
            None
        }
    }
}

fn report(common: &Common, sources: &SourceMap, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        err(&render_diagnostic(d, sources, common.render()));
    }
}

fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(path, path)
        .to_string()
}
