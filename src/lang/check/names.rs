//! Names in expressions resolved: a path (`incident.reported_at`,
//! `duplicate_of.status`, a definition, a fact about a value) followed
//! link by link to what it names, or E002/E004 with the names there are.

use super::*;

impl Checker {
    pub(super) fn path(&mut self, p: &[ast::Name], subject: Subject, span: Span) -> Typed {
        let mut at = subject;
        for (n, name) in p.iter().enumerate() {
            let last = n + 1 == p.len();
            if let Some(t) = link(at, &name.node) {
                if last {
                    return (CExpr::Linked(t), Ty::Link(t));
                }
                at = subject_of(t);
                continue;
            }
            // `duplicate_of.status`: a field of the crime a reference names.
            let reference = table_of(at)
                .and_then(|t| Some((t, t.field_index(&name.node)?)))
                .and_then(|(t, idx)| Some((idx, refers_to(t, idx)?)));
            if let (Some((via, Table::Crimes)), Some(next)) = (reference, p.get(n + 1)) {
                return self.referenced(via, name, next, n + 2 == p.len());
            }
            if !last {
                return self.not_a_link(at, name);
            }
            return self.named(at, name, span);
        }
        unknown()
    }

    /// `reference.next`: one field of the crime a reference field (`via`)
    /// names, when `next` ends the path and is a crime's field.
    fn referenced(
        &mut self,
        via: usize,
        name: &ast::Name,
        next: &ast::Name,
        ends_path: bool,
    ) -> Typed {
        if ends_path && let Some(f) = Table::Crimes.field_index(&next.node) {
            return (
                CExpr::Referenced(via, f),
                Ty::of_field(Table::Crimes.fields()[f].ty),
            );
        }
        self.error(
            Code::E002,
            next.span,
            format!(
                "`{}` names a crime, which has no field `{}`",
                name.node, next.node
            ),
            format!(
                "follow it to one field of the crime it names, e.g. `{}.status`",
                name.node
            ),
        );
        unknown()
    }

    /// `name.…` where `name` is no link of `at`'s record (E002).
    fn not_a_link(&mut self, at: Subject, name: &ast::Name) -> Typed {
        let links: Vec<&str> = ["incident", "crime"]
            .into_iter()
            .filter(|l| link(at, l).is_some())
            .collect();
        let help = if links.is_empty() {
            format!("each {} links to no other record", at.words())
        } else {
            format!("each {} links to its `{}`", at.words(), links.join("`, `"))
        };
        self.error(
            Code::E002,
            name.span,
            format!(
                "`{}` is not a linked record of each {}",
                name.node,
                at.words()
            ),
            help,
        );
        unknown()
    }

    /// The last name of a path, about each `at`: a field, a definition or
    /// a fact about a value; else E004 (`crimes` alone) or E002.
    fn named(&mut self, at: Subject, name: &ast::Name, span: Span) -> Typed {
        match table_of(at) {
            Some(t) => {
                if let Some(idx) = t.field_index(&name.node) {
                    return (CExpr::Field(t, idx), Ty::of_field(t.fields()[idx].ty));
                }
            }
            None => {
                if let Some((_, ps)) = Pseudo::ALL.iter().find(|(n, _)| *n == name.node) {
                    let ty = match ps {
                        Pseudo::Field | Pseudo::Table => Ty::Code(CodeKind::Plain),
                        _ => Ty::Bool,
                    };
                    return (CExpr::Pseudo(*ps), ty);
                }
            }
        }
        if let Some(d) = self
            .define_at
            .get(&(name.node.clone(), at))
            .map(|&k| &self.defines[k])
        {
            return (CExpr::Define(d.index), d.ty);
        }
        if at == Subject::Incident && name.node == "crimes" {
            self.error(Code::E004, span, "`crimes` is a list of linked records".into(), "ask about it with `any crimes where …`, `no crimes …`, `all crimes …` or `count crimes …`");
            return unknown();
        }
        self.no_such_name(at, name)
    }

    /// E002 for a name each `at` does not have, with the nearest name it
    /// has, or the names it has.
    fn no_such_name(&mut self, at: Subject, name: &ast::Name) -> Typed {
        let mut known: Vec<&str> = match table_of(at) {
            Some(t) => t.fields().iter().map(|f| f.name).collect(),
            None => Pseudo::ALL.iter().map(|(n, _)| *n).collect(),
        };
        known.extend(
            ["incident", "crime"]
                .into_iter()
                .filter(|l| link(at, l).is_some()),
        );
        let defines = self
            .defines_of
            .get(&at)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&k| self.defines[k].name.as_str());
        let defined_later = !Subject::ALL
            .iter()
            .any(|&s| self.define_at.contains_key(&(name.node.clone(), s)));
        let suggested = self
            .suggester
            .suggest(&name.node, known.iter().copied().chain(defines.clone()));
        let hint = match suggested {
            Some(s) => format!("did you mean `{s}`?"),
            None if !defined_later => {
                format!("`{}` is defined for another kind of record", name.node)
            }
            None => {
                // The fields, then the definitions: a long list is cut
                // short (thousands of definitions in every message
                // would make the messages grow with their number).
                let total = known.len() + defines.len();
                known.extend(defines.take(NAMES_LISTED.saturating_sub(known.len())));
                let more = if total > known.len() {
                    format!(" (and {} more)", total - known.len())
                } else {
                    String::new()
                };
                format!("each {} has: {}{more}", at.words(), known.join(", "))
            }
        };
        self.error(
            Code::E002,
            name.span,
            format!("each {} has no field `{}`", at.words(), name.node),
            hint,
        );
        unknown()
    }
}
