//! Files, spans and the source map: where every node and diagnostic points.

use serde::Serialize;
use std::fmt;

/// Index of a file in a [`SourceMap`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
#[serde(transparent)]
pub struct FileId(pub u32);

impl fmt::Debug for FileId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A byte range in one file. Small and `Copy`, so every node can carry one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span {
            file,
            start: clamp(start),
            end: clamp(end),
        }
    }

    /// The smallest span covering both (same file assumed).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}..{}", self.start, self.end)
    }
}

/// A node with its span. Equality ignores the span, so tests can build expected trees freely.
#[derive(Clone, Serialize)]
pub struct Spanned<T> {
    pub node: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

impl<T: PartialEq> PartialEq for Spanned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.node == other.node
    }
}

impl<T: fmt::Debug> fmt::Debug for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.node.fmt(f)?;
        self.span.fmt(f)
    }
}

/// One file's path and text, with line starts for `file:line` output. The text is held for
/// the rule set's life: diagnostics and explanations draw from the text that was loaded.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    /// The path again, shared: what explanations hold.
    shared_path: crate::ast::Text,
    text: String,
    /// Where each line starts (the first at 0).
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// A file's text. A lone carriage return (an old Mac line end) is made a line feed, byte
    /// for byte, so that comments, line numbers and drawn snippets all see the same lines.
    pub fn new(path: String, text: String) -> SourceFile {
        let text = if text.contains('\r') {
            let mut bytes = text.into_bytes();
            lone_cr_as_line_feed(&mut bytes);
            // A CR made an LF keeps the text UTF-8 (both are single ASCII bytes).
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        } else {
            text
        };
        let line_starts: Vec<u32> = std::iter::once(0)
            .chain(
                text.bytes()
                    .enumerate()
                    .filter(|&(_, b)| b == b'\n')
                    .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
            )
            .collect();
        SourceFile {
            shared_path: crate::ast::Text::from(path.as_str()),
            path,
            text,
            line_starts,
        }
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Length of the text in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: u32) -> usize {
        self.line_starts.partition_point(|&s| s <= offset)
    }

    /// Byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .map_or(self.len(), |&s| s as usize)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_start(line.saturating_sub(1));
        let end = (offset as usize).min(self.len());
        let col = match self.text.get(start..end) {
            Some(text) => text.chars().count(),
            None => end.saturating_sub(start),
        } + 1;
        (line, col)
    }

    /// The text of a span, or "" when it does not fall on character boundaries.
    pub fn slice(&self, span: Span) -> &str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }
}

/// Makes each carriage return not followed by a line feed one. The length never changes, so
/// offsets hold.
fn lone_cr_as_line_feed(bytes: &mut [u8]) {
    // Walked from the end, `next` is the byte after as read (a CR made LF still counts as CR).
    let mut next = None;
    for b in bytes.iter_mut().rev() {
        let read = *b;
        if read == b'\r' && next != Some(b'\n') {
            *b = b'\n';
        }
        next = Some(read);
    }
}

/// Every file of a rule set, by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    /// Shared: an editor's workspace keeps each file and builds a map per check.
    files: Vec<std::sync::Arc<SourceFile>>,
}

impl SourceMap {
    pub fn add(&mut self, path: String, text: String) -> FileId {
        self.add_shared(std::sync::Arc::new(SourceFile::new(path, text)))
    }

    /// Adds a file already read (and kept elsewhere), without copying its text.
    pub fn add_shared(&mut self, file: std::sync::Arc<SourceFile>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(file);
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize).map(|f| &**f)
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), &**f))
    }

    pub fn path(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.path.as_str())
    }

    /// [`SourceMap::location`] with the path shared, not copied (explanations keep one per
    /// term they list).
    pub fn shared_location(&self, span: Span) -> (crate::ast::Text, usize) {
        match self.get(span.file) {
            Some(f) => (f.shared_path.clone(), f.line_of(span.start)),
            None => (arcstr::literal!("<unknown>"), 0),
        }
    }

    /// `file:line` of a span's start.
    pub fn location(&self, span: Span) -> (String, usize) {
        match self.get(span.file) {
            Some(f) => (f.path.clone(), f.line_of(span.start)),
            None => ("<unknown>".to_string(), 0),
        }
    }

    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).map_or("", |f| f.slice(span))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_agree_with_counting_newlines() {
        let text = "a\n\nparty Bé\nx";
        let file = SourceFile::new("lines.deal".into(), text.into());
        assert_eq!(file.line_col(0), (1, 1));
        assert_eq!(file.line_col(2), (2, 1));
        assert_eq!(file.line_col(3), (3, 1));
        // Columns count characters: `é` is two bytes.
        assert_eq!(file.line_col(12), (3, 9));
        assert_eq!(file.line_col(13), (4, 1));
        assert_eq!(file.line_start(3), 13);
        assert_eq!(file.line_start(9), text.len());
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let read = "party A\r// note\rparty B\r\nparty C\r\r\r\n";
        let file = SourceFile::new("cr.deal".into(), read.into());
        assert_eq!(file.text(), "party A\n// note\nparty B\r\nparty C\n\n\r\n");
        assert_eq!(file.line_col(16), (3, 1));
        assert_eq!(file.len(), read.len());
    }
}
