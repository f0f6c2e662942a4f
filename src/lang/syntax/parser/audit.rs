//! Audit plans: strata and sample sizes.

use super::*;

pub(super) const PERCENT: &str = "a percentage such as `5%`";

/// A percentage as written: `5%`, `2.5%`.
pub(super) fn percent(i: In) -> R<Spanned<f64>> {
    let (i, _) = ws(i)?;
    let (rest, text) = match recognize(pair(digit1::<In, PErr>, opt(pair(char('.'), digit1))))(i) {
        Ok(ok) => ok,
        Err(_) => return fail(i, PERCENT),
    };
    let Ok((rest, _)) = char::<In, PErr>('%')(rest) else {
        return fail(i, PERCENT);
    };
    match text.fragment().parse::<f64>() {
        Ok(n) if n.is_finite() => Ok((
            rest,
            Spanned {
                node: n,
                span: span_of(i, rest),
            },
        )),
        _ => fail(i, PERCENT),
    }
}

pub(super) const SAMPLE_SIZE: &str = "`sample 60` or `half-width 5% expecting 90%`";

/// `sample 60` or `half-width 5% expecting 90%`.
pub(super) fn sample_size(i: In) -> R<SampleSize> {
    if let Ok((i, _)) = kw("sample")(i) {
        let (i, n) = cut_err(expect("how many incidents to sample, e.g. `60`", integer)(
            i,
        ))?;
        return Ok((i, SampleSize::Count(n)));
    }
    if let Ok((i, _)) = kw("half-width")(i) {
        let (i, half_width) = cut_err(expect(PERCENT, percent)(i))?;
        let (i, _) = cut_err(kw("expecting")(i))?;
        let (i, expected) = cut_err(expect(PERCENT, percent)(i))?;
        return Ok((
            i,
            SampleSize::HalfWidth {
                half_width,
                expected,
            },
        ));
    }
    Err(Err::Failure(PErr {
        offset: ws(i)?.0.location_offset(),
        expected: vec![SAMPLE_SIZE],
        custom: None,
    }))
}

/// `stratum NAME "label" where CONDITION sample N`, after `stratum`.
pub(super) fn stratum(i: In) -> R<Stratum> {
    let (i, name) = cut_err(ident("a name for the stratum, e.g. `violence`")(i))?;
    let (i, label) = opt(string)(i)?;
    let (i, _) = cut_err(kw("where")(i))?;
    let (i, filter) = cut_err(expect("a condition about each incident", choice)(i))?;
    let (i, size) = sample_size(i)?;
    Ok((
        i,
        Stratum {
            name,
            label,
            filter,
            size,
        },
    ))
}

pub(super) fn audit_line(i: In) -> R<AuditLine> {
    let (i, _) = ws(i)?;
    let start = i;
    match word(i) {
        Ok((rest, w)) if *w.fragment() == "source" => {
            let (rest, s) = source(rest)?;
            Ok((rest, AuditLine::Source(s)))
        }
        Ok((rest, w)) if *w.fragment() == "stratum" => {
            let (rest, s) = stratum(rest)?;
            Ok((rest, AuditLine::Stratum(s)))
        }
        _ => fail(start, "`stratum`, `source` or `}`"),
    }
}

/// `audit name "title" { lines }`, collecting every line's error.
pub(super) fn audit<'a>(text: &'a str, i: In<'a>, errors: &mut Vec<SyntaxError>) -> R<'a, Item> {
    let start = {
        let (i, _) = ws(i)?;
        i
    };
    let (i, _) = kw("audit")(i)?;
    let (i, name) = cut_err(expect(
        "a short name for the plan such as `recording-audit`",
        rule_name,
    )(i))?;
    let (i, title) = cut_err(expect("the plan's title in quotes", string)(i))?;
    let (i, open) = cut_err(symbol("{")(i))?;
    let unclosed = SyntaxError {
        span: open,
        message: format!("audit plan `{}` is never closed", name.node),
        help: "add `}` after the plan's last stratum".into(),
    };
    let (i, lines) = body(
        text,
        i,
        unclosed,
        AUDIT_WORDS,
        audit_line,
        errors,
        |_, e| to_syntax_error(text, e),
    )?;
    Ok((
        i,
        Item::Audit(Audit {
            name,
            title,
            lines,
            span: span_of(start, i),
        }),
    ))
}
