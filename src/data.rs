//! The data side: export files to records. [`ingest`] reads and converts
//! rows (rejecting what cannot be read), into the records of the one
//! schema, [`records`], with every time read by [`time`].

pub mod ingest;
pub mod records;
pub mod time;
