//! Every command's `--help` explains it and shows an example.

use std::process::Command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_hocr"))
        .args(args)
        .arg("-h")
        .output()
        .expect("hocr runs");
    assert_eq!(out.status.code(), Some(0), "{args:?}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn every_command_has_help_with_an_example() {
    for args in [
        &[][..],
        &["check"],
        &["rules"],
        &["rules", "check"],
        &["rules", "test"],
        &["explain"],
        &["audit"],
        &["audit", "sample"],
        &["audit", "score"],
        &["lsp"],
    ] {
        let text = help(args);
        assert!(
            text.contains("Example"),
            "`hocr {}` --help has no example:\n{text}",
            args.join(" ")
        );
        // Every flag has a line of help after its name.
        for line in text.lines().filter(|l| l.trim_start().starts_with("--")) {
            let words = line.trim().split_once("  ").map_or("", |(_, w)| w.trim());
            assert!(
                !words.is_empty(),
                "`hocr {}`: no help for {line}",
                args.join(" ")
            );
        }
    }
}
