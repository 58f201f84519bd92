//! A cheap scan that refuses input nested deeper than the parser's recursion can take, before
//! pest sees it: deep nesting is a diagnostic, never a stack overflow.

use super::scan::Piece;
use crate::diagnostic::{codes, Diagnostic};
use crate::source::{FileId, Span};

pub use crate::limits::MAX_NESTING;

/// The span of the first `(` that goes past [`MAX_NESTING`], if any. Strings and comments are
/// skipped so their brackets do not count.
pub fn check_nesting(text: &str, file: FileId, offset: usize) -> Result<(), Diagnostic> {
    let mut depth = 0usize;
    for (i, piece) in super::scan::pieces(text) {
        match piece {
            Piece::Code(b'(') => {
                depth += 1;
                if depth > MAX_NESTING {
                    let span = Span::new(file, offset + i, offset + i + 1);
                    return Err(Diagnostic::error(
                        codes::TOO_DEEP,
                        span,
                        format!("too deeply nested: more than {MAX_NESTING} levels of parentheses"),
                    )
                    .with_label("this parenthesis is one level too deep")
                    .with_help(
                        "split the question into smaller ones or remove redundant parentheses",
                    ));
                }
            }
            Piece::Code(b')') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_shallow_and_rejects_deep() {
        assert!(check_nesting("((a))", FileId(0), 0).is_ok());
        let deep = "(".repeat(MAX_NESTING + 1);
        let err = check_nesting(&deep, FileId(0), 0).unwrap_err();
        assert_eq!(err.code, codes::TOO_DEEP);
        assert_eq!(err.span().map(|s| s.start), Some(MAX_NESTING as u32));
    }

    #[test]
    fn ignores_brackets_in_strings_and_comments() {
        let text = format!("\"{}\" // {}\n", "(".repeat(500), "(".repeat(500));
        assert!(check_nesting(&text, FileId(0), 0).is_ok());
    }
}
