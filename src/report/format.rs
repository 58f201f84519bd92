//! Output formats, in one place: which exist, what each is called on the command line, and which
//! each command writes. A new format (an HTML report, an SVG picture) is one variant here, one
//! entry in the lists of the commands that write it, and its renderer beside the others.

use std::fmt;
use std::str::FromStr;

/// A way of writing a command's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// For people: rules, answers and explanations as text; diagnostics drawn on stderr.
    Text,
    /// For programs: the shapes of docs/report.md, diagnostics as records.
    Json,
    /// The money graph in Graphviz's DOT language.
    Dot,
    /// A picture: the timeline of who may act when.
    Svg,
    /// One self-contained page: the report with its pictures and rule files.
    Html,
}

impl Format {
    /// What `check` writes (the first is its default).
    pub const CHECK: &'static [Format] = &[Format::Text, Format::Json, Format::Html];
    /// What `ask` writes (the first is its default).
    pub const ASK: &'static [Format] = &[Format::Text, Format::Json];
    /// What `graph` writes (the first is its default).
    pub const GRAPH: &'static [Format] = &[Format::Dot, Format::Json];
    /// What `timeline` writes (the first is its default).
    pub const TIMELINE: &'static [Format] = &[Format::Svg, Format::Json];

    /// Every format, in the order the help lists them.
    pub const ALL: &'static [Format] = &[
        Format::Text,
        Format::Json,
        Format::Dot,
        Format::Svg,
        Format::Html,
    ];

    /// The name written after `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Dot => "dot",
            Format::Svg => "svg",
            Format::Html => "html",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(text: &str) -> Result<Format, String> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name() == text)
            .ok_or_else(|| format!("`{text}` is not an output format"))
    }
}

#[cfg(test)]
mod tests {
    use super::Format;

    #[test]
    fn every_format_reads_back_from_its_name() {
        for &format in Format::ALL {
            assert_eq!(format.name().parse::<Format>(), Ok(format));
        }
        assert!("pdf".parse::<Format>().is_err());
    }

    #[test]
    fn every_command_writes_known_formats_and_json() {
        for list in [Format::CHECK, Format::ASK, Format::GRAPH, Format::TIMELINE] {
            assert!(list.iter().all(|f| Format::ALL.contains(f)));
            assert!(list.contains(&Format::Json));
        }
        assert!(!Format::GRAPH.contains(&Format::Text));
    }
}
