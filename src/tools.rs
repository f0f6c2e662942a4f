//! Tools beside the pipeline: the synthetic export [`generate`]or and stage
//! [`progress`] on a terminal.

pub mod generate;
pub mod progress;
