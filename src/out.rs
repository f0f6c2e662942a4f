//! The outputs: one [`report`] renderer per format over the same findings,
//! and the [`trend`] over nightly reports. Every file hocr writes goes
//! through `crate::util::file`.

pub mod html;
pub mod report;
pub mod trend;
