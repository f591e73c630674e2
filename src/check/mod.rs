//! The checks: of each payload of a file (`payload`, the entry point: routing, envelope, body,
//! levels, edits), of a body against its resource (`body`: the precedence between the rules
//! that fire on it) and of a message's HTTP envelope — headers and status — against its
//! operation (`message`); `capture` which entries of a browser capture are API calls; `verbose` answers the questions of OData V2/V3's JSON. Why each rule fires is its own file's business, under `rules/`.

pub mod body;
pub mod capture;
pub mod edm;
pub mod message;
pub mod payload;
pub mod verbose;
