//! `hocr explain`.

use super::*;

pub(super) fn run_explain(args: ExplainArgs) -> Result<u8, Failure> {
    let (plan, _warnings) =
        match load_rules(args.rules.as_deref(), error_format(ErrorFormat::Human)) {
            Ok(ok) => ok,
            Err(code) => return Ok(code),
        };
    let text = match args.code {
        None => crate::lang::explain::list(&plan),
        Some(code) => match crate::lang::explain::explain(&plan, &code) {
            Ok(text) => text,
            Err(unknown) => {
                say_err!("error: unknown code `{}`", unknown.code);
                match unknown.suggestion {
                    Some(s) => say_err!("  help: did you mean `{s}`?"),
                    None => say_err!("  help: `hocr explain --list` lists every code"),
                }
                if args.rules.is_none() {
                    say_err!(
                        "  help: these are the shipped rules' codes; a code of your own rule set is explained with `hocr explain {} --rules DIR`",
                        unknown.code
                    );
                }
                return Ok(exit::ERROR);
            }
        },
    };
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    Ok(exit::OK)
}
