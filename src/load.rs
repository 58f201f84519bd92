//! Reading rule sets from disk: directories recursively (sorted by path), explicit files, and a
//! diagnostic naming the file for everything that can go wrong — the other files still load.

use crate::diagnostic::{codes, Diagnostic, Location, Severity};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub use crate::limits::{MAX_FILES, MAX_FILE_BYTES};

/// A file read and decoded, ready to parse.
pub struct LoadedFile {
    /// The path as shown in diagnostics.
    pub path: String,
    /// The path it was read from (not lossily converted), to read it again.
    pub origin: PathBuf,
    pub text: String,
}

/// Reads and decodes one file found by [`find_paths`].
pub fn read_file(path: PathBuf) -> Result<LoadedFile, Diagnostic> {
    let text = read(&path)?;
    Ok(LoadedFile {
        path: display(&path),
        text,
        origin: path,
    })
}

/// Every file named by `paths` (directories walked for `.deal` files, recursively and sorted by
/// path; each file once, under the first of its names; at most [`MAX_FILES`]), unread.
pub fn find_paths(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut found = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut visited = HashSet::new();
                let before = found.len();
                walk(path, &mut visited, &mut found, &mut diagnostics);
                if found.len() == before {
                    diagnostics.push(Diagnostic::new(
                        codes::IO,
                        Severity::Warning,
                        Location::File {
                            path: display(path),
                            line: None,
                        },
                        format!("no `.deal` files under `{}`", display(path)),
                    ));
                }
            }
            Ok(_) => found.push(path.clone()),
            Err(e) => diagnostics.push(io_error(path, &e)),
        }
    }
    found.sort();
    found.dedup();
    // One file named two ways (`rules/a.deal` and `./rules/a.deal`, a symlink, a directory and a
    // file in it) is read once, under the first of its names: twice would declare everything twice.
    let mut seen = HashSet::new();
    found.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    if found.len() > MAX_FILES {
        diagnostics.push(Diagnostic::new(
            codes::TOO_LARGE,
            Severity::Error,
            Location::Nowhere,
            format!(
                "{} files is more than the limit of {MAX_FILES}",
                found.len()
            ),
        ));
        found.truncate(MAX_FILES);
    }
    (found, diagnostics)
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

fn io_error(path: &Path, error: &std::io::Error) -> Diagnostic {
    Diagnostic::file_error(
        codes::IO,
        &display(path),
        None,
        format!("cannot read `{}`: {error}", display(path)),
    )
    .with_help("check that the path exists and is readable")
}

/// Every `.deal` file under `dir`; a directory reached twice through links is a loop.
fn walk(
    dir: &Path,
    visited: &mut HashSet<PathBuf>,
    found: &mut Vec<PathBuf>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let canonical = match std::fs::canonicalize(dir) {
        Ok(c) => c,
        Err(e) => return diagnostics.push(io_error(dir, &e)),
    };
    if !visited.insert(canonical) {
        diagnostics.push(
            Diagnostic::file_error(
                codes::IO,
                &display(dir),
                None,
                format!(
                    "`{}` leads back to a directory already read (a symlink loop)",
                    display(dir)
                ),
            )
            .with_help("remove the link that points back up the tree"),
        );
        return;
    }
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => return diagnostics.push(io_error(dir, &e)),
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => walk(&path, visited, found, diagnostics),
            Ok(_) if path.extension().is_some_and(|e| e == "deal") => found.push(path),
            Ok(_) => {}
            Err(e) if path.extension().is_some_and(|e| e == "deal") => {
                diagnostics.push(io_error(&path, &e))
            }
            Err(e) => {
                if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                    // A dangling or looping link: only worth a word when it could be a rule file.
                    if e.raw_os_error() == Some(40) {
                        diagnostics.push(
                            Diagnostic::file_error(
                                codes::IO,
                                &display(&path),
                                None,
                                format!("`{}` is a symlink loop", display(&path)),
                            )
                            .with_help("remove the link"),
                        );
                    }
                }
            }
        }
    }
}

/// Reads one file as UTF-8 text (a leading BOM dropped).
fn read(path: &Path) -> Result<String, Diagnostic> {
    let name = display(path);
    let meta = std::fs::metadata(path).map_err(|e| io_error(path, &e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::file_error(
            codes::TOO_LARGE,
            &name,
            None,
            format!(
                "`{name}` is {} bytes, more than the limit of {MAX_FILE_BYTES}",
                meta.len()
            ),
        )
        .with_help("split the rule set into several files"));
    }
    let bytes = std::fs::read(path).map_err(|e| io_error(path, &e))?;
    decode(&name, bytes)
}

/// UTF-8 without NUL bytes, or a diagnostic naming the file and line.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    let line_at = |bytes: &[u8], offset: usize| {
        bytes.iter().take(offset).filter(|&&b| b == b'\n').count() + 1
    };
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        let line = line_at(&bytes, nul);
        return Err(Diagnostic::file_error(
            codes::ENCODING,
            name,
            Some(line),
            format!("`{name}` contains a NUL byte on line {line}"),
        )
        .with_help("`.deal` files are UTF-8 text; is this a binary file?"));
    }
    match String::from_utf8(bytes) {
        Ok(mut text) => {
            if text.starts_with('\u{feff}') {
                text.replace_range(..3, "   ");
            }
            Ok(text)
        }
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let line = line_at(e.as_bytes(), offset);
            Err(Diagnostic::file_error(
                codes::ENCODING,
                name,
                Some(line),
                format!("`{name}` is not valid UTF-8 (line {line}, byte {offset})"),
            )
            .with_help("save the file as UTF-8"))
        }
    }
}
