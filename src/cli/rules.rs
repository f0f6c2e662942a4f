//! `hocr rules check`, `hocr rules fmt`, `hocr rules test`.

use super::*;

pub(super) fn run_rules_test(args: RulesTestArgs) -> Result<u8, Failure> {
    let (plan, _warnings) = match load_rules(args.path.as_deref(), error_format(args.error_format))
    {
        Ok(ok) => ok,
        Err(code) => return Ok(code),
    };
    let mut dirs = args.cases.clone();
    if dirs.is_empty()
        && let Some(beside) = args.path.as_deref().map(cases::beside)
        && (beside.is_dir() || args.new_case.is_some())
    {
        dirs.push(beside);
    }
    if let (Some(name), Some(from), Some(as_of)) = (&args.new_case, &args.from, &args.as_of) {
        let Some(dir) = dirs.first() else {
            return Err(Failure(
                "say where the case goes: --cases DIR, or a rules directory (`hocr rules test my-rules --new-case …` puts it in my-rules/cases/)".into(),
            ));
        };
        let said = cases::new_case(&plan, dir, name, from, as_of)
            .map_err(|e| Failure(format!("case `{name}`: {e}")))?;
        say_out!("{said}");
        return Ok(exit::OK);
    }
    let found = cases::find(&dirs).map_err(|errors| Failure(errors.join("\nerror: ")))?;
    let tried = examples::run(&plan);
    let mut out = BufWriter::new(io::stdout().lock());
    examples::render(&plan, &tried, &mut out)?;
    if !found.is_empty() {
        writeln!(out)?;
    }
    let verdict = cases::test(&plan, &found, args.accept, &mut out, &mut io::stderr())?;
    out.flush()?;
    Ok(if verdict.errors {
        exit::ERROR
    } else if verdict.different || !tried.iter().all(|t| t.passed) {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

pub(super) fn run_rules_check(args: RulesCheckArgs) -> Result<u8, Failure> {
    let format = error_format(args.error_format);
    let (plan, diags) = match load_rules(args.path.as_deref(), format) {
        Ok(ok) => ok,
        Err(code) => return Ok(code),
    };
    print_diagnostics(&diags, &plan.files, format);
    let warnings = diags.iter().any(|d| d.level == Level::Warning);
    Ok(if warnings && args.deny_warnings {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

pub(super) fn run_rules_fmt(args: RulesFmtArgs) -> Result<u8, Failure> {
    let format = if io::stderr().is_terminal() {
        ErrorFormat::Human
    } else {
        ErrorFormat::Plain
    };
    let files = match rulefiles::from_path(&args.path) {
        Ok(f) => f,
        Err(diags) => {
            put_err!("{}", diagnostics::render(&diags, &[], format));
            return Ok(exit::ERROR);
        }
    };
    let mut code = exit::OK;
    for (n, file) in files.iter().enumerate() {
        match crate::lang::syntax::format_file(&file.text) {
            Ok(text) if text == file.text => {}
            Ok(_) if args.check => {
                say_out!("not formatted: {}", file.name);
                code = code.max(exit::FINDINGS);
            }
            Ok(text) => {
                outfile::write_file(Path::new(&file.name), |w| w.write_all(text.as_bytes()))
                    .map_err(|e| {
                        Failure(format!(
                            "cannot write `{}`: {e}; the file is left as it was",
                            file.name
                        ))
                    })?;
                say_out!("formatted: {}", file.name);
            }
            Err(errors) => {
                let diags: Vec<Diagnostic> = errors
                    .into_iter()
                    .map(|e| Diagnostic::error(Code::E001, n, e.span, e.message, e.help))
                    .collect();
                print_diagnostics(&diags, &files, format);
                code = exit::ERROR;
            }
        }
    }
    Ok(code)
}
