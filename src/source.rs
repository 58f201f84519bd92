//! Files, spans and the source map: where every node and diagnostic points.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::hash::Hasher;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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

/// One file's path and text, with line starts for `file:line` output.
#[derive(Debug)]
pub struct SourceFile {
    pub path: String,
    /// The path again, shared: what explanations hold.
    shared_path: crate::ast::Text,
    /// The text, until [`SourceFile::release`] lets it go.
    text: String,
    line_starts: LineIndex,
    released: Option<Released>,
    /// The [`text_hash`] of the text as read, when it differs from the text held (lone carriage
    /// returns made line feeds): what the file on disk is compared with once released.
    read_hash: Option<u64>,
}

/// Where each line starts, in about two bytes a line (a 100 MB file has millions of lines, and
/// the index is kept for the rule set's life). Lines are grouped in blocks of
/// [`LineIndex::BLOCK`]: a block keeps its first line's start, and each line its distance from
/// it in 16 bits; a block spanning 64 KiB or more keeps every start in full instead.
#[derive(Debug, Default)]
struct LineIndex {
    /// The first line start of each block.
    bases: Vec<u32>,
    /// Each line's start minus its block's base (0 for lines of long blocks).
    near: Vec<u16>,
    /// The long blocks, by block number, each with where its starts begin in `far`.
    long: Vec<(u32, u32)>,
    far: Vec<u32>,
}

impl LineIndex {
    const BLOCK: usize = 64;

    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0).chain(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
        );
        let mut index = LineIndex::default();
        let mut block: Vec<u32> = Vec::with_capacity(LineIndex::BLOCK);
        for start in starts {
            block.push(start);
            if block.len() == LineIndex::BLOCK {
                index.add_block(&block);
                block.clear();
            }
        }
        if !block.is_empty() {
            index.add_block(&block);
        }
        index.bases.shrink_to_fit();
        index.near.shrink_to_fit();
        index.long.shrink_to_fit();
        index.far.shrink_to_fit();
        index
    }

    fn add_block(&mut self, starts: &[u32]) {
        let (Some(&base), Some(&last)) = (starts.first(), starts.last()) else {
            return;
        };
        let block = u32::try_from(self.bases.len()).unwrap_or(u32::MAX);
        self.bases.push(base);
        if u16::try_from(last - base).is_ok() {
            self.near
                .extend(starts.iter().map(|&s| u16::try_from(s - base).unwrap_or(0)));
        } else {
            let at = u32::try_from(self.far.len()).unwrap_or(u32::MAX);
            self.long.push((block, at));
            self.far.extend_from_slice(starts);
            self.near.extend(starts.iter().map(|_| 0));
        }
    }

    fn len(&self) -> usize {
        self.near.len()
    }

    /// Where 0-based line `line` starts.
    fn get(&self, line: usize) -> Option<u32> {
        let near = *self.near.get(line)?;
        let block = line / LineIndex::BLOCK;
        let block_u32 = u32::try_from(block).ok()?;
        match self.long.binary_search_by_key(&block_u32, |&(b, _)| b) {
            Ok(i) => {
                let (_, at) = *self.long.get(i)?;
                self.far.get(at as usize + line % LineIndex::BLOCK).copied()
            }
            Err(_) => Some(self.bases.get(block)? + u32::from(near)),
        }
    }

    /// How many lines start at or before `offset` (the 1-based line of `offset`).
    fn count_up_to(&self, offset: u32) -> usize {
        let blocks_before = self.bases.partition_point(|&b| b <= offset);
        let Some(block) = blocks_before.checked_sub(1) else {
            return 0;
        };
        // The lines of the block that start at or before `offset` come first: halve the block.
        let (mut low, mut high) = (block * LineIndex::BLOCK, (block + 1) * LineIndex::BLOCK);
        high = high.min(self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if self.get(middle).is_some_and(|s| s <= offset) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        low
    }
}

/// What stays of a file's text once it is released: the parts still read (the rules, whose
/// questions explanations quote) and how to read the rest back, for diagnostics, from disk.
#[derive(Debug)]
struct Released {
    origin: PathBuf,
    len: usize,
    hash: u64,
    /// Kept slices of the text, by where they start; they do not overlap.
    kept: Vec<(u32, Box<str>)>,
    /// Whether the file on disk is still the one loaded (same length and checksum), checked
    /// once, reading it through a small buffer: diagnostics then read back only their lines.
    unchanged: OnceLock<bool>,
}

impl SourceFile {
    /// A file's text. A lone carriage return (an old Mac line end) is made a line feed, byte
    /// for byte, so that comments, line numbers and drawn snippets all see the same lines.
    pub fn new(path: String, text: String) -> SourceFile {
        let (text, read_hash) = if text.contains('\r') {
            let hash = text_hash(text.as_bytes());
            let mut bytes = text.into_bytes();
            if lone_cr_as_line_feed(&mut bytes, None) {
                // A CR made an LF keeps the text UTF-8 (both are single ASCII bytes).
                let text = String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                (text, Some(hash))
            } else {
                (String::from_utf8(bytes).unwrap_or_default(), None)
            }
        } else {
            (text, None)
        };
        let line_starts = LineIndex::new(&text);
        SourceFile {
            shared_path: crate::ast::Text::from(path.as_str()),
            path,
            text,
            line_starts,
            released: None,
            read_hash,
        }
    }

    /// The whole text, while it is held (until [`SourceFile::release`]).
    pub fn text(&self) -> Option<&str> {
        self.released.is_none().then_some(self.text.as_str())
    }

    /// Whether any of the text can be had: it is held, or it was released and the file on disk
    /// is unchanged since it was loaded. A released file changed on disk (or gone) cannot be:
    /// its diagnostics name their place by line and column instead of drawing it.
    pub fn readable(&self) -> bool {
        let Some(released) = &self.released else {
            return true;
        };
        *released.unchanged.get_or_init(|| {
            // A file that has grown is not read at all (it may now be huge).
            let same_len = std::fs::metadata(&released.origin)
                .is_ok_and(|m| usize::try_from(m.len()).is_ok_and(|len| len == released.len));
            same_len
                && file_hash(&released.origin)
                    .is_some_and(|(len, hash)| len == released.len && hash == released.hash)
        })
    }

    /// The text between two byte offsets: borrowed while held; once released, read back from
    /// disk (just those bytes) if the file is unchanged. `None` when it cannot be had or does
    /// not fall on character boundaries.
    pub fn excerpt(&self, start: usize, end: usize) -> Option<Cow<'_, str>> {
        if self.released.is_none() {
            return self.text.get(start..end).map(Cow::Borrowed);
        }
        if end < start || end > self.len() || !self.readable() {
            return None;
        }
        let released = self.released.as_ref()?;
        let mut file = std::fs::File::open(&released.origin).ok()?;
        file.seek(SeekFrom::Start(u64::try_from(start).ok()?))
            .ok()?;
        // One byte more when there is one: whether a carriage return at the end is lone.
        let wanted = end - start + usize::from(end < self.len());
        let mut bytes = vec![0; wanted];
        file.read_exact(&mut bytes).ok()?;
        let next = (wanted > end - start).then(|| bytes.pop()).flatten();
        blank_bom(&mut bytes, start);
        lone_cr_as_line_feed(&mut bytes, next);
        String::from_utf8(bytes).ok().map(Cow::Owned)
    }

    /// Lets the text go, keeping only the slices at `keep`; the rest can be read back from
    /// `origin` (the file it was loaded from) if a diagnostic needs to be drawn. A rule set of
    /// 100 MB holds the text once while parsing and not after.
    pub fn release(&mut self, origin: PathBuf, keep: impl IntoIterator<Item = Span>) {
        if self.released.is_some() {
            return;
        }
        let mut kept: Vec<(u32, Box<str>)> = keep
            .into_iter()
            .filter_map(|span| {
                Some((
                    span.start,
                    self.text
                        .get(span.start as usize..span.end as usize)?
                        .into(),
                ))
            })
            .collect();
        kept.sort_by_key(|k| k.0);
        kept.dedup_by_key(|k| k.0);
        self.released = Some(Released {
            origin,
            len: self.text.len(),
            hash: self
                .read_hash
                .unwrap_or_else(|| text_hash(self.text.as_bytes())),
            kept,
            unchanged: OnceLock::new(),
        });
        self.text = String::new();
    }

    /// Length of the text in bytes (held or not).
    pub fn len(&self) -> usize {
        self.released.as_ref().map_or(self.text.len(), |r| r.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: u32) -> usize {
        self.line_starts.count_up_to(offset)
    }

    /// Byte offset where a 0-based line starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .map_or(self.len(), |s| s as usize)
    }

    /// 1-based line and column (in characters; in bytes if the text cannot be read back) of a
    /// byte offset.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = self.line_of(offset);
        let start = self.line_starts.get(line.saturating_sub(1)).unwrap_or(0) as usize;
        let end = (offset as usize).min(self.len());
        let col = match self.excerpt(start, end) {
            Some(text) => text.chars().count(),
            None => end.saturating_sub(start),
        } + 1;
        (line, col)
    }

    /// The text of a span, or "" when it does not fall on character boundaries; once the text
    /// is released, only spans within the kept slices (elsewhere, [`SourceFile::excerpt`]
    /// reads from disk).
    pub fn slice(&self, span: Span) -> &str {
        let (start, end) = (span.start as usize, span.end as usize);
        let Some(released) = &self.released else {
            return self.text.get(start..end).unwrap_or("");
        };
        let at = released.kept.partition_point(|k| k.0 <= span.start);
        let kept = at
            .checked_sub(1)
            .and_then(|i| released.kept.get(i))
            .and_then(|(from, text)| {
                let from = *from as usize;
                text.get(start.checked_sub(from)?..end.checked_sub(from)?)
            });
        kept.unwrap_or("")
    }
}

/// A checksum of a file's text, to tell whether the file on disk is the one loaded. Fed in
/// blocks of [`HASH_BLOCK`] bytes, so a file read through a buffer gets the same sum.
fn text_hash(text: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    for block in text.chunks(HASH_BLOCK) {
        hasher.write(block);
    }
    hasher.write_usize(text.len());
    hasher.finish()
}

const HASH_BLOCK: usize = 64 * 1024;

/// The length and [`text_hash`] of a file on disk, read a block at a time (a byte-order mark
/// blanked, as loading does).
fn file_hash(path: &Path) -> Option<(usize, u64)> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = rustc_hash::FxHasher::default();
    let mut block = vec![0; HASH_BLOCK];
    let mut len = 0usize;
    loop {
        // Fill the block (a read may return less), so blocks fall where `text_hash`'s do.
        let mut filled = 0;
        while filled < HASH_BLOCK {
            match file.read(block.get_mut(filled..)?) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
        let data = block.get_mut(..filled)?;
        blank_bom(data, len);
        hasher.write(data);
        len += filled;
        if filled < HASH_BLOCK {
            break;
        }
    }
    hasher.write_usize(len);
    Some((len, hasher.finish()))
}

/// Blanks a UTF-8 byte-order mark at the start of a file, as loading does (three spaces, so
/// offsets stay put), in bytes read from `offset` on.
fn blank_bom(bytes: &mut [u8], offset: usize) {
    const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];
    if offset >= BOM.len() {
        return;
    }
    // The mark's bytes that fall in `bytes`, compared to where they stand in it.
    let shown = BOM.len() - offset;
    let Some(head) = bytes.get_mut(..shown.min(bytes.len())) else {
        return;
    };
    if BOM.get(offset..offset + head.len()) == Some(&*head) {
        head.fill(b' ');
    }
}

/// Makes each carriage return not followed by a line feed one (`next` is the byte after
/// `bytes`, if any); returns whether any was. The length never changes, so offsets hold.
pub fn lone_cr_as_line_feed(bytes: &mut [u8], next: Option<u8>) -> bool {
    let mut changed = false;
    let len = bytes.len();
    for i in 0..len {
        if bytes.get(i) == Some(&b'\r') {
            let after = if i + 1 < len {
                bytes.get(i + 1).copied()
            } else {
                next
            };
            if after != Some(b'\n') {
                if let Some(b) = bytes.get_mut(i) {
                    *b = b'\n';
                    changed = true;
                }
            }
        }
    }
    changed
}

/// Every file of a rule set, by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, path: String, text: String) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(path, text));
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Releases one file's text: see [`SourceFile::release`].
    pub fn release(&mut self, id: FileId, origin: PathBuf, keep: impl IntoIterator<Item = Span>) {
        if let Some(file) = self.files.get_mut(id.0 as usize) {
            file.release(origin, keep);
        }
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
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
    fn the_line_index_agrees_with_counting_newlines() {
        // Short lines, empty lines, and lines long enough that a block spans more than 64 KiB
        // (kept in full), in several mixes.
        let long = "x".repeat(70_000);
        let mut texts = vec![String::new(), "\n".into(), "a".into(), "a\nb\n".into()];
        texts.push((0..500).map(|i| format!("line {i}\n")).collect());
        texts.push(
            (0..300)
                .map(|i| {
                    if i % 97 == 0 {
                        format!("{long}\n")
                    } else {
                        "\n".into()
                    }
                })
                .collect(),
        );
        texts.push(format!("{long}\n{long}"));
        for text in &texts {
            let index = LineIndex::new(text);
            let starts: Vec<u32> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1))
                .collect();
            assert_eq!(index.len(), starts.len());
            for (line, &start) in starts.iter().enumerate() {
                assert_eq!(index.get(line), Some(start), "line {line}");
            }
            assert_eq!(index.get(starts.len()), None);
            for offset in (0..=text.len() as u32 + 1)
                .step_by(37)
                .chain([0, text.len() as u32])
            {
                let expected = starts.iter().filter(|&&s| s <= offset).count();
                assert_eq!(index.count_up_to(offset), expected, "offset {offset}");
            }
        }
    }

    fn temp_file(name: &str, text: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("dealcheck-{}-{name}", std::process::id()));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_released_file_keeps_its_kept_slices_and_reads_the_rest_back() {
        let text = "party A\nrule r { ask yes }\nparty B\n";
        let path = temp_file("released.deal", text);
        let mut file = SourceFile::new("released.deal".into(), text.into());
        let rule = Span::new(FileId(0), 8, 27);
        file.release(path.clone(), [rule]);
        assert_eq!(file.slice(Span::new(FileId(0), 17, 24)), "ask yes");
        assert_eq!(file.len(), text.len());
        assert_eq!(file.line_col(30), (3, 4));
        // Outside the kept slices: just those bytes, read back from disk.
        assert_eq!(file.excerpt(33, 34).as_deref(), Some("B"));
        assert_eq!(file.excerpt(0, text.len()).as_deref(), Some(text));
        assert!(file.readable());
        assert_eq!(file.text(), None);
        assert_eq!(file.excerpt(30, 60), None);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_when_loaded_and_when_read_back() {
        let on_disk = "party A\r// note\rparty B\r\nparty C\r";
        let path = temp_file("cr.deal", on_disk);
        let mut file = SourceFile::new("cr.deal".into(), on_disk.into());
        assert_eq!(file.text(), Some("party A\n// note\nparty B\r\nparty C\n"));
        assert_eq!(file.line_col(16), (3, 1));
        file.release(path.clone(), []);
        assert!(file.readable(), "the file on disk is the one loaded");
        // Read back: a CR at the end of the excerpt is lone or not by the byte after it.
        assert_eq!(file.excerpt(8, 16).as_deref(), Some("// note\n"));
        assert_eq!(file.excerpt(16, 24).as_deref(), Some("party B\r"));
        assert_eq!(file.excerpt(25, 33).as_deref(), Some("party C\n"));
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_byte_order_mark_is_blanked_when_read_back_as_when_loaded() {
        let on_disk = "\u{feff}party A\nparty B\n";
        let path = temp_file("bom.deal", on_disk);
        let loaded = crate::load::decode("bom.deal", on_disk.as_bytes().to_vec()).unwrap();
        let mut file = SourceFile::new("bom.deal".into(), loaded.clone());
        file.release(path.clone(), []);
        assert!(
            file.readable(),
            "a file with a byte-order mark is unchanged"
        );
        assert_eq!(file.excerpt(0, 9).as_deref(), Some("   party "));
        assert_eq!(file.excerpt(1, 4).as_deref(), Some("  p"));
        assert_eq!(
            file.excerpt(0, loaded.len()).as_deref(),
            Some(loaded.as_str())
        );
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_file_is_hashed_the_same_in_memory_and_read_in_blocks() {
        let text = "party A\n".repeat(3 * HASH_BLOCK / 8 + 5);
        let path = temp_file("blocks.deal", &text);
        assert_eq!(
            file_hash(&path),
            Some((text.len(), text_hash(text.as_bytes())))
        );
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_file_changed_on_disk_is_not_read_back() {
        let text = "party A\nparty B\n";
        let path = temp_file("changed.deal", text);
        let mut file = SourceFile::new("changed.deal".into(), text.into());
        file.release(path.clone(), []);
        std::fs::write(&path, "party A\nparty C\n").unwrap();
        assert!(!file.readable());
        assert_eq!(file.excerpt(14, 15), None);
        assert_eq!(file.slice(Span::new(FileId(0), 14, 15)), "");
        // Lines still come from the index made at load; columns count bytes.
        assert_eq!(file.line_col(14), (2, 7));
        // A file that has grown is not even read.
        let mut grown = SourceFile::new("changed.deal".into(), text.into());
        grown.release(path.clone(), []);
        std::fs::write(&path, "party A\nparty B\nparty C\n").unwrap();
        assert!(!grown.readable());
        std::fs::remove_file(path).unwrap();
    }
}
