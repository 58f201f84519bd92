//! `dealcheck lsp`: a language server over stdio (docs/editors.md). The workspace's rule set is
//! every `.deal` file under the root, open documents as edited. A change re-parses that file
//! only; the rule set is then checked again and diagnostics published: syntax, names and types,
//! the built-in checks, and failing `ask`/`assert` lines. Code lenses show every check's live
//! answer; hover explains names, keywords and answers.

mod features;
mod hover;
mod index;
mod position;
mod transport;

use crate::source::FileId;
use crate::workspace::Workspace;
use crate::{Options, Report, RuleSet};
use index::{Declarations, FileIndex};
use lsp_server::{ErrorCode, RequestId, Response};
pub use lsp_server::{Message, Notification, Request};
use lsp_types::Url;
use position::Lines;
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc;
use transport::Incoming;

/// Runs the server on stdin/stdout until `exit` or the end of input. Exit status: 0 after a
/// `shutdown`, else 1 (as the protocol asks).
pub fn run_stdio() -> u8 {
    let (sender, receiver) = mpsc::channel();
    // `Builder::spawn`, not `thread::spawn`: a thread the system refuses is an exit status,
    // not a panic.
    let reader = std::thread::Builder::new().spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        transport::read_all(&mut input, |incoming| sender.send(incoming).is_ok());
    });
    if reader.is_err() {
        return 1;
    }
    let stdout = std::io::stdout();
    let mut server = Server::default();
    server.serve(&receiver, &mut stdout.lock())
}

/// What the server knows of one file besides the workspace's text and tree.
#[derive(Default)]
struct FileState {
    uri: Option<Url>,
    version: Option<i32>,
    lines: Lines,
    index: FileIndex,
}

/// The server's state: the workspace, each file's lines and names, and the last check.
#[derive(Default)]
pub struct Server {
    workspace: Workspace,
    files: HashMap<FileId, FileState>,
    declarations: Declarations,
    rules: Option<RuleSet>,
    report: Option<Report>,
    /// Files whose last published diagnostics were not empty.
    published: HashSet<FileId>,
    /// Files changed since the rule set was last checked.
    dirty: bool,
    initialized: bool,
    shut_down: bool,
    /// Messages to send, in order.
    outbox: Vec<Message>,
}

impl Server {
    pub fn new() -> Server {
        Server::default()
    }

    /// Serves messages from `receiver`, writing to `output`; returns the exit status.
    fn serve(&mut self, receiver: &mpsc::Receiver<Incoming>, output: &mut impl Write) -> u8 {
        loop {
            let incoming = if self.dirty {
                match receiver.try_recv() {
                    Ok(incoming) => incoming,
                    // Every edit waiting has been applied: check once for all of them.
                    Err(mpsc::TryRecvError::Empty) => {
                        self.refresh();
                        if self.flush(output).is_err() {
                            return 1;
                        }
                        continue;
                    }
                    Err(mpsc::TryRecvError::Disconnected) => return 1,
                }
            } else {
                match receiver.recv() {
                    Ok(incoming) => incoming,
                    Err(_) => return 1,
                }
            };
            let message = match incoming {
                Incoming::Malformed(why) => {
                    if transport::write_parse_error(output, &why).is_err() {
                        return 1;
                    }
                    continue;
                }
                Incoming::Message(message) => message,
            };
            let exit = self.process(message);
            if self.flush(output).is_err() {
                return 1;
            }
            if let Some(status) = exit {
                return status;
            }
        }
    }

    /// Handles one message and checks the rule set again if it changed; returns the messages
    /// to send. For embedding the server without stdio (the benchmarks do).
    pub fn handle_message(&mut self, message: Message) -> Vec<Message> {
        self.process(message);
        if self.dirty {
            self.refresh();
        }
        std::mem::take(&mut self.outbox)
    }

    /// Handles one message; `Some(status)` when it was `exit`.
    fn process(&mut self, message: Message) -> Option<u8> {
        match message {
            Message::Request(request) => self.request(request),
            Message::Notification(n) if n.method == "exit" => {
                return Some(if self.shut_down { 0 } else { 1 });
            }
            Message::Notification(n) => self.notification(n),
            Message::Response(_) => {}
        }
        None
    }

    fn flush(&mut self, output: &mut impl Write) -> std::io::Result<()> {
        for message in self.outbox.drain(..) {
            transport::write(output, &message)?;
        }
        output.flush()
    }

    fn respond(&mut self, id: RequestId, result: Result<serde_json::Value, (ErrorCode, String)>) {
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.outbox.push(Message::Response(response));
    }

    fn request(&mut self, request: Request) {
        let Request { id, method, params } = request;
        if method == "initialize" {
            let result = if self.initialized {
                Err((
                    ErrorCode::InvalidRequest,
                    "initialize was already called".to_string(),
                ))
            } else {
                self.initialize(params)
            };
            return self.respond(id, result);
        }
        if !self.initialized {
            return self.respond(
                id,
                Err((
                    ErrorCode::ServerNotInitialized,
                    "initialize first".to_string(),
                )),
            );
        }
        if self.shut_down {
            return self.respond(
                id,
                Err((
                    ErrorCode::InvalidRequest,
                    "the server is shutting down".to_string(),
                )),
            );
        }
        if method == "shutdown" {
            self.shut_down = true;
            return self.respond(id, Ok(serde_json::Value::Null));
        }
        if self.dirty {
            self.refresh();
        }
        // A handler that failed must not take the server down with it: the request gets an
        // internal error and the next message is served.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.handle(&method, params)
        }))
        .unwrap_or_else(|_| Err((ErrorCode::InternalError, format!("`{method}` failed"))));
        self.respond(id, result);
    }

    fn initialize(
        &mut self,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, (ErrorCode, String)> {
        let params: lsp_types::InitializeParams = serde_json::from_value(params)
            .map_err(|e| (ErrorCode::InvalidParams, format!("initialize: {e}")))?;
        #[allow(deprecated)]
        let root = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|u| u.to_file_path().ok());
        if let Some(root) = root {
            self.load_root(root);
        }
        self.initialized = true;
        serde_json::to_value(features::initialize_result())
            .map_err(|e| (ErrorCode::InternalError, e.to_string()))
    }

    /// Every `.deal` file under the root, as on disk.
    fn load_root(&mut self, root: PathBuf) {
        let (found, _) = crate::load::find_paths(&[root], true);
        for path in found {
            if let Ok(file) = crate::load::read_file(path.clone()) {
                let uri = std::fs::canonicalize(&path)
                    .ok()
                    .and_then(|p| Url::from_file_path(p).ok());
                if let Some(uri) = uri {
                    self.set_text(&uri, file.text, None);
                }
            }
        }
    }

    fn notification(&mut self, n: Notification) {
        use lsp_types::notification::{
            DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument,
            DidOpenTextDocument, Notification as _,
        };
        if !self.initialized {
            return;
        }
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidOpenTextDocumentParams>(n.params)
                {
                    self.set_text(
                        &p.text_document.uri,
                        p.text_document.text,
                        Some(p.text_document.version),
                    );
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeTextDocumentParams>(n.params)
                {
                    self.change(
                        &p.text_document.uri,
                        p.content_changes,
                        Some(p.text_document.version),
                    );
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidCloseTextDocumentParams>(n.params)
                {
                    self.reload(&p.text_document.uri);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) =
                    serde_json::from_value::<lsp_types::DidChangeWatchedFilesParams>(n.params)
                {
                    for change in p.changes {
                        self.reload(&change.uri);
                    }
                }
            }
            _ => {}
        }
    }

    /// The file's text from disk again (closed or changed outside the editor); gone if deleted.
    fn reload(&mut self, uri: &Url) {
        let on_disk = uri
            .to_file_path()
            .ok()
            .and_then(|p| crate::load::read_file(p).ok());
        match on_disk {
            Some(file) => self.set_text(uri, file.text, None),
            None => {
                let path = key(uri);
                if let Some(id) = self.workspace.id(&path) {
                    if let Some(old) = self.files.get_mut(&id) {
                        self.declarations.remove(id.0 as usize, &old.index);
                        old.index = FileIndex::default();
                    }
                }
                self.workspace.remove(&path);
                self.dirty = true;
            }
        }
    }

    /// Applies edits: whole texts, or ranges (for clients that send them anyway).
    fn change(
        &mut self,
        uri: &Url,
        changes: Vec<lsp_types::TextDocumentContentChangeEvent>,
        version: Option<i32>,
    ) {
        let id = self.workspace.id(&key(uri));
        let mut text = id
            .and_then(|id| self.workspace.text(id))
            .unwrap_or("")
            .to_string();
        for change in changes {
            match change.range {
                None => text = change.text,
                Some(range) => {
                    let lines = Lines::new(&text);
                    let start = lines.offset(&text, range.start);
                    let end = lines.offset(&text, range.end).max(start);
                    if text.is_char_boundary(start) && text.is_char_boundary(end) {
                        text.replace_range(start..end, &change.text);
                    }
                }
            }
        }
        self.set_text(uri, text, version);
    }

    /// Sets a file's text: that file is parsed and indexed again, no other.
    /// `version`: the editor's version of an open document, echoed when its diagnostics are
    /// published (so a client can tell which edit they belong to).
    fn set_text(&mut self, uri: &Url, text: String, version: Option<i32>) {
        let id = self.workspace.set(&key(uri), text);
        let text = self.workspace.text(id).unwrap_or("");
        let state = FileState {
            uri: Some(uri.clone()),
            version,
            lines: Lines::new(text),
            index: FileIndex::new(text),
        };
        if let Some(old) = self.files.get(&id) {
            self.declarations.remove(id.0 as usize, &old.index);
        }
        self.declarations.add(id.0 as usize, &state.index);
        self.files.insert(id, state);
        self.dirty = true;
    }

    /// Checks the rule set again and queues the diagnostics that changed.
    fn refresh(&mut self) {
        self.dirty = false;
        let rules = self.workspace.rule_set();
        let report = rules.check(&Options::default());
        let mut by_file = features::diagnostics(self, &report);
        let mut publish: Vec<FileId> = by_file.keys().copied().collect();
        publish.extend(self.published.iter().copied());
        publish.sort_unstable();
        publish.dedup();
        self.published.clear();
        for id in publish {
            let diagnostics = by_file.remove(&id).unwrap_or_default();
            let Some((uri, version)) = self
                .files
                .get(&id)
                .and_then(|f| Some((f.uri.clone()?, f.version)))
            else {
                continue;
            };
            if !diagnostics.is_empty() {
                self.published.insert(id);
            }
            let params = lsp_types::PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            };
            self.outbox.push(Message::Notification(Notification::new(
                "textDocument/publishDiagnostics".to_string(),
                params,
            )));
        }
        let old = (self.rules.replace(rules), self.report.replace(report));
        // Freeing the last rule set takes milliseconds on a large one: not while the user waits.
        // Freed here after all when no thread can be had.
        let _ = std::thread::Builder::new().spawn(move || drop(old));
    }

    /// A request's answer.
    fn handle(
        &self,
        method: &str,
        params: serde_json::Value,
    ) -> Result<serde_json::Value, (ErrorCode, String)> {
        use lsp_types::request::*;
        fn parse<T: serde::de::DeserializeOwned>(
            method: &str,
            params: serde_json::Value,
        ) -> Result<T, (ErrorCode, String)> {
            serde_json::from_value(params)
                .map_err(|e| (ErrorCode::InvalidParams, format!("{method}: {e}")))
        }
        fn json<T: serde::Serialize>(value: T) -> Result<serde_json::Value, (ErrorCode, String)> {
            serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
        }
        match method {
            HoverRequest::METHOD => json(features::hover(self, &parse(method, params)?)),
            GotoDefinition::METHOD => json(features::definition(self, &parse(method, params)?)),
            References::METHOD => json(features::references(self, &parse(method, params)?)),
            PrepareRenameRequest::METHOD => {
                json(features::prepare_rename(self, &parse(method, params)?))
            }
            Rename::METHOD => json(features::rename(self, &parse(method, params)?)?),
            Completion::METHOD => json(features::completion(self, &parse(method, params)?)),
            DocumentSymbolRequest::METHOD => {
                json(features::document_symbols(self, &parse(method, params)?))
            }
            Formatting::METHOD => json(features::formatting(self, &parse(method, params)?)),
            CodeLensRequest::METHOD => json(features::code_lenses(self, &parse(method, params)?)),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("`{method}` is not supported"),
            )),
        }
    }

    /// The file a URI names, with its text and state.
    fn file(&self, uri: &Url) -> Option<(FileId, &str, &FileState)> {
        let id = self.workspace.id(&key(uri))?;
        Some((id, self.workspace.text(id)?, self.files.get(&id)?))
    }
}

/// The workspace's name for a document: its path, or the URI when it is not a file.
fn key(uri: &Url) -> String {
    match uri.to_file_path() {
        Ok(path) => path.display().to_string(),
        Err(()) => uri.to_string(),
    }
}
