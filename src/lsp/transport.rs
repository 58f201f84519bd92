//! JSON-RPC over stdio with LSP's `Content-Length` framing. A frame that is not JSON, or JSON
//! that is not a message, is reported to the client and skipped: nothing a client sends stops
//! the server but `exit` or the end of its input.

use lsp_server::Message;
use std::io::{BufRead, Write};

/// What the reader thread passes on.
pub enum Incoming {
    Message(Message),
    /// A frame that could not be read as a message, and why.
    Malformed(String),
}

/// Frames larger than this are refused (and skipped) rather than buffered.
const MAX_FRAME: usize = 256 * 1024 * 1024;

/// Reads frames until the input ends.
pub fn read_all(input: &mut impl BufRead, mut deliver: impl FnMut(Incoming) -> bool) {
    loop {
        let length = match read_headers(input) {
            Ok(Some(Ok(length))) => length,
            Ok(Some(Err(why))) => {
                if !deliver(Incoming::Malformed(why)) {
                    return;
                }
                continue;
            }
            Ok(None) | Err(_) => return,
        };
        let mut body = vec![0u8; length];
        if input.read_exact(&mut body).is_err() {
            return;
        }
        let incoming = match serde_json::from_slice::<Message>(&body) {
            Ok(message) => Incoming::Message(message),
            Err(e) => Incoming::Malformed(format!("not a JSON-RPC message: {e}")),
        };
        if !deliver(incoming) {
            return;
        }
    }
}

/// The headers of one frame: its body's length, or why it has none. `None` at the end of input.
fn read_headers(input: &mut impl BufRead) -> std::io::Result<Option<Result<usize, String>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut seen_any = false;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if !seen_any {
                continue;
            }
            return Ok(Some(length.unwrap_or_else(|| {
                Err("a frame without `Content-Length`".to_string())
            })));
        }
        seen_any = true;
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(match value.trim().parse::<usize>() {
                    Ok(n) if n <= MAX_FRAME => Ok(n),
                    Ok(n) => Err(format!("a frame of {n} bytes is more than the limit")),
                    Err(_) => Err(format!(
                        "`Content-Length: {}` is not a length",
                        value.trim()
                    )),
                });
            }
        }
    }
}

/// Writes one message as a frame.
pub fn write(output: &mut impl Write, message: &Message) -> std::io::Result<()> {
    message.write(output)
}

/// A JSON-RPC error with no request id (the request could not be read).
pub fn write_parse_error(output: &mut impl Write, why: &str) -> std::io::Result<()> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": -32700, "message": why },
    })
    .to_string();
    write!(output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::{read_all, Incoming};

    #[test]
    fn malformed_frames_are_reported_and_skipped() {
        let good = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        let input = format!(
            "Content-Length: 5\r\n\r\n{{{{{{{{{{Content-Length: x\r\n\r\nContent-Length: {}\r\n\r\n{good}",
            good.len()
        );
        let mut seen = Vec::new();
        read_all(&mut input.as_bytes(), |i| {
            seen.push(matches!(i, Incoming::Message(_)));
            true
        });
        assert_eq!(seen, [false, false, true]);
    }
}
