//! Files are safe (SPEC §6, issue 15): no failed, killed or disk-full run,
//! and no mistyped path, costs a byte of an earlier report or of an input.
//! Every test runs the binary.

mod common;
use common::{hocr, temp};

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const AS_OF: &str = "2025-06-01T00:00:00Z";
const EXPORT: &str = "fixtures/rec002-missing-record";
const REJECTING: &str = "fixtures/rejected-rows";
const EARLIER_REPORT: &str = "{\"last night\": \"a whole report\"}\n";
const EARLIER_REJECTS: &str = "file,line,reason\nincidents.csv,7,last night\n";

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn temporaries(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with(".hocr-partial-"))
        .collect()
}

/// A directory holding last night's report and rejects.
struct Earlier {
    dir: PathBuf,
    report: PathBuf,
    rejects: PathBuf,
}

impl Earlier {
    fn new(name: &str) -> Earlier {
        let dir = temp(name);
        let report = dir.join("report.json");
        let rejects = dir.join("rejects.csv");
        fs::write(&report, EARLIER_REPORT).unwrap();
        fs::write(&rejects, EARLIER_REJECTS).unwrap();
        Earlier {
            dir,
            report,
            rejects,
        }
    }

    fn outputs(&self) -> [&str; 4] {
        ["--output", s(&self.report), "--rejects", s(&self.rejects)]
    }

    fn assert_untouched(&self, case: &str) {
        assert_eq!(
            fs::read_to_string(&self.report).unwrap(),
            EARLIER_REPORT,
            "{case}: the earlier report changed"
        );
        assert_eq!(
            fs::read_to_string(&self.rejects).unwrap(),
            EARLIER_REJECTS,
            "{case}: the earlier rejects changed"
        );
        assert!(
            temporaries(&self.dir).is_empty(),
            "{case}: temporaries left: {:?}",
            names(&self.dir)
        );
    }
}

#[test]
fn a_failed_run_leaves_earlier_files_byte_identical_and_no_temporary() {
    let earlier = Earlier::new("failed-runs");
    let bad_header = earlier.dir.join("bad-header");
    fs::create_dir_all(&bad_header).unwrap();
    fs::copy(
        format!("{EXPORT}/incidents.csv"),
        bad_header.join("incidents.csv"),
    )
    .unwrap();
    fs::write(bad_header.join("crimes.csv"), "crime_id,whatever\nC1,x\n").unwrap();
    let incidents = format!("{EXPORT}/incidents.csv");
    let missing_baseline = earlier.dir.join("no-such-baseline.json");
    let cases: [(&str, Vec<&str>); 4] = [
        (
            "missing crimes file",
            vec!["--incidents", &incidents, "--crimes", "no-such-crimes.csv"],
        ),
        ("bad rules path", vec![EXPORT, "--rules", "no-such-rules/"]),
        (
            "missing baseline",
            vec![EXPORT, "--baseline", s(&missing_baseline)],
        ),
        ("bad header", vec![s(&bad_header)]),
    ];
    for (case, args) in cases {
        let mut all = vec!["check", "--as-of", AS_OF, "--format", "json"];
        all.extend(args);
        all.extend(earlier.outputs());
        let (code, out, err) = hocr(&all);
        assert_eq!(code, 2, "{case}: {err}");
        assert!(out.is_empty(), "{case}: {out}");
        assert!(err.contains("error"), "{case}: {err}");
        earlier.assert_untouched(case);
    }
    // The same outputs are replaced whole by a run that succeeds, even one
    // with rejected rows (exit 4 is a success: the run evaluated).
    let mut all = vec!["check", REJECTING, "--as-of", AS_OF, "--format", "json"];
    all.extend(earlier.outputs());
    let (code, _, err) = hocr(&all);
    assert_eq!(code, 4, "{err}");
    let doc: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&earlier.report).unwrap()).unwrap();
    assert_eq!(doc["tool"]["name"], "hocr");
    assert!(
        fs::read_to_string(&earlier.rejects)
            .unwrap()
            .contains("`reported_at` is not a timestamp")
    );
    assert_eq!(
        names(&earlier.dir),
        ["bad-header", "rejects.csv", "report.json"]
    );
}

/// Starts `check` with last night's files as outputs and a baseline FIFO
/// no one writes: the run blocks mid-run, its temporaries written, until
/// the test ends it.
fn blocked_run(earlier: &Earlier) -> std::process::Child {
    let fifo = earlier.dir.join("baseline.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let mut args = vec!["check", EXPORT, "--as-of", AS_OF, "--format", "json"];
    args.extend(["--baseline", s(&fifo)]);
    args.extend(earlier.outputs());
    let child = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while temporaries(&earlier.dir).len() < 2 {
        assert!(Instant::now() < deadline, "the run never started its files");
        std::thread::sleep(Duration::from_millis(10));
    }
    child
}

#[test]
fn a_run_killed_by_sigterm_or_sigint_leaves_earlier_files_and_no_temporary() {
    for (signal, number) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        let earlier = Earlier::new(&format!("killed-{signal}"));
        let mut child = blocked_run(&earlier);
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = child.wait().unwrap();
        // It dies of the signal, as if it had not caught it: a shell sees
        // 128 + the signal's number (143, 130, 129).
        assert_eq!(status.signal(), Some(number), "SIG{signal}: {status:?}");
        fs::remove_file(earlier.dir.join("baseline.fifo")).unwrap();
        earlier.assert_untouched(&format!("SIG{signal}"));
    }
}

#[test]
fn after_sigkill_the_stray_temporary_is_tidied_by_the_next_run_but_a_live_one_is_kept() {
    let earlier = Earlier::new("killed-kill");
    let mut child = blocked_run(&earlier);
    child.kill().unwrap(); // SIGKILL: nothing can tidy up
    child.wait().unwrap();
    fs::remove_file(earlier.dir.join("baseline.fifo")).unwrap();
    let strays = temporaries(&earlier.dir);
    assert_eq!(strays.len(), 2, "{strays:?}");
    assert!(
        strays
            .iter()
            .any(|n| n.starts_with(".hocr-partial-report.json."))
    );
    assert_eq!(fs::read_to_string(&earlier.report).unwrap(), EARLIER_REPORT);
    // Another run still writing in the same directory holds its temporary
    // locked: it must survive the tidying.
    let live = earlier.dir.join(".hocr-partial-other.json.abcdef");
    let held = fs::File::create(&live).unwrap();
    held.lock().unwrap();
    let mut args = vec!["check", EXPORT, "--as-of", AS_OF, "--format", "json"];
    args.extend(earlier.outputs());
    let (code, _, err) = hocr(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        temporaries(&earlier.dir),
        [".hocr-partial-other.json.abcdef"],
        "the killed run's temporaries are gone, the live one is kept"
    );
    drop(held);
    assert!(
        fs::read_to_string(&earlier.report)
            .unwrap()
            .contains("\"findings_total\"")
    );
}

#[test]
fn a_full_disk_leaves_the_earlier_file_and_exits_2() {
    // /dev/full: every write fails with "no space left on device".
    let (code, _, err) = hocr(&["check", EXPORT, "--as-of", AS_OF, "--output", "/dev/full"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot write `/dev/full`"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");

    // A small file system, where the machine lets the test mount one.
    let dir = temp("full-disk");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=32k", "tmpfs", s(&dir)])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|st| st.success());
    if !mounted {
        println!("note: cannot mount a tmpfs here; the full-disk case was tried on /dev/full only");
        return;
    }
    let result = std::panic::catch_unwind(|| {
        let report = dir.join("report.jsonl");
        fs::write(&report, EARLIER_REPORT).unwrap();
        // An HTML report of the sample export is over 48 KiB.
        let (code, _, err) = hocr(&[
            "check",
            "fixtures/sample",
            "--as-of",
            AS_OF,
            "--format",
            "html",
            "--output",
            s(&report),
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("No space left on device"), "{err}");
        assert!(err.contains("left as it was"), "{err}");
        assert_eq!(fs::read_to_string(&report).unwrap(), EARLIER_REPORT);
        assert_eq!(names(&dir), ["report.jsonl"]);

        // `rules fmt` on a full disk leaves the rule file as it was.
        let rule = dir.join("mine.hocr");
        let unformatted = fs::read_to_string("rules/recording.hocr")
            .unwrap()
            .replace("\n  ", "\n      ");
        fs::write(&rule, &unformatted).unwrap();
        // Fill the disk to the last byte.
        let _ = fs::write(dir.join("filler"), vec![b'x'; 64 * 1024]);
        let (code, _, err) = hocr(&["rules", "fmt", s(&rule)]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("left as it was"), "{err}");
        assert_eq!(fs::read_to_string(&rule).unwrap(), unformatted);
        assert_eq!(names(&dir), ["filler", "mine.hocr", "report.jsonl"]);
    });
    let _ = Command::new("umount").arg(&dir).status();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn devices_and_fifos_are_written_directly() {
    let expected = hocr(&["check", EXPORT, "--as-of", AS_OF, "--format", "jsonl"]).1;
    assert!(!expected.is_empty());
    // /dev/stdout to a pipe.
    let (code, out, err) = hocr(&[
        "check",
        EXPORT,
        "--as-of",
        AS_OF,
        "--format",
        "jsonl",
        "--output",
        "/dev/stdout",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, expected);
    // /dev/stdout to a file: written through, never renamed over.
    let dir = temp("devices");
    let file = dir.join("stdout.jsonl");
    let status = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .args([
            "check",
            EXPORT,
            "--as-of",
            AS_OF,
            "--format",
            "jsonl",
            "--output",
            "/dev/stdout",
        ])
        .stdout(fs::File::create(&file).unwrap())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(fs::read_to_string(&file).unwrap(), expected);
    assert!(fs::symlink_metadata("/dev/stdout").unwrap().is_symlink());
    // /dev/null.
    let (code, out, err) = hocr(&[
        "check",
        EXPORT,
        "--as-of",
        AS_OF,
        "--output",
        "/dev/null",
        "--rejects",
        "/dev/null",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    // A FIFO, read as it is written.
    let fifo = dir.join("report.fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::read_to_string(fifo).unwrap())
    };
    let (code, _, err) = hocr(&[
        "check",
        EXPORT,
        "--as-of",
        AS_OF,
        "--format",
        "jsonl",
        "--output",
        s(&fifo),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(reader.join().unwrap(), expected);
    assert_eq!(names(&dir), ["report.fifo", "stdout.jsonl"]);
}

#[test]
fn two_runs_writing_one_output_at_once_leave_one_whole_report() {
    let dir = temp("concurrent");
    let report = dir.join("findings.jsonl");
    let formats = ["jsonl", "csv"];
    let whole: Vec<String> = formats
        .iter()
        .map(|f| hocr(&["check", "fixtures/sample", "--as-of", AS_OF, "--format", f]).1)
        .collect();
    assert_ne!(whole[0], whole[1]);
    for _ in 0..5 {
        let children: Vec<_> = formats
            .iter()
            .map(|f| {
                Command::new(env!("CARGO_BIN_EXE_hocr"))
                    .args(["check", "fixtures/sample", "--as-of", AS_OF, "--format", f])
                    .args(["--output", s(&report)])
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut c in children {
            assert_eq!(c.wait().unwrap().code(), Some(0));
        }
        let got = fs::read_to_string(&report).unwrap();
        assert!(
            got == whole[0] || got == whole[1],
            "a mixture of two reports"
        );
        assert_eq!(names(&dir), ["findings.jsonl"]);
    }
}

/// Runs `args` and expects the refusal naming `output` and `input`, with
/// every file in `keep` unchanged.
fn refused<A: AsRef<str>>(args: &[A], output: &str, input: &str, keep: &[&Path]) {
    let args: Vec<&str> = args.iter().map(AsRef::as_ref).collect();
    let before: Vec<Vec<u8>> = keep.iter().map(|p| fs::read(p).unwrap()).collect();
    let (code, out, err) = hocr(&args);
    assert_eq!(code, 2, "{args:?}: {err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains(&format!("`{output}` is the same file as"))
            && err.contains(&format!("`{input}`")),
        "{args:?}: {err}"
    );
    for (p, bytes) in keep.iter().zip(before) {
        assert_eq!(fs::read(p).unwrap(), bytes, "{} changed", p.display());
    }
}

#[test]
fn an_output_naming_an_input_or_the_other_output_is_refused_before_anything_is_read() {
    let dir = temp("overlap");
    let export = dir.join("export");
    fs::create_dir_all(&export).unwrap();
    for f in ["incidents.csv", "crimes.csv"] {
        fs::copy(format!("{EXPORT}/{f}"), export.join(f)).unwrap();
    }
    let incidents = export.join("incidents.csv");
    let crimes = export.join("crimes.csv");
    let exp = export.to_str().unwrap().to_string();
    let check = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["check", &exp, "--as-of", AS_OF, "--format", "json"]
            .map(String::from)
            .to_vec();
        a.extend(extra.iter().map(|x| x.to_string()));
        a
    };
    // The export file itself, spelled another way.
    let spelled = format!("{}/../export/./incidents.csv", s(&export));
    refused(
        &check(&["--output", &spelled]),
        &spelled,
        s(&incidents),
        &[&incidents],
    );
    // A hard link to the crimes file, as --rejects.
    let hard = dir.join("hard-link.csv");
    fs::hard_link(&crimes, &hard).unwrap();
    refused(
        &check(&["--rejects", s(&hard)]),
        s(&hard),
        s(&crimes),
        &[&crimes],
    );
    // A symbolic link to the baseline.
    let baseline = dir.join("yesterday.json");
    let (_, json, _) = hocr(&check(&[]).iter().map(String::as_str).collect::<Vec<_>>());
    fs::write(&baseline, &json).unwrap();
    let link = dir.join("latest.json");
    std::os::unix::fs::symlink(&baseline, &link).unwrap();
    refused(
        &check(&["--baseline", s(&baseline), "--output", s(&link)]),
        s(&link),
        s(&baseline),
        &[&baseline],
    );
    // The very --output as --baseline: the trap that empties the baseline.
    refused(
        &check(&["--baseline", s(&baseline), "--output", s(&baseline)]),
        s(&baseline),
        s(&baseline),
        &[&baseline],
    );
    // A profile.
    let profile = dir.join("profile.json");
    fs::copy("profiles/example-force.json", &profile).unwrap();
    refused(
        &check(&["--profile", s(&profile), "--output", s(&profile)]),
        s(&profile),
        s(&profile),
        &[&profile],
    );
    // A rule file in a rules directory.
    let rules = dir.join("rules");
    fs::create_dir_all(&rules).unwrap();
    let rule = rules.join("recording.hocr");
    fs::copy("rules/recording.hocr", &rule).unwrap();
    refused(
        &check(&["--rules", s(&rules), "--rejects", s(&rule)]),
        s(&rule),
        s(&rule),
        &[&rule],
    );
    // The other output.
    let report = dir.join("report.json");
    let again = format!("{}/./report.json", s(&dir));
    refused(
        &check(&["--output", s(&report), "--rejects", &again]),
        s(&report),
        &again,
        &[],
    );
    assert!(!report.exists());
    // audit sample over the export, audit score over its worksheet.
    refused(
        &[
            "audit",
            "sample",
            s(&export),
            "--seed",
            "1",
            "--output",
            s(&crimes),
        ],
        s(&crimes),
        s(&crimes),
        &[&crimes],
    );
    let sheet = dir.join("audit.csv");
    fs::copy("fixtures/sample/audit-seed-42.csv", &sheet).unwrap();
    refused(
        &["audit", "score", s(&sheet), "--output", s(&sheet)],
        s(&sheet),
        s(&sheet),
        &[&sheet],
    );
}

#[test]
fn audit_outputs_are_replaced_only_by_a_run_that_succeeds() {
    let dir = temp("audit-files");
    let sheet = dir.join("audit.csv");
    fs::write(&sheet, "last week's worksheet\n").unwrap();
    // A plan that does not exist: nothing drawn, the worksheet kept.
    let (code, _, err) = hocr(&[
        "audit",
        "sample",
        "fixtures/sample",
        "--seed",
        "42",
        "--plan",
        "no-such-plan",
        "--output",
        s(&sheet),
    ]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        fs::read_to_string(&sheet).unwrap(),
        "last week's worksheet\n"
    );
    assert_eq!(names(&dir), ["audit.csv"]);
    let (code, _, err) = hocr(&[
        "audit",
        "sample",
        "fixtures/sample",
        "--seed",
        "42",
        "--output",
        s(&sheet),
    ]);
    assert_eq!(code, 0, "{err}");
    let drawn = fs::read_to_string(&sheet).unwrap();
    assert!(drawn.starts_with("\u{feff}incident_id,stratum,"), "{drawn}");
    // Rows rejected: drawn all the same (exit 4 is a success), so written.
    let partial = dir.join("partial.csv");
    let (code, _, err) = hocr(&[
        "audit",
        "sample",
        REJECTING,
        "--seed",
        "1",
        "--output",
        s(&partial),
    ]);
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains("rows rejected (they cannot be drawn)"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&partial).unwrap().lines().count(), 4);
    fs::remove_file(&partial).unwrap();
    // A worksheet with problems: nothing scored, the earlier score kept.
    let score = dir.join("score.json");
    fs::write(&score, EARLIER_REPORT).unwrap();
    let (code, _, _) = hocr(&[
        "audit",
        "score",
        s(&sheet),
        "--format",
        "json",
        "--output",
        s(&score),
    ]);
    assert_eq!(code, 2, "the drawn worksheet has no verdicts yet");
    assert_eq!(fs::read_to_string(&score).unwrap(), EARLIER_REPORT);
    assert_eq!(names(&dir), ["audit.csv", "score.json"]);
}

#[test]
fn a_run_stopped_while_it_reads_a_large_export_leaves_earlier_files() {
    let earlier = Earlier::new("killed-mid-read");
    let export = earlier.dir.join("export");
    let made = Command::new(env!("CARGO_BIN_EXE_hocr-gen"))
        .args(["--incidents", "50000", "--out", s(&export)])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(made.success());
    let mut args = vec!["check", s(&export), "--as-of", AS_OF, "--format", "json"];
    args.extend(earlier.outputs());
    let mut child = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .args(&args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while temporaries(&earlier.dir).len() < 2 {
        assert!(Instant::now() < deadline, "the run never started its files");
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(50));
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = child.wait().unwrap();
    if status.code() == Some(0) {
        println!("note: the run finished before SIGTERM arrived; the FIFO test covers the signal");
        assert!(temporaries(&earlier.dir).is_empty());
        return;
    }
    assert_eq!(status.signal(), Some(15), "{status:?}");
    earlier.assert_untouched("SIGTERM while reading");
}
