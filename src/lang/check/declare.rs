//! Declarations: groups, calendars, definitions and every name, before any
//! rule is read.

use super::*;

impl Checker {
    pub(super) fn declare(&mut self, parsed: &[&ast::File]) {
        let mut group_decls: BTreeMap<String, (usize, &ast::Group)> = BTreeMap::new();
        let mut calendars: HashMap<String, Span> = HashMap::new();
        let mut holidays = Vec::new();
        let mut covers: Option<(i32, i32)> = None;
        for (n, f) in parsed.iter().enumerate() {
            self.file = n;
            let mut has_edition = false;
            for item in &f.items {
                match item {
                    Item::Edition(e) => {
                        has_edition = true;
                        if !self.plan.editions.contains(&e.node) {
                            self.plan.editions.push(e.node.clone());
                        }
                    }
                    Item::Group(g) => {
                        if let Some((other, _)) = group_decls.get(&g.name.node) {
                            let other = *other;
                            self.error(
                                Code::E007,
                                g.name.span,
                                format!("group `{}` is declared twice", g.name.node),
                                format!(
                                    "rename one of them, or merge them (the other is in {})",
                                    self.where_is(other)
                                ),
                            );
                        } else {
                            group_decls.insert(g.name.node.clone(), (n, g));
                        }
                    }
                    Item::Calendar(c) => {
                        if calendars.insert(c.name.node.clone(), c.name.span).is_some() {
                            self.error(
                                Code::E007,
                                c.name.span,
                                format!("calendar `{}` is declared twice", c.name.node),
                                "give each calendar its own name",
                            );
                        }
                        let (lo, hi) = match &c.covers {
                            Some((a, b)) => {
                                if a.node > b.node {
                                    self.error(
                                        Code::E008,
                                        a.span.to(b.span),
                                        "the years covered run backwards".into(),
                                        "write the earlier year first",
                                    );
                                }
                                (a.node, b.node)
                            }
                            None => {
                                let years =
                                    c.days.iter().map(|d| chrono::Datelike::year(&d.date.node));
                                match (years.clone().min(), years.max()) {
                                    (Some(a), Some(b)) => (a, b),
                                    _ => continue,
                                }
                            }
                        };
                        for d in &c.days {
                            let y = chrono::Datelike::year(&d.date.node);
                            if y < lo || y > hi {
                                self.warn(
                                    Code::W003,
                                    d.date.span,
                                    format!("this holiday is outside the years `{}` covers ({lo} to {hi})", c.name.node),
                                    "widen `covers`, or remove the date",
                                );
                            }
                            holidays.push(d.date.node);
                        }
                        covers = Some(match covers {
                            Some((a, b)) => (a.min(lo), b.max(hi)),
                            None => (lo, hi),
                        });
                    }
                    _ => {}
                }
            }
            if !has_edition && !f.items.is_empty() {
                self.warn(
                    Code::W004,
                    Span::default(),
                    "this rule file does not say which HOCR edition it follows".into(),
                    "add a line such as `edition \"HOCR April 2025\"` at the top",
                );
            }
        }
        self.plan.calendar = Calendar {
            holidays: holidays.into_iter().collect(),
            covers,
        };
        // Groups: compile each, following references, refusing cycles.
        let names: Vec<String> = group_decls.keys().cloned().collect();
        let mut done: HashMap<String, CodeSet> = HashMap::new();
        // Included groups first, so compiling one only looks up the groups
        // it includes: recursion goes deeper only around a circle.
        for name in &included_first(&group_decls) {
            let mut stack = Vec::new();
            self.compile_group(name, &group_decls, &mut done, &mut stack);
        }
        for name in names {
            let (file, decl) = group_decls[&name];
            let set = done.remove(&name).unwrap_or_else(|| CodeSet::new(&name));
            self.groups.insert(name, (self.plan.groups.len(), file));
            let _ = decl;
            self.plan.groups.push(set);
        }
    }

    /// Where another declaration is, in words: `this file` or its name.
    pub(super) fn where_is(&self, n: usize) -> String {
        if n == self.file {
            "this file".into()
        } else {
            format!("`{}`", self.names.get(n).map_or("", String::as_str))
        }
    }

    pub(super) fn define_all(&mut self, parsed: &[&ast::File]) {
        for (n, f) in parsed.iter().enumerate() {
            self.file = n;
            for item in &f.items {
                let Item::Define(d) = item else { continue };
                if self
                    .define_at
                    .contains_key(&(d.name.node.clone(), d.subject.node))
                {
                    self.error(
                        Code::E007,
                        d.name.span,
                        format!(
                            "`{}` is already defined for each {}",
                            d.name.node,
                            d.subject.node.words()
                        ),
                        "give the definition another name",
                    );
                    continue;
                }
                if self.field_exists(d.subject.node, &d.name.node) {
                    self.error(
                        Code::E007,
                        d.name.span,
                        format!(
                            "`{}` is already a field of each {}",
                            d.name.node,
                            d.subject.node.words()
                        ),
                        "give the definition another name",
                    );
                    continue;
                }
                let (e, ty) = self.expr(&d.value, d.subject.node);
                let depth = eval_depth(&e, &self.define_depths);
                let index = self.plan.defines.len();
                self.define_depths.push(depth);
                self.plan.defines.push(e);
                self.define_at
                    .insert((d.name.node.clone(), d.subject.node), self.defines.len());
                self.defines_of
                    .entry(d.subject.node)
                    .or_default()
                    .push(self.defines.len());
                self.defines.push(DefineInfo {
                    name: d.name.node.clone(),
                    ty,
                    index,
                });
            }
        }
    }

    pub(super) fn field_exists(&self, subject: Subject, name: &str) -> bool {
        match table_of(subject) {
            Some(t) => t.field_index(name).is_some() || link(subject, name).is_some(),
            None => Pseudo::ALL.iter().any(|(n, _)| *n == name),
        }
    }
}
