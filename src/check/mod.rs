//! The checks: of a body against its resource (`body`) and of a message's HTTP envelope —
//! headers and status — against its operation (`message`).

pub mod body;
pub mod message;
pub mod payload;

pub use body::{check_schema, check_shape};
