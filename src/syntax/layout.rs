//! A file's tokens in order, each marked with where it stands in the structure (an item's
//! start, a deal or rule entry's start, a term's label): what `dealcheck fmt` lays out. Comments
//! and blank lines are not tokens; the formatter reads them from the gaps between tokens.

use super::chunks::item_chunks;
use super::grammar::{DealParser, Rule};
use super::scan::{pieces, Piece};
use pest::iterators::Pair;
use pest::Parser;
use std::borrow::Cow;

/// One token as the formatter prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token<'t> {
    /// Byte offsets in the file.
    pub start: usize,
    pub end: usize,
    /// The text to print: as written, with runs of whitespace inside it (`38  billion`,
    /// `30\n days`) made one space; a string literal exactly as written. Borrowed from the
    /// file unless made one space: a 10 MB file has two million tokens.
    pub text: Cow<'t, str>,
    pub kind: TokenKind,
    pub role: Role,
}

/// What a token is, as far as spacing goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    /// `(`
    Open,
    /// `)`
    Close,
    Comma,
    /// `:` after a term's label.
    Colon,
    /// `$`, `€`, `£` before an amount.
    Sign,
    /// `{` of a deal or rule.
    BlockOpen,
    /// `}` of a deal or rule.
    BlockClose,
}

/// Where a token stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The first token of a top-level item.
    Item,
    /// The first token of an entry of a deal or rule (a term, `between`, `ask`, …).
    Entry,
    /// The first token of a term with a label: the label itself.
    Label,
    /// Any other token.
    Inside,
}

/// Rules whose text is one token although pest gives them inner pairs.
fn is_compound_token(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::label
            | Rule::percent
            | Rule::amount
            | Rule::date
            | Rule::duration_part
            | Rule::asset_name
            | Rule::asset_ref
            | Rule::reference
    )
}

/// Rules that are an entry of a deal or a rule.
fn is_entry(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::deal_between
            | Rule::deal_status
            | Rule::deal_dated
            | Rule::deal_source
            | Rule::term
            | Rule::assuming
            | Rule::ask
            | Rule::assert
    )
}

/// Every token of `text`, in order; `None` when the text does not parse.
///
/// Parsed a chunk of whole items at a time (as the checker parses), so memory follows the
/// largest item, not the file.
pub fn layout_tokens(text: &str) -> Option<Vec<Token<'_>>> {
    let mut tokens = Vec::new();
    for (start, end) in item_chunks(text) {
        let chunk = text.get(start..end)?;
        let file = DealParser::parse(Rule::file, chunk).ok()?.next()?;
        for item in file.into_inner() {
            if item.as_rule() == Rule::EOI {
                continue;
            }
            let first = tokens.len();
            item_tokens(item, start, text, &mut tokens);
            if let Some(t) = tokens.get_mut(first) {
                t.role = Role::Item;
            }
        }
    }
    Some(tokens)
}

/// The tokens of one item, with the silent punctuation (`{`, `}`, `:`, `=`) found between them.
fn item_tokens<'t>(item: Pair<'t, Rule>, offset: usize, text: &'t str, out: &mut Vec<Token<'t>>) {
    let span = item.as_span();
    let (item_start, item_end) = (offset + span.start(), offset + span.end());
    let mut leaves = Vec::new();
    for child in item.into_inner() {
        if is_entry(child.as_rule()) {
            let at = leaves.len();
            let labelled = child
                .clone()
                .into_inner()
                .next()
                .is_some_and(|c| c.as_rule() == Rule::term_label);
            collect_leaves(child, offset, &mut leaves);
            if let Some(t) = leaves.get_mut(at) {
                t.role = if labelled { Role::Label } else { Role::Entry };
            }
        } else {
            collect_leaves(child, offset, &mut leaves);
        }
    }
    let mut at = item_start;
    for leaf in leaves {
        punctuation_between(text, at, leaf.start, out);
        at = leaf.end;
        out.push(leaf);
    }
    punctuation_between(text, at, item_end, out);
}

fn collect_leaves<'t>(pair: Pair<'t, Rule>, offset: usize, out: &mut Vec<Token<'t>>) {
    let rule = pair.as_rule();
    let span = pair.as_span();
    let mut inner = pair.clone().into_inner().peekable();
    if !is_compound_token(rule) && inner.peek().is_some() {
        for child in inner {
            collect_leaves(child, offset, out);
        }
        return;
    }
    let written = span.as_str();
    let spaced_once =
        || !written.contains(|c: char| c.is_whitespace() && c != ' ') && !written.contains("  ");
    let text = if rule == Rule::label || spaced_once() {
        Cow::Borrowed(written)
    } else {
        Cow::Owned(written.split_whitespace().collect::<Vec<_>>().join(" "))
    };
    if text.is_empty() {
        return;
    }
    let kind = match rule {
        Rule::OPEN => TokenKind::Open,
        Rule::CLOSE => TokenKind::Close,
        Rule::COMMA => TokenKind::Comma,
        Rule::currency_sign => TokenKind::Sign,
        _ => TokenKind::Word,
    };
    out.push(Token {
        start: offset + span.start(),
        end: offset + span.end(),
        text,
        kind,
        role: Role::Inside,
    });
}

/// The grammar's silent punctuation in `text[from..to]` (which holds no string: strings are
/// tokens), skipping comments.
fn punctuation_between(text: &str, from: usize, to: usize, out: &mut Vec<Token<'_>>) {
    let Some(gap) = text.get(from..to) else {
        return;
    };
    for (i, piece) in pieces(gap) {
        let (kind, symbol) = match piece {
            Piece::Code(b'{') => (TokenKind::BlockOpen, "{"),
            Piece::Code(b'}') => (TokenKind::BlockClose, "}"),
            Piece::Code(b':') => (TokenKind::Colon, ":"),
            Piece::Code(b'=') => (TokenKind::Word, "="),
            _ => continue,
        };
        out.push(Token {
            start: from + i,
            end: from + i + 1,
            text: Cow::Borrowed(symbol),
            kind,
            role: Role::Inside,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{layout_tokens, Role, TokenKind};

    #[test]
    fn tokens_carry_roles_and_silent_punctuation() {
        let text = "deal d { // c\n  x: pay $5B from A to B\n}\nrate 1 GBP = 1.2 USD\n";
        let tokens = layout_tokens(text).unwrap_or_default();
        let shown: Vec<(&str, Role)> = tokens.iter().map(|t| (t.text.as_ref(), t.role)).collect();
        assert_eq!(
            shown.first().copied(),
            Some(("deal", Role::Item)),
            "{shown:?}"
        );
        assert!(shown.contains(&("x", Role::Label)));
        assert!(shown.contains(&("rate", Role::Item)));
        assert!(tokens.iter().any(|t| t.kind == TokenKind::Colon));
        assert!(tokens.iter().any(|t| t.kind == TokenKind::BlockOpen));
        assert!(tokens.iter().any(|t| t.text == "="));
        assert!(tokens.iter().any(|t| t.kind == TokenKind::Sign));
        assert_eq!(layout_tokens("deal {"), None);
    }
}
