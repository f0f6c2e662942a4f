//! Expressions, and the clauses made of several parts (`source`, a
//! deadline, a stratum), as documents to lay out.

use super::super::ast::*;
use super::layout::{Doc, cat, group, nest, text};
use super::words::{duration, quote};

pub(super) fn expr(e: &Expr) -> Doc {
    match &e.kind {
        ExprKind::Path(names) => text(
            names
                .iter()
                .map(|n| n.node.as_str())
                .collect::<Vec<_>>()
                .join("."),
        ),
        ExprKind::Str(s) => text(quote(s)),
        ExprKind::Int(n) => text(n.to_string()),
        ExprKind::Bool(b) => text(if *b { "true" } else { "false" }),
        ExprKind::Duration(n, unit) => text(duration(*n, *unit)),
        ExprKind::Paren(inner) => cat(vec![text("("), nest(expr(inner)), text(")")]),
        ExprKind::Not(inner) => cat(vec![text("not "), expr(inner)]),
        ExprKind::And(..) => chain(e, "and"),
        ExprKind::Or(..) => chain(e, "or"),
        ExprKind::Compare(op, l, r) => binary(l, &format!(" {} ", op.text()), r),
        ExprKind::Presence(l, present) => cat(vec![
            expr(l),
            text(if *present { " is present" } else { " is empty" }),
        ]),
        ExprKind::Is(l, r, negated) => binary(l, if *negated { " is not " } else { " is " }, r),
        ExprKind::In(l, g, negated) => cat(vec![
            expr(l),
            text(format!(
                " {}in {}",
                if *negated { "not " } else { "" },
                g.node
            )),
        ]),
        ExprKind::Contains(l, r) => binary(l, " contains ", r),
        ExprKind::Add(..) | ExprKind::Sub(..) => sum(e),
        ExprKind::Aggregate(q, coll, filter) => {
            let head = text(format!("{} {}", q.word(), coll.node));
            match filter {
                None => head,
                Some(f) => cat(vec![head, text(" where "), nest(expr(f))]),
            }
        }
        ExprKind::Choice(arms, default) => {
            let mut parts = Vec::new();
            for (value, cond) in arms {
                parts.push(group(cat(vec![
                    nest(expr(value)),
                    nest(cat(vec![Doc::Line, text("when "), nest(expr(cond))])),
                ])));
                parts.push(text(","));
                parts.push(Doc::Line);
            }
            parts.push(text("else "));
            parts.push(nest(expr(default)));
            group(cat(parts))
        }
    }
}

fn binary(l: &Expr, op: &str, r: &Expr) -> Doc {
    cat(vec![expr(l), text(op), expr(r)])
}

/// `a + b - c` (nested to the left, walked without recursion).
fn sum(e: &Expr) -> Doc {
    let mut terms = Vec::new();
    let mut cur = e;
    loop {
        match &cur.kind {
            ExprKind::Add(l, r) => {
                terms.push((" + ", &**r));
                cur = l;
            }
            ExprKind::Sub(l, r) => {
                terms.push((" - ", &**r));
                cur = l;
            }
            _ => break,
        }
    }
    let mut parts = vec![expr(cur)];
    for (op, term) in terms.into_iter().rev() {
        parts.push(text(op));
        parts.push(expr(term));
    }
    cat(parts)
}

/// `a and b and c` (the parser nests these to the left), breaking before
/// each `and` if it does not fit.
fn chain(e: &Expr, word: &str) -> Doc {
    let mut operands = Vec::new();
    let mut cur = e;
    loop {
        match (&cur.kind, word) {
            (ExprKind::And(l, r), "and") | (ExprKind::Or(l, r), "or") => {
                operands.push(&**r);
                cur = l;
            }
            _ => {
                operands.push(cur);
                break;
            }
        }
    }
    let mut parts = Vec::new();
    for (k, o) in operands.iter().rev().enumerate() {
        if k > 0 {
            parts.push(Doc::Line);
            parts.push(text(format!("{word} ")));
        }
        parts.push(nest(expr(o)));
    }
    group(cat(parts))
}

/// `keyword EXPR`, its continuation lines indented two more.
pub(super) fn keyword_expr(keyword: &str, e: &Expr) -> Doc {
    nest(cat(vec![text(format!("{keyword} ")), expr(e)]))
}

/// `keyword A`, then `after B` on the next line if it does not fit.
pub(super) fn span_after(first: Doc, anchor: &Expr) -> Doc {
    nest(group(cat(vec![
        first,
        Doc::Line,
        text("after "),
        nest(expr(anchor)),
    ])))
}

/// `source "title" at "address"` on one line if it fits, else `at …` on the
/// next line.
pub(super) fn source(s: &Source) -> Doc {
    let title = text(format!("source {}", quote(&s.text.node)));
    match &s.address {
        Some(a) => nest(group(cat(vec![
            title,
            Doc::Line,
            text(format!("at {}", quote(&a.node))),
        ]))),
        None => title,
    }
}

/// `stratum NAME "label" where CONDITION sample N` on one line if it fits,
/// else `where …` and the size each on a line of their own.
pub(super) fn stratum(s: &Stratum) -> Doc {
    let mut head = format!("stratum {}", s.name.node);
    if let Some(label) = &s.label {
        head.push(' ');
        head.push_str(&quote(&label.node));
    }
    let size = match &s.size {
        SampleSize::Count(n) => format!("sample {}", n.node),
        SampleSize::HalfWidth {
            half_width,
            expected,
        } => format!(
            "half-width {}% expecting {}%",
            half_width.node, expected.node
        ),
    };
    group(cat(vec![
        text(head),
        nest(cat(vec![
            Doc::Line,
            text("where "),
            nest(expr(&s.filter)),
            Doc::Line,
            text(size),
        ])),
    ]))
}
