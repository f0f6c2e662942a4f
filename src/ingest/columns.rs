//! From the names a file uses to the canonical fields of `records.rs`.
//!
//! This is the seam for force profiles: a profile that renames columns
//! would translate names in [`field_of`]; nothing after this step ever
//! looks at a column name again.

use crate::records::Table;

/// The canonical field a column or JSON key name carries, if any.
pub(crate) fn field_of(table: Table, name: &str) -> Option<usize> {
    table.field_index(name.trim())
}

/// Which CSV column holds each canonical field of a table.
#[derive(Debug)]
pub(crate) struct ColumnMap {
    by_field: Vec<Option<usize>>,
    width: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum HeaderProblem {
    Missing(Vec<&'static str>),
    Duplicate(&'static str),
}

impl ColumnMap {
    pub(crate) fn from_header<'h>(
        table: Table,
        names: impl IntoIterator<Item = &'h str>,
    ) -> Result<ColumnMap, HeaderProblem> {
        let fields = table.fields();
        let mut by_field = vec![None; fields.len()];
        let mut width = 0;
        for (column, name) in names.into_iter().enumerate() {
            width = column + 1;
            let Some(field) = field_of(table, name) else {
                // Unknown columns, duplicated or not, are never read.
                continue;
            };
            let slot = &mut by_field[field];
            if slot.is_some() {
                return Err(HeaderProblem::Duplicate(fields[field].name));
            }
            *slot = Some(column);
        }
        let missing: Vec<_> = fields
            .iter()
            .zip(&by_field)
            .filter(|(f, c)| f.required && c.is_none())
            .map(|(f, _)| f.name)
            .collect();
        if !missing.is_empty() {
            return Err(HeaderProblem::Missing(missing));
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
