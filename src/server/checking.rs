//! Checks off the main thread: starting the checks that are due, taking their outcomes,
//! publishing diagnostics, and reporting a check that panicked.

use super::lint::{Checked, Finding};
use super::{convert, Job, Outcome, Server};
use crossbeam_channel::{Receiver, Sender};
use lsp_server::Response;
use lsp_types as lsp;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::Instant;

impl Server {
    /// Sends the checker every document whose time has come.
    pub(super) fn start_due(&mut self) {
        let now = Instant::now();
        let ready: Vec<lsp::Uri> = self
            .due
            .iter()
            .filter(|(_, &at)| at <= now)
            .map(|(u, _)| u.clone())
            .collect();
        for uri in ready {
            self.due.remove(&uri);
            let Some(open) = self.docs.get_mut(&uri) else {
                continue;
            };
            let key = (open.generation, open.doc.version);
            if open.sent == Some(key) {
                continue; // already running or done
            }
            open.sent = Some(key);
            let (path, root, text) = (open.path.clone(), open.root.clone(), open.doc.snapshot());
            let engine = self.engine_for(&root);
            let _ = self.jobs.send(Job {
                uri,
                generation: key.0,
                version: key.1,
                path,
                text,
                engine,
            });
        }
    }

    /// A check is in: published if it is of the current version, dropped if the document
    /// changed (or closed) meanwhile.
    pub(super) fn checked(&mut self, outcome: Outcome) {
        let Some(open) = self.docs.get_mut(&outcome.uri) else {
            return;
        };
        if (open.generation, open.doc.version) != (outcome.generation, outcome.version) {
            return;
        }
        let checked = match outcome.result {
            Ok(c) => c,
            Err(panic) => {
                let name = open.path.display().to_string();
                let c = Checked {
                    findings: vec![Finding {
                        span: 0..0,
                        rule: "internal-error",
                        error: true,
                        message: format!("paylint failed on this document (a bug): {panic}"),
                        hint: Some("please report it with the document".into()),
                        fix: None,
                    }],
                    fix_all: Vec::new(),
                };
                self.report_panic(&format!("checking {name}"), &panic);
                c
            }
        };
        let Some(open) = self.docs.get_mut(&outcome.uri) else {
            return;
        };
        let diagnostics = convert::diagnostics(&open.doc, self.enc, &checked, &self.rules_url);
        open.checked = Some(Arc::new(checked));
        let version = open.doc.version;
        self.publish(outcome.uri.clone(), diagnostics, Some(version));
        let (ready, kept) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|w| w.uri == outcome.uri);
        self.waiting = kept;
        for w in ready {
            let answer = self.code_actions(&w.params);
            self.send(Response::new_ok(w.id, answer));
        }
    }

    pub(super) fn publish(
        &self,
        uri: lsp::Uri,
        diagnostics: Vec<lsp::Diagnostic>,
        version: Option<i32>,
    ) {
        self.notify(
            "textDocument/publishDiagnostics",
            lsp::PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        );
    }

    /// The first panic is shown to the user; later ones only logged.
    pub(super) fn report_panic(&mut self, doing: &str, what: &str) {
        let message = format!(
            "paylint: internal error {doing}: {what}. The server goes on; please report it."
        );
        if self.panic_reported {
            self.log(lsp::MessageType::ERROR, message);
        } else {
            self.panic_reported = true;
            self.show(lsp::MessageType::ERROR, message);
        }
    }
}

/// The checker thread: checks the newest version of each document it is sent, one at a time;
/// a panic in a check becomes that document's outcome.
pub(super) fn checker(jobs: Receiver<Job>, results: Sender<Outcome>) {
    while let Ok(first) = jobs.recv() {
        // Newer versions that arrived meanwhile replace older ones of the same document.
        let mut batch: Vec<Job> = vec![first];
        while let Ok(job) = jobs.try_recv() {
            match batch.iter_mut().find(|j| j.uri == job.uri) {
                Some(older) => *older = job,
                None => batch.push(job),
            }
        }
        for job in batch {
            let result = catch_unwind(AssertUnwindSafe(|| job.engine.check(&job.path, &job.text)))
                .map_err(panic_message);
            let outcome = Outcome {
                uri: job.uri,
                generation: job.generation,
                version: job.version,
                result,
            };
            if results.send(outcome).is_err() {
                return;
            }
        }
    }
}

pub(super) fn panic_message(panic: Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_string())
}
