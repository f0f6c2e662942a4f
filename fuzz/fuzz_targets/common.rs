// Shared by the csv and jsonl targets: the input is written to a file (in
// /dev/shm when there is one) and read as each table in turn.

use hocr::data::ingest::{FromRow, Parsed, TableReader};
use hocr::data::records::{Crime, Incident, Update};
use hocr::data::time::Clock;
use std::path::{Path, PathBuf};

fn scratch(extension: &str) -> PathBuf {
    let dir = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    dir.join(format!("hocr-fuzz-{}.{extension}", std::process::id()))
}

fn read<T: FromRow>(path: &Path, clock: &Clock) {
    let Ok(mut reader) = TableReader::<T>::open(path, clock) else {
        return;
    };
    let (mut records, mut rejects) = (0u64, 0u64);
    for parsed in reader.by_ref() {
        match parsed {
            Ok(Parsed::Record(_)) => records += 1,
            Ok(Parsed::Rejected(r)) => {
                assert!(r.line >= 1, "reject without a line: {r:?}");
                rejects += 1;
            }
            Err(e) => panic!("I/O error reading a plain file: {e}"),
        }
    }
    let summary = reader.finish().expect("finish");
    assert_eq!(summary.rows_read, records + rejects);
    assert_eq!(summary.evaluated, records);
    assert_eq!(summary.rejected, rejects);
}

pub fn read_all(data: &[u8], extension: &str) {
    let path = scratch(extension);
    std::fs::write(&path, data).expect("scratch file");
    let clock = Clock::default();
    read::<Incident>(&path, &clock);
    read::<Crime>(&path, &clock);
    read::<Update>(&path, &clock);
}
