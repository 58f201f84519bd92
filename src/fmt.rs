//! `dealcheck fmt`: one canonical layout for `.deal` files (docs/language.md, "Layout").
//!
//! Top-level items start in column 0; a deal's or rule's entries sit one per line, indented
//! two spaces; tokens on a line are separated by one space (none inside `start(…)`, before
//! `,` `)` `:`, after `(` or a currency sign); labels of consecutive labelled terms are
//! aligned; an `ask`'s `expect` goes on the next line, one step in. Comments and `///` docs stay where they were, relative to the tokens around them;
//! runs of blank lines become one, and deals and rules get one around them. Nothing else of
//! the text changes: the formatted file parses to the same tree.

use crate::diagnostic::Diagnostic;
use crate::source::FileId;
use crate::syntax::{layout_tokens, Role, Token, TokenKind};

const INDENT: &str = "  ";

/// Labels longer than this are not aligned with their neighbours (the padding would push
/// every other term far right).
const MAX_ALIGNED_LABEL: usize = 24;

/// Keywords written directly before their `(`: `start(d.x)`, `paid(A, B)`.
const CALLS: [&str; 10] = [
    "start",
    "end",
    "earliest",
    "latest",
    "active",
    "invested",
    "paid",
    "flow",
    "roundtrip",
    "valuation",
];

/// The file laid out canonically, or the errors the parser found in it (spans in `file`): a
/// file that does not parse is left as it is.
pub fn format_file(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (_, diagnostics) = crate::syntax::parse_file(file, text);
    let errors: Vec<Diagnostic> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    format_text(text).ok_or_else(|| {
        vec![Diagnostic::internal(
            None,
            "the formatter could not read a file the parser accepted",
        )]
    })
}

/// The text laid out canonically; `None` when it does not parse (it is then left as it is).
pub fn format_text(text: &str) -> Option<String> {
    let tokens = layout_tokens(text)?;
    let pads = label_pads(text, &tokens);
    let mut printer = Printer::default();
    if text.starts_with('\u{feff}') {
        printer.out.push('\u{feff}');
    }
    let mut entry_started = false;
    let mut prev: Option<&Token> = None;
    let mut prev_item_block = false;
    for (i, token) in tokens.iter().enumerate() {
        // Read from the text as needed, not kept: a gap a token would take more memory than
        // the tokens themselves.
        let gap = gap_before(text, &tokens, i);
        let this_item_block = token.role == Role::Item && item_is_block(&tokens, i);
        // Whether the token starts a line, its indent then, and the indent of comments before
        // it. A line broken by a comment inside an item or entry continues one level deeper.
        let continued = if entry_started { 2 } else { 1 };
        let (starts_line, indent, comment_indent) = match (token.role, token.kind) {
            (Role::Item, _) => (true, 0, 0),
            (Role::Entry | Role::Label, _) => (true, 1, 1),
            (_, TokenKind::BlockClose) => (true, 0, 1),
            // `expect` under its question, one step in.
            _ if token.text == "expect" => (true, 2, 2),
            _ => (false, continued, continued),
        };
        let blank_first = match token.role {
            Role::Item => prev.is_some() && (gap.blank_first || prev_item_block || this_item_block),
            Role::Entry | Role::Label => {
                gap.blank_first && prev.is_some_and(|p| p.kind != TokenKind::BlockOpen)
            }
            Role::Inside => false,
        };
        printer.comments(&gap, blank_first, comment_indent);
        // A blank line before the token: as written after its comments, or the one wanted
        // before the item when no comment stands on a line of its own before it.
        let own_line_comments = gap.comments.iter().any(|(_, trailing)| !trailing);
        let blank = if own_line_comments {
            gap.blank_last
        } else {
            blank_first || gap.blank_last
        };
        if starts_line || !printer.line_open {
            printer.end_line();
            if starts_line && blank {
                printer.blank_line();
            }
            printer.indent(indent);
        } else if let Some(p) = prev {
            printer
                .out
                .push_str(&separator(p, token, pads.get(i).copied().flatten()));
        }
        printer.out.push_str(&token.text);
        printer.line_open = true;
        match (token.role, token.kind) {
            (Role::Item, _) => {
                entry_started = false;
                prev_item_block = this_item_block;
            }
            (Role::Entry | Role::Label, _) => entry_started = true,
            (_, TokenKind::BlockOpen | TokenKind::BlockClose) => entry_started = false,
            _ => {}
        }
        prev = Some(token);
    }
    let tail = gap_at(text, prev.map_or(0, |p| p.end), text.len(), prev.is_some());
    printer.comments(&tail, tail.blank_first && prev.is_some(), 0);
    printer.end_line();
    Some(printer.out)
}

/// What lies between two tokens besides whitespace: comments, and where blank lines were.
#[derive(Clone, Debug, Default)]
struct Gap {
    /// Each comment (trimmed at the end) and whether it is on the line of the token before.
    comments: Vec<(String, bool)>,
    /// A blank line before the first comment, or before the token when there is none.
    blank_first: bool,
    /// Blank lines before each comment after the first.
    blank_between: Vec<bool>,
    /// A blank line between the last comment and the token.
    blank_last: bool,
}

/// The gap before token `i`.
fn gap_before(text: &str, tokens: &[Token], i: usize) -> Gap {
    let prev_end = i
        .checked_sub(1)
        .and_then(|p| tokens.get(p))
        .map_or(0, |t| t.end);
    let start = tokens.get(i).map_or(text.len(), |t| t.start);
    gap_at(text, prev_end, start, i > 0)
}

/// The gap `text[from..to]`, which holds only whitespace and comments.
fn gap_at(text: &str, from: usize, to: usize, after_token: bool) -> Gap {
    let mut gap = Gap::default();
    let Some(between) = text.get(from..to) else {
        return gap;
    };
    let mut newlines = 0usize;
    let mut rest = between;
    while let Some(at) = rest.find("//") {
        let (before, comment_on) = rest.split_at(at);
        newlines += before.matches('\n').count();
        let len = comment_on.find('\n').unwrap_or(comment_on.len());
        let (comment, after) = comment_on.split_at(len);
        let trailing = newlines == 0 && after_token && gap.comments.is_empty();
        if gap.comments.is_empty() {
            gap.blank_first = newlines >= 2;
        } else {
            gap.blank_between.push(newlines >= 2);
        }
        gap.comments
            .push((comment.trim_end().to_string(), trailing));
        newlines = 0;
        rest = after;
    }
    newlines += rest.matches('\n').count();
    if gap.comments.is_empty() {
        gap.blank_first = newlines >= 2;
    } else {
        gap.blank_last = newlines >= 2;
    }
    gap
}

/// Whether the item starting at token `i` has a block (`deal`, `rule`).
fn item_is_block(tokens: &[Token], i: usize) -> bool {
    tokens
        .iter()
        .skip(i + 1)
        .take_while(|t| t.role != Role::Item)
        .any(|t| t.kind == TokenKind::BlockOpen)
}

/// For the first token of each labelled term's body, the spaces that align it with the bodies
/// of its neighbours: consecutive labelled terms, with no comment or blank line between.
fn label_pads(text: &str, tokens: &[Token]) -> Vec<Option<usize>> {
    let mut pads = vec![None; tokens.len()];
    let mut group: Vec<(usize, usize)> = Vec::new(); // (body token index, label width)
    let flush = |group: &mut Vec<(usize, usize)>, pads: &mut Vec<Option<usize>>| {
        let widest = group.iter().map(|&(_, w)| w).max().unwrap_or(0);
        if group.len() >= 2 && widest <= MAX_ALIGNED_LABEL {
            for &(body, width) in group.iter() {
                if let Some(p) = pads.get_mut(body) {
                    *p = Some(widest - width + 1);
                }
            }
        }
        group.clear();
    };
    for (i, token) in tokens.iter().enumerate() {
        let starts_entry = matches!(token.role, Role::Entry | Role::Label | Role::Item)
            || token.kind == TokenKind::BlockClose;
        if !starts_entry {
            continue;
        }
        let gap = gap_before(text, tokens, i);
        let broken = !gap.comments.is_empty() || gap.blank_first;
        if token.role != Role::Label || broken {
            flush(&mut group, &mut pads);
        }
        if token.role == Role::Label {
            // The label, its `:`, then the body.
            group.push((i + 2, token.text.chars().count()));
        }
    }
    flush(&mut group, &mut pads);
    pads
}

/// What goes between two tokens on one line.
fn separator(prev: &Token, next: &Token, pad: Option<usize>) -> String {
    if let Some(spaces) = pad {
        return " ".repeat(spaces);
    }
    let tight = matches!(
        next.kind,
        TokenKind::Comma | TokenKind::Close | TokenKind::Colon
    ) || matches!(prev.kind, TokenKind::Open | TokenKind::Sign)
        || (next.kind == TokenKind::Open && CALLS.contains(&prev.text.as_ref()));
    if tight {
        String::new()
    } else {
        " ".to_string()
    }
}

#[derive(Default)]
struct Printer {
    out: String,
    /// Whether the last line has text and no newline yet.
    line_open: bool,
}

impl Printer {
    fn end_line(&mut self) {
        if self.line_open {
            self.out.push('\n');
            self.line_open = false;
        }
    }

    /// One blank line, unless at the start or after one already.
    fn blank_line(&mut self) {
        self.end_line();
        let body = self.out.trim_start_matches('\u{feff}');
        if !body.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
    }

    /// The gap's comments: a trailing one on the current line, the others on lines of their own.
    fn comments(&mut self, gap: &Gap, blank_first: bool, indent: usize) {
        for (k, (comment, trailing)) in gap.comments.iter().enumerate() {
            if *trailing && self.line_open {
                self.out.push(' ');
                self.out.push_str(comment);
                self.end_line();
                continue;
            }
            self.end_line();
            // The first comment on a line of its own takes the blank line wanted before the
            // gap, even after a trailing comment.
            let first_own_line = k == 0 || (k == 1 && gap.comments.first().is_some_and(|c| c.1));
            let written = k
                .checked_sub(1)
                .and_then(|i| gap.blank_between.get(i).copied())
                .unwrap_or(false);
            let blank = written || (first_own_line && blank_first);
            if blank {
                self.blank_line();
            }
            self.indent(indent);
            self.out.push_str(comment);
            self.out.push('\n');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::format_text;

    fn fmt(text: &str) -> String {
        format_text(text).unwrap_or_else(|| format!("did not parse: {text}"))
    }

    #[test]
    fn lays_out_items_entries_and_tokens() {
        let text = "party A party B\nasset A.x action host\ndeal d{between A,B\n\
                    ip : exclusive B may host A.x until start( d.ip )+30 days}\n\
                    rule r { ask can B host A.x in 2026 expect yes }";
        assert_eq!(
            fmt(text),
            "party A\nparty B\nasset A.x\naction host\n\ndeal d {\n  between A, B\n  \
             ip: exclusive B may host A.x until start(d.ip) + 30 days\n}\n\nrule r {\n  \
             ask can B host A.x in 2026\n    expect yes\n}\n"
        );
    }

    #[test]
    fn keeps_comments_and_docs_in_place() {
        let text = "// head\n\n/// A party.\nparty A // trailing\n\n\n\nparty B\ndeal d { // open\n  // inside\n  status signed\n  dated // mid\n 2025\n  // before close\n}\n// end\n";
        let once = fmt(text);
        assert_eq!(
            once,
            "// head\n\n/// A party.\nparty A // trailing\n\nparty B\n\ndeal d { // open\n  // inside\n  status signed\n  dated // mid\n    2025\n  // before close\n}\n// end\n"
        );
        assert_eq!(fmt(&once), once);
    }

    #[test]
    fn a_block_gets_its_blank_line_after_a_trailing_comment() {
        assert_eq!(
            fmt("party A // one\ndeal d { status signed }\n// own\nrule r { ask yes }"),
            "party A // one\n\ndeal d {\n  status signed\n}\n\n// own\nrule r {\n  ask yes\n}\n"
        );
    }

    #[test]
    fn aligns_labels_of_neighbouring_terms() {
        let text = "party A\nparty B\ndeal d {\n a: pay 1 USD from A to B\n longer: pay 2 USD from A to B\n\n c: pay 3 USD from A to B\n}\n";
        assert_eq!(
            fmt(text),
            "party A\nparty B\n\ndeal d {\n  a:      pay 1 USD from A to B\n  longer: pay 2 USD from A to B\n\n  c: pay 3 USD from A to B\n}\n"
        );
    }

    #[test]
    fn text_that_does_not_parse_is_not_formatted() {
        assert_eq!(format_text("deal {"), None);
        assert_eq!(fmt(""), "");
        assert_eq!(fmt("// only a comment"), "// only a comment\n");
    }
}
