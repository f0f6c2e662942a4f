pub mod records;
pub mod syntax;
pub mod time;
