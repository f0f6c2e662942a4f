//! Warnings about rules that run but are probably not what the author
//! meant, and the checks made once every rule is read.

use super::lower::check_exprs;
use super::*;

impl Checker {
    /// W007: a field a check `needs` that none of its expressions reads.
    pub(super) fn unread_needs(&mut self, check: &Check, names: &[&ast::Name]) {
        for ((table, field), name) in check.needs.iter().zip(names) {
            let read = check_exprs(check).any(|e| reads(&self.plan, e, *table, *field));
            if !read {
                self.warn(
                    Code::W007,
                    name.span,
                    format!("this check never reads `{}`", name.node),
                    "`needs` names the fields the check cannot judge without; remove it, or use the field",
                );
            }
        }
    }

    /// E020: two checks of one subject kind in a rule (versions of it)
    /// whose windows share a day judge the same subjects twice.
    pub(super) fn overlapping_versions(&mut self, code: &str, checks: &[Check], spans: &[Span]) {
        let always = Window {
            from: None,
            until: None,
            time: CExpr::Const(Const::Bool(false)),
        };
        for (n, c) in checks.iter().enumerate() {
            for earlier in &checks[..n] {
                if earlier.subject != c.subject || (c.window.is_none() && earlier.window.is_none())
                {
                    continue;
                }
                let (a, b) = (
                    earlier.window.as_ref().unwrap_or(&always),
                    c.window.as_ref().unwrap_or(&always),
                );
                if a.overlaps(b) {
                    let words = |w: &Window| match w.words() {
                        w if w.is_empty() => "always".to_string(),
                        w => w,
                    };
                    self.error(
                        Code::E020,
                        spans[n],
                        format!(
                            "this version of rule `{code}` ({}) overlaps an earlier check of each {} ({})",
                            words(b),
                            c.subject.words(),
                            words(a)
                        ),
                        "versions of a rule must not share a day: end the earlier with `until D` and start the later with `from D`",
                    );
                    break;
                }
            }
        }
    }

    pub(super) fn finish(&mut self, parsed: &[&ast::File]) {
        let mut exprs: Vec<&CExpr> = self.plan.defines.iter().collect();
        for r in &self.plan.rules {
            for c in &r.checks {
                match &c.requirement {
                    Requirement::Holds {
                        grace: Some((s, a)),
                        ..
                    } => exprs.extend([s, a]),
                    Requirement::Deadline { within, anchor, .. } => exprs.extend([within, anchor]),
                    Requirement::Holds { .. } => {}
                }
            }
        }
        self.plan.uses_working_days = exprs.into_iter().any(counts_working_days);
        if self.plan.uses_working_days && self.plan.calendar.covers.is_none() {
            self.diags.push(Diagnostic {
                code: Code::W003,
                level: Level::Warning,
                file: None,
                span: Span::default(),
                message: "rules count working days, but no holiday calendar is declared".into(),
                help: "declare `calendar bank_holidays covers 2024 to 2026 { 2024-01-01 \"New Year's Day\" … }`; until then only weekends are non-working".into(),
            });
        }
        for (n, f) in parsed.iter().enumerate() {
            self.file = n;
            for item in &f.items {
                if let Item::Group(g) = item
                    && !self.group_used.contains(&g.name.node)
                {
                    self.warn(
                        Code::W001,
                        g.name.span,
                        format!("group `{}` is never used", g.name.node),
                        "use it in a rule, or remove it",
                    );
                }
            }
        }
    }

    /// Whether a condition is the constant `true`, through definitions.
    pub(super) fn always_true(&self, c: &CExpr) -> bool {
        match c {
            CExpr::Const(Const::Bool(true)) => true,
            CExpr::Define(n) => self
                .plan
                .defines
                .get(*n)
                .is_some_and(|d| self.always_true(d)),
            CExpr::Or(a, b) => self.always_true(a) || self.always_true(b),
            CExpr::And(a, b) => self.always_true(a) && self.always_true(b),
            _ => false,
        }
    }
}

/// Whether an expression reads a field, through definitions too.
pub(super) fn reads(plan: &Plan, e: &CExpr, table: Table, field: usize) -> bool {
    match e {
        CExpr::Field(t, f) => *t == table && *f == field,
        CExpr::Referenced(via, f) => table == Table::Crimes && (*via == field || *f == field),
        CExpr::Define(n) => plan
            .defines
            .get(*n)
            .is_some_and(|d| reads(plan, d, table, field)),
        _ => e
            .children()
            .into_iter()
            .any(|c| reads(plan, c, table, field)),
    }
}

pub(super) fn counts_working_days(c: &CExpr) -> bool {
    match c {
        CExpr::Const(Const::Span(TimeSpan::WorkingDays(_))) => true,
        CExpr::Not(x) | CExpr::Present(x, _) | CExpr::In(x, _, _) => counts_working_days(x),
        CExpr::And(a, b)
        | CExpr::Or(a, b)
        | CExpr::Cmp(_, a, b)
        | CExpr::Contains(a, b)
        | CExpr::Add(a, b)
        | CExpr::Sub(a, b) => counts_working_days(a) || counts_working_days(b),
        CExpr::Aggregate(_, f) => f.as_deref().is_some_and(counts_working_days),
        CExpr::Choice(arms, d) => {
            counts_working_days(d)
                || arms
                    .iter()
                    .any(|(v, c)| counts_working_days(v) || counts_working_days(c))
        }
        CExpr::Field(..)
        | CExpr::Linked(_)
        | CExpr::Referenced(..)
        | CExpr::Pseudo(_)
        | CExpr::Define(_)
        | CExpr::Const(_) => false,
    }
}

/// Cheap proof that a filter never holds: a constant `false`, or a
/// conjunction that asks for a value to be both present and empty.
pub(super) fn never_true(c: &CExpr) -> bool {
    fn presences<'a>(c: &'a CExpr, out: &mut Vec<(&'a CExpr, bool)>) {
        match c {
            CExpr::And(a, b) => {
                presences(a, out);
                presences(b, out);
            }
            CExpr::Present(x, p) => out.push((x, *p)),
            _ => {}
        }
    }
    match c {
        CExpr::Const(Const::Bool(false)) => true,
        CExpr::And(a, b) if never_true(a) || never_true(b) => true,
        CExpr::Or(a, b) => never_true(a) && never_true(b),
        _ => {
            let mut ps = Vec::new();
            presences(c, &mut ps);
            ps.iter()
                .any(|(e, p)| ps.iter().any(|(f, q)| e == f && p != q))
        }
    }
}
