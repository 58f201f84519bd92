//! Text from rule files made safe for a terminal. A label, a `///` line or a `source "…"` may
//! hold escape sequences (an OSC 52 sequence writes the clipboard) or bidirectional overrides
//! that reorder what is shown; text output shows them as `\u{…}` instead of obeying them.
//! JSON needs none of this: serde escapes control characters. Markup (SVG, HTML) needs its own:
//! [`escape_markup`].

use std::borrow::Cow;

/// Whether a character must not reach a terminal as it is: control characters other than the
/// line feed and tab, and the bidirectional embedding, override and isolate characters.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text for XML and HTML: `&`, `<`, `>` and both quotes escaped; control characters other
/// than the line feed dropped (XML cannot hold them).
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// The text with each unsafe character written as `\u{1b}`.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The text with each unsafe character replaced by one of the same length in bytes (`?` for a
/// one-byte control, `¿` for a two-byte one, U+FFFD for a three-byte override), so that spans
/// into it still fall where they did: for the source lines a diagnostic draws.
pub fn blank_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let blanked = text
        .chars()
        .map(|c| match c.len_utf8() {
            _ if !is_unsafe(c) => c,
            1 => '?',
            2 => '¿',
            _ => '\u{fffd}',
        })
        .collect();
    Cow::Owned(blanked)
}

#[cfg(test)]
mod tests {
    use super::{blank_controls, escape_controls};

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        let osc52 = "label \u{1b}]52;c;aGk=\u{7} end\u{202e}";
        assert_eq!(
            escape_controls(osc52),
            "label \\u{1b}]52;c;aGk=\\u{7} end\\u{202e}"
        );
        assert_eq!(
            escape_controls("two\nlines\tand a tab"),
            "two\nlines\tand a tab"
        );
    }

    #[test]
    fn blanking_keeps_every_byte_offset() {
        let text = "a\u{1b}b\u{85}c\u{202e}d\r\n";
        let blanked = blank_controls(text);
        assert_eq!(blanked.len(), text.len());
        assert_eq!(blanked, "a?b¿c\u{fffd}d?\n");
    }
}
