//! paylint: a conformance linter for captured API payloads.
//!
//! Data flows one way: [`discover`] finds files, [`input`] splits each into payloads with
//! positions, [`route`] decides what each payload is, [`check`] applies the [`rules`] using the
//! [`catalog`], and [`render`] turns the resulting [`diagnostic`]s into a report. [`lint`]
//! connects the stages; [`cli`] is the command line. The library never prints and never exits.

pub mod baseline;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod discover;
pub mod fix;
pub mod input;
pub mod instance;
pub mod json;
pub mod lint;
pub mod render;
pub mod route;
pub mod rules;
pub mod server;
pub mod source;
