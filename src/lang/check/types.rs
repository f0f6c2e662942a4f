//! Expressions typed and compiled: every operator checked against the
//! types of its operands (the names in them are resolved in `names`).

use super::*;

impl Checker {
    pub(super) fn condition(&mut self, e: &ast::Expr, subject: Subject) -> CExpr {
        self.typed(e, subject, Ty::Bool, "a condition (yes or no)")
    }

    /// [`Self::condition`], and whether it was compiled without an error.
    pub(super) fn condition_checked(&mut self, e: &ast::Expr, subject: Subject) -> (CExpr, bool) {
        let errors = self.error_count();
        let c = self.condition(e, subject);
        (c, self.error_count() == errors)
    }

    pub(super) fn typed(
        &mut self,
        e: &ast::Expr,
        subject: Subject,
        want: Ty,
        words: &str,
    ) -> CExpr {
        let (c, ty) = self.expr(e, subject);
        if ty != want && ty != Ty::Error {
            let help = match (want, ty) {
                (Ty::Bool, Ty::Time) => match time_fields(subject)[..] {
                    [a, b, ..] => format!("compare it, e.g. `{a} is present` or `{b} > {a}`"),
                    [a] => format!("compare it, e.g. `{a} is present`"),
                    [] => {
                        "compare it with another time, or ask whether it `is present`".to_string()
                    }
                },
                (Ty::Bool, _) => format!(
                    "write a condition, e.g. {}",
                    self.condition_examples(subject)
                ),
                (Ty::Span, Ty::Int) => {
                    "add a unit: `24 hours`, `2 days`, `5 working days`".to_string()
                }
                _ => format!("this needs {words}"),
            };
            self.error(
                Code::E004,
                e.span,
                format!("expected {words}, found {}", ty.words()),
                help,
            );
        }
        c
    }

    /// A whole expression (a clause or a definition), its depth bounded.
    pub(super) fn expr(&mut self, e: &ast::Expr, subject: Subject) -> Typed {
        let typed = self.expr_in(e, subject, false);
        if eval_depth(&typed.0, &self.define_depths) > MAX_EVAL_DEPTH {
            self.error(
                Code::E017,
                e.span,
                format!(
                    "this expression nests more than {MAX_EVAL_DEPTH} levels deep, counting the definitions it uses"
                ),
                "use fewer levels of definitions, or split the expression up",
            );
            return unknown();
        }
        typed
    }

    pub(super) fn expr_in(&mut self, e: &ast::Expr, subject: Subject, in_aggregate: bool) -> Typed {
        let rec = |cx: &mut Checker, x: &ast::Expr| cx.expr_in(x, subject, in_aggregate);
        match &e.kind {
            ExprKind::Path(p) => self.path(p, subject, e.span),
            ExprKind::Str(s) => (CExpr::Const(Const::Str(s.as_str().into())), Ty::Str),
            ExprKind::Int(n) => (CExpr::Const(Const::Int(*n)), Ty::Int),
            ExprKind::Bool(b) => (CExpr::Const(Const::Bool(*b)), Ty::Bool),
            ExprKind::Duration(n, u) => {
                let span = match u {
                    Unit::Minutes => TimeSpan::Micros(n.saturating_mul(MICROS_PER_HOUR / 60)),
                    Unit::Hours => TimeSpan::Micros(n.saturating_mul(MICROS_PER_HOUR)),
                    Unit::Days => TimeSpan::Micros(n.saturating_mul(24 * MICROS_PER_HOUR)),
                    Unit::WorkingDays => match u32::try_from(*n) {
                        Ok(d) if d <= 3660 => TimeSpan::WorkingDays(d),
                        _ => {
                            self.error(
                                Code::E004,
                                e.span,
                                "too many working days".into(),
                                "use at most 3660 working days",
                            );
                            TimeSpan::WorkingDays(0)
                        }
                    },
                };
                (CExpr::Const(Const::Span(span)), Ty::Span)
            }
            ExprKind::Paren(x) => rec(self, x),
            ExprKind::Not(x) => {
                let c = self.bool_operand(x, subject, in_aggregate, "`not`");
                (CExpr::Not(Box::new(c)), Ty::Bool)
            }
            ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                let word = if matches!(e.kind, ExprKind::And(..)) {
                    "`and`"
                } else {
                    "`or`"
                };
                let ca = self.bool_operand(a, subject, in_aggregate, word);
                let cb = self.bool_operand(b, subject, in_aggregate, word);
                let c = if matches!(e.kind, ExprKind::And(..)) {
                    CExpr::And(Box::new(ca), Box::new(cb))
                } else {
                    CExpr::Or(Box::new(ca), Box::new(cb))
                };
                (c, Ty::Bool)
            }
            ExprKind::Compare(op, a, b) => self.compare(*op, a, b, subject, in_aggregate, e.span),
            ExprKind::Is(a, b, negated) => {
                let op = if *negated { CmpOp::Ne } else { CmpOp::Eq };
                self.compare(op, a, b, subject, in_aggregate, e.span)
            }
            ExprKind::Presence(x, present) => {
                let (c, _) = rec(self, x);
                (CExpr::Present(Box::new(c), *present), Ty::Bool)
            }
            ExprKind::In(x, g, negated) => {
                let (c, ty) = rec(self, x);
                if !matches!(ty, Ty::Code(_) | Ty::Error) {
                    self.error(
                        Code::E004,
                        x.span,
                        format!("only codes can be `in` a group; this is {}", ty.words()),
                        "groups hold codes such as offence codes or closing codes",
                    );
                }
                let idx = self.group_ref(g);
                (CExpr::In(Box::new(c), idx, *negated), Ty::Bool)
            }
            ExprKind::Contains(list, item) => self.contains(list, item, subject, in_aggregate),
            ExprKind::Add(a, b) | ExprKind::Sub(a, b) => {
                self.arithmetic(e, a, b, subject, in_aggregate)
            }
            ExprKind::Aggregate(q, coll, filter) => {
                self.aggregate(e, q, coll, filter, subject, in_aggregate)
            }
            ExprKind::Choice(arms, default) => self.choice(arms, default, subject, in_aggregate),
        }
    }

    /// `list contains item`: a list of codes and a code (a quoted code is
    /// normalised like the data).
    fn contains(
        &mut self,
        list: &ast::Expr,
        item: &ast::Expr,
        subject: Subject,
        in_aggregate: bool,
    ) -> Typed {
        let rec = |cx: &mut Checker, x: &ast::Expr| cx.expr_in(x, subject, in_aggregate);
        let (cl, tl) = rec(self, list);
        let (ci, ti) = rec(self, item);
        if !matches!(tl, Ty::List | Ty::Error) {
            self.error(
                Code::E004,
                list.span,
                format!("`contains` needs a list of codes; this is {}", tl.words()),
                match table_of(subject)
                    .and_then(|t| t.fields().iter().find(|f| f.ty == FieldType::CodeList))
                {
                    Some(f) => {
                        format!("`{0}` is a list, e.g. `{0} contains \"DA\"`", f.name)
                    }
                    None => format!("each {} has no list of codes", subject.words()),
                },
            );
        }
        let ci = match (ci, ti) {
            (CExpr::Const(Const::Str(s)), Ty::Str) => {
                CExpr::Const(Const::Str(crate::data::records::normalize_code(&s)))
            }
            (c, Ty::Code(_) | Ty::Error) => c,
            (c, t) => {
                self.error(
                    Code::E004,
                    item.span,
                    format!("a list holds codes, not {}", t.words()),
                    "write the code in quotes, e.g. `\"DA\"`",
                );
                c
            }
        };
        (CExpr::Contains(Box::new(cl), Box::new(ci)), Ty::Bool)
    }

    /// `a + b`, `a - b`: a time and a duration, or two numbers.
    fn arithmetic(
        &mut self,
        e: &ast::Expr,
        a: &ast::Expr,
        b: &ast::Expr,
        subject: Subject,
        in_aggregate: bool,
    ) -> Typed {
        let rec = |cx: &mut Checker, x: &ast::Expr| cx.expr_in(x, subject, in_aggregate);
        let plus = matches!(e.kind, ExprKind::Add(..));
        let (ca, ta) = rec(self, a);
        let (cb, tb) = rec(self, b);
        let ty = match (ta, tb) {
            (Ty::Time, Ty::Span) => Ty::Time,
            (Ty::Int, Ty::Int) => Ty::Int,
            (Ty::Error, _) | (_, Ty::Error) => Ty::Error,
            _ => {
                let help = match (ta, tb) {
                    (Ty::Time, Ty::Int) => {
                        "a number needs a unit to be a duration: `reported_at + 24 hours`"
                    }
                    _ => {
                        "add a duration to a time (`reported_at + 24 hours`) or numbers to numbers"
                    }
                };
                self.error(
                    Code::E004,
                    e.span,
                    format!(
                        "cannot {} {} and {}",
                        if plus { "add" } else { "subtract" },
                        ta.words(),
                        tb.words()
                    ),
                    help,
                );
                Ty::Error
            }
        };
        let c = if plus {
            CExpr::Add(Box::new(ca), Box::new(cb))
        } else {
            CExpr::Sub(Box::new(ca), Box::new(cb))
        };
        (c, ty)
    }

    /// `any`, `all`, `no`, `count` over an incident's linked crimes, not
    /// nested.
    fn aggregate(
        &mut self,
        e: &ast::Expr,
        q: &ast::Quantifier,
        coll: &ast::Name,
        filter: &Option<Box<ast::Expr>>,
        subject: Subject,
        in_aggregate: bool,
    ) -> Typed {
        if subject != Subject::Incident || coll.node != "crimes" {
            let help = if subject == Subject::Incident {
                "an incident's linked records are its `crimes`".to_string()
            } else {
                format!(
                    "only `for each incident` checks can look at linked `crimes`; this check is about each {}",
                    subject.words()
                )
            };
            self.error(
                Code::E002,
                coll.span,
                format!("`{}` is not a list of linked records here", coll.node),
                help,
            );
            return (
                CExpr::Const(Const::Bool(false)),
                if *q == ast::Quantifier::Count {
                    Ty::Int
                } else {
                    Ty::Bool
                },
            );
        }
        if in_aggregate {
            self.error(
                Code::E004,
                e.span,
                "`any`, `all`, `no` and `count` cannot be nested".into(),
                "write the inner condition directly",
            );
        }
        let f = filter.as_ref().map(|f| {
            let (c, ty) = self.expr_in(f, Subject::Crime, true);
            if ty != Ty::Bool && ty != Ty::Error {
                self.error(
                    Code::E004,
                    f.span,
                    format!("expected a condition, found {}", ty.words()),
                    "write a condition about each crime, e.g. `status is \"recorded\"`",
                );
            }
            Box::new(c)
        });
        let ty = if *q == ast::Quantifier::Count {
            Ty::Int
        } else {
            Ty::Bool
        };
        (CExpr::Aggregate(*q, f), ty)
    }

    /// `v when c, …, else d`: every value the same type, every `when` a
    /// condition.
    fn choice(
        &mut self,
        arms: &[(ast::Expr, ast::Expr)],
        default: &ast::Expr,
        subject: Subject,
        in_aggregate: bool,
    ) -> Typed {
        let rec = |cx: &mut Checker, x: &ast::Expr| cx.expr_in(x, subject, in_aggregate);
        let (cd, td) = rec(self, default);
        let mut out = Vec::new();
        for (v, c) in arms {
            let (cv, tv) = rec(self, v);
            if tv != td && tv != Ty::Error && td != Ty::Error {
                self.error(
                    Code::E004,
                    v.span,
                    format!(
                        "each choice must be the same type: this is {}, the `else` is {}",
                        tv.words(),
                        td.words()
                    ),
                    "make every value the same kind of thing",
                );
            }
            let cc = self.bool_operand(c, subject, in_aggregate, "`when`");
            out.push((cv, cc));
        }
        (CExpr::Choice(out, Box::new(cd)), td)
    }

    pub(super) fn bool_operand(
        &mut self,
        x: &ast::Expr,
        subject: Subject,
        in_aggregate: bool,
        word: &str,
    ) -> CExpr {
        let (c, ty) = self.expr_in(x, subject, in_aggregate);
        if ty != Ty::Bool && ty != Ty::Error {
            let help = format!(
                "write a condition, e.g. {}",
                self.condition_examples(subject)
            );
            self.error(
                Code::E004,
                x.span,
                format!("{word} needs a condition, found {}", ty.words()),
                help,
            );
        }
        c
    }

    pub(super) fn compare(
        &mut self,
        op: CmpOp,
        a: &ast::Expr,
        b: &ast::Expr,
        subject: Subject,
        in_aggregate: bool,
        span: Span,
    ) -> Typed {
        let (ca, ta) = self.expr_in(a, subject, in_aggregate);
        let (cb, tb) = self.expr_in(b, subject, in_aggregate);
        let ordered = matches!(op, CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge);
        let ok = match (ta, tb) {
            (Ty::Error, _) | (_, Ty::Error) => true,
            (Ty::Int, Ty::Int) | (Ty::Time, Ty::Time) => true,
            (Ty::Code(_), Ty::Code(_)) | (Ty::Text, Ty::Text) => !ordered,
            (Ty::Code(_) | Ty::Text, Ty::Str) | (Ty::Str, Ty::Code(_) | Ty::Text) => !ordered,
            (Ty::Bool, Ty::Bool) => !ordered,
            _ => false,
        };
        if !ok {
            let help = match (ta, tb) {
                (Ty::Time, Ty::Int) | (Ty::Int, Ty::Time) => format!(
                    "a time compares with a time; to allow a delay write {}",
                    delay_example(subject)
                ),
                (Ty::Time, Ty::Span) | (Ty::Span, Ty::Time) => {
                    format!("add the duration to a time: {}", delay_example(subject))
                }
                (Ty::Code(_) | Ty::Text, _) | (_, Ty::Code(_) | Ty::Text) if !ordered => match self
                    .code_examples(subject, [&ca, &cb])
                {
                    Some(e) => {
                        format!("a code is compared with a code in quotes or with a group, {e}")
                    }
                    None => "a code is compared with a code in quotes, or with a group with `in`"
                        .to_string(),
                },
                _ if ordered => {
                    "`<` and `>` compare numbers or times; codes are compared with `is` or `in`"
                        .to_string()
                }
                _ => "compare like with like: a code with a quoted code, a time with a time"
                    .to_string(),
            };
            self.error(
                Code::E004,
                span,
                format!("cannot compare {} with {}", ta.words(), tb.words()),
                help,
            );
            return (CExpr::Const(Const::Bool(false)), Ty::Bool);
        }
        let ca = self.literal_for(ca, tb, a.span);
        let cb = self.literal_for(cb, ta, b.span);
        (CExpr::Cmp(op, Box::new(ca), Box::new(cb)), Ty::Bool)
    }

    /// Normalises a quoted literal the way the value it meets was read.
    pub(super) fn literal_for(&mut self, c: CExpr, other: Ty, span: Span) -> CExpr {
        let CExpr::Const(Const::Str(s)) = &c else {
            return c;
        };
        let (norm, allowed): (Box<str>, Option<(&str, &[&str])>) = match other {
            Ty::Code(CodeKind::Offence) => (crate::data::records::normalize_offence(s), None),
            Ty::Code(CodeKind::Status) => (
                crate::data::records::normalize_code(s),
                Some(("status", STATUSES)),
            ),
            Ty::Code(CodeKind::Event) => (
                crate::data::records::normalize_code(s),
                Some(("event", EVENTS)),
            ),
            Ty::Code(CodeKind::Plain) => (crate::data::records::normalize_code(s), None),
            _ => (s.trim().into(), None),
        };
        if let Some((field, values)) = allowed
            && !values.contains(&&*norm)
        {
            let lower: Vec<String> = values.iter().map(|v| v.to_ascii_lowercase()).collect();
            let hint = match did_you_mean(s, lower.iter().map(String::as_str)) {
                Some(v) => format!("did you mean `\"{v}\"`?"),
                None => format!("`{field}` is one of: {}", lower.join(", ")),
            };
            self.error(Code::E011, span, format!("`{field}` is never `{s}`"), hint);
        }
        CExpr::Const(Const::Str(norm))
    }

    /// Conditions about each `subject` for a help text, made of its own
    /// fields and this rule set's groups, so that the suggestion checks
    /// as written wherever it is made (never a name only the shipped
    /// rules declare).
    pub(super) fn condition_examples(&self, subject: Subject) -> String {
        let mut out = Vec::new();
        match table_of(subject) {
            Some(t) => {
                let fields = t.fields();
                if let Some(f) = fields.iter().find(|f| f.ty == FieldType::Bool) {
                    out.push(format!("`{} is true`", f.name));
                }
                let code = fields
                    .iter()
                    .find(|f| matches!(f.ty, FieldType::Code | FieldType::Offence));
                match (code, self.groups.keys().min()) {
                    (Some(f), Some(g)) => out.push(format!("`{} in {g}`", f.name)),
                    (Some(f), None) => out.push(format!("`{} is present`", f.name)),
                    _ => {}
                }
                if out.is_empty()
                    && let Some(f) = fields.iter().find(|f| f.ty == FieldType::Time)
                {
                    out.push(format!("`{} is present`", f.name));
                }
            }
            None => out.extend(
                Pseudo::ALL
                    .iter()
                    .filter(|(_, p)| !matches!(p, Pseudo::Field | Pseudo::Table))
                    .take(1)
                    .map(|(n, _)| format!("`{n}`")),
            ),
        }
        out.join(" or ")
    }

    /// A comparison of a code about each `subject`, for a help text: a
    /// code field of its own with a quoted code, and with a group of the
    /// rule set if it has one.
    /// `compared`: the expressions compared, one of which may be a code
    /// field to write the example with.
    pub(super) fn code_examples(&self, subject: Subject, compared: [&CExpr; 2]) -> Option<String> {
        let is_code = |f: &&crate::data::records::FieldDef| {
            matches!(f.ty, FieldType::Code | FieldType::Offence)
        };
        let own = compared.iter().find_map(|c| match c {
            CExpr::Field(t, i) => t.fields().get(*i).filter(is_code),
            _ => None,
        });
        let f = match own {
            Some(f) => f,
            None => table_of(subject)?.fields().iter().find(is_code)?,
        };
        Some(match self.groups.keys().min() {
            Some(g) => format!(
                "e.g. `{} is \"X1\"`, or with a group: `{} in {g}`",
                f.name, f.name
            ),
            None => format!("e.g. `{} is \"X1\"`", f.name),
        })
    }
}

/// The time fields of `subject`'s own record, for help texts that must
/// check as written.
fn time_fields(subject: Subject) -> Vec<&'static str> {
    table_of(subject)
        .map(|t| t.fields())
        .unwrap_or_default()
        .iter()
        .filter(|f| f.ty == FieldType::Time)
        .map(|f| f.name)
        .collect()
}

/// A delay written out for each `subject`, for a help text: its own time
/// fields, so that it checks as written.
fn delay_example(subject: Subject) -> String {
    match time_fields(subject)[..] {
        [a, b, ..] => format!("`{b} > {a} + 24 hours`"),
        [a] => format!("a time plus a duration, e.g. `{a} + 24 hours`"),
        [] => "a time plus a duration, e.g. `… + 24 hours`".to_string(),
    }
}
