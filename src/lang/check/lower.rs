//! Rules lowered into the plan: clauses, checks, windows, needed fields,
//! sources, severities.

use super::lints::never_true;
use super::*;

impl Checker {
    pub(super) fn rules(&mut self, parsed: &[&ast::File]) {
        let mut seen: HashMap<String, (usize, Span)> = HashMap::new();
        for (n, f) in parsed.iter().enumerate() {
            self.file = n;
            for item in &f.items {
                let Item::Rule(r) = item else { continue };
                if let Some((file, _)) = seen.get(&r.code.node) {
                    let file = *file;
                    self.error(
                        Code::E005,
                        r.code.span,
                        format!("rule code `{}` is used twice", r.code.node),
                        format!(
                            "rule codes are the stable contract of reports: give this rule a new code (the first `{}` is in {})",
                            r.code.node,
                            self.where_is(file)
                        ),
                    );
                    // Still check its body, so every error shows at once.
                    let _ = self.rule(r);
                    continue;
                }
                seen.insert(r.code.node.clone(), (n, r.code.span));
                if let Some(rule) = self.rule(r) {
                    self.plan.rules.push(rule);
                }
            }
        }
    }

    pub(super) fn rule(&mut self, r: &ast::Rule) -> Option<crate::lang::plan::Rule> {
        let clauses = self.clauses(r);
        let unreadable_clause = self.rule_parts(r, &clauses);
        let Clauses {
            sources,
            quotes,
            policies,
            theme,
            message,
            severity,
            examples,
            drafts,
            rule_applies,
        } = clauses;
        let mut checks = Vec::new();
        // Where each check's window is written, for overlaps (E020).
        let mut window_spans = Vec::new();
        for d in drafts {
            let applies = d.applies.or(rule_applies);
            let Some(check) = self.check(r, &d, applies, severity, unreadable_clause) else {
                continue;
            };
            self.unread_needs(&check, &d.needs);
            window_spans.push(match applies {
                Some(Clause::Applies(a)) => a.span,
                _ => d.subject.span,
            });
            checks.push(check);
        }
        self.overlapping_versions(&r.code.node, &checks, &window_spans);
        let examples = self.examples(r, &examples, &checks);
        Some(crate::lang::plan::Rule {
            code: r.code.node.clone(),
            name: r.name.node.clone(),
            title: r.title.node.clone(),
            sources,
            quotes,
            policies,
            theme: theme.unwrap_or_default(),
            message,
            checks,
            examples,
            file: self.file,
            span: r.span,
        })
    }

    /// The rule's clauses gathered: its attributions and severity, and its
    /// checks as drafts, each starting at `for each`.
    fn clauses<'a>(&mut self, r: &'a ast::Rule) -> Clauses<'a> {
        let mut sources = Vec::new();
        let mut quotes = Vec::new();
        let mut policies = Vec::new();
        let mut theme = None;
        let mut message = None;
        let mut severity: Option<&ast::Expr> = None;
        let mut examples = Vec::new();
        let mut drafts: Vec<Draft> = Vec::new();
        // `applies` before the first `for each`: every check's window.
        let mut rule_applies: Option<&Clause> = None;
        for c in &r.clauses {
            let in_check = drafts.last_mut();
            match c {
                Clause::Source(s) => {
                    sources.push(crate::lang::plan::Source {
                        text: s.text.node.clone(),
                        address: s.address.as_ref().map(|a| a.node.clone()),
                    });
                }
                Clause::Quote(s) => {
                    self.attribution(r, "quote", s, &quotes, &policies);
                    quotes.push(s.node.clone());
                }
                Clause::Policy(s) => {
                    self.attribution(r, "policy", s, &policies, &quotes);
                    policies.push(s.node.clone());
                }
                Clause::Theme(t) => {
                    if theme.is_some() {
                        self.error(
                            Code::E010,
                            t.span,
                            "a rule has one `theme`".into(),
                            "remove one of the `theme` lines",
                        );
                    }
                    theme = Some(t.node.clone());
                }
                Clause::Message(m) => message = Some(m.node.clone()),
                Clause::Severity(e) => {
                    if severity.is_some() {
                        self.error(
                            Code::E010,
                            e.span,
                            "a rule has one `severity`".into(),
                            "combine them: `severity high when …, else medium`",
                        );
                    }
                    severity = Some(e);
                }
                Clause::Example(e) => examples.push(e),
                Clause::ForEach(s) => drafts.push(Draft {
                    subject: s.clone(),
                    wheres: Vec::new(),
                    unless: Vec::new(),
                    require: None,
                    require_span: s.span,
                    grace: None,
                    otherwise: None,
                    applies: None,
                    needs: Vec::new(),
                }),
                Clause::Applies(_)
                | Clause::Needs(_)
                | Clause::Where(_)
                | Clause::Unless(_)
                | Clause::Grace { .. }
                | Clause::Require(_)
                | Clause::Otherwise(_) => self.check_clause(c, in_check, &mut rule_applies),
            }
        }
        Clauses {
            sources,
            quotes,
            policies,
            theme,
            message,
            severity,
            examples,
            drafts,
            rule_applies,
        }
    }

    /// A clause that belongs to a check, added to the check it follows
    /// (E010 when there is none); `applies` may also stand for the rule.
    fn check_clause<'a>(
        &mut self,
        c: &'a Clause,
        in_check: Option<&mut Draft<'a>>,
        rule_applies: &mut Option<&'a Clause>,
    ) {
        match c {
            Clause::Applies(a) => {
                let span = &a.span;
                let slot = match in_check {
                    Some(d) => &mut d.applies,
                    None => rule_applies,
                };
                if slot.is_some() {
                    self.error(
                        Code::E010,
                        *span,
                        "a rule or check has one `applies`".into(),
                        "write the window once: `applies from 2018-04-01 until 2023-05-31`; for another version of the rule start another check with `for each`",
                    );
                    return;
                }
                *slot = Some(c);
            }
            Clause::Needs(names) => {
                let Some(d) = in_check else {
                    self.error(
                        Code::E010,
                        names[0].span,
                        "`needs` belongs to a check".into(),
                        "put `for each crime` (or update) before it",
                    );
                    return;
                };
                d.needs.extend(names);
            }
            Clause::Where(e) | Clause::Unless(e) | Clause::Grace { span_expr: e, .. } => {
                let Some(d) = in_check else {
                    let word = match c {
                        Clause::Where(_) => "where",
                        Clause::Unless(_) => "unless",
                        _ => "grace",
                    };
                    self.error(
                        Code::E010,
                        e.span,
                        format!("`{word}` belongs to a check"),
                        "put `for each crime` (or incident, update) before it",
                    );
                    return;
                };
                match c {
                    Clause::Where(e) => d.wheres.push(e),
                    Clause::Unless(e) => d.unless.push(e),
                    Clause::Grace { span_expr, anchor } => {
                        if d.grace.is_some() {
                            self.error(
                                Code::E010,
                                span_expr.span,
                                "a check has one grace period".into(),
                                "remove one of the `grace` lines",
                            );
                        }
                        d.grace = Some((span_expr, anchor));
                    }
                    _ => {}
                }
            }
            Clause::Require(req) => {
                let span = match req {
                    ast::Requirement::Holds(e) => e.span,
                    ast::Requirement::Deadline { done, anchor, .. } => done.span.to(anchor.span),
                };
                let Some(d) = in_check else {
                    self.error(
                        Code::E010,
                        span,
                        "`require` belongs to a check".into(),
                        "put `for each crime` (or incident, update) before it",
                    );
                    return;
                };
                if d.require.is_some() {
                    self.error(
                        Code::E010,
                        span,
                        "a check has one `require`".into(),
                        "combine the conditions with `and`, or start another check with `for each`",
                    );
                }
                d.require = Some(req);
                d.require_span = span;
            }
            Clause::Otherwise(k) => {
                let Some(d) = in_check else {
                    self.error(
                        Code::E010,
                        k.span,
                        "`otherwise` belongs to a check".into(),
                        "put it after the check's `require`",
                    );
                    return;
                };
                d.otherwise = Some(k);
            }
            // The rule's own clauses are gathered by `clauses`.
            _ => {}
        }
    }

    /// What every rule must have (E006), its sources, and its grounds
    /// (W009). True when a clause could not be read, so that no more is
    /// said until the syntax error is mended.
    fn rule_parts(&mut self, r: &ast::Rule, gathered: &Clauses) -> bool {
        let Clauses {
            sources,
            quotes,
            policies,
            theme,
            severity,
            drafts,
            ..
        } = gathered;
        let missing = |what: &str, example: &str| {
            (
                format!("rule `{}` has no `{what}`", r.code.node),
                format!("add a line such as `{example}`"),
            )
        };
        let mut problems = Vec::new();
        // A quote needs the document it is copied from; a rule that rests
        // on force policy alone may have none to name.
        let policy_alone = quotes.is_empty() && !policies.is_empty();
        if sources.is_empty() && !policy_alone {
            problems.push(missing(
                "source",
                "source \"HOCR General Rules, Section A\" at \"https://www.gov.uk/government/publications/counting-rules-for-recorded-crime\"",
            ));
        }
        if theme.is_none() {
            problems.push(missing("theme", "theme timeliness"));
        }
        if severity.is_none() {
            problems.push(missing("severity", "severity medium"));
        }
        if drafts.is_empty() {
            problems.push(missing("for each", "for each crime"));
        }
        // A clause the parser could not read is not missing: say nothing
        // more until the syntax error is mended.
        let unreadable_clause = self.unreadable(r.span);
        if unreadable_clause {
            problems.clear();
        }
        for (m, h) in problems {
            self.error(Code::E006, r.code.span, m, h);
        }
        for c in &r.clauses {
            if let Clause::Source(s) = c {
                // A string left open swallows the text after it, address
                // and all: the syntax error says what is wrong.
                self.source(s, unreadable_clause);
            }
        }
        // A rule may stand on the published text, on force policy, or on
        // both; one with neither asks the reader to trust its logic alone.
        if quotes.is_empty() && policies.is_empty() && !unreadable_clause {
            self.warn(
                Code::W009,
                r.code.span,
                format!("rule `{}` has no `quote` and no `policy`", r.code.node),
                "add the published words it implements (`quote \"…\"`, verbatim from its source), or say what force policy it applies (`policy \"…\"`)",
            );
        }
        unreadable_clause
    }

    /// One check lowered from its draft: filters, exemptions, requirement,
    /// kind and severity. None when it has no `require` (E006).
    fn check(
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
    pub(super) fn window(
        &mut self,
        applies: &Clause,
        subject: ast::Spanned<Subject>,
    ) -> Option<Window> {
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
    pub(super) fn needs(&mut self, names: &[&ast::Name], subject: Subject) -> Vec<(Table, usize)> {
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

    /// A rule's source: a title and a web address a reader can follow.
    pub(super) fn source(&mut self, s: &ast::Source, unreadable_clause: bool) {
        self.source_text(s);
        match &s.address {
            None if unreadable_clause => {}
            None => self.error(
                Code::E023,
                s.text.span,
                "this `source` has no address".into(),
                "say where a reader finds the document, e.g. `source \"HOCR General Rules, Section A\" at \"https://www.gov.uk/government/publications/counting-rules-for-recorded-crime\"`",
            ),
            Some(a) if !is_web_address(&a.node) => self.error(
                Code::E024,
                a.span,
                format!("`{}` is not a web address", a.node.trim()),
                "give the document's address, starting `https://` (or `http://`), with no spaces",
            ),
            Some(_) => {}
        }
    }

    /// A source's title (for rules and audit plans alike) says something.
    pub(super) fn source_text(&mut self, s: &ast::Source) {
        if s.text.node.trim().is_empty() {
            self.error(
                Code::E022,
                s.text.span,
                "this `source` is empty".into(),
                "name the document, and the section where known, e.g. `source \"HOCR General Rules, Section A\"`",
            );
        }
    }

    /// A `quote` or `policy` says something, and says it once.
    pub(super) fn attribution(
        &mut self,
        r: &ast::Rule,
        word: &str,
        s: &ast::Spanned<String>,
        same: &[String],
        other: &[String],
    ) {
        let text = normalise_space(&s.node);
        if text.is_empty() {
            let help = if word == "quote" {
                "copy the words of the source exactly as published, or remove the line"
            } else {
                "say what the force decided (or how this rule reads the source), or remove the line"
            };
            self.error(Code::E022, s.span, format!("this `{word}` is empty"), help);
        } else if same.iter().any(|t| normalise_space(t) == text) {
            self.warn(
                Code::W010,
                s.span,
                format!("rule `{}` has this `{word}` twice", r.code.node),
                "remove the repeated line",
            );
        } else if other.iter().any(|t| normalise_space(t) == text) {
            self.warn(
                Code::W010,
                s.span,
                format!(
                    "rule `{}` gives this text as both a `quote` and a `policy`",
                    r.code.node
                ),
                "keep one: a `quote` is the source's own words, a `policy` the force's reading",
            );
        }
    }

    pub(super) fn severity(&mut self, e: &ast::Expr, subject: Subject) -> SeverityPlan {
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
pub(super) fn report_time(subject: Subject) -> Option<CExpr> {
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
pub(super) fn check_exprs(check: &Check) -> impl Iterator<Item = &CExpr> {
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

/// `https://host/…` or `http://host/…`, with something after the scheme
/// and no white space: what a reader can paste into a browser.
pub(super) fn is_web_address(s: &str) -> bool {
    ["https://", "http://"].iter().any(|scheme| {
        s.strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty() && !rest.contains(char::is_whitespace))
    })
}

/// Runs of white space as one space, none at the ends.
pub(super) fn normalise_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The time fields of `subject`'s own record, for help texts that must
/// check as written.
pub(super) fn time_fields(subject: Subject) -> Vec<&'static str> {
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
pub(super) fn delay_example(subject: Subject) -> String {
    match time_fields(subject)[..] {
        [a, b, ..] => format!("`{b} > {a} + 24 hours`"),
        [a] => format!("a time plus a duration, e.g. `{a} + 24 hours`"),
        [] => "a time plus a duration, e.g. `… + 24 hours`".to_string(),
    }
}

/// A rule's clauses, gathered before its checks are lowered.
struct Clauses<'a> {
    sources: Vec<crate::lang::plan::Source>,
    quotes: Vec<String>,
    policies: Vec<String>,
    theme: Option<String>,
    message: Option<String>,
    severity: Option<&'a ast::Expr>,
    examples: Vec<&'a ast::Example>,
    drafts: Vec<Draft<'a>>,
    /// `applies` before the first `for each`: every check's window.
    rule_applies: Option<&'a Clause>,
}

/// One check of a rule as written: the clauses from its `for each` on.
struct Draft<'a> {
    subject: ast::Spanned<Subject>,
    wheres: Vec<&'a ast::Expr>,
    unless: Vec<&'a ast::Expr>,
    require: Option<&'a ast::Requirement>,
    require_span: Span,
    grace: Option<(&'a ast::Expr, &'a ast::Expr)>,
    otherwise: Option<&'a ast::Name>,
    applies: Option<&'a Clause>,
    needs: Vec<&'a ast::Name>,
}
