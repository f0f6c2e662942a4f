//! The outputs: one [`report`] renderer per format over the same findings,
//! the [`trend`] over nightly reports, and [`mod@file`], through which every
//! file hocr writes goes.

pub mod file;
pub mod report;
pub mod trend;
