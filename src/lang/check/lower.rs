//! Rules lowered into the plan: a rule's clauses gathered, what every
//! rule must have, and the rule assembled. Each check is lowered in
//! `checks`; the sources, quotes and policies are checked in `grounds`.

mod checks;
mod grounds;

pub(super) use checks::check_exprs;

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
