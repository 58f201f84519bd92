//! `dealcheck lsp` as an editor runs it: a process spoken to in JSON-RPC over stdio.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

const PARTIES: &str = "party Zoë \"Zoë Ltd\"\nparty Bank\nparty Bankside part of Bank\n\
                       asset Zoë.catalogue\naction stream\nevent launch expected 2026-H2\n";

const DEALS: &str = "as of 2025-12-01\n\ndeal licence {\n  between Zoë, Bank\n  status signed\n  \
                     excl: exclusive Bank may stream Zoë.catalogue from launch until 2030\n}\n\n\
                     rule bank_streams {\n  ask can Bank stream Zoë.catalogue in 2028\n    expect yes\n  \
                     ask can Zoë stream Zoë.catalogue in 2028\n    expect yes\n}\n";

struct Server {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start(root: &Path) -> Server {
        let mut server = Server::start_uninitialized();
        let root = uri(root);
        let init = server.request(
            "initialize",
            json!({ "capabilities": {}, "rootUri": root, "processId": null }),
        );
        assert_eq!(init["result"]["serverInfo"]["name"], "dealcheck");
        server.notify("initialized", json!({}));
        server
    }

    /// The labels a completion offers.
    fn completion_labels(&mut self, at: Value) -> Vec<String> {
        let completion = self.request("textDocument/completion", at);
        completion["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["label"].as_str().unwrap().to_string())
            .collect()
    }

    /// The Markdown a hover shows.
    fn hover_text(&mut self, at: Value) -> String {
        let hover = self.request("textDocument/hover", at);
        hover["result"]["contents"]["value"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The response to a request (notifications meanwhile are dropped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait(|m| m["id"] == id)
    }

    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self
                .messages
                .recv_timeout(Duration::from_secs(30))
                .expect("the server answers");
            if wanted(&message) {
                return message;
            }
        }
    }

    /// The diagnostics published for a version of an open file (earlier ones are skipped:
    /// loading the workspace publishes too).
    fn diagnostics(&mut self, file: &str, version: i64) -> Vec<Value> {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == file
                && m["params"]["version"] == version
        });
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn stop(mut self) -> i32 {
        let shutdown = self.request("shutdown", json!(null));
        assert!(shutdown.get("error").is_none(), "{shutdown}");
        self.notify("exit", json!(null));
        self.child.wait().unwrap().code().unwrap_or(-1)
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", std::fs::canonicalize(path).unwrap().display())
}

fn workspace(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("parties.deal"), PARTIES).unwrap();
    std::fs::write(dir.join("deals.deal"), DEALS).unwrap();
    dir
}

/// A server on a fresh workspace, and the URIs of its two files (deals, parties).
fn started(name: &str) -> (Server, String, String) {
    let root = workspace(name);
    let server = Server::start(&root);
    (
        server,
        uri(&root.join("deals.deal")),
        uri(&root.join("parties.deal")),
    )
}

/// The line of DEALS that contains `text`.
fn line_of(text: &str) -> u32 {
    DEALS.lines().position(|l| l.contains(text)).unwrap() as u32
}

fn at(file: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": file }, "position": { "line": line, "character": character } })
}

#[test]
fn typing_a_typo_shows_a_diagnostic_and_fixing_it_clears_it() {
    let (mut server, deals, _) = started("lsp-typo");
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": deals, "languageId": "deal", "version": 1, "text": DEALS } }),
    );
    // The owner's own streaming fails its `expect yes`: the exclusive licence shuts it out.
    let codes = |found: &[Value]| -> Vec<String> {
        found
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(codes(&server.diagnostics(&deals, 1)), ["failed"]);
    // `strem`: after `Zoë` on the line, so UTF-16 columns and bytes differ.
    let typo = DEALS.replace("can Zoë stream", "can Zoë strem");
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": deals, "version": 2 }, "contentChanges": [{ "text": typo }] }),
    );
    let found = server.diagnostics(&deals, 2);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["code"], "unknown-name");
    let line = typo.lines().position(|l| l.contains("strem")).unwrap() as u64;
    let column = typo
        .lines()
        .nth(line as usize)
        .unwrap()
        .find("strem")
        .unwrap();
    let utf16 = typo.lines().nth(line as usize).unwrap()[..column]
        .encode_utf16()
        .count() as u64;
    assert_eq!(
        column as u64,
        utf16 + 1,
        "`ë` is two bytes, one UTF-16 unit"
    );
    assert_eq!(
        found[0]["range"],
        json!({ "start": { "line": line, "character": utf16 }, "end": { "line": line, "character": utf16 + 5 } })
    );
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": deals, "version": 3 }, "contentChanges": [{ "text": DEALS }] }),
    );
    assert_eq!(codes(&server.diagnostics(&deals, 3)), ["failed"]);
    assert_eq!(server.stop(), 0);
}

#[test]
fn hover_definition_references_and_rename() {
    let (mut server, deals, parties) = started("lsp-names");
    let excl_line = line_of("excl:");

    // A party: its label, group and rights.
    let text = server.hover_text(at(&deals, excl_line, 22));
    assert!(text.contains("**party** `Bank`"), "{text}");
    assert!(text.contains("Units: `Bankside`"), "{text}");
    assert!(
        text.contains("exclusively may stream Zoë.catalogue (licence.excl)"),
        "{text}"
    );
    // A term: its window, resolved.
    let text = server.hover_text(at(&deals, excl_line, 3));
    assert!(text.contains("**term** `licence.excl`"), "{text}");
    assert!(
        text.contains("Possibly applies: 2026-07-01 .. 2030-12-31"),
        "{text}"
    );
    assert!(
        text.contains("Certainly applies: 2026-12-31 .. 2030-12-31"),
        "{text}"
    );
    // An event and a keyword.
    let text = server.hover_text(at(&parties, 5, 8));
    assert!(
        text.contains("Possible days: 2026-07-01 .. 2026-12-31"),
        "{text}"
    );
    let text = server.hover_text(at(&deals, excl_line, 9));
    assert!(text.starts_with("**exclusive**"), "{text}");

    // Definition of `Bank` is in the other file.
    let definition = server.request("textDocument/definition", at(&deals, excl_line, 22));
    assert_eq!(definition["result"]["uri"], parties);
    assert_eq!(
        definition["result"]["range"]["start"],
        json!({ "line": 1, "character": 6 })
    );

    // References: the declaration, `part of Bank`, and three uses in deals.deal.
    let references = server.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": deals }, "position": { "line": excl_line, "character": 22 },
                "context": { "includeDeclaration": true } }),
    );
    let found = references["result"].as_array().unwrap();
    assert_eq!(found.len(), 5, "{found:?}");

    // Rename touches every one; a keyword is refused.
    let rename = server.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": deals }, "position": { "line": excl_line, "character": 22 }, "newName": "Lender" }),
    );
    let changes = &rename["result"]["changes"];
    assert_eq!(changes[&parties].as_array().unwrap().len(), 2);
    assert_eq!(changes[&deals].as_array().unwrap().len(), 3);
    let refused = server.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": deals }, "position": { "line": excl_line, "character": 22 }, "newName": "deal" }),
    );
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("keyword"));
    assert_eq!(server.stop(), 0);
}

#[test]
fn completion_symbols_formatting_and_code_lenses() {
    let (mut server, deals, _) = started("lsp-authoring");
    let excl_line = line_of("excl:");

    // After `may`, actions; after `Zoë.`, Zoë's assets.
    let line = DEALS.lines().nth(excl_line as usize).unwrap();
    let after_may = line.find("may ").unwrap() as u32 + 4;
    assert_eq!(
        server.completion_labels(at(&deals, excl_line, after_may)),
        ["stream"]
    );
    let after_dot = line.find("Zoë.").unwrap();
    let after_dot = line[..after_dot].encode_utf16().count() as u32 + 4;
    assert_eq!(
        server.completion_labels(at(&deals, excl_line, after_dot)),
        ["catalogue"]
    );

    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": deals } }),
    );
    let names: Vec<&str> = symbols["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["licence", "bank_streams"]);
    assert_eq!(symbols["result"][0]["children"][0]["name"], "excl");

    // Formatting a messy file: one edit, the canonical text.
    let messy = DEALS.replace("  excl: exclusive", "excl :   exclusive");
    server.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": deals, "languageId": "deal", "version": 1, "text": messy } }),
    );
    let edits = server.request("textDocument/formatting", json!({ "textDocument": { "uri": deals }, "options": { "tabSize": 2, "insertSpaces": true } }));
    assert_eq!(edits["result"][0]["newText"], DEALS);

    // Live verdicts: the owner's own streaming fails against its `expect yes`.
    let lenses = server.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": deals } }),
    );
    let titles: Vec<&str> = lenses["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["command"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["✓ yes (expected yes)", "✗ no (expected yes)"]);
    // Hovering the failing line explains it.
    let ask_line = DEALS
        .lines()
        .position(|l| l.contains("can Zoë stream"))
        .unwrap() as u32;
    let hover = server.request("textDocument/hover", at(&deals, ask_line, 2));
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("✗ no (expected yes)"), "{text}");
    assert!(text.contains("licence.excl"), "{text}");
    assert_eq!(server.stop(), 0);
}

#[test]
fn malformed_and_out_of_order_messages_never_stop_the_server() {
    let root = workspace("lsp-hostile");
    let mut child_server = {
        // Before `initialize`: a request is refused, a notification ignored.
        let mut server = Server::start_uninitialized();
        let early = server.request("textDocument/hover", at("file:///x.deal", 0, 0));
        assert_eq!(early["error"]["code"], -32002);
        server.notify("textDocument/didOpen", json!({}));
        let init = server.request(
            "initialize",
            json!({ "capabilities": {}, "rootUri": uri(&root) }),
        );
        assert!(init["result"]["capabilities"].is_object());
        server
    };
    let server = &mut child_server;
    // Not JSON, JSON that is not a message, a frame without a length, a bad length.
    server.send_raw(b"Content-Length: 7\r\n\r\n{oops!}");
    let error = server.wait(|m| m["error"]["code"] == -32700);
    assert!(error["id"].is_null());
    server.send_raw(b"Content-Length: 2\r\n\r\n[]");
    server.wait(|m| m["error"]["code"] == -32700);
    server.send_raw(b"X-Nothing: 1\r\n\r\n");
    server.wait(|m| m["error"]["code"] == -32700);
    // Wrong parameters, unknown documents and methods, a second initialize.
    let wrong = server.request("textDocument/hover", json!({ "textDocument": 3 }));
    assert_eq!(wrong["error"]["code"], -32602);
    let unknown = server.request("textDocument/hover", at("file:///nowhere.deal", 99, 99));
    assert!(unknown["result"].is_null());
    let unsupported = server.request("workspace/frobnicate", json!({}));
    assert_eq!(unsupported["error"]["code"], -32601);
    let again = server.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(again["error"]["code"], -32600);
    // A change to a document never opened, with a range past its end: applied, no crash.
    server.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": "file:///nowhere.deal", "version": 2 },
                "contentChanges": [{ "range": { "start": { "line": 50, "character": 3 }, "end": { "line": 1, "character": 0 } }, "text": "party X" }] }),
    );
    // Still serving.
    let symbols = server.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": "file:///nowhere.deal" } }),
    );
    assert_eq!(symbols["result"][0]["name"], "X");
    assert_eq!(child_server.stop(), 0);
}

impl Server {
    fn start_uninitialized() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dealcheck"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Server {
            child,
            stdin,
            messages,
            next_id: 0,
        }
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse().ok()?;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

mod hostile {
    use dealcheck::lsp::{Message, Notification, Request, Server};
    use proptest::prelude::*;
    use serde_json::{json, Value};

    const METHODS: [&str; 14] = [
        "textDocument/didOpen",
        "textDocument/didChange",
        "textDocument/didClose",
        "textDocument/hover",
        "textDocument/definition",
        "textDocument/references",
        "textDocument/rename",
        "textDocument/prepareRename",
        "textDocument/completion",
        "textDocument/documentSymbol",
        "textDocument/formatting",
        "textDocument/codeLens",
        "workspace/didChangeWatchedFiles",
        "$/cancelRequest",
    ];

    /// Parameters that are mostly well-formed: a document (one of two), positions anywhere,
    /// texts cut from a real rule file at random places, ranges in any order.
    fn params() -> impl Strategy<Value = Value> {
        let text = (0..super::DEALS.len(), 0..super::DEALS.len()).prop_map(|(a, b)| {
            let (a, b) = (a.min(b), a.max(b));
            let cut = |i: usize| {
                (0..=i)
                    .rev()
                    .find(|&j| super::DEALS.is_char_boundary(j))
                    .unwrap_or(0)
            };
            super::DEALS[cut(a)..cut(b)].to_string()
        });
        let position =
            (0u32..40, 0u32..120).prop_map(|(l, c)| json!({ "line": l, "character": c }));
        let uri = prop::sample::select(&["file:///w/a.deal", "file:///w/b.deal", "untitled:c"][..]);
        (uri, text, position.clone(), position, any::<bool>(), "[a-zA-Zë_ ]{0,8}").prop_map(
            |(uri, text, start, end, ranged, name)| {
                let change = if ranged {
                    json!({ "range": { "start": start, "end": end }, "text": text })
                } else {
                    json!({ "text": text })
                };
                json!({
                    "textDocument": { "uri": uri, "languageId": "deal", "version": 1, "text": text },
                    "contentChanges": [change],
                    "position": start,
                    "newName": name,
                    "context": { "includeDeclaration": ranged },
                    "options": { "tabSize": 2, "insertSpaces": true },
                    "changes": [{ "uri": uri, "type": 2 }],
                })
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Any sequence of these, in any order: every request gets a response, and the server
        /// still answers afterwards.
        #[test]
        fn random_sequences_of_messages_are_answered(
            messages in prop::collection::vec((prop::sample::select(&METHODS[..]), params()), 1..25)
        ) {
            let mut server = Server::new();
            server.handle_message(Message::Request(Request::new(0.into(), "initialize".to_string(), json!({ "capabilities": {} }))));
            for (i, (method, params)) in messages.into_iter().enumerate() {
                let id = i as i32 + 1;
                let is_request = !method.starts_with("textDocument/did") && !method.starts_with("workspace/") && !method.starts_with('$');
                let message = if is_request {
                    Message::Request(Request::new(id.into(), method.to_string(), params))
                } else {
                    Message::Notification(Notification::new(method.to_string(), params))
                };
                let out = server.handle_message(message);
                if is_request {
                    let answered = out.iter().any(|m| matches!(m, Message::Response(r) if r.id == id.into()));
                    prop_assert!(answered, "{method} got no response: {out:?}");
                    // A handler that panicked is answered with an internal error: none may.
                    let failed = out.iter().any(|m| matches!(m, Message::Response(r) if r.error.as_ref().is_some_and(|e| e.code == -32603)));
                    prop_assert!(!failed, "{method} failed: {out:?}");
                }
            }
            let out = server.handle_message(Message::Request(Request::new(999.into(), "shutdown".to_string(), Value::Null)));
            let ok = out.iter().any(|m| matches!(m, Message::Response(r) if r.id == 999.into() && r.error.is_none()));
            prop_assert!(ok);
        }
    }
}
