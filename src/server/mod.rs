//! `paylint server`: a language server over stdio (in progress).

pub mod cursor;
pub mod document;
pub mod lint;
pub mod transport;
pub mod vocabulary;
