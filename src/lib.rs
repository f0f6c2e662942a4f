pub mod ingest;
pub mod records;
pub mod time;
