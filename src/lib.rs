pub mod records;
pub mod time;
