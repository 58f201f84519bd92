//! The command line (reference §8): clap types, shared flags, and one file per subcommand.

mod ask;
mod check;
mod graph;

use clap::{Parser, Subcommand, ValueEnum};
use dealcheck::report::RenderOptions;
use dealcheck::{Day, Options};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "dealcheck",
    version,
    about = "Check business deal terms as code",
    args_conflicts_with_subcommands = false
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
    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// When to colour diagnostics (`NO_COLOR` is honoured under `auto`)
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    color: Color,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check rule sets (directories or files; default `rules/`)
    Check { paths: Vec<PathBuf> },
    /// Answer one question against a rule set
    Ask { path: PathBuf, question: String },
    /// Draw the money graph (`--format dot` or `json`)
    Graph { paths: Vec<PathBuf> },
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Dot,
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

/// Writes to stdout, ignoring a closed pipe (`dealcheck rules/ | head -1`).
pub fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Writes to stderr, ignoring failures.
pub fn err(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
}

/// Runs the command line; `check` is the default subcommand.
pub fn main() -> ExitCode {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let first = args.get(1).and_then(|a| a.to_str()).map(str::to_string);
    let known = [
        "check",
        "ask",
        "graph",
        "help",
        "--help",
        "-h",
        "--version",
        "-V",
    ];
    if first.as_deref().is_none_or(|a| !known.contains(&a)) {
        args.insert(1.min(args.len()), "check".into());
    }
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    if cli.common.format == Format::Dot && !matches!(cli.command, Command::Graph { .. }) {
        err("error: `--format dot` draws the money graph (`dealcheck graph`); `check` and `ask` write `text` or `json`\n");
        return ExitCode::from(2);
    }
    let code = match cli.command {
        Command::Check { paths } => check::run(&cli.common, paths),
        Command::Ask { path, question } => ask::run(&cli.common, &path, &question),
        Command::Graph { paths } => graph::run(&cli.common, paths),
    };
    ExitCode::from(code)
}
