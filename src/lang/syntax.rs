//! Rule text → syntax tree. See `docs/language.md` for the grammar.

pub mod ast;
pub mod format;
pub mod parser;

pub use format::format_file;
pub use parser::{SyntaxError, parse_file};
