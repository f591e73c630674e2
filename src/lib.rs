//! paylint: a conformance linter for captured API payloads.
//!
//! Data flows one way: [`discover`] finds files, [`input`] reads each into payloads with
//! positions (and problems, as data), [`route`] decides what each payload is, [`check`] applies
//! the [`rules`] using the [`catalog`], the [`engine`] places the findings in their files as
//! [`diagnostic`]s of a [`report`], and [`render`] writes the report in one format. The
//! [`engine`] connects the stages (threads, order, `--fix`); [`cli`] is the command line.
//!
//! An OData service's metadata (`--metadata`) is the [`odata`] module's: a CSDL reader, a
//! compiler that validates it into a model, a cache of models, and a URL resolver;
//! [`route_model`] routes payloads against it and `check::edm` checks bodies against it.
//!
//! Shared names live low, in modules that import nothing of the stages: [`rule`] (ids and
//! severities), [`direction`], [`source`] (text, spans, positions), [`pointer`](mod@pointer) (JSON
//! Pointers), [`json`] (the positioned parser), [`fingerprint`].
//!
//! The library never prints and never exits: what it has to say is in what it returns, and
//! `main` decides what reaches the terminal and the exit status.

#![cfg_attr(
    not(test),
    deny(
        clippy::print_stdout,
        clippy::print_stderr,
        clippy::exit,
        clippy::dbg_macro
    )
)]

pub mod baseline;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod direction;
pub mod discover;
pub mod engine;
pub mod fingerprint;
pub mod fix;
pub mod input;
pub mod instance;
pub mod json;
pub mod odata;
pub mod pointer;
pub mod render;
pub mod report;
pub mod route;
pub mod route_model;
pub mod rule;
pub mod rules;
pub mod server;
pub mod source;
