//! The rule side: rule text to a checked, compiled plan. [`syntax`] parses
//! (step one), [`check`] resolves and types (step two) into a [`plan`]
//! (step three), reporting [`diagnostics`] whose codes live in one
//! registry (`diagnostics::codes`). [`files`] says where rule files come
//! from, [`examples`] reads the examples written in them, and [`explain`]
//! answers `hocr explain`.

pub mod check;
pub mod diagnostics;
pub mod examples;
pub mod explain;
pub mod files;
pub mod plan;
pub mod syntax;
