//! Rule text → syntax tree. See `docs/language.md` for the grammar.

pub mod ast;
pub mod parser;

pub use parser::{SyntaxError, parse_file};
