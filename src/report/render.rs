//! Diagnostics rendered with miette's graphical handler. Sources are attached here, late: the
//! diagnostic carries spans; this module looks up each span's file in the source map.

use super::escape::{blank_controls, escape_controls};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::source::{SourceFile, SourceMap, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

/// One file's lines around a diagnostic's labels, with their control characters blanked.
struct FileSource<'a> {
    file: &'a SourceFile,
    /// Runs of whole lines around the labels, by where they start, control characters blanked.
    excerpts: Vec<(usize, String)>,
}

/// Lines taken around each label: more than miette shows (one line either side).
const EXCERPT_CONTEXT_LINES: usize = 2;

impl<'a> FileSource<'a> {
    /// The source for labels at `spans` (all in `file`).
    fn new(file: &'a SourceFile, spans: &[Span]) -> FileSource<'a> {
        // 0-based line runs around each label, merged where they touch.
        let mut runs: Vec<(usize, usize)> = spans
            .iter()
            .map(|s| {
                let first = file.line_of(s.start).saturating_sub(1);
                let last = file.line_of(s.end).saturating_sub(1);
                (
                    first.saturating_sub(EXCERPT_CONTEXT_LINES),
                    last + EXCERPT_CONTEXT_LINES,
                )
            })
            .collect();
        runs.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (first, last) in runs {
            match merged.last_mut() {
                Some(run) if first <= run.1 + 1 => run.1 = run.1.max(last),
                _ => merged.push((first, last)),
            }
        }
        let mut excerpts = Vec::new();
        for (first, last) in merged {
            let (start, end) = (file.line_start(first), file.line_start(last + 1));
            if let Some(text) = file.text().get(start..end) {
                // Drawn lines reach the terminal: their control characters are blanked.
                excerpts.push((start, blank_controls(text).into_owned()));
            }
        }
        FileSource { file, excerpts }
    }

    /// The text from `base` on, as far as it is at hand (the lines around a label).
    fn text_from(&self, base: usize) -> &str {
        self.excerpts
            .iter()
            .filter(|(start, text)| *start <= base && base <= start + text.len())
            .find_map(|(start, text)| text.get(base - start..))
            .unwrap_or("")
    }
}

impl SourceCode for FileSource<'_> {
    /// Hands miette only the lines around the span (found with the file's line index), so a
    /// diagnostic deep in a large file costs its context, not the whole file before it.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let line = self
            .file
            .line_of(u32::try_from(span.offset()).unwrap_or(u32::MAX))
            .saturating_sub(1);
        let first_line = line.saturating_sub(before);
        let base = self.file.line_start(first_line).min(span.offset());
        let rest = self.text_from(base);
        if rest.len() < span.len() + (span.offset() - base) {
            return Err(MietteError::OutOfBounds);
        }
        let local = SourceSpan::new((span.offset() - base).into(), span.len());
        let inner = rest.read_span(&local, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            escape_controls(&self.file.path).into_owned(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// A diagnostic joined with its sources, ready for miette.
struct Rendered<'a> {
    message: String,
    code: &'static str,
    severity: Severity,
    help: Option<&'a str>,
    source: Option<FileSource<'a>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Rendered<'a>>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Advice => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn labeled(span: Span, text: &str, primary: bool) -> LabeledSpan {
    let label = if text.is_empty() {
        None
    } else {
        Some(text.to_string())
    };
    let at = SourceSpan::new((span.start as usize).into(), span.len());
    if primary {
        LabeledSpan::new_primary_with_span(label, at)
    } else {
        LabeledSpan::new_with_span(label, at)
    }
}

/// The files a diagnostic may point into: a rule set's, plus perhaps a question being asked.
#[derive(Clone, Copy)]
pub struct Lookup<'a> {
    pub map: &'a SourceMap,
    pub extra: Option<(crate::source::FileId, &'a SourceFile)>,
}

impl<'a> Lookup<'a> {
    /// The rule set's files alone.
    pub fn of(map: &'a SourceMap) -> Lookup<'a> {
        Lookup { map, extra: None }
    }

    /// A span's file path and line, as [`SourceMap::location`] gives them.
    pub(crate) fn location(&self, span: Span) -> (String, usize) {
        match self.get(span.file) {
            Some(f) => (f.path.clone(), f.line_of(span.start)),
            None => ("<unknown>".to_string(), 0),
        }
    }

    pub(crate) fn get(&self, id: crate::source::FileId) -> Option<&'a SourceFile> {
        match self.extra {
            Some((extra, file)) if extra == id => Some(file),
            _ => self.map.get(id),
        }
    }
}

/// The source for labels at `spans`, all in the file of the first.
fn source<'a>(sources: Lookup<'a>, spans: &[Span]) -> Option<FileSource<'a>> {
    let file = sources.get(spans.first()?.file)?;
    Some(FileSource::new(file, spans))
}

/// Whether the lines a snippet of `span` shows (its own, and one on either side) can be drawn:
/// they are short enough (see [`MAX_SNIPPET_LINE_BYTES`](crate::limits::MAX_SNIPPET_LINE_BYTES)).
fn drawable(file: &SourceFile, span: Span) -> bool {
    let first = file.line_of(span.start).saturating_sub(2);
    let last = file.line_of(span.end);
    (first..=last).all(|line| {
        let len = file
            .line_start(line + 1)
            .saturating_sub(file.line_start(line));
        len <= crate::limits::MAX_SNIPPET_LINE_BYTES
    })
}

/// `path:line:column`, for a place whose lines are too long to draw.
fn place(file: &SourceFile, span: Span) -> String {
    let (line, column) = file.line_col(span.start);
    format!("{}:{line}:{column}", escape_controls(&file.path))
}

/// The diagnostic with every text from a rule file (names, labels, paths) safe for a terminal.
fn escaped(diagnostic: &Diagnostic) -> std::borrow::Cow<'_, Diagnostic> {
    let owned = |text: &str| escape_controls(text).into_owned();
    let location_is_safe = match &diagnostic.location {
        Location::File { path, .. } => !matches!(escape_controls(path), std::borrow::Cow::Owned(_)),
        _ => true,
    };
    let texts = [diagnostic.message.as_str(), diagnostic.label.as_str()]
        .into_iter()
        .chain(diagnostic.help.as_deref())
        .chain(diagnostic.others.iter().map(|o| o.text.as_str()));
    let mut safe = location_is_safe;
    for text in texts {
        safe &= matches!(escape_controls(text), std::borrow::Cow::Borrowed(_));
    }
    if safe {
        return std::borrow::Cow::Borrowed(diagnostic);
    }
    let mut copy = diagnostic.clone();
    copy.message = owned(&copy.message);
    copy.label = owned(&copy.label);
    copy.help = copy.help.as_deref().map(owned);
    for other in &mut copy.others {
        other.text = owned(&other.text);
    }
    if let Location::File { path, .. } = &mut copy.location {
        *path = owned(path);
    }
    std::borrow::Cow::Owned(copy)
}

/// Another place a diagnostic involves, drawn on its own (another file, or a line too long to
/// draw beside the first).
fn related<'a>(
    diagnostic: &Diagnostic,
    sources: Lookup<'a>,
    span: Span,
    text: &str,
) -> Rendered<'a> {
    let (message, source, labels) = match sources.get(span.file) {
        Some(file) if !drawable(file, span) => {
            (format!("{}: {text}", place(file, span)), None, Vec::new())
        }
        _ => (
            text.to_string(),
            source(sources, &[span]),
            vec![labeled(span, "", true)],
        ),
    };
    Rendered {
        message,
        code: diagnostic.code,
        severity: Severity::Advice,
        help: None,
        source,
        labels,
        related: Vec::new(),
    }
}

fn prepare<'a>(diagnostic: &'a Diagnostic, sources: Lookup<'a>) -> Rendered<'a> {
    let mut rendered = Rendered {
        message: diagnostic.message.clone(),
        code: diagnostic.code,
        severity: diagnostic.severity,
        help: diagnostic.help.as_deref(),
        source: None,
        labels: Vec::new(),
        related: Vec::new(),
    };
    match &diagnostic.location {
        Location::Span(span) => match sources.get(span.file) {
            Some(file) if drawable(file, *span) => {
                rendered
                    .labels
                    .push(labeled(*span, &diagnostic.label, true));
                let mut drawn = vec![*span];
                for other in &diagnostic.others {
                    let same_file = other.span.file == span.file;
                    match sources.get(other.span.file) {
                        Some(file) if same_file && drawable(file, other.span) => {
                            drawn.push(other.span);
                            rendered
                                .labels
                                .push(labeled(other.span, &other.text, false));
                        }
                        _ => rendered.related.push(related(
                            diagnostic,
                            sources,
                            other.span,
                            &other.text,
                        )),
                    }
                }
                rendered.source = source(sources, &drawn);
            }
            Some(file) => {
                // Not drawable (a line too long): the place in words, the label after the
                // message.
                rendered.message = format!("{}: {}", place(file, *span), diagnostic.message);
                if !diagnostic.label.is_empty() {
                    rendered
                        .message
                        .push_str(&format!(" ({})", diagnostic.label));
                }
                for other in &diagnostic.others {
                    rendered
                        .related
                        .push(related(diagnostic, sources, other.span, &other.text));
                }
            }
            None => {}
        },
        Location::File {
            path,
            line: Some(line),
        } if !diagnostic.message.contains(path.as_str()) => {
            rendered.message = format!("{path}:{line}: {}", diagnostic.message);
        }
        Location::File { path, line: None } if !diagnostic.message.contains(path.as_str()) => {
            rendered.message = format!("{path}: {}", diagnostic.message);
        }
        _ => {}
    }
    rendered
}

/// How to draw diagnostics.
#[derive(Clone, Copy, Debug)]
pub struct RenderOptions {
    pub color: bool,
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 80,
        }
    }
}

/// A diagnostic as miette draws it, with its source lines.
pub fn render_diagnostic(
    diagnostic: &Diagnostic,
    sources: &SourceMap,
    options: RenderOptions,
) -> String {
    render_with(
        diagnostic,
        Lookup {
            map: sources,
            extra: None,
        },
        options,
    )
}

/// Like [`render_diagnostic`], with one more file (a question being asked) to point into.
pub fn render_with(diagnostic: &Diagnostic, sources: Lookup<'_>, options: RenderOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let diagnostic = escaped(diagnostic);
    let rendered = prepare(&diagnostic, sources);
    let mut out = String::new();
    if handler.render_report(&mut out, &rendered).is_err() {
        out = format!("{}: {}\n", diagnostic.code, diagnostic.message);
    }
    out
}
