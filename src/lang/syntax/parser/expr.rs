//! Expressions, by precedence: `when` choices, `or`, `and`, `not`,
//! comparisons, sums, atoms; nesting bounded.

use super::*;

thread_local! {
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Bounds nesting so hostile input gets a diagnostic, not a stack overflow.
pub(super) fn nested<'a, T>(i: In<'a>, p: impl FnOnce(In<'a>) -> R<'a, T>) -> R<'a, T> {
    let depth = DEPTH.with(|d| {
        d.set(d.get() + 1);
        d.get()
    });
    let result = if depth > MAX_DEPTH {
        fail_with(
            i.location_offset(),
            "this expression is nested too deeply".into(),
            format!("split it up; at most {MAX_DEPTH} levels of nesting are allowed"),
        )
    } else {
        p(i)
    };
    DEPTH.with(|d| d.set(d.get() - 1));
    result
}

/// Each further operand of an `and`, `or`, `+` or `-` chain makes the tree
/// one level deeper, so it counts against the same bound as nesting; the
/// levels are given back when the chain ends, however it ends.
pub(super) struct Chain {
    added: usize,
}

impl Chain {
    fn new() -> Chain {
        Chain { added: 0 }
    }

    /// One more operand, or an error at `i` when the tree would be too deep.
    fn deeper<'a>(&mut self, i: In<'a>) -> R<'a, ()> {
        self.added += 1;
        let depth = DEPTH.with(|d| {
            d.set(d.get() + 1);
            d.get()
        });
        if depth > MAX_DEPTH {
            return fail_with(
                i.location_offset(),
                "this expression is nested too deeply".into(),
                format!(
                    "split it up (a group or a `define` helps); at most {MAX_DEPTH} levels of nesting are allowed, each further `and`, `or`, `+` or `-` counting as one"
                ),
            );
        }
        Ok((i, ()))
    }
}

impl Drop for Chain {
    fn drop(&mut self) {
        DEPTH.with(|d| d.set(d.get() - self.added));
    }
}

pub(super) fn expr(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

/// `A when C, B when D, else E`, or just an `or` expression.
pub fn choice(i: In) -> R<Expr> {
    nested(i, |i| {
        let (i, first) = or_expr(i)?;
        let Ok((mut i, _)) = kw("when")(i) else {
            return Ok((i, first));
        };
        let (rest, cond) = cut_err(expect("a condition", or_expr)(i))?;
        i = rest;
        let mut arms = vec![(first, cond)];
        loop {
            let (rest, _) = cut_err(expect("`, else …` to finish the choice", symbol(","))(i))?;
            if let Ok((rest, _)) = kw("else")(rest) {
                let (rest, default) = cut_err(expect("the value otherwise", or_expr)(rest))?;
                let span = arms[0].0.span.to(default.span);
                return Ok((rest, expr(ExprKind::Choice(arms, Box::new(default)), span)));
            }
            let (rest, value) = cut_err(expect("a value or `else`", or_expr)(rest))?;
            let (rest, _) = cut_err(kw("when")(rest))?;
            let (rest, cond) = cut_err(expect("a condition", or_expr)(rest))?;
            arms.push((value, cond));
            i = rest;
        }
    })
}

pub(super) fn or_expr(i: In) -> R<Expr> {
    let (mut i, mut lhs) = and_expr(i)?;
    let mut chain = Chain::new();
    while let Ok((rest, _)) = kw("or")(i) {
        let (rest, ()) = cut_err(chain.deeper(rest))?;
        let (rest, rhs) = cut_err(expect("a condition after `or`", and_expr)(rest))?;
        let span = lhs.span.to(rhs.span);
        lhs = expr(ExprKind::Or(Box::new(lhs), Box::new(rhs)), span);
        i = rest;
    }
    Ok((i, lhs))
}

pub(super) fn and_expr(i: In) -> R<Expr> {
    let (mut i, mut lhs) = not_expr(i)?;
    let mut chain = Chain::new();
    while let Ok((rest, _)) = kw("and")(i) {
        let (rest, ()) = cut_err(chain.deeper(rest))?;
        let (rest, rhs) = cut_err(expect("a condition after `and`", not_expr)(rest))?;
        let span = lhs.span.to(rhs.span);
        lhs = expr(ExprKind::And(Box::new(lhs), Box::new(rhs)), span);
        i = rest;
    }
    Ok((i, lhs))
}

pub(super) fn not_expr(i: In) -> R<Expr> {
    nested(i, |i| {
        if let Ok((rest, not_span)) = kw("not")(i) {
            let (rest, e) = cut_err(expect("a condition after `not`", not_expr)(rest))?;
            let span = not_span.to(e.span);
            return Ok((rest, expr(ExprKind::Not(Box::new(e)), span)));
        }
        comparison(i)
    })
}

pub(super) fn cmp_op(i: In) -> R<CmpOp> {
    let (i, _) = ws(i)?;
    alt((
        nom::combinator::value(CmpOp::Le, tag("<=")),
        nom::combinator::value(CmpOp::Ge, tag(">=")),
        nom::combinator::value(CmpOp::Ne, tag("!=")),
        nom::combinator::value(CmpOp::Eq, tag("=")),
        nom::combinator::value(CmpOp::Lt, tag("<")),
        nom::combinator::value(CmpOp::Gt, tag(">")),
    ))(i)
}

pub(super) fn comparison(i: In) -> R<Expr> {
    let (i, lhs) = sum(i)?;
    if let Ok((rest, op)) = cmp_op(i) {
        let (rest, rhs) = cut_err(expect("a value to compare with", sum)(rest))?;
        let span = lhs.span.to(rhs.span);
        return Ok((
            rest,
            expr(ExprKind::Compare(op, Box::new(lhs), Box::new(rhs)), span),
        ));
    }
    if let Ok((rest, _)) = kw("is")(i) {
        let (rest, negated) = match kw("not")(rest) {
            Ok((r, _)) => (r, true),
            Err(_) => (rest, false),
        };
        for (word, present) in [("present", true), ("empty", false)] {
            if let Ok((r, w)) = kw(word)(rest) {
                let span = lhs.span.to(w);
                return Ok((
                    r,
                    expr(ExprKind::Presence(Box::new(lhs), present != negated), span),
                ));
            }
        }
        let (rest, rhs) = cut_err(expect("`present`, `empty` or a value", sum)(rest))?;
        let span = lhs.span.to(rhs.span);
        return Ok((
            rest,
            expr(ExprKind::Is(Box::new(lhs), Box::new(rhs), negated), span),
        ));
    }
    let (j, negated) = match kw("not")(i) {
        Ok((r, _)) if at_kw(r, "in") => (r, true),
        _ => (i, false),
    };
    if let Ok((rest, _)) = kw("in")(j) {
        let (rest, g) = cut_err(ident("a group name")(rest))?;
        let span = lhs.span.to(g.span);
        return Ok((rest, expr(ExprKind::In(Box::new(lhs), g, negated), span)));
    }
    if let Ok((rest, _)) = kw("contains")(i) {
        let (rest, rhs) = cut_err(expect("a value", sum)(rest))?;
        let span = lhs.span.to(rhs.span);
        return Ok((
            rest,
            expr(ExprKind::Contains(Box::new(lhs), Box::new(rhs)), span),
        ));
    }
    Ok((i, lhs))
}

pub(super) fn sum(i: In) -> R<Expr> {
    let (mut i, mut lhs) = atom(i)?;
    let mut chain = Chain::new();
    loop {
        let (j, _) = ws(i)?;
        let plus = j.fragment().starts_with('+');
        let minus = j.fragment().starts_with('-');
        if !plus && !minus {
            return Ok((i, lhs));
        }
        let (rest, _) = take_n(j, 1)?;
        let (rest, ()) = cut_err(chain.deeper(rest))?;
        let (rest, rhs) = cut_err(expect("a value", atom)(rest))?;
        let span = lhs.span.to(rhs.span);
        let kind = if plus {
            ExprKind::Add(Box::new(lhs), Box::new(rhs))
        } else {
            ExprKind::Sub(Box::new(lhs), Box::new(rhs))
        };
        lhs = expr(kind, span);
        i = rest;
    }
}

pub(super) fn unit(i: In) -> R<(Unit, Span)> {
    let (i, _) = ws(i)?;
    if let Ok((rest, w)) = kw("working")(i) {
        let (rest, d) = cut_err(expect("`days`", |i| alt((kw("days"), kw("day")))(i))(rest))?;
        return Ok((rest, (Unit::WorkingDays, w.to(d))));
    }
    let (rest, w) = word(i)?;
    let u = match *w.fragment() {
        "minute" | "minutes" => Unit::Minutes,
        "hour" | "hours" => Unit::Hours,
        "day" | "days" => Unit::Days,
        _ => return fail(i, "a unit"),
    };
    Ok((rest, (u, span_of(i, rest))))
}

/// Every unit a duration may have, as the help lists them.
pub(super) const UNITS: &str =
    "`minutes`, `hours`, `days` or `working days` (or `minute`, `hour`, `day`, `working day`)";

/// A word after a number, on the same line, that is plainly meant as a
/// unit (`90 dayz`, `2 weeks`) is an error that lists the units, rather
/// than the puzzling "expected `after`" further on.
pub(super) fn not_a_unit(i: In) -> Result<(), Err<PErr>> {
    let Ok((j, _)) = ws(i) else { return Ok(()) };
    let gap = &i.fragment()[..j.location_offset() - i.location_offset()];
    let Ok((_, w)) = word(j) else { return Ok(()) };
    let w = *w.fragment();
    // Words that may follow a number in an expression.
    const FOLLOW: &[&str] = &[
        "and", "or", "is", "in", "not", "contains", "when", "else", "after", "before", "where",
        "within", "then",
    ];
    const OTHER_UNITS: &[&str] = &[
        "second", "seconds", "sec", "secs", "min", "mins", "hr", "hrs", "h", "d", "week", "weeks",
        "month", "months", "year", "years", "workday", "workdays", "business",
    ];
    // Plurals first: a tie goes to the first, and `90 dayz` means days.
    let known = [
        "minutes", "hours", "days", "working", "minute", "hour", "day",
    ];
    let lower = w.to_ascii_lowercase();
    if gap.contains('\n') || FOLLOW.contains(&lower.as_str()) {
        return Ok(());
    }
    let close = crate::util::suggest::did_you_mean(&lower, known);
    if close.is_none() && !OTHER_UNITS.contains(&lower.as_str()) {
        return Ok(());
    }
    let help = match close {
        Some(u) if u != lower => {
            // Ties go to the singular; a number of them is plural.
            let u = match u {
                "working" => "working days",
                "day" => "days",
                "hour" => "hours",
                "minute" => "minutes",
                u => u,
            };
            format!("did you mean `{u}`? A duration is a number and one of {UNITS}")
        }
        _ => format!("a duration is a number and one of {UNITS}"),
    };
    fail_with(
        j.location_offset(),
        format!("`{w}` is not a unit of time"),
        help,
    )
}

pub(super) const ATOM: &str =
    "a value (a field, a number, a quoted code, `true`, `false`, `any …`, `count …` or `(…)`)";

pub(super) fn atom(i: In) -> R<Expr> {
    nested(i, |i| {
        let (i, _) = ws(i)?;
        let start = i;
        if let Ok((rest, _)) = symbol("(")(i) {
            let (rest, inner) = cut_err(expect("an expression", choice)(rest))?;
            let (rest, _) = cut_err(expect("`)`", symbol(")"))(rest))?;
            return Ok((
                rest,
                expr(ExprKind::Paren(Box::new(inner)), span_of(start, rest)),
            ));
        }
        if peek(char::<In, PErr>('"'))(i).is_ok() {
            let (rest, s) = string(i)?;
            return Ok((rest, expr(ExprKind::Str(s.node), s.span)));
        }
        if let Ok((rest, n)) = integer(i) {
            if let Ok((rest, (u, us))) = unit(rest) {
                return Ok((rest, expr(ExprKind::Duration(n.node, u), n.span.to(us))));
            }
            not_a_unit(rest)?;
            return Ok((rest, expr(ExprKind::Int(n.node), n.span)));
        }
        for (w, b) in [("true", true), ("false", false)] {
            if let Ok((rest, s)) = kw(w)(i) {
                return Ok((rest, expr(ExprKind::Bool(b), s)));
            }
        }
        for q in [
            Quantifier::Any,
            Quantifier::No,
            Quantifier::All,
            Quantifier::Count,
        ] {
            if let Ok((rest, _)) = kw(q.word())(i) {
                let (rest, coll) = cut_err(ident("the linked records, e.g. `crimes`")(rest))?;
                let (rest, filter) = match kw("where")(rest) {
                    Ok((r, _)) => {
                        let (r, f) = cut_err(expect("a condition", or_expr)(r))?;
                        (r, Some(Box::new(f)))
                    }
                    Err(_) => (rest, None),
                };
                return Ok((
                    rest,
                    expr(ExprKind::Aggregate(q, coll, filter), span_of(start, rest)),
                ));
            }
        }
        let (mut rest, first) = match ident(ATOM)(i) {
            Ok(ok) => ok,
            Err(_) => return fail(i, ATOM),
        };
        let mut path = vec![first];
        while rest.fragment().starts_with('.') {
            let (r, _) = take_n(rest, 1)?;
            let (r, next) = cut_err(ident("a field name after `.`")(r))?;
            path.push(next);
            rest = r;
        }
        Ok((rest, expr(ExprKind::Path(path), span_of(start, rest))))
    })
}
