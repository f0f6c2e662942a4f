//! hocr: checks police incident and crime-record exports against the Home
//! Office Crime Recording Rules. The modules follow the pipeline:
//! rule text → [`syntax`] → [`check`] → [`plan`] → [`engine`] over records
//! read by [`ingest`] → [`findings`] → [`report`]. Beside it, for rule
//! authors: [`examples`] (`hocr rules test`) and [`explain`]; for the
//! recording audit done by hand, [`audit`] (`hocr audit sample`, `score`).

pub mod audit;
pub mod baseline;
pub mod cases;
pub mod check;
pub mod cli;
pub mod coverage;
pub mod diagnostics;
pub mod engine;
pub mod examples;
pub mod explain;
pub mod findings;
pub mod generate;
pub mod ingest;
pub mod lsp;
pub mod outfile;
pub mod plan;
pub mod progress;
pub mod records;
pub mod report;
pub mod rulefiles;
pub mod stream;
pub mod syntax;
pub mod time;
pub mod trend;
