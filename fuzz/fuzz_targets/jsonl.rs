//! The JSON Lines reader, through the real file path: never a panic, and
//! every row read is evaluated or rejected.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common {
    include!("common.rs");
}

fuzz_target!(|data: &[u8]| {
    common::read_all(data, "jsonl");
});
