//! `paylint server`: a language server over stdio (in progress).

pub mod document;
pub mod transport;
