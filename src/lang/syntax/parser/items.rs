//! Items other than rules and audit plans (`edition`, `group`,
//! `calendar`, `define`), and the dates, subjects, rule codes and names
//! items are written with.

use super::*;

pub(super) fn edition(i: In) -> R<Item> {
    let (i, _) = kw("edition")(i)?;
    let (i, s) = cut_err(expect(
        "the edition in quotes, e.g. `\"HOCR April 2025\"`",
        string,
    )(i))?;
    Ok((i, Item::Edition(s)))
}

pub(super) fn group(i: In) -> R<Item> {
    let (i, _) = kw("group")(i)?;
    let (i, name) = cut_err(ident("a group name")(i))?;
    let (i, _) = cut_err(symbol("=")(i))?;
    let (mut i, first) = cut_err(member(i))?;
    let mut members = vec![first];
    while let Ok((rest, _)) = symbol(",")(i) {
        let (rest, m) = cut_err(member(rest))?;
        members.push(m);
        i = rest;
    }
    Ok((i, Item::Group(Group { name, members })))
}

pub(super) fn date(i: In) -> R<Spanned<chrono::NaiveDate>> {
    let (i, _) = ws(i)?;
    let (rest, text) = match recognize(pair(
        digit1::<In, PErr>,
        pair(pair(char('-'), digit1), pair(char('-'), digit1)),
    ))(i)
    {
        Ok(ok) => ok,
        Err(_) => return fail(i, "a date like `2025-12-25`"),
    };
    match chrono::NaiveDate::parse_from_str(text.fragment(), "%Y-%m-%d") {
        Ok(d) => Ok((
            rest,
            Spanned {
                node: d,
                span: span_of(i, rest),
            },
        )),
        Err(_) => fail_with(
            i.location_offset(),
            format!("`{}` is not a date", text.fragment()),
            "write dates as year-month-day, e.g. `2025-12-25`".into(),
        ),
    }
}

/// A word where a date belongs, as written: whether it is a date is the
/// checker's to say (E018), so that a wrong date gets its own diagnostic.
pub(super) fn date_text(i: In) -> R<Spanned<String>> {
    let (i, _) = ws(i)?;
    let (rest, text) = match take_while1::<_, In, PErr>(|c: char| {
        c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.' | ':' | '_')
    })(i)
    {
        Ok(ok) => ok,
        Err(_) => return fail(i, "a date like `2018-04-01`"),
    };
    Ok((
        rest,
        Spanned {
            node: text.fragment().to_string(),
            span: span_of(i, rest),
        },
    ))
}

pub(super) fn year(i: In) -> R<Spanned<i32>> {
    let (rest, n) = integer(i)?;
    let y = i32::try_from(n.node).unwrap_or(i32::MAX);
    if !(1900..=2999).contains(&y) {
        return fail_with(
            n.span.start,
            "this is not a year".into(),
            "write a year such as `2025`".into(),
        );
    }
    Ok((
        rest,
        Spanned {
            node: y,
            span: n.span,
        },
    ))
}

pub(super) fn calendar(i: In) -> R<Item> {
    let (i, _) = kw("calendar")(i)?;
    let (i, name) = cut_err(ident("a calendar name")(i))?;
    let (i, covers) = if let Ok((i, _)) = kw("covers")(i) {
        let (i, from) = cut_err(expect("the first year covered", year)(i))?;
        let (i, _) = cut_err(kw("to")(i))?;
        let (i, to) = cut_err(expect("the last year covered", year)(i))?;
        (i, Some((from, to)))
    } else {
        (i, None)
    };
    let (mut i, _) = cut_err(symbol("{")(i))?;
    let mut days = Vec::new();
    loop {
        if let Ok((rest, _)) = symbol("}")(i) {
            i = rest;
            break;
        }
        let (rest, d) = cut_err(expect("a date like `2025-12-25` or `}`", date)(i))?;
        let (rest, label) = opt(string)(rest)?;
        days.push(Holiday { date: d, label });
        i = rest;
    }
    Ok((i, Item::Calendar(Calendar { name, covers, days })))
}

pub(super) fn subject(i: In) -> R<Spanned<Subject>> {
    let (i, _) = ws(i)?;
    let start = i;
    for (words, s) in [
        (&["incident"][..], Subject::Incident),
        (&["crime"][..], Subject::Crime),
        (&["update"][..], Subject::Update),
        (&["timestamp"][..], Subject::Timestamp),
        (&["optional", "value"][..], Subject::OptionalValue),
    ] {
        let mut j = i;
        let mut ok = true;
        for w in words {
            match word(j) {
                Ok((rest, got)) if got.fragment() == w => j = rest,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            return Ok((
                j,
                Spanned {
                    node: s,
                    span: span_of(start, j),
                },
            ));
        }
    }
    fail(
        i,
        "`incident`, `crime`, `update`, `timestamp` or `optional value`",
    )
}

pub(super) fn define(i: In) -> R<Item> {
    let (i, _) = kw("define")(i)?;
    let (i, name) = cut_err(ident("a name for the definition")(i))?;
    let (i, _) = cut_err(kw("for")(i))?;
    let (i, _) = cut_err(kw("each")(i))?;
    let (i, subject) = cut_err(subject(i))?;
    let (i, _) = cut_err(kw("as")(i))?;
    let (i, value) = cut_err(expect("an expression", choice)(i))?;
    Ok((
        i,
        Item::Define(Define {
            name,
            subject,
            value,
        }),
    ))
}

pub(super) fn rule_code(i: In) -> R<Name> {
    let (i, _) = ws(i)?;
    let (rest, w) = match recognize(pair(
        take_while1::<_, In, PErr>(|c: char| c.is_ascii_uppercase()),
        digit1,
    ))(i)
    {
        Ok(ok) => ok,
        Err(_) => return fail(i, "a rule code (capital letters, then digits)"),
    };
    if rest
        .fragment()
        .starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        return fail(i, "a rule code (capital letters, then digits)");
    }
    Ok((
        rest,
        Spanned {
            node: w.fragment().to_string(),
            span: span_of(i, rest),
        },
    ))
}

pub(super) fn rule_name(i: In) -> R<Name> {
    let (i, _) = ws(i)?;
    let (rest, w) = match recognize(pair(
        satisfy::<_, In, PErr>(|c| c.is_ascii_lowercase()),
        take_while(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
    ))(i)
    {
        Ok(ok) => ok,
        Err(_) => return fail(i, "a short name such as `late-crime-record`"),
    };
    Ok((
        rest,
        Spanned {
            node: w.fragment().to_string(),
            span: span_of(i, rest),
        },
    ))
}
