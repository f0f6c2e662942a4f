//! Compiles the shipped rule files (`rules/*.hocr`) into the binary, so
//! `hocr check` works from any directory without `--rules`.

use std::fmt::Write;
use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=rules");
    // Read when the script runs, not when it was compiled: a build
    // script compiled in another checkout must not read that one's rules.
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("rules");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("rules/ exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".hocr"))
        .collect();
    names.sort();
    let mut out = String::from("&[\n");
    for n in names {
        println!("cargo:rerun-if-changed=rules/{n}");
        let path = dir.join(&n);
        writeln!(
            out,
            "    (\"rules/{n}\", include_str!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("]\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("shipped_rules.rs");
    fs::write(dest, out).unwrap();
}
