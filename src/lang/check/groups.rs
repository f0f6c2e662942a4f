//! Groups compiled into code sets (ranges, globs, included groups), within
//! the limits on depth and work.

use super::*;

impl Checker {
    pub(super) fn compile_group(
        &mut self,
        name: &str,
        decls: &BTreeMap<String, (usize, &ast::Group)>,
        done: &mut HashMap<String, CodeSet>,
        stack: &mut Vec<String>,
    ) -> Option<CodeSet> {
        if let Some(s) = done.get(name) {
            return Some(s.clone());
        }
        let (file, g) = *decls.get(name)?;
        if stack.iter().any(|s| s == name) {
            self.file = file;
            self.error(
                Code::E009,
                g.name.span,
                format!(
                    "group `{name}` includes itself: {}",
                    stack
                        .iter()
                        .skip_while(|s| *s != name)
                        .chain([&name.to_string()])
                        .map(|s| format!("`{s}`"))
                        .collect::<Vec<_>>()
                        .join(" → ")
                ),
                "a group may include other groups, but not in a circle",
            );
            return None;
        }
        if stack.len() >= MAX_GROUP_DEPTH {
            self.too_deep(file, g);
            return None;
        }
        stack.push(name.to_string());
        let mut set = CodeSet::new(name);
        let mut depth = 1;
        for m in &g.members {
            self.file = file;
            match &m.node {
                Member::Code { text, .. } => set.add_code(text),
                Member::Range(a, b) => match CodeRange::new(a, b) {
                    Ok(r) => set.add_range(r),
                    Err(RangeError::Shape) => self.error(
                        Code::E008,
                        m.span,
                        format!("`{a}..{b}` is not a range hocr can read"),
                        "the two ends must differ in one number or one letter only, e.g. `19C..19H` or `4/1..4/10`",
                    ),
                    Err(RangeError::Backwards) => self.error(
                        Code::E008,
                        m.span,
                        format!("the range `{a}..{b}` runs backwards"),
                        format!("write it as `{b}..{a}`"),
                    ),
                },
                Member::Word(w) => {
                    if decls.contains_key(w) {
                        self.group_used.insert(w.clone());
                        if let Some(inner) = self.compile_group(w, decls, done, stack) {
                            let inner_depth = self.group_depth.get(w).copied().unwrap_or(1);
                            depth = depth.max(inner_depth + 1);
                            if self.group_work > MAX_GROUP_WORK {
                                // Said once already; copy nothing more.
                                continue;
                            }
                            self.group_work = self.group_work.saturating_add(inner.len());
                            if self.group_work > MAX_GROUP_WORK {
                                self.file = file;
                                self.error(
                                    Code::E017,
                                    m.span,
                                    format!("groups including groups come to more than {MAX_GROUP_WORK} members"),
                                    "include each group once, in fewer levels of groups",
                                );
                                continue;
                            }
                            set.extend(&inner);
                        }
                    } else {
                        self.file = file;
                        let hint = match self.suggester.suggest(w, decls.keys().map(String::as_str)) {
                            Some(s) => format!("did you mean the group `{s}`? To mean the code itself, quote it: `\"{w}\"`"),
                            None => format!("declare `group {w} = …`, or quote it to mean the code: `\"{w}\"`"),
                        };
                        self.error(Code::E003, m.span, format!("unknown group `{w}`"), hint);
                    }
                }
            }
        }
        stack.pop();
        if depth == MAX_GROUP_DEPTH + 1 {
            // Said at the first group past the limit, not at every one after.
            self.too_deep(file, g);
        }
        self.group_depth.insert(name.to_string(), depth);
        done.insert(name.to_string(), set.clone());
        Some(set)
    }

    /// E017 at group `g` (in file `file`): too many levels of groups, met
    /// either on the way down (the stack of groups being compiled) or on
    /// the way back (a group made of groups compiled before).
    fn too_deep(&mut self, file: usize, g: &ast::Group) {
        self.file = file;
        self.error(
            Code::E017,
            g.name.span,
            format!(
                "group `{}` is made of more than {MAX_GROUP_DEPTH} levels of groups",
                g.name.node
            ),
            "list the codes in fewer levels of groups",
        );
    }

    pub(super) fn group_ref(&mut self, g: &ast::Name) -> usize {
        if let Some((idx, _)) = self.groups.get(&g.node) {
            self.group_used.insert(g.node.clone());
            return *idx;
        }
        let hint = match self
            .suggester
            .suggest(&g.node, self.groups.keys().map(String::as_str))
        {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!("declare it: `group {} = …`", g.node),
        };
        self.error(
            Code::E003,
            g.span,
            format!("unknown group `{}`", g.node),
            hint,
        );
        usize::MAX
    }
}
