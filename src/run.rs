//! The run: the plan over the records. [`stream`] reads and evaluates
//! together for `hocr check`, each incident finding its crimes through the
//! [`incident_index`]; the [`engine`] judges; [`findings`] and
//! their statistics come out, compared with an earlier run by
//! [`baseline`], the codes read tallied by [`coverage`]. [`examples`]
//! runs the rule files' examples (`hocr rules test`) and [`cases`] the
//! rule set's golden cases.

pub mod baseline;
pub mod cases;
pub mod coverage;
pub mod engine;
pub mod examples;
pub mod findings;
pub mod incident_index;
pub mod stream;
