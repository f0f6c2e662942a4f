//! Export files as they come in the night (issue 15, items 5, 7, 8, 9):
//! records of any length, FIFOs and devices, gzip-compressed exports, a
//! closed pipe, and the warnings of a run that is probably not what was
//! meant. Every case runs the binary; the ones that could block run with
//! a time limit, so a regression fails instead of hanging.

mod common;
use common::{hocr, hocr_within, temp};

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

const AS_OF: &str = "2025-06-01T00:00:00Z";
const CRIMES: &str = "crime_id,incident_id,offence_code,reported_at,recorded_at\n\
    C1,I1,49,,2025-05-01 10:00\n";

fn put(dir: &Path, name: &str, bytes: &[u8]) -> String {
    std::fs::write(dir.join(name), bytes).unwrap();
    dir.join(name).display().to_string()
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// The rejects a run wrote: `line: reason`.
fn rejects_of(file: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for r in csv::Reader::from_path(file).unwrap().records() {
        let r = r.unwrap();
        out.push(format!("{}: {}", &r[1], &r[2]));
    }
    out
}

/// A file of several MiB of NUL bytes after a good row, read with a small
/// limit: the long record is rejected with its line, and reading goes on
/// to the row after it.
#[test]
fn a_record_over_the_limit_is_rejected_and_reading_goes_on() {
    let dir = temp("inputs-long-record");
    let mut text = b"incident_id,reported_at\nI1,2025-05-01 09:00\n".to_vec();
    text.extend(std::iter::repeat_n(0u8, 4 << 20));
    text.extend(b"\nI3,2025-05-01 09:00\n");
    let incidents = put(&dir, "incidents.csv", &text);
    let crimes = put(&dir, "crimes.csv", CRIMES.as_bytes());
    let rejects = dir.join("rejects.csv");
    // The incidents given with a 64 KiB limit, rejects to `rejects`.
    let check = |incidents: &str| {
        hocr(&[
            "check",
            "--incidents",
            incidents,
            "--crimes",
            &crimes,
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--max-record-bytes",
            "65536",
            "--rejects",
            &rejects.display().to_string(),
        ])
    };
    let (code, out, err) = check(&incidents);
    assert!(code != 0 && code != 2, "{code}: {err}");
    assert_eq!(
        rejects_of(&rejects),
        ["3: record longer than 64 KiB (the limit on one record; `--max-record-bytes` changes it)"]
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let inc = &report["inputs"][0];
    assert_eq!(
        (inc["rows_read"].as_u64(), inc["evaluated"].as_u64()),
        (Some(3), Some(2))
    );
    // The same file as JSON Lines.
    let mut jsonl = b"{\"incident_id\":\"I1\",\"reported_at\":\"2025-05-01 09:00\"}\n".to_vec();
    jsonl.extend(std::iter::repeat_n(0u8, 4 << 20));
    jsonl.extend(b"\n{\"incident_id\":\"I3\",\"reported_at\":\"2025-05-01 09:00\"}\n");
    let incidents = put(&dir, "incidents.jsonl", &jsonl);
    let (_, out, err) = check(&incidents);
    assert_eq!(
        rejects_of(&rejects),
        ["2: record longer than 64 KiB (the limit on one record; `--max-record-bytes` changes it)"],
        "{err}"
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["inputs"][0]["evaluated"].as_u64(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A file of nothing but NUL bytes has no header to read: exit 2, said.
#[test]
fn an_all_nul_file_is_a_clear_error() {
    let dir = temp("inputs-nul");
    let incidents = put(&dir, "incidents.csv", &vec![0u8; 3 << 20]);
    let crimes = put(&dir, "crimes.csv", CRIMES.as_bytes());
    let (code, _, err) = hocr(&[
        "check",
        "--incidents",
        &incidents,
        "--crimes",
        &crimes,
        "--as-of",
        AS_OF,
        "--max-record-bytes",
        "1000",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("unreadable CSV header: the header is longer than 1000 bytes"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A FIFO or a device as an export file is refused at once, never read.
#[test]
fn fifos_and_devices_are_refused_without_blocking() {
    let dir = temp("inputs-fifo");
    common::mkfifo(&dir.join("incidents.csv"));
    put(&dir, "crimes.csv", CRIMES.as_bytes());
    let (code, _, err) = hocr_within(&["check", ".", "--as-of", AS_OF], Some(&dir), 20)
        .expect("a FIFO export must not block");
    assert_eq!(code, 2);
    assert!(
        err.contains("incidents.csv: not a regular file (a FIFO)"),
        "{err}"
    );
    std::os::unix::fs::symlink("/dev/zero", dir.join("zero.csv")).unwrap();
    let (code, _, err) = hocr_within(
        &[
            "check",
            "--incidents",
            "zero.csv",
            "--crimes",
            "crimes.csv",
            "--as-of",
            AS_OF,
        ],
        Some(&dir),
        20,
    )
    .expect("/dev/zero as an export must not be read");
    assert_eq!(code, 2);
    assert!(
        err.contains("zero.csv: not a regular file (a device)"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `.csv.gz` and `.jsonl.gz` are read as the text inside: the same
/// findings and rejects (line numbers of the text), found in DIR; the
/// sha256 is that of the file on disk.
#[test]
fn gzip_compressed_exports_are_read_transparently() {
    let plain = temp("inputs-plain");
    let packed = temp("inputs-gz");
    let incidents = "incident_id,reported_at,opening_code\n\
        I1,2025-05-01 09:00,CRIME-THEFT\nI2,not a time,x\n\n\
        I3,2025-05-01 09:00,CRIME-RAPE\n";
    let updates = "{\"crime_id\":\"C1\",\"event\":\"arrest\",\"event_at\":\"2025-05-02 09:00\"}\n\
        {\"crime_id\":\"C1\",\"event\":\"nope\",\"event_at\":\"2025-05-02 09:00\"}\n";
    put(&plain, "incidents.csv", incidents.as_bytes());
    put(&plain, "crimes.csv", CRIMES.as_bytes());
    put(&plain, "updates.jsonl", updates.as_bytes());
    put(&packed, "incidents.csv.gz", &gzip(incidents.as_bytes()));
    put(&packed, "crimes.csv", CRIMES.as_bytes());
    put(&packed, "updates.jsonl.gz", &gzip(updates.as_bytes()));
    let run = |dir: &Path| {
        let rejects = dir.join("rejects.csv");
        let (code, out, err) = hocr(&[
            "check",
            &dir.display().to_string(),
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "--rejects",
            &rejects.display().to_string(),
        ]);
        let report: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {err}"));
        (code, report, rejects_of(&rejects))
    };
    let (code_plain, plain_report, plain_rejects) = run(&plain);
    let (code_gz, gz_report, gz_rejects) = run(&packed);
    assert_eq!(code_plain, code_gz);
    assert_eq!(plain_report["findings"], gz_report["findings"]);
    assert!(!gz_report["findings"].as_array().unwrap().is_empty());
    assert_eq!(plain_rejects, gz_rejects);
    assert_eq!(
        gz_rejects,
        [
            "3: `reported_at` is not a timestamp",
            "2: `event` is not one of arrest, interview, release, bail, rui, no_investigation"
        ]
    );
    let inputs = gz_report["inputs"].as_array().unwrap();
    assert!(
        inputs[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("incidents.csv.gz")
    );
    let on_disk = std::fs::read(packed.join("incidents.csv.gz")).unwrap();
    assert_eq!(inputs[0]["bytes"].as_u64(), Some(on_disk.len() as u64));
    let sha = Command::new("sha256sum")
        .arg(packed.join("incidents.csv.gz"))
        .output()
        .unwrap();
    let sha = String::from_utf8_lossy(&sha.stdout);
    assert_eq!(inputs[0]["sha256"].as_str(), sha.split_whitespace().next());
    for (p, g) in plain_report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .zip(inputs)
    {
        for k in ["rows_read", "evaluated", "rejected"] {
            assert_eq!(p[k], g[k], "{k}");
        }
    }
    let _ = std::fs::remove_dir_all(&plain);
    let _ = std::fs::remove_dir_all(&packed);
}

/// A gzip file under a plain name is named as such; a directory without a
/// readable table names what it found instead.
#[test]
fn compressed_or_odd_files_are_named() {
    let dir = temp("inputs-gz-names");
    let incidents = put(&dir, "incidents.csv", &gzip(b"incident_id,reported_at\n"));
    let crimes = put(&dir, "crimes.csv", CRIMES.as_bytes());
    let (code, _, err) = hocr(&["check", "--incidents", &incidents, "--crimes", &crimes]);
    assert_eq!(code, 2);
    assert!(
        err.contains("incidents.csv: looks gzip-compressed"),
        "{err}"
    );
    std::fs::rename(dir.join("incidents.csv"), dir.join("incidents.csv.bz2")).unwrap();
    let (code, _, err) = hocr(&["check", &dir.display().to_string()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no `incidents.csv` or `incidents.jsonl` (found `incidents.csv.bz2`"),
        "{err}"
    );
    put(&dir, "crimes.csv.gz", &gzip(CRIMES.as_bytes()));
    put(&dir, "incidents.csv", b"incident_id,reported_at\n");
    let (code, _, err) = hocr(&["check", &dir.display().to_string()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("`crimes.csv`, `crimes.csv.gz`, expected one"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Non-UTF-8 bytes in optional fields: the row is kept, the value read as
/// empty and flagged DQ005 (SPEC §2).
#[test]
fn non_utf8_optional_values_are_flagged_not_rejected() {
    let dir = Path::new("tests/broken-exports/non-utf8-optional-field");
    let (code, out, err) = hocr(&[
        "check",
        &dir.display().to_string(),
        "--as-of",
        AS_OF,
        "--format",
        "jsonl",
    ]);
    assert_eq!(code, 0, "{err}");
    let dq005: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("\"rule\":\"DQ005\""))
        .collect();
    assert_eq!(dq005.len(), 2, "{out}");
    assert!(
        dq005
            .iter()
            .any(|l| l.contains("\"incident_id\":\"I1\"") && l.contains("opening_code"))
    );
    assert!(
        dq005
            .iter()
            .any(|l| l.contains("\"incident_id\":\"I2\"") && l.contains("non_crime_rationale"))
    );
}

/// `hocr check … | head -1` ends the same way in every format: a closed
/// pipe is not an error.
#[test]
fn a_closed_pipe_ends_every_format_alike() {
    let dir = temp("inputs-pipe");
    let mut incidents = String::from("incident_id,reported_at,opening_code\n");
    for n in 0..20_000 {
        incidents.push_str(&format!("I{n},2025-05-01 09:00,CRIME-THEFT\n"));
    }
    put(&dir, "incidents.csv", incidents.as_bytes());
    put(
        &dir,
        "crimes.csv",
        b"crime_id,incident_id,offence_code,reported_at,recorded_at\n",
    );
    let mut codes = Vec::new();
    for format in ["jsonl", "csv", "json"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hocr"))
            .args([
                "check",
                &dir.display().to_string(),
                "--as-of",
                AS_OF,
                "--format",
                format,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read a little, then close the pipe, as `head -1` does.
        let mut first = [0u8; 64];
        let mut stdout = child.stdout.take().unwrap();
        let _ = std::io::Read::read(&mut stdout, &mut first);
        drop(stdout);
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!err.contains("error"), "{format}: {err}");
        codes.push(out.status.code());
    }
    assert!(codes.iter().all(|c| *c == codes[0]), "{codes:?}");
    assert_eq!(codes[0], Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A run that is probably not what was meant says so on stderr (not with
/// --quiet): a rule set with no rules, an as-of before the export begins.
#[test]
fn warnings_where_a_run_is_probably_wrong() {
    let dir = temp("inputs-warnings");
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    put(&dir.join("rules"), "empty.hocr", b"# nothing yet\n");
    let rules = dir.join("rules").display().to_string();
    let sample = "fixtures/sample";
    let (code, _, err) = hocr(&[
        "check",
        sample,
        "--rules",
        &rules,
        "--as-of",
        "2025-12-15T00:00:00Z",
    ]);
    assert_eq!(code, 0);
    assert!(
        err.contains("warning: the rule set has no rules: nothing is checked"),
        "{err}"
    );
    let (_, _, err) = hocr(&["check", sample, "--as-of", "2020-01-01T00:00:00Z"]);
    assert!(
        err.contains("warning: --as-of 2020-01-01T00:00:00Z is before the earliest report in the export (2025-"),
        "{err}"
    );
    let (_, _, err) = hocr(&["check", sample, "--as-of", "2025-12-15T00:00:00Z"]);
    assert!(!err.contains("is before the earliest report"), "{err}");
    let (_, out, err) = hocr(&[
        "check",
        sample,
        "--as-of",
        "2020-01-01T00:00:00Z",
        "--quiet",
    ]);
    assert_eq!(err, "");
    // The text summary says so too, and the JSON report carries it.
    assert!(
        out.contains("warning: the as-of time is before the earliest report in the export (2025-"),
        "{out}"
    );
    let (_, out, _) = hocr(&[
        "check",
        sample,
        "--as-of",
        "2020-01-01T00:00:00Z",
        "--quiet",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        report["as_of_before_earliest_report"]
            .as_str()
            .is_some_and(|t| t.starts_with("2025-"))
    );
    let (_, out, _) = hocr(&[
        "check",
        sample,
        "--as-of",
        "2025-12-15T00:00:00Z",
        "--quiet",
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(report.get("as_of_before_earliest_report").is_none());
    let (_, out, _) = hocr(&[
        "check",
        sample,
        "--rules",
        &rules,
        "--as-of",
        "2025-12-15T00:00:00Z",
        "-q",
    ]);
    assert!(
        out.contains("warning: the rule set has no rules: nothing was checked"),
        "{out}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
