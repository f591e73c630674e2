//! Requests about a place in a document: code actions, hover and completion.

use super::lint::Engine;
use super::vocabulary::MessageView;
use super::{completion, convert, cursor, hover, Server};
use lsp_types as lsp;
use std::sync::Arc;

impl Server {
    pub(super) fn code_actions(&self, p: &lsp::CodeActionParams) -> Vec<lsp::CodeActionOrCommand> {
        let Some(open) = self.docs.get(&p.text_document.uri) else {
            return Vec::new();
        };
        let Some(checked) = &open.checked else {
            return Vec::new();
        };
        convert::code_actions(
            &p.text_document.uri,
            &open.doc,
            self.enc,
            checked,
            p.range,
            p.context.only.as_deref(),
            &self.rules_url,
        )
    }

    /// The message and place of `offset` in a document, with the engine that reads it.
    pub(super) fn spot(
        &mut self,
        uri: &lsp::Uri,
        pos: lsp::Position,
        mode: cursor::Mode,
    ) -> Option<(Arc<Engine>, usize, MessageView, hover::Place)> {
        let root = self.docs.get(uri)?.root.clone();
        let engine = self.engine_for(&root);
        let enc = self.enc;
        let open = self.docs.get_mut(uri)?;
        let text = open.doc.text();
        if text.len() > engine.max_size() {
            return None;
        }
        let offset = open.doc.offset(pos, enc);
        let messages = open
            .messages
            .get_or_insert_with(|| Arc::new(engine.messages(&open.path, text)))
            .clone();
        let text = open.doc.text();
        for m in messages.iter() {
            let on_start = !m.start.is_empty()
                && m.start.start <= offset
                && (offset < m.start.end
                    || (mode == cursor::Mode::Complete && offset == m.start.end));
            if on_start && mode == cursor::Mode::Hover {
                return Some((engine, offset, m.clone(), hover::Place::StartLine));
            }
            let Some(body) = m.body.clone() else { continue };
            if body.start <= offset && offset <= body.end {
                let (location, odata_type) = engine
                    .locate(text, body.clone(), offset, mode)
                    .or_else(|| {
                        let l = cursor::scan(text, body.clone(), offset, mode)?;
                        Some((l, cursor::odata_type_in(text, body.clone())))
                    })?;
                let place = hover::Place::Body {
                    location,
                    odata_type,
                };
                return Some((engine, offset, m.clone(), place));
            }
        }
        None
    }

    pub(super) fn hover(&mut self, p: lsp::HoverParams) -> Option<lsp::Hover> {
        let uri = p.text_document_position_params.text_document.uri;
        let pos = p.text_document_position_params.position;
        let (engine, _, m, place) = self.spot(&uri, pos, cursor::Mode::Hover)?;
        let (text, span) = hover::hover(engine.as_ref(), &m, &place)?;
        let doc = &self.docs.get(&uri)?.doc;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: text,
            }),
            range: Some(doc.range(span, self.enc)),
        })
    }

    pub(super) fn completion(
        &mut self,
        p: lsp::CompletionParams,
    ) -> Option<lsp::CompletionResponse> {
        let uri = p.text_document_position.text_document.uri;
        let pos = p.text_document_position.position;
        let (engine, offset, m, place) = self.spot(&uri, pos, cursor::Mode::Complete)?;
        let hover::Place::Body {
            location,
            odata_type,
        } = place
        else {
            return None;
        };
        let proposals = completion::complete(
            engine.as_ref(),
            &m,
            &location,
            odata_type.as_deref(),
            offset,
        );
        let doc = &self.docs.get(&uri)?.doc;
        let items = proposals
            .into_iter()
            .map(|c| lsp::CompletionItem {
                label: c.label,
                kind: Some(if c.property {
                    lsp::CompletionItemKind::PROPERTY
                } else {
                    lsp::CompletionItemKind::VALUE
                }),
                detail: Some(c.detail),
                documentation: c.documentation.map(lsp::Documentation::String),
                filter_text: Some(c.filter_text),
                sort_text: Some(c.sort_text),
                text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
                    range: doc.range(c.span, self.enc),
                    new_text: c.new_text,
                })),
                ..lsp::CompletionItem::default()
            })
            .collect();
        Some(lsp::CompletionResponse::List(lsp::CompletionList {
            is_incomplete: false,
            items,
        }))
    }
}
