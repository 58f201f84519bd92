//! Cutting a file into chunks of whole items, before parsing, with a single byte scan.

/// Words that begin a top-level item.
const ITEM_KEYWORDS: [&str; 8] = [
    "as", "party", "asset", "action", "channel", "event", "deal", "rule",
];

/// Byte ranges covering the whole text, each starting at a line whose first word begins an item
/// (outside strings). Keywords cannot be names, so such a line never continues an item.
pub(super) fn item_chunks(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut starts = vec![0usize];
    let mut i = 0usize;
    let mut in_string = false;
    let mut at_line_start = true;
    while let Some(&b) = bytes.get(i) {
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        match b {
            b'\n' => at_line_start = true,
            b' ' | b'\t' | b'\r' => {}
            b'"' => {
                in_string = true;
                at_line_start = false;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while bytes.get(i).is_some_and(|&c| c != b'\n') {
                    i += 1;
                }
                continue;
            }
            _ => {
                if at_line_start && starts_item(bytes.get(i..).unwrap_or(&[])) {
                    let line_start = text
                        .get(..i)
                        .and_then(|t| t.rfind('\n'))
                        .map_or(0, |n| n + 1);
                    if line_start > 0 {
                        starts.push(line_start);
                    }
                }
                at_line_start = false;
            }
        }
        i += 1;
    }
    starts.dedup();
    let mut chunks = Vec::with_capacity(starts.len());
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(text.len());
        chunks.push((start, end));
    }
    chunks
}

/// Consecutive chunks grouped until a group reaches `bytes` (a group holds at least one chunk).
pub(super) fn batches(chunks: &[(usize, usize)], bytes: usize) -> Vec<&[(usize, usize)]> {
    let mut out = Vec::new();
    let mut first = 0;
    for (i, &(_, end)) in chunks.iter().enumerate() {
        let start = chunks.get(first).map_or(0, |c| c.0);
        if end - start >= bytes || i + 1 == chunks.len() {
            if let Some(group) = chunks.get(first..=i) {
                out.push(group);
            }
            first = i + 1;
        }
    }
    out
}

fn starts_item(rest: &[u8]) -> bool {
    ITEM_KEYWORDS.iter().any(|k| {
        rest.starts_with(k.as_bytes())
            && rest
                .get(k.len())
                .is_none_or(|&c| !(c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80))
    })
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
    fn covers_the_whole_text() {
        let text = "// comment\n\nparty A party B\nasset A.x";
        let chunks = item_chunks(text);
        assert_eq!(chunks.first().map(|c| c.0), Some(0));
        assert_eq!(chunks.last().map(|c| c.1), Some(text.len()));
        assert!(chunks.windows(2).all(|w| w[0].1 == w[1].0));
    }
}
