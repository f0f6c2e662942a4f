//! From the names a file uses to the canonical fields of `records.rs`.
//!
//! This is the one place names are mapped: canonical names, or a force
//! profile's ([`Names`]); nothing after this step ever looks at a column
//! name again.

use super::profile::TableProfile;
use crate::data::records::Table;
use std::sync::Arc;

/// How one table's column (or JSON key) names are read.
#[derive(Clone, Debug)]
pub(crate) struct Names {
    pub(crate) table: Table,
    /// `None`: the canonical names.
    pub(crate) profile: Option<Arc<TableProfile>>,
}

impl Names {
    pub(crate) fn canonical(table: Table) -> Names {
        Names {
            table,
            profile: None,
        }
    }

    /// The canonical field a column or JSON key name carries, if any.
    pub(crate) fn field_of(&self, name: &str) -> Option<usize> {
        match &self.profile {
            None => self.table.field_index(name.trim()),
            Some(p) => p.field_of(name),
        }
    }

    /// How a field is called in the file, for messages.
    pub(crate) fn column_name(&self, field: usize) -> &str {
        let canonical = self.table.fields()[field].name;
        match &self.profile {
            None => canonical,
            Some(p) => p
                .columns()
                .find(|(f, _)| *f == field)
                .map_or(canonical, |(_, c)| c),
        }
    }
}

/// Which CSV column holds each canonical field of a table.
#[derive(Clone, Debug)]
pub(crate) struct ColumnMap {
    by_field: Vec<Option<usize>>,
    width: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HeaderProblem {
    Missing(Vec<&'static str>),
    Duplicate(&'static str),
    /// Columns a profile names that the header lacks: the column, the
    /// field it was to fill, and a header name it may have meant.
    MissingNamed(Vec<MissingColumn>),
    /// A column a profile names, found twice in the header.
    DuplicateNamed(String),
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct MissingColumn {
    pub(crate) column: String,
    pub(crate) field: &'static str,
    pub(crate) did_you_mean: Option<String>,
}

impl MissingColumn {
    /// `` `Column` (for `field`) ``, with a suggestion if there is one.
    pub(crate) fn describe(&self) -> String {
        let mut text = format!("`{}` (for `{}`", self.column, self.field);
        if let Some(s) = &self.did_you_mean {
            text.push_str(&format!("; did you mean `{s}`?"));
        }
        text.push(')');
        text
    }
}

impl ColumnMap {
    pub(crate) fn from_header<'h>(
        names: &Names,
        header: impl IntoIterator<Item = &'h str>,
    ) -> Result<ColumnMap, HeaderProblem> {
        let fields = names.table.fields();
        let mut by_field = vec![None; fields.len()];
        let mut width = 0;
        let mut seen = Vec::new();
        for (column, name) in header.into_iter().enumerate() {
            width = column + 1;
            seen.push(name.trim());
            let Some(field) = names.field_of(name) else {
                // Unknown columns, duplicated or not, are never read.
                continue;
            };
            let slot = &mut by_field[field];
            if slot.is_some() {
                return Err(match &names.profile {
                    None => HeaderProblem::Duplicate(fields[field].name),
                    Some(_) => HeaderProblem::DuplicateNamed(names.column_name(field).into()),
                });
            }
            *slot = Some(column);
        }
        match &names.profile {
            None => {
                let missing: Vec<_> = fields
                    .iter()
                    .zip(&by_field)
                    .filter(|(f, c)| f.required && c.is_none())
                    .map(|(f, _)| f.name)
                    .collect();
                if !missing.is_empty() {
                    return Err(HeaderProblem::Missing(missing));
                }
            }
            // Every column a profile names must be there, required or not:
            // a column that is not is a profile for another export.
            Some(profile) => {
                let missing: Vec<_> = profile
                    .columns()
                    .filter(|(field, _)| by_field[*field].is_none())
                    .map(|(field, column)| MissingColumn {
                        column: column.into(),
                        field: fields[field].name,
                        did_you_mean: crate::util::suggest::did_you_mean(
                            column,
                            seen.iter().copied(),
                        )
                        .map(String::from),
                    })
                    .collect();
                if !missing.is_empty() {
                    return Err(HeaderProblem::MissingNamed(missing));
                }
            }
        }
        Ok(ColumnMap { by_field, width })
    }

    /// The column holding `field`, or `None` when the file has no such column.
    pub(crate) fn column(&self, field: usize) -> Option<usize> {
        self.by_field.get(field).copied().flatten()
    }

    /// The number of columns in the header: every record must have as many.
    pub(crate) fn width(&self) -> usize {
        self.width
    }
}
