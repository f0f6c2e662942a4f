//! Helpers shared by the integration tests: running the built binary and
//! making scratch directories. Each test crate uses only some of them.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// Runs the `hocr` binary: (exit code, stdout, stderr).
pub fn hocr(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .args(args)
        .output()
        .expect("hocr runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh, empty directory under the system temp dir, unique to this test
/// process and `name`.
pub fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hocr-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `text` with the rule set's fingerprint (`sha256:` and its hex digits)
/// written as `sha256:…`: snapshots change when findings change, not with
/// every edit to any rule file.
pub fn without_fingerprint(summary: &str) -> String {
    let mut out = String::with_capacity(summary.len());
    let mut rest = summary;
    while let Some(at) = rest.find("sha256:") {
        let (before, after) = rest.split_at(at + "sha256:".len());
        out.push_str(before);
        let hex = after
            .find(|c: char| !c.is_ascii_hexdigit())
            .unwrap_or(after.len());
        out.push('…');
        rest = &after[hex..];
    }
    out.push_str(rest);
    out
}
