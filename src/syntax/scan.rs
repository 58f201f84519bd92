//! The one scan of `.deal` text outside string literals and comments, shared by the passes that
//! look at raw text before (or beside) pest: cutting a file into items, the nesting guard, and
//! trimming a pair's trailing comment. Each used to carry its own copy of these rules.

/// What the scan meets at a byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Piece {
    /// A byte of code (outside strings and comments). A string's opening `"` is one; its body
    /// and closing `"` are skipped (a `\` escapes the next byte).
    Code(u8),
    /// A `//` comment starts here; it runs to the line's end, which is not part of it.
    Comment,
}

/// The pieces of `text`, with their byte offsets.
pub(super) fn pieces(text: &str) -> Pieces<'_> {
    Pieces {
        bytes: text.as_bytes(),
        at: 0,
    }
}

pub(super) struct Pieces<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl Iterator for Pieces<'_> {
    type Item = (usize, Piece);

    fn next(&mut self) -> Option<(usize, Piece)> {
        let start = self.at;
        let b = *self.bytes.get(start)?;
        match b {
            b'"' => {
                let mut i = start + 1;
                while let Some(&c) = self.bytes.get(i) {
                    i += if c == b'\\' { 2 } else { 1 };
                    if c == b'"' {
                        break;
                    }
                }
                self.at = i.min(self.bytes.len());
                Some((start, Piece::Code(b'"')))
            }
            b'/' if self.bytes.get(start + 1) == Some(&b'/') => {
                let rest = self.bytes.get(start..).unwrap_or(&[]);
                let len = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
                self.at = start + len;
                Some((start, Piece::Comment))
            }
            _ => {
                self.at = start + 1;
                Some((start, Piece::Code(b)))
            }
        }
    }
}

/// A word or a piece of punctuation, outside strings and comments: what an editor needs to
/// find names by their text (see `lsp`), without a parse (the text may be half-written).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lexeme {
    /// A run of identifier characters not starting with a digit, at `start..end`.
    Word(usize, usize),
    /// `.`, `:`, `{`, `}`, `(`, `)`, `,` at an offset.
    Punct(u8, usize),
}

/// A character a name may go on with: the grammar's `XID_CONTINUE` (digits and `_` included).
pub fn is_name_char(c: char) -> bool {
    pest::unicode::XID_CONTINUE(c)
}

/// Whether `text` can be declared as a name: the grammar's `decl_name`, not a keyword, not too
/// long (the checker's `keyword-name` and length rules).
pub fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c == '_' || pest::unicode::XID_START(c))
        && chars.all(is_name_char)
        && text.len() <= crate::limits::MAX_NAME_BYTES
        && !super::KEYWORDS.contains(&text)
}

/// The words and punctuation of `text`, in order. Runs that start with a digit (`10B`,
/// `2025s`) are numbers, not words.
pub fn lexemes(text: &str) -> Vec<Lexeme> {
    let mut out = Vec::new();
    let mut word_end = 0usize;
    for (i, piece) in pieces(text) {
        if i < word_end {
            continue;
        }
        let Piece::Code(b) = piece else { continue };
        match b {
            b'.' | b':' | b'{' | b'}' | b'(' | b')' | b',' => out.push(Lexeme::Punct(b, i)),
            _ => {
                let rest = text.get(i..).unwrap_or("");
                let len: usize = rest
                    .char_indices()
                    .take_while(|&(_, c)| is_name_char(c))
                    .last()
                    .map_or(0, |(at, c)| at + c.len_utf8());
                if len == 0 {
                    continue;
                }
                word_end = i + len;
                if !b.is_ascii_digit() {
                    out.push(Lexeme::Word(i, i + len));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{is_name, lexemes, pieces, Lexeme, Piece};

    #[test]
    fn names_are_the_grammar_s_and_not_keywords() {
        assert!(is_name("Zoë_2") && is_name("_x"));
        assert!(!is_name("2x") && !is_name("a-b") && !is_name("") && !is_name("deal"));
    }

    #[test]
    fn lexemes_are_words_and_punctuation_outside_strings_and_comments() {
        let found = lexemes("asset Ö.x \"a.b\" 10B // c.d\n{}");
        assert_eq!(
            found,
            [
                Lexeme::Word(0, 5),
                Lexeme::Word(6, 8),
                Lexeme::Punct(b'.', 8),
                Lexeme::Word(9, 10),
                Lexeme::Punct(b'{', 28),
                Lexeme::Punct(b'}', 29),
            ]
        );
    }

    #[test]
    fn strings_and_comments_are_skipped_whole() {
        let text = "a \"b // \\\" (\" // c \"\n(";
        let found: Vec<(usize, Piece)> = pieces(text).collect();
        assert_eq!(
            found,
            [
                (0, Piece::Code(b'a')),
                (1, Piece::Code(b' ')),
                (2, Piece::Code(b'"')),
                (13, Piece::Code(b' ')),
                (14, Piece::Comment),
                (20, Piece::Code(b'\n')),
                (21, Piece::Code(b'(')),
            ]
        );
        // An unterminated string runs to the end.
        assert_eq!(pieces("\"abc").count(), 1);
    }
}
