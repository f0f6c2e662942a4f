//! Small tools with no knowledge of rules or records, used on every side.

pub mod cache;
pub mod file;
pub mod rng;
pub mod suggest;
pub mod text;
