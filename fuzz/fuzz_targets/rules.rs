//! Rule text: parse, format, check and (when it checks clean) run the
//! file's examples. Never a panic or a hang; the formatter is idempotent
//! and keeps the meaning (the formatted text parses to the same tree).
#![no_main]

use hocr::lang::check::check;
use hocr::lang::plan::RuleFile;
use hocr::lang::syntax::{format_file, parse_file};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (tree, errors) = parse_file(text);
    if let Ok(formatted) = format_file(text) {
        assert!(errors.is_empty(), "formatted a file with syntax errors");
        let (again, again_errors) = parse_file(&formatted);
        assert!(
            again_errors.is_empty(),
            "formatted text does not parse:\n{formatted}"
        );
        assert_eq!(tree, again, "formatting changed the meaning:\n{formatted}");
        assert_eq!(
            format_file(&formatted).as_deref(),
            Ok(formatted.as_str()),
            "formatting is not idempotent"
        );
    }
    let (plan, _diagnostics) = check(vec![RuleFile {
        name: "fuzz.hocr".into(),
        text: text.into(),
    }]);
    if let Some(plan) = plan {
        let _ = hocr::run::examples::run(&plan);
    }
});
