//! Cutting a file into chunks of whole items, before parsing, with a single byte scan.

use super::scan::{pieces, Piece};

/// Words that begin a top-level item.
pub(super) const ITEM_KEYWORDS: [&str; 8] = [
    "as", "party", "asset", "action", "channel", "event", "deal", "rule",
];

/// Byte ranges covering the whole text, each starting at a line whose first word begins an item
/// (outside strings). Keywords cannot be names, so such a line never continues an item.
pub(super) fn item_chunks(text: &str) -> Vec<(usize, usize)> {
    ranges(text, starting_lines(text, starts_item))
}

/// The parts of a deal's text (`text` is the deal's item chunk): ranges of whole lines, each
/// after the first starting at a line that begins a deal item (a term, `status`, `between`…),
/// grouped to about `bytes` each. Fewer than two parts: the deal is not worth cutting.
pub(super) fn deal_parts(text: &str, bytes: usize) -> Vec<(usize, usize)> {
    let lines = ranges(text, starting_lines(text, starts_deal_item));
    batches(&lines, bytes)
        .into_iter()
        .filter_map(|group| Some((group.first()?.0, group.last()?.1)))
        .collect()
}

/// Consecutive ranges from `starts` (which begins with 0) to the end of the text.
fn ranges(text: &str, starts: Vec<usize>) -> Vec<(usize, usize)> {
    let mut chunks = Vec::with_capacity(starts.len());
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(text.len());
        chunks.push((start, end));
    }
    chunks
}

/// 0, and the start of every later line whose first word (outside strings and comments) makes
/// `starts` true.
fn starting_lines(text: &str, starts: fn(&[u8]) -> bool) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut found = vec![0usize];
    let mut line_start = Some(0usize);
    for (i, piece) in pieces(text) {
        match piece {
            Piece::Code(b'\n') => line_start = Some(i + 1),
            Piece::Code(b' ' | b'\t' | b'\r') | Piece::Comment => {}
            Piece::Code(_) => {
                if let Some(start) = line_start {
                    if start > 0 && starts(bytes.get(i..).unwrap_or(&[])) {
                        found.push(start);
                    }
                }
                line_start = None;
            }
        }
    }
    found.dedup();
    found
}

/// Consecutive chunks grouped until a group reaches `bytes` (a group holds at least one chunk);
/// a chunk of `bytes` or more is a group of its own.
pub(super) fn batches(chunks: &[(usize, usize)], bytes: usize) -> Vec<&[(usize, usize)]> {
    let mut out = Vec::new();
    let mut first = 0;
    for (i, &(start, end)) in chunks.iter().enumerate() {
        if i > first && end - start >= bytes {
            if let Some(group) = chunks.get(first..i) {
                out.push(group);
            }
            first = i;
        }
        let group_start = chunks.get(first).map_or(0, |c| c.0);
        if end - group_start >= bytes || i + 1 == chunks.len() {
            if let Some(group) = chunks.get(first..=i) {
                out.push(group);
            }
            first = i + 1;
        }
    }
    out
}

fn starts_item(rest: &[u8]) -> bool {
    ITEM_KEYWORDS.iter().any(|k| starts_with_word(rest, k))
}

/// Words that begin an item of a deal's body other than a term.
pub(super) const DEAL_LINE_KEYWORDS: [&str; 4] = ["between", "status", "dated", "source"];

/// A deal item's first word, or a term's label (`ip:`).
fn starts_deal_item(rest: &[u8]) -> bool {
    let keywords = DEAL_LINE_KEYWORDS.iter().chain(&super::TERM_KEYWORDS);
    if keywords.clone().any(|k| starts_with_word(rest, k)) {
        return true;
    }
    let name = rest.iter().take_while(|&&c| is_name_byte(c)).count();
    let after = rest.get(name..).unwrap_or(&[]);
    let colon = after.iter().position(|&c| c != b' ' && c != b'\t');
    name > 0 && colon.and_then(|at| after.get(at)) == Some(&b':')
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn starts_with_word(rest: &[u8], word: &str) -> bool {
    rest.starts_with(word.as_bytes()) && rest.get(word.len()).is_none_or(|&c| !is_name_byte(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_item_lines_only() {
        let text = "party A\nparty B \"x\nparty C\"\ndeal d {\n  grant B may host A.m\n}\n  rule r { ask yes }\n";
        let chunks = item_chunks(text);
        let pieces: Vec<&str> = chunks.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(
            pieces,
            [
                "party A\n",
                "party B \"x\nparty C\"\n",
                "deal d {\n  grant B may host A.m\n}\n",
                "  rule r { ask yes }\n"
            ]
        );
    }

    #[test]
    fn a_deal_is_cut_at_lines_that_begin_its_items() {
        let text = "deal d {\n  status signed\n  ip: grant B may host A.m\n    until 2030\n  pay 1 USD from A to B \"x\n  pay\"\n}\n";
        let parts = deal_parts(text, 1);
        let pieces: Vec<&str> = parts.iter().map(|&(a, b)| &text[a..b]).collect();
        assert_eq!(
            pieces,
            [
                "deal d {\n",
                "  status signed\n",
                "  ip: grant B may host A.m\n    until 2030\n",
                "  pay 1 USD from A to B \"x\n  pay\"\n}\n",
            ]
        );
        assert_eq!(deal_parts(text, 1 << 20).len(), 1);
    }

    #[test]
    fn covers_the_whole_text() {
        let text = "// comment\n\nparty A party B\nasset A.x";
        let chunks = item_chunks(text);
        assert_eq!(chunks.first().map(|c| c.0), Some(0));
        assert_eq!(chunks.last().map(|c| c.1), Some(text.len()));
        assert!(chunks.windows(2).all(|w| w[0].1 == w[1].0));
    }
}
