//! JSON-RPC over standard input and output, framed with `Content-Length` headers, that survives
//! a bad client. lsp-server's own stdio transport ends its reader thread on the first message it
//! cannot parse, which stops the server; this one answers such a message with the JSON-RPC
//! error it deserves (a parse error, or an invalid request with the id when one can be read),
//! then reads on. A frame over [`MAX_MESSAGE`] bytes is skipped unread, and a header block it
//! cannot make sense of is skipped up to the next blank line.

use crossbeam_channel::{bounded, select, unbounded, Receiver, Sender};
use lsp_server::{Connection, Message};
use serde_json::{json, Value};
use std::io::{self, BufRead, Read, Write};
use std::thread;

/// The largest message read (a document's full text travels in one): larger ones are skipped.
pub const MAX_MESSAGE: usize = 512 * 1024 * 1024;

/// The reader and writer threads; joined when the server stops.
pub struct IoThreads {
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for the writer to flush what the server sent. The reader is left blocked on stdin
    /// if the client keeps it open after `exit`: the process ends anyway.
    pub fn join(self) -> io::Result<()> {
        let result = self.writer.join().unwrap_or(Ok(()));
        if self.reader.is_finished() {
            let _ = self.reader.join();
        }
        result
    }
}

/// A connection over this process's stdin and stdout.
pub fn stdio() -> (Connection, IoThreads) {
    let (to_server, from_client) = bounded::<Message>(16);
    let (to_client, outgoing) = unbounded::<Message>();
    let (raw_tx, raw_rx) = unbounded::<String>();
    let reader = thread::Builder::new()
        .name("paylint-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            read_loop(&mut stdin.lock(), &to_server, &raw_tx);
        })
        .expect("can start a thread");
    let writer = thread::Builder::new()
        .name("paylint-lsp-writer".into())
        .spawn(move || {
            // Not through `Stdout`'s lock, which the command line's caller may hold for the
            // whole run: a duplicate of the descriptor, buffered here and flushed per message.
            use std::os::fd::AsFd;
            let fd = io::stdout().as_fd().try_clone_to_owned()?;
            let mut out = io::BufWriter::new(std::fs::File::from(fd));
            write_loop(&mut out, &outgoing, &raw_rx)
        })
        .expect("can start a thread");
    (
        Connection {
            sender: to_client,
            receiver: from_client,
        },
        IoThreads { reader, writer },
    )
}

/// Reads messages until end of input or `exit`. Malformed ones are answered on `raw` (a frame
/// the server never sees) and skipped.
pub fn read_loop(input: &mut dyn BufRead, to_server: &Sender<Message>, raw: &Sender<String>) {
    loop {
        match read_frame(input) {
            Ok(None) => return,
            Ok(Some(Frame::Body(body))) => match decode(&body) {
                Ok(msg) => {
                    let exit = matches!(&msg, Message::Notification(n) if n.method == "exit");
                    if to_server.send(msg).is_err() || exit {
                        return;
                    }
                }
                Err(answer) => {
                    let _ = raw.send(answer);
                }
            },
            Ok(Some(Frame::Skipped(why))) => {
                log_line(&format!("paylint server: skipped a message: {why}"));
                let _ = raw.send(error_frame(Value::Null, -32700, &why));
            }
            Err(e) => {
                log_line(&format!("paylint server: cannot read standard input: {e}"));
                return;
            }
        }
    }
}

/// Writes a line to standard error, which editors show as the server's log. Not through
/// `Stderr`'s lock (what `eprintln!` takes), which the command line's caller may hold for the
/// whole run.
pub fn log_line(line: &str) {
    use std::os::fd::AsFd;
    if let Ok(fd) = io::stderr().as_fd().try_clone_to_owned() {
        let _ = writeln!(std::fs::File::from(fd), "{line}");
    }
}

/// What one header block and its body gave.
#[derive(Debug, PartialEq)]
pub enum Frame {
    Body(Vec<u8>),
    /// A frame that could not be read, and why; the stream is past it.
    Skipped(String),
}

/// Reads one frame: headers up to a blank line (CRLF as the spec says, a bare LF tolerated),
/// then `Content-Length` bytes. `Ok(None)` at the end of the input.
pub fn read_frame(input: &mut dyn BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = Vec::new();
    let mut saw_header = false;
    loop {
        line.clear();
        // A header line is short; a stream of garbage without newlines is not buffered whole.
        let n = input.take(64 * 1024).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(if saw_header {
                Some(Frame::Skipped("the input ended inside a header".into()))
            } else {
                None
            });
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !saw_header {
                continue; // stray blank lines between frames
            }
            break;
        }
        saw_header = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                length = Some(
                    value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("bad Content-Length `{}`", value.trim())),
                );
            }
            Some(_) => {} // Content-Type and friends
            None => {
                length = Some(Err(format!("not a header: `{}`", shorten(text))));
            }
        }
    }
    let length = match length {
        None => return Ok(Some(Frame::Skipped("no Content-Length header".into()))),
        Some(Err(why)) => return Ok(Some(Frame::Skipped(why))),
        Some(Ok(n)) => n,
    };
    if length > MAX_MESSAGE {
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        return Ok(Some(Frame::Skipped(format!(
            "a {length}-byte message is over the {MAX_MESSAGE}-byte limit"
        ))));
    }
    let mut body = Vec::with_capacity(length.min(1 << 20));
    input.take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Ok(Some(Frame::Skipped(
            "the input ended inside a message".into(),
        )));
    }
    Ok(Some(Frame::Body(body)))
}

/// A frame's body as a message, or the error frame that answers it.
pub fn decode(body: &[u8]) -> Result<Message, String> {
    /// The id alone (the rest skipped unread).
    #[derive(serde::Deserialize)]
    struct Id {
        id: Option<Value>,
    }
    let why = match serde_json::from_slice::<Message>(body) {
        // A request whose id lsp-server cannot hold (neither a string nor a 32-bit integer)
        // would pass for a notification and go unanswered.
        Ok(Message::Notification(n)) => match serde_json::from_slice::<Id>(body) {
            Ok(Id { id: Some(id) }) if !id.is_null() => {
                return Err(error_frame(
                    id,
                    -32600,
                    "invalid request: the id must be a string or a 32-bit integer",
                ))
            }
            _ => return Ok(Message::Notification(n)),
        },
        Ok(msg) => return Ok(msg),
        Err(e) => e,
    };
    match serde_json::from_slice::<Value>(body) {
        Err(e) => Err(error_frame(
            Value::Null,
            -32700,
            &format!("parse error: the message is not JSON ({e})"),
        )),
        Ok(value) => {
            let id = value
                .get("id")
                .filter(|id| id.is_string() || id.is_number())
                .cloned()
                .unwrap_or(Value::Null);
            Err(error_frame(
                id,
                -32600,
                &format!(
                    "invalid request: not a JSON-RPC 2.0 request, response or notification ({why})"
                ),
            ))
        }
    }
}

fn error_frame(id: Value, code: i32, message: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string()
}

fn shorten(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

/// Writes the server's messages and the reader's error answers as they come, until the
/// server's side closes.
pub fn write_loop(
    out: &mut dyn Write,
    messages: &Receiver<Message>,
    raw: &Receiver<String>,
) -> io::Result<()> {
    let mut raw = Some(raw);
    loop {
        let text = match raw {
            Some(r) => select! {
                recv(messages) -> m => match m {
                    Ok(m) => to_text(&m)?,
                    Err(_) => return Ok(()),
                },
                recv(r) -> t => match t {
                    Ok(t) => t,
                    Err(_) => { raw = None; continue; }
                },
            },
            None => match messages.recv() {
                Ok(m) => to_text(&m)?,
                Err(_) => return Ok(()),
            },
        };
        write!(out, "Content-Length: {}\r\n\r\n", text.len())?;
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
}

fn to_text(m: &Message) -> io::Result<String> {
    let mut buf = Vec::new();
    m.write(&mut buf)?;
    // `Message::write` frames it; keep the body only.
    let at = buf
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(0, |i| i + 4);
    Ok(String::from_utf8_lossy(&buf[at..]).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Frame> {
        let mut r = io::Cursor::new(input.as_bytes().to_vec());
        std::iter::from_fn(|| read_frame(&mut r).unwrap()).collect()
    }

    #[test]
    fn frames_are_read_and_bad_ones_skipped() {
        let good = r#"{"jsonrpc":"2.0","method":"x"}"#;
        let input = format!(
            "Content-Length: {}\r\n\r\n{good}garbage line\r\n\r\nContent-Length: zz\r\n\r\n\
             Content-Length: {}\nContent-Type: application/vscode-jsonrpc\n\n{good}",
            good.len(),
            good.len()
        );
        let got = frames(&input);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0], Frame::Body(good.as_bytes().to_vec()));
        assert!(matches!(&got[1], Frame::Skipped(w) if w.contains("not a header")));
        assert!(matches!(&got[2], Frame::Skipped(w) if w.contains("bad Content-Length")));
        assert_eq!(got[3], Frame::Body(good.as_bytes().to_vec()));
    }

    #[test]
    fn an_oversized_frame_is_skipped_without_holding_it() {
        let input = format!(
            "Content-Length: {}\r\n\r\n",
            MAX_MESSAGE + 1 // the body is missing: the skip reads what there is
        );
        let got = frames(&input);
        assert!(matches!(&got[0], Frame::Skipped(w) if w.contains("over the")));
    }

    #[test]
    fn bad_json_is_a_parse_error_and_a_bad_request_keeps_its_id() {
        let e = decode(b"{not json").unwrap_err();
        assert!(e.contains("-32700") && e.contains("\"id\":null"), "{e}");
        let e = decode(br#"{"jsonrpc":"2.0","id":7,"method":12}"#).unwrap_err();
        assert!(e.contains("-32600") && e.contains("\"id\":7"), "{e}");
        let e = decode(br#"{"jsonrpc":"2.0","id":99999999999,"method":"x"}"#).unwrap_err();
        assert!(e.contains("99999999999"), "{e}");
        assert!(decode(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#).is_ok());
    }

    #[test]
    fn the_reader_goes_on_after_a_malformed_message() {
        let ok = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let bad = "{oops";
        let input = format!(
            "Content-Length: {}\r\n\r\n{bad}Content-Length: {}\r\n\r\n{ok}",
            bad.len(),
            ok.len()
        );
        let (tx, rx) = unbounded();
        let (raw_tx, raw_rx) = unbounded();
        read_loop(&mut io::Cursor::new(input.into_bytes()), &tx, &raw_tx);
        assert!(matches!(rx.try_recv(), Ok(Message::Request(r)) if r.method == "shutdown"));
        assert!(raw_rx.try_recv().unwrap().contains("-32700"));
    }
}
