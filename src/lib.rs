//! hocr: checks police incident and crime-record exports against the Home
//! Office Crime Recording Rules. The folders are the sides of the
//! pipeline: the rule side, [`lang`] (rule text → syntax → check → plan);
//! the data side, [`data`] (export files → records); [`run`] (the plan
//! over the records → findings); the outputs, [`out`] (reports, trend,
//! files). Beside them: [`cli`] (the command line), [`audit`] (the
//! recording audit done by hand), [`lsp`] (the language server), [`tools`]
//! (the export generator, progress) and [`util`].
//!
//! The library has no `unsafe` code; the binary's one call (glibc's mmap
//! threshold, `main.rs`) stays out of it.

#![forbid(unsafe_code)]

pub mod audit;
pub mod cli;
pub mod data;
pub mod lang;
pub mod lsp;
pub mod out;
pub mod run;
pub mod tools;
pub mod util;
pub mod vocab;
