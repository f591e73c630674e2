//! The workspace's configuration: file watchers, which files configure a root, reloading, and
//! one engine per root.

use super::checking::panic_message;
use super::lint::Engine;
use super::Server;
use lsp_server::{Request, RequestId};
use lsp_types as lsp;
use std::panic::catch_unwind;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

impl Server {
    /// Asks the client to tell us when a configuration or catalog file changes.
    pub(super) fn register_watchers(&mut self) {
        if !self.watch_files {
            return;
        }
        // The configuration, catalog schemas, and OData metadata (whatever its name: the
        // configuration says which file; a change to another is ignored).
        let globs = ["**/paylint.toml", "**/*.json", "**/*.{xml,csdl,edmx}"];
        let watchers: Vec<lsp::FileSystemWatcher> = globs
            .iter()
            .map(|g| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(g.to_string()),
                kind: None,
            })
            .collect();
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "paylint-configuration".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(
                    lsp::DidChangeWatchedFilesRegistrationOptions { watchers },
                )
                .ok(),
            }],
        };
        self.next_id += 1;
        let id = RequestId::from(format!("paylint-{}", self.next_id));
        self.send(Request::new(id, "client/registerCapability".into(), params));
    }

    /// Is `path` a configuration file, or in a catalog folder, of some root?
    pub(super) fn configures(&self, path: &Path) -> bool {
        path.file_name().is_some_and(|n| n == "paylint.toml")
            || self.engines.values().any(|e| {
                e.config_file.as_deref() == Some(path)
                    || e.metadata.as_deref() == Some(path)
                    || e.schema_dirs.iter().any(|d| path.starts_with(d))
            })
    }

    /// Loads configurations and catalogs again and checks every open document with them.
    pub(super) fn reload(&mut self) {
        self.engines.clear();
        self.shown.clear();
        let now = Instant::now();
        for (uri, open) in &mut self.docs {
            open.checked = None;
            open.sent = None;
            self.due.insert(uri.clone(), now);
        }
    }

    pub(super) fn root_of(&self, path: &Path) -> PathBuf {
        root_among(&self.roots, path)
    }

    /// The engine for a root: loaded on first use; a configuration that does not load is
    /// shown to the user once, and the last one that did (else the defaults) is used.
    pub(super) fn engine_for(&mut self, root: &Path) -> Arc<Engine> {
        if let Some(e) = self.engines.get(root) {
            return e.clone();
        }
        let loaded = catch_unwind(|| Engine::load(root)).unwrap_or_else(|p| {
            Err(format!(
                "loading the configuration failed: {}",
                panic_message(p)
            ))
        });
        let engine = match loaded {
            Ok(e) => {
                let e = Arc::new(e);
                self.last_good.insert(root.to_path_buf(), e.clone());
                e
            }
            Err(message) => {
                let fallback = match self.last_good.get(root) {
                    Some(e) => (e.clone(), "the last configuration that loaded"),
                    None => (
                        self.defaults
                            .get_or_insert_with(|| Arc::new(Engine::defaults()))
                            .clone(),
                        "the built-in catalog and default rules",
                    ),
                };
                if self.shown.insert(message.clone()) {
                    self.show(
                        lsp::MessageType::ERROR,
                        format!(
                            "paylint: {message}. Checking with {} until it is fixed.",
                            fallback.1
                        ),
                    );
                }
                fallback.0
            }
        };
        self.engines.insert(root.to_path_buf(), engine.clone());
        engine
    }
}

/// The workspace folder holding `path` (the deepest), else the file's own folder.
pub(super) fn root_among(roots: &[PathBuf], path: &Path) -> PathBuf {
    roots
        .iter()
        .find(|r| path.starts_with(r))
        .cloned()
        .or_else(|| path.parent().map(Path::to_path_buf))
        .or_else(|| roots.first().cloned())
        .unwrap_or_else(|| PathBuf::from("."))
}
