//! `paylint server` latency and memory, measured from outside: the release binary is started,
//! fed a 1,000-line `.http` file, and each iteration sends one `didChange` (an edit that adds or
//! removes a finding) and waits for the `publishDiagnostics` of that version, as an editor
//! would see it, debounce (10 ms) included. `server/check` is the same check in process, without
//! the protocol or the debounce. After the timings, the server's resident memory is printed
//! before and after 1,000 documents are opened, changed and closed.
//!
//!     cargo bench --bench server

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// About 1,000 lines: 63 request/response exchanges of 16 lines, every fifth request with
/// `groupID` for `groupId` (so the file has findings to place).
fn http_file() -> String {
    let mut out = String::new();
    for n in 0..63 {
        let key = if n % 5 == 0 { "groupID" } else { "groupId" };
        out.push_str(&format!(
            "### exchange {n}\n\
             PATCH https://graph.microsoft.com/v1.0/provisioningPolicies/p{n}/assignments/a{n}\n\
             Content-Type: application/json\n\
             \n\
             {{\n  \"@odata.type\": \"#microsoft.graph.ProvisionPolicyAssignmentItem\",\n  \"{key}\": \"b7a4e2f0-3c1d-4a5b-9e8f-0123456789ab\"\n}}\n\
             \n\
             HTTP/1.1 200 OK\n\
             Content-Type: application/json\n\
             \n\
             {{\n  \"id\": \"a{n}\",\n  \"groupId\": \"b7a4e2f0-3c1d-4a5b-9e8f-0123456789ab\"\n}}\n\n"
        ));
    }
    out
}

struct Server {
    child: Child,
    stdin: ChildStdin,
    /// (uri, version) of each publishDiagnostics, as it arrives.
    published: Receiver<(String, Option<i64>)>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_paylint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("paylint server starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, published) = channel();
        std::thread::spawn(move || loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(v) = line.strip_prefix("Content-Length: ") {
                    length = v.parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            stdout.read_exact(&mut body).unwrap();
            let msg: Value = serde_json::from_slice(&body).unwrap();
            if msg["method"] == "textDocument/publishDiagnostics" {
                let uri = msg["params"]["uri"].as_str().unwrap().to_string();
                if tx.send((uri, msg["params"]["version"].as_i64())).is_err() {
                    return;
                }
            }
        });
        let mut s = Server {
            child,
            stdin,
            published,
            next_id: 0,
        };
        s.request("initialize", json!({"capabilities": {}}));
        s.notify("initialized", json!({}));
        s
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
    }

    /// Waits for the diagnostics of `uri` at `version`.
    fn published(&self, uri: &str, version: i64) {
        loop {
            let (u, v) = self
                .published
                .recv_timeout(Duration::from_secs(30))
                .expect("diagnostics are published");
            if u == uri && v == Some(version) {
                return;
            }
        }
    }

    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

fn open(server: &mut Server, uri: &str, text: &str) {
    server.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "http", "version": 1, "text": text}}),
    );
    server.published(uri, 1);
}

fn latency(c: &mut Criterion) {
    let text = http_file();
    assert!(text.lines().count() >= 1000, "{}", text.lines().count());
    // The in-process check the server runs on each change.
    let engine = paylint::server::lint::Engine::defaults();
    let path = Path::new("/bench/large.http");
    assert!(!engine.check(path, &text).findings.is_empty());
    c.bench_function("server/check 1,000-line .http (in process)", |b| {
        b.iter(|| std::hint::black_box(engine.check(path, &text)))
    });

    let mut server = Server::start();
    let uri = "file:///bench/large.http";
    open(&mut server, uri, &text);
    // Line 6 is `  "groupID": ...` of exchange 0: toggle its `ID`/`Id`.
    let mut version = 1;
    c.bench_function(
        "server/didChange to publishDiagnostics, 1,000-line .http (stdio, debounce included)",
        |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    version += 1;
                    let text = if version % 2 == 0 { "Id" } else { "ID" };
                    let started = Instant::now();
                    server.notify(
                        "textDocument/didChange",
                        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [
                            {"range": {"start": {"line": 6, "character": 8}, "end": {"line": 6, "character": 10}}, "text": text}
                        ]}),
                    );
                    server.published(uri, version);
                    total += started.elapsed();
                }
                total
            })
        },
    );
    drop(server);

    // Memory over a long session: 1,000 documents opened, changed and closed.
    let mut server = Server::start();
    let small = http_file().lines().take(40).collect::<Vec<_>>().join("\n");
    let cycle = |server: &mut Server, from: usize, count: usize| {
        for n in from..from + count {
            let uri = format!("file:///bench/doc{n}.http");
            open(server, &uri, &small);
            server.notify(
                "textDocument/didChange",
                json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": format!("{small}\n")}]}),
            );
            server.published(&uri, 2);
            server.notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            );
        }
    };
    cycle(&mut server, 0, 100);
    let warm = server.rss_kib();
    cycle(&mut server, 100, 900);
    let after = server.rss_kib();
    let large = "file:///bench/large.http";
    open(&mut server, large, &text);
    eprintln!(
        "server RSS: {warm} KiB after 100 documents opened, changed and closed; {after} KiB after \
         1,000; {} KiB with the 1,000-line file open",
        server.rss_kib()
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(40).measurement_time(Duration::from_secs(8));
    targets = latency
}
criterion_main!(benches);
