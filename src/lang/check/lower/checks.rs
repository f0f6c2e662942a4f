//! One check of a rule lowered from its draft: filters and exemptions,
//! the requirement and the kind it reports, the `applies` window, the
//! fields it `needs`, and its severity.

use super::super::lints::never_true;
use super::*;

impl Checker {
    /// One check lowered from its draft: filters, exemptions, requirement,
    /// kind and severity. None when it has no `require` (E006).
    pub(super) fn check(
        &mut self,
        r: &ast::Rule,
        d: &Draft,
        applies: Option<&Clause>,
        severity: Option<&ast::Expr>,
        unreadable_clause: bool,
    ) -> Option<Check> {
        let subject = d.subject.node;
        let window = applies.and_then(|a| self.window(a, d.subject.clone()));
        let needs = self.needs(&d.needs, subject);
        let filters = d
            .wheres
            .iter()
            .map(|e| self.condition_checked(e, subject))
            .collect::<Vec<_>>();
        let filters = filters
            .into_iter()
            .zip(&d.wheres)
            .map(|((c, clean), e)| {
                // A condition with an error in it stands as `false`:
                // that it can never be true is the error's doing.
                if clean && never_true(&c) {
                    self.warn(
                        Code::W002,
                        e.span,
                        "this condition can never be true".into(),
                        "the check will never apply; correct or remove the condition",
                    );
                }
                c
            })
            .collect::<Vec<_>>();
        let exemptions = d
            .unless
            .iter()
            .map(|e| self.condition(e, subject))
            .collect();
        let Some(req) = d.require else {
            if unreadable_clause {
                return None;
            }
            let example = self.condition_examples(subject);
            let first = example
                .split(" or ")
                .next()
                .unwrap_or_default()
                .trim_matches('`');
            let help = format!(
                "add what must hold, e.g. `require {first}`, or a deadline: `require … within 24 hours after …`"
            );
            self.error(
                Code::E006,
                d.subject.span,
                format!("this check of rule `{}` has no `require`", r.code.node),
                help,
            );
            return None;
        };
        let requirement = self.requirement(req, d, subject);
        let kind = self.kind(req, d);
        let severity = match severity {
            Some(e) => self.severity(e, subject),
            None => SeverityPlan {
                arms: Vec::new(),
                otherwise: Severity::Medium,
            },
        };
        let check = Check {
            subject,
            filters,
            exemptions,
            requirement,
            kind,
            severity,
            window,
            needs,
        };
        Some(check)
    }

    /// What a check requires: a condition (with any grace period) or a
    /// deadline, which has neither grace nor `otherwise` (E010).
    fn requirement(&mut self, req: &ast::Requirement, d: &Draft, subject: Subject) -> Requirement {
        match req {
            ast::Requirement::Holds(e) => {
                let cond = self.condition(e, subject);
                let grace = d.grace.map(|(s, a)| {
                    (
                        self.typed(s, subject, Ty::Span, "a duration such as `24 hours`"),
                        self.typed(a, subject, Ty::Time, "a time"),
                    )
                });
                Requirement::Holds { cond, grace }
            }
            ast::Requirement::Deadline {
                done,
                within,
                anchor,
            } => {
                if let Some((g, _)) = d.grace {
                    self.error(
                        Code::E010,
                        g.span,
                        "a deadline has no grace period".into(),
                        "a deadline is already pending until it passes; remove `grace`",
                    );
                }
                if let Some(k) = d.otherwise {
                    self.error(
                        Code::E010,
                        k.span,
                        "a deadline's findings are always `late` or `missing`".into(),
                        "remove `otherwise`",
                    );
                }
                Requirement::Deadline {
                    done: self.typed(done, subject, Ty::Time, "the time the thing was done"),
                    within: self.typed(
                        within,
                        subject,
                        Ty::Span,
                        "a duration such as `24 hours` or `5 working days`",
                    ),
                    anchor: self.typed(
                        anchor,
                        subject,
                        Ty::Time,
                        "the time the deadline counts from",
                    ),
                }
            }
        }
    }

    /// The kind of finding a check makes: its `otherwise` (E011 when it
    /// is no kind), else `missing` with a grace period, else `invalid`.
    fn kind(&mut self, req: &ast::Requirement, d: &Draft) -> String {
        match d.otherwise {
            Some(k) if KINDS.contains(&k.node.as_str()) => k.node.clone(),
            Some(k) => {
                let hint = match did_you_mean(&k.node, KINDS.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("use one of: {}", KINDS.join(", ")),
                };
                self.error(
                    Code::E011,
                    k.span,
                    format!("`{}` is not a kind of finding", k.node),
                    hint,
                );
                k.node.clone()
            }
            None => match (req, d.grace) {
                (_, Some(_)) => "missing".into(),
                _ => "invalid".into(),
            },
        }
    }

    /// `applies from … until …`: both dates real (E018), in order (E019),
    /// on a subject with a report time (E021).
    fn window(&mut self, applies: &Clause, subject: ast::Spanned<Subject>) -> Option<Window> {
        let Clause::Applies(a) = applies else {
            return None;
        };
        let (from, until, span) = (&a.node.from, &a.node.until, &a.span);
        let mut read = |d: &Option<ast::Spanned<String>>| -> Result<Option<NaiveDate>, ()> {
            let Some(d) = d else { return Ok(None) };
            match NaiveDate::parse_from_str(&d.node, "%Y-%m-%d") {
                Ok(date) if d.node.len() == 10 => Ok(Some(date)),
                _ => {
                    self.error(
                        Code::E018,
                        d.span,
                        format!("`{}` is not a date", d.node),
                        "write the day as year-month-day, e.g. `2018-04-01`",
                    );
                    Err(())
                }
            }
        };
        let (from_date, until_date) = (read(from), read(until));
        let (Ok(from_date), Ok(until_date)) = (from_date, until_date) else {
            return None;
        };
        if let (Some(a), Some(b), Some(u)) = (from_date, until_date, until)
            && b <= a
        {
            self.error(
                Code::E019,
                u.span,
                format!("the window ends ({b}) before it starts ({a})"),
                "a window runs from its first day up to, not including, its `until` day: write the later date after `until`",
            );
            return None;
        }
        let time = match report_time(subject.node) {
            Some(t) => t,
            None => {
                self.error(
                    Code::E021,
                    *span,
                    format!(
                        "each {} has no report time to judge a window by",
                        subject.node.words()
                    ),
                    "put `applies` in a check of each incident, crime or update",
                );
                return None;
            }
        };
        Some(Window {
            from: from_date,
            until: until_date,
            time,
        })
    }

    /// `needs …`: fields of a held table (crimes, updates), whose presence
    /// in the export is known before anything is judged.
    fn needs(&mut self, names: &[&ast::Name], subject: Subject) -> Vec<(Table, usize)> {
        let mut out = Vec::new();
        for name in names {
            let table = match subject {
                Subject::Crime => Table::Crimes,
                Subject::Update => Table::Updates,
                _ => {
                    self.error(
                        Code::E021,
                        name.span,
                        format!("a check of each {} cannot say what it `needs`", subject.words()),
                        "`needs` is for checks of each crime or update: their tables are read whole before anything is judged, so whether they hold a field is known",
                    );
                    continue;
                }
            };
            match table.field_index(&name.node) {
                Some(f) => out.push((table, f)),
                None => {
                    let hint = match did_you_mean(&name.node, table.fields().iter().map(|f| f.name))
                    {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "each {} has: {}",
                            subject.words(),
                            table
                                .fields()
                                .iter()
                                .map(|f| f.name)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    };
                    self.error(
                        Code::E002,
                        name.span,
                        format!("each {} has no field `{}`", subject.words(), name.node),
                        hint,
                    );
                }
            }
        }
        out
    }

    fn severity(&mut self, e: &ast::Expr, subject: Subject) -> SeverityPlan {
        let level = |cx: &mut Checker, e: &ast::Expr| -> Severity {
            if let ExprKind::Path(p) = &e.kind
                && let [one] = p.as_slice()
                && let Some(s) = Severity::parse(&one.node)
            {
                return s;
            }
            let names: Vec<&str> = Severity::ALL.iter().map(|s| s.name()).collect();
            let text = match &e.kind {
                ExprKind::Path(p) => p
                    .iter()
                    .map(|n| n.node.as_str())
                    .collect::<Vec<_>>()
                    .join("."),
                _ => String::from("this"),
            };
            let hint = match did_you_mean(&text, names.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("use one of: {}", names.join(", ")),
            };
            cx.error(
                Code::E011,
                e.span,
                format!("`{text}` is not a severity"),
                hint,
            );
            Severity::Medium
        };
        match &e.kind {
            ExprKind::Choice(arms, default) => {
                let mut out = Vec::new();
                for (v, c) in arms {
                    let s = level(self, v);
                    let c = self.condition(c, subject);
                    out.push((s, c));
                }
                SeverityPlan {
                    arms: out,
                    otherwise: level(self, default),
                }
            }
            _ => SeverityPlan {
                arms: Vec::new(),
                otherwise: level(self, e),
            },
        }
    }
}

/// A subject's report time, by which a window places it: an incident's
/// `reported_at`; a crime's own, else its incident's; an update's event.
fn report_time(subject: Subject) -> Option<CExpr> {
    let field = |t: Table, name: &str| CExpr::Field(t, t.field_index(name).expect("schema field"));
    match subject {
        Subject::Incident => Some(field(Table::Incidents, "reported_at")),
        Subject::Crime => Some(CExpr::Choice(
            vec![(
                field(Table::Crimes, "reported_at"),
                CExpr::Present(Box::new(field(Table::Crimes, "reported_at")), true),
            )],
            Box::new(field(Table::Incidents, "reported_at")),
        )),
        Subject::Update => Some(field(Table::Updates, "event_at")),
        Subject::Timestamp | Subject::OptionalValue => None,
    }
}

/// Every expression of a check.
pub(in crate::lang::check) fn check_exprs(check: &Check) -> impl Iterator<Item = &CExpr> {
    let requirement: Vec<&CExpr> = match &check.requirement {
        Requirement::Holds { cond, grace } => std::iter::once(cond)
            .chain(grace.iter().flat_map(|(a, b)| [a, b]))
            .collect(),
        Requirement::Deadline {
            done,
            within,
            anchor,
        } => vec![done, within, anchor],
    };
    check
        .filters
        .iter()
        .chain(&check.exemptions)
        .chain(requirement)
        .chain(check.severity.arms.iter().map(|(_, c)| c))
}
