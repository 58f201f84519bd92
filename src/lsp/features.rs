//! The server's answers: diagnostics, hover, definition, references, rename, completion,
//! document symbols, formatting and code lenses with live verdicts.

use super::hover::{keyword_doc, symbol_doc};
use super::index::{Kind, Mention};
use super::Server;
use crate::diagnostic::{Location as Place, Severity};
use crate::eval::rules::{CheckOutcome, RuleOutcome};
use crate::source::{FileId, Span};
use crate::syntax::is_name_char;
use crate::Report;
use lsp_server::ErrorCode;
use lsp_types::*;
use std::collections::HashMap;

pub fn initialize_result() -> InitializeResult {
    InitializeResult {
        capabilities: ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            rename_provider: Some(OneOf::Right(RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![".".to_string()]),
                ..CompletionOptions::default()
            }),
            document_symbol_provider: Some(OneOf::Left(true)),
            document_formatting_provider: Some(OneOf::Left(true)),
            code_lens_provider: Some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "dealcheck".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    }
}

/// Every file's diagnostics: the check's, and one for each failing `ask` or `assert`.
pub fn diagnostics(server: &Server, report: &Report) -> HashMap<FileId, Vec<Diagnostic>> {
    let mut out: HashMap<FileId, Vec<Diagnostic>> = HashMap::new();
    for d in &report.raw_diagnostics {
        let (file, range) = match &d.location {
            Place::Span(span) => match server.range(*span) {
                Some(range) => (span.file, range),
                None => continue,
            },
            Place::File { path, line } => match server.workspace.id(path) {
                Some(id) => (id, server.line_range(id, line.unwrap_or(1))),
                None => continue,
            },
            Place::Nowhere => continue,
        };
        let severity = match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Advice => DiagnosticSeverity::INFORMATION,
        };
        let message = match &d.help {
            Some(help) => format!("{}\nhelp: {help}", d.message),
            None => d.message.clone(),
        };
        let related: Vec<DiagnosticRelatedInformation> = d
            .others
            .iter()
            .filter_map(|label| {
                Some(DiagnosticRelatedInformation {
                    location: server.location(label.span)?,
                    message: label.text.clone(),
                })
            })
            .collect();
        out.entry(file).or_default().push(Diagnostic {
            range,
            severity: Some(severity),
            code: Some(NumberOrString::String(d.code.to_string())),
            source: Some("dealcheck".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            ..Diagnostic::default()
        });
    }
    for (rule, check) in checks(report) {
        if check.passed {
            continue;
        }
        let Some(id) = server.workspace.id(&rule.file) else {
            continue;
        };
        out.entry(id).or_default().push(Diagnostic {
            range: server.line_range(id, check.line),
            severity: Some(DiagnosticSeverity::ERROR),
            code: Some(NumberOrString::String("failed".to_string())),
            source: Some("dealcheck".to_string()),
            message: format!("rule `{}`: {}", rule.name, verdict_title(check)),
            ..Diagnostic::default()
        });
    }
    out
}

fn checks(report: &Report) -> impl Iterator<Item = (&RuleOutcome, &CheckOutcome)> {
    report
        .rules
        .iter()
        .flat_map(|r| r.checks.iter().map(move |c| (r, c)))
}

/// `✓ yes`, `✗ no (expected yes)`, `= unknown`, or an open question's value.
fn verdict_title(check: &CheckOutcome) -> String {
    if let Some(error) = &check.error {
        return format!("✗ not answered: {error}");
    }
    let answer = match &check.value {
        Some(_) => check
            .explanation
            .summary
            .lines()
            .first()
            .cloned()
            .unwrap_or_else(|| check.answer.to_string()),
        None => check.answer.to_string(),
    };
    match check.expected {
        Some(expected) if check.passed => format!("✓ {answer} (expected {expected})"),
        Some(expected) => format!("✗ {answer} (expected {expected})"),
        None => format!("→ {answer}"),
    }
}

impl Server {
    fn range(&self, span: Span) -> Option<Range> {
        let text = self.workspace.text(span.file)?;
        let state = self.files.get(&span.file)?;
        Some(
            state
                .lines
                .range(text, span.start as usize, span.end as usize),
        )
    }

    fn location(&self, span: Span) -> Option<Location> {
        Some(Location::new(
            self.files.get(&span.file)?.uri.clone()?,
            self.range(span)?,
        ))
    }

    fn line_range(&self, id: FileId, line: usize) -> Range {
        match (self.workspace.text(id), self.files.get(&id)) {
            (Some(text), Some(state)) => state.lines.line_range(text, line),
            _ => Range::default(),
        }
    }

    /// The mention under the cursor, with the file it is in.
    fn mention_at(&self, at: &TextDocumentPositionParams) -> Option<(FileId, &Mention)> {
        let (id, text, state) = self.file(&at.text_document.uri)?;
        let offset = state.lines.offset(text, at.position);
        Some((id, state.index.at(offset)?))
    }

    /// Every mention of a declared key, in every file.
    fn mentions_of<'a>(&'a self, key: &'a str) -> impl Iterator<Item = (FileId, &'a Mention)> + 'a {
        self.workspace.files().flat_map(move |(id, _)| {
            self.files
                .get(&id)
                .into_iter()
                .flat_map(|f| f.index.mentions.iter())
                .filter(move |m| m.key == key)
                .map(move |m| (id, m))
        })
    }

    fn mention_location(&self, id: FileId, m: &Mention) -> Option<Location> {
        self.location(Span::new(id, m.start, m.end))
    }
}

pub fn hover(server: &Server, params: &HoverParams) -> Option<Hover> {
    let at = &params.text_document_position_params;
    let (id, text, state) = server.file(&at.text_document.uri)?;
    let offset = state.lines.offset(text, at.position);
    let markdown = |value: String, range: Option<Range>| Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range,
    };
    let mention = state.index.at(offset);
    if let Some(m) = mention {
        let range = server.range(Span::new(id, m.start, m.end));
        if server.declarations.kind(&m.key).is_some() {
            let rules = server.rules.as_ref()?;
            let world = if rules.has_errors() {
                None
            } else {
                rules.world(&crate::Options::default()).ok()
            };
            if let Some(doc) = symbol_doc(rules, world.as_ref(), &m.key) {
                return Some(markdown(doc, range));
            }
        }
    }
    // On a check's line, away from names: its answer and explanation.
    if let Some(value) = check_hover(server, id, at.position.line as usize + 1) {
        return Some(markdown(value, None));
    }
    let m = mention?;
    let doc = keyword_doc(&m.key)?;
    let range = server.range(Span::new(id, m.start, m.end));
    Some(markdown(format!("**{}** — {doc}", m.key), range))
}

/// The check written on a line: its verdict, then the report's explanation.
fn check_hover(server: &Server, id: FileId, line: usize) -> Option<String> {
    let path = server.workspace.path(id)?;
    let report = server.report.as_ref()?;
    let (rule, check) = checks(report).find(|(r, c)| r.file == path && c.line == line)?;
    let single = RuleOutcome {
        checks: vec![check.clone()],
        ..rule.clone()
    };
    let rendered = crate::report::render_rules(std::slice::from_ref(&single));
    Some(format!(
        "{}\n\n```text\n{}```",
        verdict_title(check),
        rendered
    ))
}

pub fn definition(
    server: &Server,
    params: &GotoDefinitionParams,
) -> Option<GotoDefinitionResponse> {
    let (_, m) = server.mention_at(&params.text_document_position_params)?;
    let (file, declared) = server.declarations.get(&m.key)?;
    let id = FileId(u32::try_from(file).ok()?);
    Some(GotoDefinitionResponse::Scalar(
        server.mention_location(id, declared)?,
    ))
}

pub fn references(server: &Server, params: &ReferenceParams) -> Option<Vec<Location>> {
    let (_, m) = server.mention_at(&params.text_document_position)?;
    server.declarations.kind(&m.key)?;
    let with_declaration = params.context.include_declaration;
    Some(
        server
            .mentions_of(&m.key)
            .filter(|(_, m)| with_declaration || m.declares.is_none())
            .filter_map(|(id, m)| server.mention_location(id, m))
            .collect(),
    )
}

pub fn prepare_rename(
    server: &Server,
    params: &TextDocumentPositionParams,
) -> Option<PrepareRenameResponse> {
    let (id, m) = server.mention_at(params)?;
    server.declarations.kind(&m.key)?;
    Some(PrepareRenameResponse::Range(
        server.range(Span::new(id, m.start, m.end))?,
    ))
}

pub fn rename(
    server: &Server,
    params: &RenameParams,
) -> Result<Option<WorkspaceEdit>, (ErrorCode, String)> {
    let Some((_, m)) = server.mention_at(&params.text_document_position) else {
        return Ok(None);
    };
    if server.declarations.kind(&m.key).is_none() {
        return Ok(None);
    }
    let new_name = params.new_name.as_str();
    if !crate::syntax::is_name(new_name) {
        return Err((
            ErrorCode::InvalidParams,
            format!("`{new_name}` cannot be a name: a name is a letter or `_` then letters, digits or `_`, and not a keyword"),
        ));
    }
    let mut changes: HashMap<Url, Vec<TextEdit>> = HashMap::new();
    for (id, mention) in server.mentions_of(&m.key) {
        if let Some(location) = server.mention_location(id, mention) {
            changes
                .entry(location.uri)
                .or_default()
                .push(TextEdit::new(location.range, new_name.to_string()));
        }
    }
    Ok(Some(WorkspaceEdit::new(changes)))
}

pub fn completion(server: &Server, params: &CompletionParams) -> Option<CompletionResponse> {
    let at = &params.text_document_position;
    let (_, text, state) = server.file(&at.text_document.uri)?;
    let offset = state.lines.offset(text, at.position);
    let before = text.get(..offset)?;
    // The word being typed, and what precedes it.
    let typed_len = before
        .chars()
        .rev()
        .take_while(|c| is_name_char(*c))
        .map(char::len_utf8)
        .sum::<usize>();
    let head = before.get(..before.len() - typed_len)?;
    let item = |label: &str, kind: CompletionItemKind, detail: &str| CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: Some(detail.to_string()),
        ..CompletionItem::default()
    };
    let decls = &server.declarations;
    let names = |kinds: &[Kind]| -> Vec<CompletionItem> {
        let mut items: Vec<CompletionItem> = kinds
            .iter()
            .flat_map(|&kind| decls.of_kind(kind).map(move |k| (k, kind)))
            .filter(|(k, kind)| !k.contains('.') || *kind == Kind::Asset)
            .map(|(k, kind)| item(k, symbol_kind(kind), kind.word()))
            .collect();
        items.sort_by(|a, b| a.label.cmp(&b.label));
        items
    };
    // After `Owner.` or `deal.`: that party's assets or that deal's term labels.
    if let Some(owner) = head.strip_suffix('.') {
        let first: String = owner
            .chars()
            .rev()
            .take_while(|c| is_name_char(*c))
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        let prefix = format!("{first}.");
        let mut items: Vec<CompletionItem> = decls
            .all()
            .filter_map(|(k, kind)| {
                let rest = k.strip_prefix(&prefix)?;
                Some(item(rest, symbol_kind(kind), kind.word()))
            })
            .collect();
        items.sort_by(|a, b| a.label.cmp(&b.label));
        return Some(CompletionResponse::Array(items));
    }
    let previous: Vec<&str> = head
        .split(|c: char| !is_name_char(c))
        .filter(|w| !w.is_empty())
        .rev()
        .take(2)
        .collect();
    let last = previous.first().copied().unwrap_or("");
    let expected: &[Kind] = match last {
        "between" | "grant" | "exclusive" | "sole" | "forbid" | "except" | "can" | "to"
        | "invested" | "paid" | "flow" | "roundtrip" | "valuation" | "of" => &[Kind::Party],
        "may" => &[Kind::Action],
        "via" => &[Kind::Channel],
        "start" | "end" | "active" | "terminate" => &[Kind::Deal],
        "assuming" => &[Kind::Deal, Kind::Event],
        "from" | "in" => &[Kind::Party, Kind::Event],
        "until" | "on" | "before" | "after" | "during" | "earliest" | "latest" => &[Kind::Event],
        _ if decls.kind(last) == Some(Kind::Action) => &[Kind::Asset],
        _ if decls.kind(last) == Some(Kind::Party)
            && matches!(previous.get(1).copied(), Some("forbid" | "can" | "always")) =>
        {
            &[Kind::Action]
        }
        _ => &[],
    };
    let mut items = names(expected);
    if expected.is_empty() {
        items = names(&[
            Kind::Party,
            Kind::Asset,
            Kind::Action,
            Kind::Channel,
            Kind::Event,
            Kind::Deal,
        ]);
        items.extend(crate::syntax::KEYWORDS.iter().map(|k| {
            item(
                k,
                CompletionItemKind::KEYWORD,
                keyword_doc(k).unwrap_or("keyword"),
            )
        }));
    }
    Some(CompletionResponse::Array(items))
}

fn symbol_kind(kind: Kind) -> CompletionItemKind {
    match kind {
        Kind::Party => CompletionItemKind::CLASS,
        Kind::Asset => CompletionItemKind::FIELD,
        Kind::Action => CompletionItemKind::FUNCTION,
        Kind::Channel => CompletionItemKind::INTERFACE,
        Kind::Event => CompletionItemKind::EVENT,
        Kind::Deal => CompletionItemKind::MODULE,
        Kind::Term => CompletionItemKind::PROPERTY,
        Kind::Rule => CompletionItemKind::MODULE,
    }
}

#[allow(deprecated)]
fn symbol(
    name: String,
    kind: SymbolKind,
    detail: Option<String>,
    range: Range,
    selection: Range,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range,
        selection_range: selection,
        children: (!children.is_empty()).then_some(children),
    }
}

pub fn document_symbols(
    server: &Server,
    params: &DocumentSymbolParams,
) -> Option<DocumentSymbolResponse> {
    use crate::ast::Item;
    let (id, _, _) = server.file(&params.text_document.uri)?;
    let tree = server.workspace.tree(id)?;
    let range = |span: Span| server.range(span).unwrap_or_default();
    let mut out = Vec::new();
    // A declaration with a name and nothing under it.
    let plain = |name: String, kind, label: &Option<crate::ast::Text>, whole: Span, name_span| {
        Some((name, kind, label.clone(), whole, name_span, Vec::new()))
    };
    let named = |n: &crate::ast::Name, kind, label: &Option<crate::ast::Text>| {
        plain(n.node.to_string(), kind, label, n.span, n.span)
    };
    for item in &tree.items {
        let found = match item {
            Item::Party(p) => named(&p.name, SymbolKind::CLASS, &p.label),
            Item::Asset(a) => plain(
                format!("{}.{}", a.owner.node, a.name.node),
                SymbolKind::FIELD,
                &a.label,
                a.owner.span.to(a.name.span),
                a.name.span,
            ),
            Item::Action(a) => named(&a.name, SymbolKind::FUNCTION, &a.label),
            Item::Channel(c) => named(&c.name, SymbolKind::INTERFACE, &c.label),
            Item::Event(e) => named(&e.name, SymbolKind::EVENT, &e.label),
            Item::Deal(d) => {
                let terms = d
                    .terms
                    .iter()
                    .enumerate()
                    .map(|(i, t)| {
                        let name = t
                            .label
                            .as_ref()
                            .map_or_else(|| format!("term {}", i + 1), |l| l.node.to_string());
                        symbol(
                            name,
                            SymbolKind::PROPERTY,
                            None,
                            range(t.span),
                            range(t.span),
                            Vec::new(),
                        )
                    })
                    .collect();
                Some((
                    d.name.node.to_string(),
                    SymbolKind::NAMESPACE,
                    d.label.clone(),
                    d.span,
                    d.name.span,
                    terms,
                ))
            }
            Item::Rule(r) => {
                let checks = r
                    .checks
                    .iter()
                    .map(|c| {
                        symbol(
                            c.text.to_string(),
                            SymbolKind::BOOLEAN,
                            None,
                            range(c.span),
                            range(c.span),
                            Vec::new(),
                        )
                    })
                    .collect();
                Some((
                    r.name.node.to_string(),
                    SymbolKind::MODULE,
                    r.label.clone(),
                    r.span,
                    r.name.span,
                    checks,
                ))
            }
            Item::AsOf(_) | Item::Rate(_) => None,
        };
        if let Some((name, kind, label, whole, selection, children)) = found {
            out.push(symbol(
                name,
                kind,
                label.map(|l| l.to_string()),
                range(whole),
                range(selection),
                children,
            ));
        }
    }
    Some(DocumentSymbolResponse::Nested(out))
}

pub fn formatting(server: &Server, params: &DocumentFormattingParams) -> Option<Vec<TextEdit>> {
    let (_, text, state) = server.file(&params.text_document.uri)?;
    // As `dealcheck fmt`: a file with any error the parser reports is left as it is.
    let formatted = crate::fmt::format_file(crate::source::FileId(0), text).ok()?;
    if formatted == text {
        return Some(Vec::new());
    }
    Some(vec![TextEdit::new(
        state.lines.range(text, 0, text.len()),
        formatted,
    )])
}

pub fn code_lenses(server: &Server, params: &CodeLensParams) -> Option<Vec<CodeLens>> {
    let (id, _, _) = server.file(&params.text_document.uri)?;
    let path = server.workspace.path(id)?;
    let report = server.report.as_ref()?;
    Some(
        checks(report)
            .filter(|(r, _)| r.file == path)
            .map(|(_, check)| CodeLens {
                range: server.line_range(id, check.line),
                command: Some(Command::new(verdict_title(check), String::new(), None)),
                data: None,
            })
            .collect(),
    )
}
