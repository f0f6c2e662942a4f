//! Every name written in a syntax tree, with what it names: the one walk
//! behind hover, go to definition, find references and symbols.

use crate::data::records::Table;
use crate::lang::check::{link, table_of};
use crate::lang::syntax::ast::{self, Clause, Expr, ExprKind, Item, Member, Span, Subject, Unit};

/// What kind of thing a name names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Group,
    Define,
    /// A calendar's name; `working days` refers to every calendar (the
    /// holidays of all of them are non-working), written with an empty name.
    Calendar,
    Rule,
    Audit,
    /// A field of an export table.
    Field(Table),
}

/// One name as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub kind: Kind,
    pub name: String,
    pub span: Span,
    /// Whether this is where it is declared.
    pub decl: bool,
}

/// Every name in a file, in no particular order.
pub fn occurrences(tree: &ast::File) -> Vec<Occurrence> {
    let mut w = Walker { out: Vec::new() };
    for item in &tree.items {
        match item {
            Item::Edition(_) => {}
            Item::Group(g) => {
                w.decl(Kind::Group, &g.name);
                for m in &g.members {
                    if let Member::Word(name) = &m.node {
                        w.push(Kind::Group, name, m.span, false);
                    }
                }
            }
            Item::Calendar(c) => w.decl(Kind::Calendar, &c.name),
            Item::Define(d) => {
                w.decl(Kind::Define, &d.name);
                w.expr(&d.value, d.subject.node);
            }
            Item::Rule(r) => {
                w.decl(Kind::Rule, &r.code);
                // Clauses before the first `for each` (a severity) are about
                // the subject of the rule's first check.
                let mut subject = r
                    .clauses
                    .iter()
                    .find_map(|c| match c {
                        Clause::ForEach(s) => Some(s.node),
                        _ => None,
                    })
                    .unwrap_or(Subject::Incident);
                for c in &r.clauses {
                    match c {
                        Clause::ForEach(s) => subject = s.node,
                        Clause::Severity(e) | Clause::Where(e) | Clause::Unless(e) => {
                            w.expr(e, subject)
                        }
                        Clause::Require(ast::Requirement::Holds(e)) => w.expr(e, subject),
                        Clause::Require(ast::Requirement::Deadline {
                            done,
                            within,
                            anchor,
                        }) => {
                            w.expr(done, subject);
                            w.expr(within, subject);
                            w.expr(anchor, subject);
                        }
                        Clause::Grace { span_expr, anchor } => {
                            w.expr(span_expr, subject);
                            w.expr(anchor, subject);
                        }
                        Clause::Needs(names) => {
                            if let Some(table) = table_of(subject) {
                                for name in names {
                                    if table.field_index(&name.node).is_some() {
                                        w.push(Kind::Field(table), &name.node, name.span, false);
                                    }
                                }
                            }
                        }
                        Clause::Example(ex) => {
                            for row in &ex.rows {
                                let Some(table) = table_of(row.table.node) else {
                                    continue;
                                };
                                for (name, _) in &row.fields {
                                    if table.field_index(&name.node).is_some() {
                                        w.push(Kind::Field(table), &name.node, name.span, false);
                                    }
                                }
                            }
                        }
                        Clause::Source(_)
                        | Clause::Quote(_)
                        | Clause::Policy(_)
                        | Clause::Applies(_)
                        | Clause::Theme(_)
                        | Clause::Message(_)
                        | Clause::Otherwise(_) => {}
                    }
                }
            }
            Item::Audit(a) => {
                w.decl(Kind::Audit, &a.name);
                for line in &a.lines {
                    if let ast::AuditLine::Stratum(s) = line {
                        w.expr(&s.filter, Subject::Incident);
                    }
                }
            }
        }
    }
    w.out
}

struct Walker {
    out: Vec<Occurrence>,
}

impl Walker {
    fn push(&mut self, kind: Kind, name: &str, span: Span, decl: bool) {
        self.out.push(Occurrence {
            kind,
            name: name.to_string(),
            span,
            decl,
        });
    }

    fn decl(&mut self, kind: Kind, name: &ast::Name) {
        self.push(kind, &name.node, name.span, true);
    }

    /// The parser bounds nesting, so this recursion is bounded too.
    fn expr(&mut self, e: &Expr, subject: Subject) {
        match &e.kind {
            ExprKind::Path(names) => self.path(names, subject),
            ExprKind::Str(_) | ExprKind::Int(_) | ExprKind::Bool(_) => {}
            ExprKind::Duration(_, unit) => {
                if *unit == Unit::WorkingDays {
                    self.push(Kind::Calendar, "", e.span, false);
                }
            }
            ExprKind::Paren(x) | ExprKind::Not(x) | ExprKind::Presence(x, _) => {
                self.expr(x, subject)
            }
            ExprKind::And(a, b)
            | ExprKind::Or(a, b)
            | ExprKind::Compare(_, a, b)
            | ExprKind::Is(a, b, _)
            | ExprKind::Contains(a, b)
            | ExprKind::Add(a, b)
            | ExprKind::Sub(a, b) => {
                self.expr(a, subject);
                self.expr(b, subject);
            }
            ExprKind::In(x, group, _) => {
                self.expr(x, subject);
                self.push(Kind::Group, &group.node, group.span, false);
            }
            ExprKind::Aggregate(_, _, filter) => {
                if let Some(f) = filter {
                    self.expr(f, Subject::Crime);
                }
            }
            ExprKind::Choice(arms, default) => {
                for (v, c) in arms {
                    self.expr(v, subject);
                    self.expr(c, subject);
                }
                self.expr(default, subject);
            }
        }
    }

    /// `a.b.c`: links lead to another record; the last name is a field or
    /// a definition of the record reached.
    fn path(&mut self, names: &[ast::Name], subject: Subject) {
        let mut at = subject;
        for name in names {
            if let Some(t) = link(at, &name.node) {
                at = match t {
                    Table::Incidents => Subject::Incident,
                    Table::Crimes => Subject::Crime,
                    Table::Updates => Subject::Update,
                };
                continue;
            }
            match table_of(at) {
                Some(t) if t.field_index(&name.node).is_some() => {
                    self.push(Kind::Field(t), &name.node, name.span, false)
                }
                _ => self.push(Kind::Define, &name.node, name.span, false),
            }
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::syntax::parse_file;

    #[test]
    fn names_are_found_with_their_kind_and_place() {
        let text = "group g = 1, h\ngroup h = 2\ndefine late for each crime as recorded_at > incident.reported_at + 2 working days\nrule R1 r \"t\" {\n  for each crime\n  where offence_code in g and late\n}\n";
        let (tree, errors) = parse_file(text);
        assert!(errors.is_empty(), "{errors:?}");
        let occurrences = occurrences(&tree);
        let found: Vec<(Kind, &str, &str, bool)> = occurrences
            .iter()
            .map(|o| {
                (
                    o.kind,
                    o.name.as_str(),
                    &text[o.span.start..o.span.end],
                    o.decl,
                )
            })
            .collect();
        let has = |k: Kind, n: &str, t: &str, d: bool| found.contains(&(k, n, t, d));
        assert!(has(Kind::Group, "g", "g", true), "{found:?}");
        assert!(has(Kind::Group, "h", "h", false), "{found:?}");
        assert!(has(Kind::Group, "g", "g", false), "{found:?}");
        assert!(has(Kind::Define, "late", "late", true));
        assert!(has(Kind::Define, "late", "late", false));
        assert!(has(
            Kind::Field(Table::Crimes),
            "recorded_at",
            "recorded_at",
            false
        ));
        assert!(has(
            Kind::Field(Table::Incidents),
            "reported_at",
            "reported_at",
            false
        ));
        assert!(has(Kind::Calendar, "", "2 working days", false));
        assert!(has(Kind::Rule, "R1", "R1", true));
        assert!(has(
            Kind::Field(Table::Crimes),
            "offence_code",
            "offence_code",
            false
        ));
    }
}
