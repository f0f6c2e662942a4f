pub mod check;
pub mod diagnostics;
pub mod engine;
pub mod findings;
pub mod plan;
pub mod records;
pub mod syntax;
pub mod time;
