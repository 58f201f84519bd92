//! The command line (reference §8): clap types, shared flags, and one file per subcommand.

mod ask;
mod check;
mod fmt;
mod graph;
mod timeline;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum};
use dealcheck::report::{Format, RenderOptions};
use dealcheck::{Day, LoadOptions, Options};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Parser, Debug)]
#[command(
    name = "dealcheck",
    version,
    about = "Check business deal terms as code",
    after_help = "`dealcheck PATH…` (no subcommand) means `dealcheck check PATH…`; \
                  with no path at all, `dealcheck check rules/`.\n\
                  Flags may come before or after the subcommand."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    common: Common,
}

#[derive(clap::Args, Debug, Clone)]
pub struct Common {
    /// Evaluate as of this date (overrides the rule set's `as of`)
    #[arg(long, global = true, value_parser = parse_day, value_name = "DATE")]
    as_of: Option<Day>,
    /// Count this deal as in force (repeatable)
    #[arg(long, global = true, value_name = "NAME")]
    assume: Vec<String>,
    /// When to colour diagnostics (`NO_COLOR` is honoured under `auto`)
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check rule sets (directories or files; default `rules/`)
    Check {
        paths: Vec<PathBuf>,
        /// Output format
        #[arg(long, value_parser = FormatParser(Format::CHECK), default_value = "text")]
        format: Format,
        /// A directory with no `.deal` file is a warning, not an error
        #[arg(long)]
        allow_empty: bool,
        /// Check again whenever a `.deal` file under the paths changes (until interrupted)
        #[arg(long)]
        watch: bool,
    },
    /// Answer one question against a rule set
    Ask {
        path: PathBuf,
        question: String,
        /// Output format
        #[arg(long, value_parser = FormatParser(Format::ASK), default_value = "text")]
        format: Format,
    },
    /// Draw the money graph
    Graph {
        paths: Vec<PathBuf>,
        /// Output format
        #[arg(long, value_parser = FormatParser(Format::GRAPH), default_value = "dot")]
        format: Format,
    },
    /// Lay out `.deal` files canonically, in place (`-`: standard input to standard output)
    Fmt {
        paths: Vec<PathBuf>,
        /// Change nothing; exit 1 when a file would change
        #[arg(long)]
        check: bool,
        /// Change nothing; print what would change as a unified diff (exit 1 when a file would)
        #[arg(long)]
        diff: bool,
    },
    /// Serve the language server protocol on stdin/stdout (for editors; docs/editors.md)
    Lsp {
        /// Accepted for clients that pass it; stdio is the only transport
        #[arg(long)]
        stdio: bool,
    },
    /// Draw who may act when: a lane per action on an asset, a row per party
    Timeline {
        paths: Vec<PathBuf>,
        /// Only this asset (`Owner.name`)
        #[arg(long, value_name = "ASSET")]
        asset: Option<String>,
        /// Only this action
        #[arg(long, value_name = "ACTION")]
        action: Option<String>,
        /// Output format
        #[arg(long, value_parser = FormatParser(Format::TIMELINE), default_value = "svg")]
        format: Format,
    },
}

/// The subcommands, as written on the command line.
const SUBCOMMANDS: [&str; 7] = ["check", "ask", "graph", "fmt", "lsp", "timeline", "help"];

/// Flags that take a value in the next argument (unless written `--flag=value`).
const FLAGS_WITH_VALUES: [&str; 6] = [
    "--as-of", "--assume", "--format", "--color", "--asset", "--action",
];

/// `--format` of one subcommand: only the formats it writes, listed in its `--help`.
#[derive(Clone, Copy)]
struct FormatParser(&'static [Format]);

impl TypedValueParser for FormatParser {
    type Value = Format;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Format, clap::Error> {
        let found = value
            .to_str()
            .and_then(|text| text.parse::<Format>().ok())
            .filter(|format| self.0.contains(format));
        found.ok_or_else(|| {
            let mut error = clap::Error::new(clap::error::ErrorKind::InvalidValue).with_cmd(cmd);
            let name = arg.map_or("--format".to_string(), |a| a.to_string());
            error.insert(
                clap::error::ContextKind::InvalidArg,
                clap::error::ContextValue::String(name),
            );
            error.insert(
                clap::error::ContextKind::InvalidValue,
                clap::error::ContextValue::String(value.to_string_lossy().into_owned()),
            );
            error.insert(
                clap::error::ContextKind::ValidValue,
                clap::error::ContextValue::Strings(
                    self.0.iter().map(|f| f.name().to_string()).collect(),
                ),
            );
            error
        })
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.0.iter().map(|f| PossibleValue::new(f.name())),
        ))
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

fn parse_day(text: &str) -> Result<Day, String> {
    dealcheck::parse_date(text)
        .ok_or_else(|| format!("`{text}` is not a date (write e.g. 2025-12-17)"))
}

impl Common {
    pub fn options(&self) -> Options {
        Options {
            as_of: self.as_of,
            assume: self.assume.clone(),
        }
    }

    pub fn render(&self) -> RenderOptions {
        let color = match self.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stderr().is_terminal()
            }
        };
        RenderOptions { color, width: 100 }
    }
}

/// Loads the paths of `check` and `graph` (default `rules/`).
fn load(mut paths: Vec<PathBuf>, options: &LoadOptions) -> dealcheck::RuleSet {
    if paths.is_empty() {
        paths.push(PathBuf::from("rules"));
    }
    dealcheck::RuleSet::load_paths_with(&paths, options)
}

/// Set when a write to stdout failed for a reason other than a closed pipe.
static WRITE_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes to stdout. A closed pipe (`dealcheck rules/ | head -1`) is quiet; any other failure
/// (a full disk, a closed descriptor) is reported once on stderr and makes the exit code 2.
pub fn out(text: &str) {
    if WRITE_FAILED.load(Ordering::Relaxed) {
        return;
    }
    let written = if crate::stdout_at_start::was_closed() {
        Err(std::io::Error::other("standard output is closed"))
    } else {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.flush())
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            WRITE_FAILED.store(true, Ordering::Relaxed);
            err(&format!("error: cannot write the output: {e}\n"));
        }
    }
}

/// Writes to stderr, ignoring failures (there is nowhere left to report them).
pub fn err(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
}

/// The arguments with the subcommand first: global flags may come before it (`dealcheck
/// --as-of D ask f.deal "q"`), and without one `check` is meant.
fn with_subcommand_first(mut args: Vec<OsString>) -> Vec<OsString> {
    let mut index = 1;
    let mut wants_help = false;
    while let Some(arg) = args.get(index) {
        let Some(text) = arg.to_str() else {
            break; // a path that is not UTF-8: the first positional
        };
        if text == "--" {
            break;
        }
        if FLAGS_WITH_VALUES.contains(&text) {
            index += 2;
            continue;
        }
        if text.starts_with('-') && text.len() > 1 {
            wants_help |= matches!(text, "-h" | "--help" | "-V" | "--version");
            index += 1;
            continue;
        }
        if SUBCOMMANDS.contains(&text) {
            let command = args.remove(index);
            args.insert(1, command);
            return args;
        }
        break;
    }
    let at_end = index >= args.len();
    if !(wants_help && at_end) {
        args.insert(1.min(args.len()), "check".into());
    }
    args
}

/// Runs the command line; `check` is the default subcommand.
pub fn main() -> ExitCode {
    let args = with_subcommand_first(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let common = &cli.common;
    let code = match cli.command {
        Command::Check {
            paths,
            format,
            allow_empty,
            watch: true,
        } => check::watch(common, paths, &LoadOptions { allow_empty }, format),
        Command::Check {
            paths,
            format,
            allow_empty,
            watch: false,
        } => check::run(common, load(paths, &LoadOptions { allow_empty }), format),
        Command::Ask {
            path,
            question,
            format,
        } => ask::run(common, &path, &question, format),
        Command::Graph { paths, format } => {
            graph::run(common, load(paths, &LoadOptions::default()), format)
        }
        Command::Lsp { stdio: _ } => dealcheck::lsp::run_stdio(),
        Command::Fmt { paths, check, diff } => fmt::run(common, paths, fmt::Mode { check, diff }),
        Command::Timeline {
            paths,
            asset,
            action,
            format,
        } => timeline::run(
            common,
            load(paths, &LoadOptions::default()),
            timeline::Only { asset, action },
            format,
        ),
    };
    if WRITE_FAILED.load(Ordering::Relaxed) {
        return ExitCode::from(2);
    }
    ExitCode::from(code)
}

/// No graph or picture: the diagnostics (each code capped), as records under `--format json`,
/// drawn on stderr otherwise; exit status 2.
fn fail(
    common: &Common,
    rule_set: &dealcheck::RuleSet,
    diagnostics: &[dealcheck::Diagnostic],
    format: Format,
) -> u8 {
    use dealcheck::report::{render_diagnostic, DiagnosticRecord};
    let diagnostics = dealcheck::diagnostic::cap_each_code(
        diagnostics.to_vec(),
        dealcheck::limits::MAX_DIAGNOSTICS_PER_CODE,
    );
    match format {
        Format::Json => {
            let records: Vec<DiagnosticRecord> = diagnostics
                .iter()
                .map(|d| DiagnosticRecord::new(d, rule_set.sources()))
                .collect();
            let json = serde_json::json!({ "diagnostics": records });
            out(&format!("{json:#}\n"));
        }
        Format::Dot | Format::Text | Format::Svg | Format::Html => {
            for d in &diagnostics {
                err(&render_diagnostic(d, rule_set.sources(), common.render()));
            }
        }
    }
    2
}

#[cfg(test)]
mod tests {
    use super::with_subcommand_first;

    fn reorder(args: &[&str]) -> Vec<String> {
        let args = std::iter::once("dealcheck")
            .chain(args.iter().copied())
            .map(Into::into)
            .collect();
        with_subcommand_first(args)
            .into_iter()
            .skip(1)
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn global_flags_may_come_before_the_subcommand() {
        assert_eq!(
            reorder(&["--as-of", "2026-01-01", "ask", "f.deal", "q"]),
            ["ask", "--as-of", "2026-01-01", "f.deal", "q"]
        );
        assert_eq!(
            reorder(&["--format=json", "graph"]),
            ["graph", "--format=json"]
        );
    }

    #[test]
    fn without_a_subcommand_check_is_meant() {
        assert_eq!(reorder(&[]), ["check"]);
        assert_eq!(reorder(&["rules/"]), ["check", "rules/"]);
        assert_eq!(
            reorder(&["--assume", "ask", "rules/"]),
            ["check", "--assume", "ask", "rules/"],
            "a flag's value is not a subcommand"
        );
        assert_eq!(reorder(&["rules/", "ask"]), ["check", "rules/", "ask"]);
    }

    #[test]
    fn help_and_version_alone_are_the_program_s() {
        assert_eq!(reorder(&["--help"]), ["--help"]);
        assert_eq!(reorder(&["-V"]), ["-V"]);
        assert_eq!(
            reorder(&["--help", "rules/"]),
            ["check", "--help", "rules/"]
        );
    }
}
