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

/// Runs `hocr` in `dir` (or here), killed after `seconds`: a run that
/// should end promptly and blocks (reading a FIFO) fails the test instead
/// of hanging it. (exit code, stdout, stderr); `None` if it was killed.
pub fn hocr_within(
    args: &[&str],
    dir: Option<&std::path::Path>,
    seconds: u64,
) -> Option<(i32, String, String)> {
    use std::io::Read;
    use std::process::Stdio;
    let mut command = Command::new(env!("CARGO_BIN_EXE_hocr"));
    command
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn().expect("hocr runs");
    // Read on threads so a chatty child never blocks on a full pipe.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stderr.read_to_end(&mut s);
        s
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let (out, err) = (out.join().unwrap(), err.join().unwrap());
    status.map(|s| {
        (
            s.code().unwrap_or(-1),
            String::from_utf8_lossy(&out).into_owned(),
            String::from_utf8_lossy(&err).into_owned(),
        )
    })
}

/// Makes a FIFO at `path` (with the system's `mkfifo`).
pub fn mkfifo(path: &std::path::Path) {
    let made = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
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

/// Where the browser tests look for headless Chromium (the Debian package).
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Runs a browser test script (`scripts/*-browser-test.sh`) with `arg`
/// against the built binary and asserts it passed; without Chromium, says
/// so and passes (CI installs it).
pub fn browser_test(script: &str, arg: &std::ffi::OsStr) {
    if !std::path::Path::new(CHROMIUM).exists() {
        println!(
            "note: {CHROMIUM} not found; skipping the browser test (apt-get install chromium)"
        );
        return;
    }
    let out = Command::new("bash")
        .arg(script)
        .arg(arg)
        .env("HOCR", env!("CARGO_BIN_EXE_hocr"))
        .output()
        .expect("the browser test script runs");
    assert!(
        out.status.success(),
        "browser test failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
