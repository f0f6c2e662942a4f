//! Hostile rule files get a diagnostic, never a stack overflow or a hang
//! (issue: hardening, item 4). Each case was a crash or a hang before its
//! fix; the rule text is generated here rather than committed.

mod common;
use common::temp;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `hocr ARGS` with a time limit: (exit code, stderr).
fn hocr_within(limit: Duration, args: &[&str]) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("hocr runs");
    let started = Instant::now();
    let stderr = std::thread::spawn({
        let mut err = child.stderr.take().unwrap();
        move || {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut err, &mut s).unwrap();
            s
        }
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return (status.code().unwrap_or(-1), stderr.join().unwrap());
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            panic!("hocr {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

const RULE_HEAD: &str = "edition \"HOCR April 2026\"\n\nrule X001 x \"T\" {\n  source \"s\" at \"https://example.org/s\"\n  quote \"q\"\n  theme t\n  severity low\n  for each crime\n";

fn rule_with(body: &str) -> String {
    format!("{RULE_HEAD}  {body}\n}}\n")
}

/// A rule file's `rules check`: exit 2 with the given message, quickly.
fn rejected(name: &str, text: &str, message: &str) {
    let dir = temp(name);
    let file = dir.join("rules.hocr");
    std::fs::write(&file, text).unwrap();
    let (code, stderr) = hocr_within(
        Duration::from_secs(60),
        &[
            "rules",
            "check",
            file.to_str().unwrap(),
            "--error-format",
            "plain",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(message), "{stderr}");
}

#[test]
fn a_long_and_chain_is_too_deep_not_a_stack_overflow() {
    let chain = vec!["recorded_at is present"; 5_000].join(" and ");
    rejected(
        "and",
        &rule_with(&format!("require {chain}")),
        "error[E001]: this expression is nested too deeply",
    );
}

#[test]
fn a_long_or_chain_is_too_deep() {
    let chain = vec!["recorded_at is present"; 5_000].join(" or ");
    rejected(
        "or",
        &rule_with(&format!("require {chain}")),
        "error[E001]: this expression is nested too deeply",
    );
}

#[test]
fn a_long_sum_is_too_deep() {
    let sum = vec!["1"; 5_000].join(" + ");
    rejected(
        "sum",
        &format!("define d for each crime as {sum}\n"),
        "error[E001]: this expression is nested too deeply",
    );
}

#[test]
fn a_chain_within_the_limit_still_reads() {
    let chain = vec!["recorded_at is present"; 20].join(" and ");
    let dir = temp("short-chain");
    let file = dir.join("rules.hocr");
    std::fs::write(&file, rule_with(&format!("require {chain}"))).unwrap();
    let (code, stderr) = hocr_within(
        Duration::from_secs(60),
        &[
            "rules",
            "check",
            file.to_str().unwrap(),
            "--error-format",
            "plain",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_long_chain_of_groups_is_a_diagnostic() {
    let mut text = String::from("group g0 = \"A\"\n");
    for n in 1..5_000 {
        text.push_str(&format!("group g{n} = g{}\n", n - 1));
    }
    rejected(
        "group-chain",
        &text,
        "error[E017]: group `g64` is made of more than 64 levels of groups",
    );
}

#[test]
fn groups_that_double_at_each_level_do_not_hang() {
    // Each group includes the one before twice: 2^40 copies of the range
    // before ranges were kept once.
    let mut text = String::from("group g0 = 19C..19H, \"A*\"\n");
    for n in 1..40 {
        text.push_str(&format!("group g{n} = g{m}, g{m}\n", m = n - 1));
    }
    let dir = temp("doubling");
    let file = dir.join("rules.hocr");
    std::fs::write(&file, text).unwrap();
    let (code, stderr) = hocr_within(
        Duration::from_secs(60),
        &[
            "rules",
            "check",
            file.to_str().unwrap(),
            "--error-format",
            "plain",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn many_large_groups_copied_into_each_other_are_bounded() {
    // Distinct members that each group copies again: quadratic work
    // without the bound on members copied.
    let mut text = String::new();
    let members: Vec<String> = (0..2_000).map(|n| format!("C{n}")).collect();
    text.push_str(&format!("group g0 = {}\n", members.join(", ")));
    for n in 1..1_000 {
        text.push_str(&format!("group g{n} = g{}, \"D{n}\"\n", n - 1));
    }
    let dir = temp("big-groups");
    let file = dir.join("rules.hocr");
    std::fs::write(&file, text).unwrap();
    let (code, stderr) = hocr_within(
        Duration::from_secs(60),
        &[
            "rules",
            "check",
            file.to_str().unwrap(),
            "--error-format",
            "plain",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[E017]: groups including groups come to more than 1000000 members"),
        "{stderr}"
    );
}

#[test]
fn a_long_chain_of_definitions_is_a_diagnostic_not_a_crash_when_evaluated() {
    let mut text = String::from("define d0 for each crime as recorded_at\n");
    for n in 1..5_000 {
        text.push_str(&format!("define d{n} for each crime as d{}\n", n - 1));
    }
    text.push_str(&rule_with("require d4999 is present"));
    let dir = temp("defines");
    std::fs::write(dir.join("rules.hocr"), text).unwrap();
    let (code, stderr) = hocr_within(
        Duration::from_secs(60),
        &[
            "check",
            "fixtures/rec001-late-record",
            "--rules",
            dir.to_str().unwrap(),
            "--as-of",
            "2025-06-01T00:00:00Z",
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[E017]: this expression nests more than 128 levels deep"),
        "{stderr}"
    );
}

#[test]
fn definitions_within_the_limit_evaluate() {
    let mut text = String::from("define d0 for each crime as recorded_at\n");
    for n in 1..100 {
        text.push_str(&format!("define d{n} for each crime as d{}\n", n - 1));
    }
    text.push_str(&rule_with("require d99 is present"));
    let dir = temp("defines-ok");
    std::fs::write(dir.join("rules.hocr"), text).unwrap();
    let (code, stderr) = hocr_within(
        Duration::from_secs(60),
        &[
            "check",
            "fixtures/rec001-late-record",
            "--rules",
            dir.to_str().unwrap(),
            "--as-of",
            "2025-06-01T00:00:00Z",
            "--threads",
            "2",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn diagnostics_to_a_closed_pipe_are_not_a_panic() {
    // `hocr rules check … 2>&1 | head -1`: stderr closed after one line.
    let mut text = String::new();
    for n in 0..2_000 {
        text.push_str(&format!("group g{n} = \"A{n}\"\n"));
    }
    let dir = temp("closed-stderr");
    let file = dir.join("rules.hocr");
    std::fs::write(&file, text).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .args([
            "rules",
            "check",
            file.to_str().unwrap(),
            "--error-format",
            "plain",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "warnings only; no panic (101)");
}

#[test]
fn rule_files_cannot_include_or_reach_files() {
    // The language has no include, file, network or process access: such
    // words are syntax errors, never actions.
    for line in [
        "include \"/etc/passwd\"",
        "import \"../outside.hocr\"",
        "define d for each crime as file(\"/etc/passwd\")",
    ] {
        rejected("no-include", &format!("{line}\n"), "error[E001]");
    }
}
