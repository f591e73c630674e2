//! `paylint server`: a language server over stdio. Diagnostics for every format paylint reads,
//! from the editor's unsaved buffer, as the user types; each fix as a code action; hover and
//! completion from the catalog.
//!
//! One thread reads the client, one writes to it, one checks documents, and this one (the main
//! loop) owns the documents and answers requests. A change schedules a check after a short
//! debounce; the checker takes the newest version of each document it is sent and a result for
//! a version that is no longer current is dropped, so typing never queues up stale work. A panic
//! in a check is caught there: that document shows an `internal-error` diagnostic, the user is
//! told once, and the server goes on.
//!
//! Everything the server needs of the linter goes through `lint/`, the one module that names
//! paylint's own modules.

mod checking;
mod completion;
mod convert;
mod cursor;
pub mod document;
mod hover;
pub mod lint;
mod requests;
pub mod transport;
pub mod vocabulary;
mod workspace;

use checking::{checker, panic_message};
use crossbeam_channel::{never, select, unbounded, Receiver, Sender};
use document::{Document, Encoding};
use lint::{Checked, Engine};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vocabulary::MessageView;
use workspace::root_among;

/// Runs the server on stdin and stdout until the client says `exit` (or goes away). Returns
/// the exit status LSP asks for: 0 after a `shutdown` request, 1 without one.
pub fn run(err: &mut dyn std::io::Write) -> i32 {
    let (connection, io) = transport::stdio();
    let code = serve(connection);
    if let Err(e) = io.join() {
        let _ = writeln!(err, "paylint server: cannot write to the client: {e}");
        return 1;
    }
    code
}

/// How long after a change its check starts, unless the client sets `debounceMs`: changes
/// that come faster than this (typing) are checked once.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// Serves one client on `connection`; returns the exit status.
pub fn serve(connection: Connection) -> i32 {
    let Some(mut server) = Server::initialize(&connection) else {
        return 1;
    };
    server.main_loop(&connection)
}

/// An open document and what the server knows of it.
struct Open {
    doc: Document,
    /// What the linter checks it as (its file, or a made-up name with the language's
    /// extension for an untitled buffer).
    path: PathBuf,
    /// The folder whose configuration and catalog apply.
    root: PathBuf,
    /// The last check of the current version.
    checked: Option<Arc<Checked>>,
    /// The messages of the current version (for hover and completion), worked out on demand.
    messages: Option<Arc<Vec<MessageView>>>,
    /// Which opening of the URI this is (a document closed and opened again starts at version
    /// 1 again: a late result of the earlier one must not pass for the new one's).
    generation: u64,
    /// The (generation, version) last sent to the checker since the last reload.
    sent: Option<(u64, i32)>,
}

struct Job {
    uri: lsp::Uri,
    generation: u64,
    version: i32,
    path: PathBuf,
    text: Arc<String>,
    engine: Arc<Engine>,
}

struct Outcome {
    uri: lsp::Uri,
    generation: u64,
    version: i32,
    /// The findings, or what the check panicked with.
    result: Result<Checked, String>,
}

/// A code-action request that waits for the check of the version it was asked about.
struct Waiting {
    id: RequestId,
    uri: lsp::Uri,
    params: lsp::CodeActionParams,
}

struct Server {
    sender: Sender<Message>,
    enc: Encoding,
    docs: HashMap<lsp::Uri, Open>,
    /// Workspace folders, longest first.
    roots: Vec<PathBuf>,
    /// The configuration and catalog of each root, loaded on first use.
    engines: HashMap<PathBuf, Arc<Engine>>,
    /// What each root last loaded successfully (used while its configuration is broken).
    last_good: HashMap<PathBuf, Arc<Engine>>,
    defaults: Option<Arc<Engine>>,
    /// Configuration errors already shown (each is shown once).
    shown: HashSet<String>,
    debounce: Duration,
    due: HashMap<lsp::Uri, Instant>,
    jobs: Sender<Job>,
    results: Receiver<Outcome>,
    waiting: Vec<Waiting>,
    panic_reported: bool,
    shutdown: bool,
    rules_url: String,
    watch_files: bool,
    next_id: i32,
    /// Documents opened so far.
    opened: u64,
}

/// Waits for the `initialize` request and returns its id and parameters. Requests before it
/// are refused as LSP says; `exit` before it (or the client going away) gives `None`.
fn initialize_request(connection: &Connection) -> Option<(RequestId, Value)> {
    loop {
        match connection.receiver.recv().ok()? {
            Message::Request(r) if r.method == "initialize" => return Some((r.id, r.params)),
            Message::Request(r) => {
                let _ = connection.sender.send(
                    Response::new_err(
                        r.id,
                        ErrorCode::ServerNotInitialized as i32,
                        "the server is not initialized yet".into(),
                    )
                    .into(),
                );
            }
            Message::Notification(n) if n.method == "exit" => return None,
            _ => {}
        }
    }
}

/// The workspace's folders from `initialize`'s parameters (`workspaceFolders`, else `rootUri`,
/// else `rootPath`), longest first so the innermost folder holding a file is found first.
fn workspace_roots(params: &Value) -> Vec<PathBuf> {
    let get = |path: &str| params.pointer(path);
    let mut roots: Vec<PathBuf> = get("/workspaceFolders")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| f.get("uri")?.as_str().and_then(file_path))
        .collect();
    if roots.is_empty() {
        roots.extend(
            get("/rootUri")
                .and_then(Value::as_str)
                .and_then(file_path)
                .or_else(|| get("/rootPath").and_then(Value::as_str).map(PathBuf::from)),
        );
    }
    roots.sort_by_key(|r| std::cmp::Reverse(r.as_os_str().len()));
    roots
}

impl Server {
    /// Waits for `initialize` and answers it. Requests before it are refused as LSP says;
    /// `exit` before it ends the server.
    fn initialize(connection: &Connection) -> Option<Server> {
        let (id, params) = initialize_request(connection)?;
        let get = |path: &str| params.pointer(path);
        let enc = Encoding::negotiate(
            get("/capabilities/general/positionEncodings")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        );
        let roots = workspace_roots(&params);
        let options = get("/initializationOptions");
        let debounce = options
            .and_then(|o| o.get("debounceMs"))
            .and_then(Value::as_u64)
            .map_or(DEBOUNCE, Duration::from_millis);
        let rules_url = options
            .and_then(|o| o.get("rulesUrl"))
            .and_then(Value::as_str)
            .unwrap_or(convert::RULES_URL)
            .to_string();
        let watch_files = get("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let result = lsp::InitializeResult {
            capabilities: capabilities(enc),
            server_info: Some(lsp::ServerInfo {
                name: "paylint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        connection
            .sender
            .send(Response::new_ok(id, result).into())
            .ok()?;
        let (jobs, job_rx) = unbounded::<Job>();
        let (result_tx, results) = unbounded::<Outcome>();
        std::thread::Builder::new()
            .name("paylint-check".into())
            .spawn(move || checker(job_rx, result_tx))
            .ok()?;
        Some(Server {
            sender: connection.sender.clone(),
            enc,
            docs: HashMap::new(),
            roots,
            engines: HashMap::new(),
            last_good: HashMap::new(),
            defaults: None,
            shown: HashSet::new(),
            debounce,
            due: HashMap::new(),
            jobs,
            results,
            waiting: Vec::new(),
            panic_reported: false,
            shutdown: false,
            rules_url,
            watch_files,
            next_id: 0,
            opened: 0,
        })
    }

    fn main_loop(&mut self, connection: &Connection) -> i32 {
        loop {
            let timer = match self.due.values().min() {
                Some(&at) => crossbeam_channel::at(at),
                None => never(),
            };
            select! {
                recv(connection.receiver) -> msg => match msg {
                    Ok(Message::Notification(n)) if n.method == "exit" => {
                        return if self.shutdown { 0 } else { 1 };
                    }
                    Ok(msg) => self.handle(msg),
                    // The client went away without `exit`.
                    Err(_) => return 1,
                },
                recv(self.results) -> outcome => {
                    if let Ok(outcome) = outcome {
                        self.checked(outcome);
                    }
                }
                recv(timer) -> _ => self.start_due(),
            }
        }
    }

    fn send(&self, msg: impl Into<Message>) {
        let _ = self.sender.send(msg.into());
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.into(), params));
    }

    fn show(&self, typ: lsp::MessageType, message: String) {
        self.notify(
            "window/showMessage",
            lsp::ShowMessageParams { typ, message },
        );
    }

    fn log(&self, typ: lsp::MessageType, message: String) {
        self.notify("window/logMessage", lsp::LogMessageParams { typ, message });
    }

    fn handle(&mut self, msg: Message) {
        match msg {
            Message::Request(r) => {
                let id = r.id.clone();
                let method = r.method.clone();
                let outcome = catch_unwind(AssertUnwindSafe(|| self.request(r)));
                if let Err(panic) = outcome {
                    let what = panic_message(panic);
                    self.report_panic(&format!("answering {method}"), &what);
                    self.send(Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        format!("paylint failed answering {method}: {what}"),
                    ));
                }
            }
            Message::Notification(n) => {
                let method = n.method.clone();
                if let Err(panic) = catch_unwind(AssertUnwindSafe(|| self.notification(n))) {
                    self.report_panic(&format!("handling {method}"), &panic_message(panic));
                }
            }
            Message::Response(_) => {} // to our registerCapability: nothing to do
        }
    }

    fn request(&mut self, r: Request) {
        if self.shutdown {
            return self.send(Response::new_err(
                r.id,
                ErrorCode::InvalidRequest as i32,
                "the server is shutting down".into(),
            ));
        }
        let id = r.id.clone();
        let invalid = |e: serde_json::Error| {
            Response::new_err(
                id.clone(),
                ErrorCode::InvalidParams as i32,
                format!("invalid params: {e}"),
            )
        };
        match r.method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                self.send(Response::new_ok(r.id, Value::Null));
            }
            "textDocument/hover" => match serde_json::from_value(r.params) {
                Ok(p) => {
                    let answer = self.hover(p);
                    self.send(Response::new_ok(r.id, answer));
                }
                Err(e) => self.send(invalid(e)),
            },
            "textDocument/completion" => match serde_json::from_value(r.params) {
                Ok(p) => {
                    let answer = self.completion(p);
                    self.send(Response::new_ok(r.id, answer));
                }
                Err(e) => self.send(invalid(e)),
            },
            "textDocument/codeAction" => {
                match serde_json::from_value::<lsp::CodeActionParams>(r.params) {
                    Ok(p) => {
                        let uri = p.text_document.uri.clone();
                        match self.docs.get(&uri) {
                            None => self.send(Response::new_ok(r.id, Value::Array(vec![]))),
                            Some(open) if open.checked.is_some() => {
                                let answer = self.code_actions(&p);
                                self.send(Response::new_ok(r.id, answer));
                            }
                            Some(open) => {
                                // Answered when the check of this version is in (started now,
                                // unless it is running).
                                if open.sent != Some((open.generation, open.doc.version)) {
                                    self.due.insert(uri.clone(), Instant::now());
                                }
                                self.waiting.push(Waiting {
                                    id: r.id,
                                    uri,
                                    params: p,
                                });
                            }
                        }
                    }
                    Err(e) => self.send(invalid(e)),
                }
            }
            _ => self.send(Response::new_err(
                r.id,
                ErrorCode::MethodNotFound as i32,
                format!("paylint does not answer {}", r.method),
            )),
        }
    }

    fn notification(&mut self, n: Notification) {
        macro_rules! params {
            ($t:ty) => {
                match serde_json::from_value::<$t>(n.params) {
                    Ok(p) => p,
                    Err(e) => {
                        return self.log(
                            lsp::MessageType::ERROR,
                            format!("paylint: ignored {} with invalid params: {e}", n.method),
                        )
                    }
                }
            };
        }
        match n.method.as_str() {
            "initialized" => self.register_watchers(),
            "textDocument/didOpen" => self.did_open(params!(lsp::DidOpenTextDocumentParams)),
            "textDocument/didChange" => self.did_change(params!(lsp::DidChangeTextDocumentParams)),
            "textDocument/didClose" => self.did_close(params!(lsp::DidCloseTextDocumentParams)),
            "textDocument/didSave" => {
                let p = params!(lsp::DidSaveTextDocumentParams);
                if let Some(path) = file_path(p.text_document.uri.as_str()) {
                    if self.configures(&path) {
                        self.reload();
                    }
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let p = params!(lsp::DidChangeWatchedFilesParams);
                // A deleted file that is open is still checked: the buffer is what the user
                // edits. Only the configuration and catalog matter here.
                let reload = p
                    .changes
                    .iter()
                    .any(|c| file_path(c.uri.as_str()).is_some_and(|path| self.configures(&path)));
                if reload {
                    self.reload();
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                self.folders_changed(params!(lsp::DidChangeWorkspaceFoldersParams))
            }
            "$/cancelRequest" => {
                let p = params!(lsp::CancelParams);
                let id: RequestId = match p.id {
                    lsp::NumberOrString::Number(n) => n.into(),
                    lsp::NumberOrString::String(s) => s.into(),
                };
                if let Some(i) = self.waiting.iter().position(|w| w.id == id) {
                    let w = self.waiting.remove(i);
                    self.send(Response::new_err(
                        w.id,
                        ErrorCode::RequestCanceled as i32,
                        "cancelled".into(),
                    ));
                }
            }
            _ => {}
        }
    }

    /// An opened document: checked now.
    fn did_open(&mut self, p: lsp::DidOpenTextDocumentParams) {
        let d = p.text_document;
        let path = document_path(&d.uri, &d.language_id);
        let root = self.root_of(&path);
        let doc = Document::new(d.text, d.version, d.language_id);
        self.opened += 1;
        self.docs.insert(
            d.uri.clone(),
            Open {
                doc,
                path,
                root,
                checked: None,
                messages: None,
                generation: self.opened,
                sent: None,
            },
        );
        self.due.insert(d.uri, Instant::now());
    }

    /// A changed document: checked after the debounce.
    fn did_change(&mut self, p: lsp::DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let enc = self.enc;
        let Some(open) = self.docs.get_mut(&uri) else {
            return self.log(
                lsp::MessageType::WARNING,
                format!("paylint: a change to {} which is not open", uri.as_str()),
            );
        };
        for change in p.content_changes {
            open.doc.apply(change, enc);
        }
        open.doc.version = p.text_document.version;
        open.checked = None;
        open.messages = None;
        self.due.insert(uri, Instant::now() + self.debounce);
    }

    /// A closed document: its waiting requests answered empty, its diagnostics cleared.
    fn did_close(&mut self, p: lsp::DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        self.docs.remove(&uri);
        self.due.remove(&uri);
        let (gone, kept) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|w| w.uri == uri);
        self.waiting = kept;
        for w in gone {
            self.send(Response::new_ok(w.id, Value::Array(vec![])));
        }
        self.publish(uri, Vec::new(), None);
    }

    /// Workspace folders added or removed: every open document's root found again, engines reloaded.
    fn folders_changed(&mut self, p: lsp::DidChangeWorkspaceFoldersParams) {
        for f in p.event.removed {
            if let Some(path) = file_path(f.uri.as_str()) {
                self.roots.retain(|r| *r != path);
            }
        }
        self.roots.extend(
            p.event
                .added
                .iter()
                .filter_map(|f| file_path(f.uri.as_str())),
        );
        self.roots
            .sort_by_key(|r| std::cmp::Reverse(r.as_os_str().len()));
        for open in self.docs.values_mut() {
            open.root = root_among(&self.roots, &open.path);
        }
        self.reload();
    }
}

fn capabilities(enc: Encoding) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::new(enc.lsp_name())),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
            lsp::TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
                save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                ..lsp::TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec!["\"".into()]),
            ..lsp::CompletionOptions::default()
        }),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    convert::fix_all_kind(),
                ]),
                resolve_provider: Some(false),
                ..lsp::CodeActionOptions::default()
            },
        )),
        ..lsp::ServerCapabilities::default()
    }
}

/// The path of a `file:` URI, percent-decoded; `None` for other schemes.
pub fn file_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // An authority (`file://host/path`) is skipped; `file:///path` has none.
    let path = &rest[rest.find('/')?..];
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h)? * 16 + hex(l)?) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(out)))
}

/// What a document is checked as: its file, with the extension its language implies when the
/// file's own says nothing paylint reads (an untitled buffer, `.txt` set to HTTP).
fn document_path(uri: &lsp::Uri, language_id: &str) -> PathBuf {
    let path = file_path(uri.as_str()).unwrap_or_else(|| {
        let name = uri.as_str().rsplit(['/', ':']).next().unwrap_or("untitled");
        PathBuf::from(if name.is_empty() { "untitled" } else { name })
    });
    if lint::known_extension(&path) {
        return path;
    }
    let ext = match language_id {
        "http" | "rest" | "restclient" => "http",
        "markdown" => "md",
        "json" | "jsonc" => "json",
        "jsonl" | "ndjson" | "jsonlines" => "ndjson",
        "har" => "har",
        _ => return path,
    };
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".");
    name.push(ext);
    path.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    #[test]
    fn file_uris_are_decoded_and_others_named_by_language() {
        assert_eq!(
            file_path("file:///w/caf%C3%A9%20x.http"),
            Some(PathBuf::from("/w/café x.http"))
        );
        assert_eq!(file_path("untitled:Untitled-1"), None);
        let uri: lsp::Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(
            document_path(&uri, "http"),
            PathBuf::from("Untitled-1.http")
        );
        let uri: lsp::Uri = "file:///w/a.txt".parse().unwrap();
        assert_eq!(
            document_path(&uri, "markdown"),
            PathBuf::from("/w/a.txt.md")
        );
        let uri: lsp::Uri = "file:///w/a.json".parse().unwrap();
        assert_eq!(document_path(&uri, "plaintext"), PathBuf::from("/w/a.json"));
        let roots = vec![PathBuf::from("/w/sub"), PathBuf::from("/w")];
        assert_eq!(
            root_among(&roots, Path::new("/w/sub/a.http")),
            PathBuf::from("/w/sub")
        );
        assert_eq!(
            root_among(&roots, Path::new("/x/a.http")),
            PathBuf::from("/x")
        );
    }

    /// An in-process client on a memory connection.
    struct Client {
        conn: Connection,
        next: i32,
        server: Option<std::thread::JoinHandle<i32>>,
    }

    impl Client {
        fn start() -> Client {
            let (server, client) = Connection::memory();
            let handle = std::thread::spawn(move || serve(server));
            let mut c = Client {
                conn: client,
                next: 0,
                server: Some(handle),
            };
            let init = c.request(
                "initialize",
                json!({"capabilities": {}, "initializationOptions": {"debounceMs": 0}}),
            );
            assert!(init["capabilities"]["hoverProvider"].as_bool().unwrap());
            c.notify("initialized", json!({}));
            c
        }

        fn notify(&self, method: &str, params: Value) {
            self.conn
                .sender
                .send(Notification::new(method.into(), params).into())
                .unwrap();
        }

        fn request(&mut self, method: &str, params: Value) -> Value {
            self.next += 1;
            let id = RequestId::from(self.next);
            self.conn
                .sender
                .send(Request::new(id.clone(), method.into(), params).into())
                .unwrap();
            loop {
                match self.recv() {
                    Message::Response(r) if r.id == id => {
                        return r
                            .response_result
                            .unwrap_or_else(|e| json!({"error": e.message}))
                    }
                    _ => continue,
                }
            }
        }

        fn recv(&self) -> Message {
            self.conn
                .receiver
                .recv_timeout(Duration::from_secs(20))
                .expect("the server answers")
        }

        /// The next diagnostics published for `uri`.
        fn diagnostics(&self, uri: &str) -> Vec<Value> {
            loop {
                if let Message::Notification(n) = self.recv() {
                    if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri {
                        return n.params["diagnostics"].as_array().unwrap().clone();
                    }
                }
            }
        }

        fn stop(mut self) -> i32 {
            self.request("shutdown", Value::Null);
            self.notify("exit", Value::Null);
            self.server.take().unwrap().join().unwrap()
        }
    }

    const HTTP: &str = "### Grüße 😀\r\nPATCH https://graph.microsoft.com/v1.0/provisioningPolicies/p1/assignments/a1\r\nContent-Type: application/json\r\n\r\n{\"@contoso.note\": \"é😀\", \"groupID\": \"g\"}\r\n";

    #[test]
    fn a_session_checks_fixes_hovers_and_completes_in_process() {
        let mut c = Client::start();
        let uri = "file:///nowhere/a.http";
        c.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "http", "version": 1, "text": HTTP}}),
        );
        let diags = c.diagnostics(uri);
        let unknown = diags.iter().find(|d| d["code"] == "unknown-field").unwrap();
        // Line 4 (0-based): `{"@contoso.note": "é😀", ` is 25 UTF-16 units (27 bytes).
        assert_eq!(
            unknown["range"],
            json!({"start": {"line": 4, "character": 25}, "end": {"line": 4, "character": 34}})
        );
        let actions = c.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": unknown["range"], "context": {"diagnostics": [unknown]}}),
        );
        let quick = &actions[0];
        assert_eq!(quick["isPreferred"], true);
        let edit = &quick["edit"]["changes"][uri][0];
        assert_eq!(edit["newText"], "\"groupId\"");
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"range": edit["range"], "text": edit["newText"]}]}),
        );
        assert_eq!(c.diagnostics(uri), Vec::<Value>::new());
        let hover = c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 28}}),
        );
        assert!(hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("`string`"));
        let hover = c.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 2}}),
        );
        assert!(hover["contents"]["value"]
            .as_str()
            .unwrap()
            .contains("update_provisionpolicyassignmentitem"));
        // Completion of a key being typed offers groupId first.
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"range": {"start": {"line": 4, "character": 0}, "end": {"line": 4, "character": 99}}, "text": "{\"gro"}]}),
        );
        let items = c.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": 4, "character": 5}}),
        );
        let first = &items["items"][0];
        assert_eq!(first["label"], "groupId");
        assert_eq!(first["textEdit"]["newText"], "\"groupId\": ");
        assert_eq!(c.stop(), 0);
    }
}
