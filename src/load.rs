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
    pub text: String,
}

/// Reads and decodes one file found by [`find_paths`].
pub fn read_file(path: PathBuf) -> Result<LoadedFile, Diagnostic> {
    let text = read(&path)?;
    Ok(LoadedFile {
        path: display(&path),
        text,
    })
}

/// Every file named by `paths` (directories walked for `.deal` files, recursively and sorted by
/// path; each file once, under the first of its names; at most [`MAX_FILES`]), unread.
///
/// A directory with no `.deal` file is an error (a mistyped path must not pass in CI), or a
/// warning when `allow_empty`.
pub fn find_paths(paths: &[PathBuf], allow_empty: bool) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let mut found = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => {
                let mut visited = HashSet::new();
                let before = found.len();
                walk(path, &mut visited, &mut found, &mut diagnostics);
                if found.len() == before {
                    let severity = if allow_empty {
                        Severity::Warning
                    } else {
                        Severity::Error
                    };
                    diagnostics.push(
                        Diagnostic::new(
                            codes::NO_RULE_FILES,
                            severity,
                            Location::File {
                                path: display(path),
                                line: None,
                            },
                            format!("no `.deal` files under `{}`", display(path)),
                        )
                        .with_help(
                            "check the path; `--allow-empty` accepts a directory with no rule files",
                        ),
                    );
                }
            }
            Ok(meta) if meta.is_file() => found.push(path.clone()),
            Ok(meta) => diagnostics.push(not_a_regular_file(path, &meta)),
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
            Ok(meta) if path.extension().is_some_and(|e| e == "deal") => {
                if meta.is_file() {
                    found.push(path);
                } else {
                    diagnostics.push(not_a_regular_file(&path, &meta));
                }
            }
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
///
/// Only regular files are read: the file is opened without blocking (a FIFO with no writer
/// would otherwise hang the open), its type is taken from the opened handle (not the path, which
/// may have changed since it was found), and the size limit holds on the bytes actually read, so
/// a file that reports a small size but never ends (`/dev/zero` behind a link) stops at the limit.
fn read(path: &Path) -> Result<String, Diagnostic> {
    use std::io::Read;
    let name = display(path);
    let file = open_without_blocking(path).map_err(|e| io_error(path, &e))?;
    let meta = file.metadata().map_err(|e| io_error(path, &e))?;
    if !meta.is_file() {
        return Err(not_a_regular_file(path, &meta));
    }
    let too_large = || {
        Diagnostic::file_error(
            codes::TOO_LARGE,
            &name,
            None,
            format!("`{name}` is more than the limit of {MAX_FILE_BYTES} bytes"),
        )
        .with_help("split the rule set into several files")
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(path, &e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    decode(&name, bytes)
}

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// What kind of special file a path is, for the diagnostic that refuses it.
fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

fn not_a_regular_file(path: &Path, meta: &std::fs::Metadata) -> Diagnostic {
    let name = display(path);
    let kind = special_kind(meta);
    let what = if kind.starts_with("not") {
        format!("`{name}` is {kind}")
    } else {
        format!("`{name}` is {kind}, not a regular file")
    };
    Diagnostic::file_error(codes::IO, &name, None, what)
        .with_help("only regular files are read as rule files")
}

/// UTF-8 without NUL bytes, or a diagnostic naming the file and line.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    // Line feeds, and carriage returns not followed by one (old Mac line ends), end lines.
    let line_at = |bytes: &[u8], offset: usize| {
        let before = bytes.get(..offset).unwrap_or(bytes);
        let ends = before
            .iter()
            .enumerate()
            .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')));
        ends.count() + 1
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
