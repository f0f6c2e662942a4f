//! The documents in the repository are the whole documentation: none points
//! outside it (a reader of a clone has nothing else), and every relative
//! link reaches a file that exists.

use std::path::{Path, PathBuf};

fn documents(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if p.is_dir() {
            if !name.starts_with('.') && name != "target" {
                documents(&p, out);
            }
        } else if p.extension().is_some_and(|e| e == "md" || e == "hocr") {
            out.push(p);
        }
    }
}

fn all() -> Vec<PathBuf> {
    let mut out = Vec::new();
    documents(Path::new("."), &mut out);
    out.sort();
    assert!(out.len() > 10, "documents found: {out:?}");
    out
}

#[test]
fn no_document_points_outside_the_repository() {
    for p in all() {
        // Lossy: one rule file of the error corpus is not UTF-8 on purpose.
        let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
        for outside in ["../shared", "SPEC.md", "SPEC §", "/work/"] {
            assert!(
                !text.contains(outside),
                "{} mentions `{outside}`, which is not in the repository",
                p.display()
            );
        }
    }
}

#[test]
fn every_relative_link_reaches_a_file() {
    for p in all()
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
    {
        let text = std::fs::read_to_string(&p).unwrap();
        for (n, line) in text.lines().enumerate() {
            let mut rest = line;
            while let Some(at) = rest.find("](") {
                rest = &rest[at + 2..];
                let Some(end) = rest.find(')') else { break };
                let target = &rest[..end];
                rest = &rest[end..];
                if target.contains("://")
                    || target.starts_with('#')
                    || target.starts_with("mailto:")
                {
                    continue;
                }
                let file = target.split('#').next().unwrap();
                let resolved = p.parent().unwrap().join(file);
                assert!(
                    resolved.exists(),
                    "{}:{}: the link `{target}` reaches nothing",
                    p.display(),
                    n + 1
                );
            }
        }
    }
}
