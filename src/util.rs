//! Small tools with no knowledge of rules or records, used on every side.

pub mod cache;
pub mod fs;
pub mod rng;
pub mod text;
