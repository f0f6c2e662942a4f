//! Authors' worked examples (`example "…" { … }` inside a rule): reading
//! them, rows into records, into the plan's [`Example`]. Running them
//! (`hocr rules test`) is `crate::run::examples`, on the run side, which
//! sees only the plan's examples.
//!
//! Example rows are read by the export reader's own row conversion
//! ([`FromRow`]), so a value means the same in an example as in an export.
//! The checker calls [`read`] to report bad examples before anything runs,
//! and keeps what it read in the plan.

use crate::data::ingest::{Field, FromRow, Row};
use crate::data::records::{EVENTS, FieldType, Quality, Table};
use crate::data::time::Clock;
use crate::lang::diagnostics::Code;
use crate::lang::plan::{Check, Example};
use crate::lang::syntax::ast::{self, ExampleRow, Span, Subject};
use crate::util::suggest::did_you_mean;
use std::collections::HashSet;

/// Example times without an offset are London times, whatever flags a run
/// was given: an example means the same on every machine.
pub fn clock() -> Clock {
    Clock::default()
}

/// Something wrong with an example, for the checker to report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub code: Code,
    pub span: Span,
    pub message: String,
    pub help: String,
}

fn problem(code: Code, span: Span, message: String, help: impl Into<String>) -> Problem {
    Problem {
        code,
        span,
        message,
        help: help.into(),
    }
}

/// Whether a rule's examples may hold optional values that cannot be read:
/// only when the rule is about such values.
pub fn may_hold_unreadable(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.subject == Subject::OptionalValue)
}

/// One example row on its way to a record: the value of each field of its
/// table (with where it was written), ids filled in.
struct Draft<'e> {
    row: &'e ExampleRow,
    table: Table,
    values: Vec<Option<(String, Option<Span>)>>,
    /// A field name was not known (and already reported).
    misnamed: bool,
}

impl Draft<'_> {
    fn slot(&mut self, name: &str) -> &mut Option<(String, Option<Span>)> {
        let i = self.table.field_index(name).expect("a field of the table");
        &mut self.values[i]
    }

    fn value(&self, name: &str) -> Option<&str> {
        let i = self.table.field_index(name)?;
        self.values[i].as_ref().map(|(v, _)| v.as_str())
    }
}

/// Reads an example's rows and `as of` into records (the plan's example),
/// or says everything that is wrong with them.
///
/// Ids left out are filled in: incidents are `I1`, `I2`, … and crimes `C1`,
/// `C2`, … in the order written; a crime without `incident_id` belongs to
/// the example's incident when there is exactly one, and an update without
/// `crime_id` to its crime when there is exactly one.
pub fn read(example: &ast::Example, may_be_unreadable: bool) -> Result<Example, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut drafts = Vec::new();
    for row in &example.rows {
        if let Some(d) = draft(row, &mut problems) {
            drafts.push(d);
        }
    }
    fill_in_ids(&mut drafts);
    duplicate_ids(&drafts, &mut problems);
    let mut out = Example {
        name: example.name.node.clone(),
        incidents: Vec::new(),
        crimes: Vec::new(),
        updates: Vec::new(),
        as_of: None,
        expect: example.expect.node.clone(),
        span: example.span,
    };
    for (n, d) in drafts.iter().enumerate() {
        let line = n as u64 + 1;
        match d.table {
            Table::Incidents => {
                out.incidents
                    .extend(convert(d, line, may_be_unreadable, &mut problems))
            }
            Table::Crimes => out
                .crimes
                .extend(convert(d, line, may_be_unreadable, &mut problems)),
            Table::Updates => {
                out.updates
                    .extend(convert(d, line, may_be_unreadable, &mut problems))
            }
        }
    }
    if let Some(t) = &example.as_of {
        match clock().parse(&t.node) {
            Ok((at, _)) => out.as_of = Some(at),
            Err(_) => problems.push(problem(
                Code::E014,
                t.span,
                "`as of` is not a time".into(),
                help_for(FieldType::Time),
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn draft<'e>(row: &'e ExampleRow, problems: &mut Vec<Problem>) -> Option<Draft<'e>> {
    let table = match row.table.node {
        Subject::Incident => Table::Incidents,
        Subject::Crime => Table::Crimes,
        Subject::Update => Table::Updates,
        Subject::Timestamp | Subject::OptionalValue => {
            problems.push(problem(
                Code::E013,
                row.table.span,
                format!("an example cannot hold a row of `{}`", row.table.node.words()),
                "write `incident with …`, `crime with …` or `update with …`: timestamps and optional values are the values in those rows",
            ));
            return None;
        }
    };
    let fields = table.fields();
    let mut values = vec![None; fields.len()];
    let mut misnamed = false;
    for (name, value) in &row.fields {
        match table.field_index(&name.node) {
            Some(i) if values[i].is_some() => problems.push(problem(
                Code::E013,
                name.span,
                format!("`{}` is given twice in this row", name.node),
                "give each field once",
            )),
            Some(i) => values[i] = Some((value.node.clone(), Some(value.span))),
            None => {
                misnamed = true;
                let hint = match did_you_mean(&name.node, fields.iter().map(|f| f.name)) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => {
                        let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
                        format!("each {} has: {}", table.singular(), names.join(", "))
                    }
                };
                problems.push(problem(
                    Code::E013,
                    name.span,
                    format!("each {} has no field `{}`", table.singular(), name.node),
                    hint,
                ));
            }
        }
    }
    Some(Draft {
        row,
        table,
        values,
        misnamed,
    })
}

fn fill_in_ids(drafts: &mut [Draft]) {
    let mut counts = [0usize; 2];
    for d in drafts.iter_mut() {
        let (field, prefix, n) = match d.table {
            Table::Incidents => ("incident_id", 'I', &mut counts[0]),
            Table::Crimes => ("crime_id", 'C', &mut counts[1]),
            Table::Updates => continue,
        };
        *n += 1;
        let id = format!("{prefix}{n}");
        d.slot(field).get_or_insert((id, None));
    }
    let only = |table: Table, field: &str| -> Option<String> {
        let mut of_table = drafts.iter().filter(|d| d.table == table);
        match (of_table.next(), of_table.next()) {
            (Some(d), None) => d.value(field).map(str::to_string),
            _ => None,
        }
    };
    let incident = only(Table::Incidents, "incident_id");
    let crime = only(Table::Crimes, "crime_id");
    for d in drafts.iter_mut() {
        let (field, id) = match d.table {
            Table::Crimes => ("incident_id", &incident),
            Table::Updates => ("crime_id", &crime),
            Table::Incidents => continue,
        };
        if let Some(id) = id {
            d.slot(field).get_or_insert((id.clone(), None));
        }
    }
}

fn duplicate_ids(drafts: &[Draft], problems: &mut Vec<Problem>) {
    for (table, field) in [
        (Table::Incidents, "incident_id"),
        (Table::Crimes, "crime_id"),
    ] {
        let mut seen = HashSet::new();
        for d in drafts.iter().filter(|d| d.table == table) {
            let i = table.field_index(field).expect("an id field");
            let Some((id, span)) = &d.values[i] else {
                continue;
            };
            if !seen.insert(id.trim()) {
                problems.push(problem(
                    Code::E014,
                    span.unwrap_or(d.row.table.span),
                    format!("two {} in this example have the id `{id}`", table.name()),
                    format!("give each {} its own `{field}`", table.singular()),
                ));
            }
        }
    }
}

/// The row as the export reader would read it.
fn convert<T: FromRow>(
    d: &Draft,
    line: u64,
    may_be_unreadable: bool,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let fields: Vec<Field> = d
        .values
        .iter()
        .map(|v| v.as_ref().map_or(Field::Empty, |(s, _)| Field::Text(s)))
        .collect();
    match T::from_row(&Row::from_fields(line, &fields), &clock()) {
        Ok(record) => {
            if !may_be_unreadable {
                for (i, _) in T::TABLE.fields().iter().enumerate() {
                    if Quality::has(record.quality().invalid, i) {
                        problems.push(unreadable(d, i));
                    }
                }
            }
            Some(record)
        }
        Err(reason) => {
            // The reason names the field in backticks, never its value.
            let field = T::TABLE
                .fields()
                .iter()
                .position(|f| reason.contains(&format!("`{}`", f.name)));
            match field {
                Some(i) if d.values[i].is_some() => problems.push(unreadable(d, i)),
                // Most likely the misnamed field: reported already.
                Some(_) if d.misnamed => {}
                Some(i) => problems.push(missing(d, i)),
                None => problems.push(problem(
                    Code::E014,
                    d.row.table.span,
                    reason,
                    "write the row as an export would",
                )),
            }
            None
        }
    }
}

fn unreadable(d: &Draft, field: usize) -> Problem {
    let def = &d.table.fields()[field];
    let (value, span) = match &d.values[field] {
        Some((v, s)) => (v.as_str(), s.unwrap_or(d.row.table.span)),
        None => ("", d.row.table.span),
    };
    let what = match def.ty {
        FieldType::Time => "a time",
        FieldType::Bool => "yes or no",
        FieldType::Count => "a whole number of 0 or more",
        FieldType::Status => "`recorded` or `cancelled`",
        FieldType::Event => "an investigation event",
        _ => "a value hocr can read",
    };
    problem(
        Code::E014,
        span,
        format!("`{}` must be {what}, not `{value}`", def.name),
        help_for(def.ty),
    )
}

fn missing(d: &Draft, field: usize) -> Problem {
    let def = &d.table.fields()[field];
    let help = if (d.table, def.name) == (Table::Updates, "crime_id") {
        "say which crime it is about, e.g. `crime_id \"C1\"`: it is filled in only when the example has exactly one crime".to_string()
    } else {
        format!(
            "every {} needs one, e.g. `{} \"{}\"`",
            d.table.singular(),
            def.name,
            sample(def.ty)
        )
    };
    problem(
        Code::E014,
        d.row.table.span,
        format!("this {} has no `{}`", d.table.singular(), def.name),
        help,
    )
}

fn sample(ty: FieldType) -> &'static str {
    match ty {
        FieldType::Time => "2025-03-03 09:00",
        FieldType::Offence => "8N",
        FieldType::Event => "arrest",
        FieldType::Status => "recorded",
        FieldType::Bool => "true",
        FieldType::Count => "1",
        FieldType::Id | FieldType::Text | FieldType::Code | FieldType::CodeList => "…",
    }
}

fn help_for(ty: FieldType) -> String {
    match ty {
        FieldType::Time => {
            "write a time such as `2025-03-03 09:00` (London time) or `2025-03-03T09:00:00Z`".into()
        }
        FieldType::Bool => "write `true` or `false` (or yes/no, y/n, 1/0)".into(),
        FieldType::Count => "write a whole number of 0 or more, such as `2`".into(),
        FieldType::Status => "write `recorded` or `cancelled`".into(),
        FieldType::Event => {
            let events: Vec<String> = EVENTS.iter().map(|e| e.to_ascii_lowercase()).collect();
            format!("write one of: {}", events.join(", "))
        }
        FieldType::Id
        | FieldType::Text
        | FieldType::Code
        | FieldType::Offence
        | FieldType::CodeList => "write the value as an export would".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::syntax::ast::{Clause, Item};
    use crate::lang::syntax::parse_file;

    /// The first example of the first rule in `text`, read.
    fn read_first(text: &str) -> Result<Example, Vec<String>> {
        let (file, errors) = parse_file(text);
        assert!(errors.is_empty(), "{errors:?}");
        let example = file
            .items
            .iter()
            .find_map(|i| match i {
                Item::Rule(r) => r.clauses.iter().find_map(|c| match c {
                    Clause::Example(e) => Some(e.clone()),
                    _ => None,
                }),
                _ => None,
            })
            .expect("an example");
        read(&example, false).map_err(|ps| ps.into_iter().map(|p| p.message).collect())
    }

    fn rule_with(example: &str) -> String {
        format!(
            "rule T1 t \"t\" {{\n  example \"e\" {{\n{example}\n    expect no finding\n  }}\n}}\n"
        )
    }

    #[test]
    fn ids_are_filled_in_and_linked() {
        let r = read_first(&rule_with(
            "    incident with reported_at \"2025-03-03 09:00\"\n    crime with offence_code \"8n\", recorded_at \"2025-03-03 10:00\"\n    update with event \"Arrest\", event_at \"2025-03-03 11:00\"",
        ))
        .unwrap();
        assert_eq!(&*r.incidents[0].incident_id, "I1");
        assert_eq!(&*r.crimes[0].crime_id, "C1");
        assert_eq!(r.crimes[0].incident_id.as_deref(), Some("I1"));
        assert_eq!(&*r.crimes[0].offence_code, "8N");
        assert_eq!(&*r.updates[0].crime_id, "C1");
        assert_eq!(&*r.updates[0].event, "ARREST");
        assert_eq!(r.as_of, None);
        assert_eq!(r.judged_at(), crate::lang::plan::AFTER_EVERY_DEADLINE);
    }

    #[test]
    fn links_are_filled_in_only_when_there_is_one_choice() {
        let r = read_first(&rule_with(
            "    incident with reported_at \"2025-03-03 09:00\"\n    incident with reported_at \"2025-03-03 09:00\"\n    crime with offence_code \"8N\", recorded_at \"2025-03-03 10:00\"\n    crime with incident_id \"\", offence_code \"8N\", recorded_at \"2025-03-03 10:00\"",
        ))
        .unwrap();
        assert_eq!(r.incidents[1].incident_id.as_str(), "I2");
        assert_eq!(r.crimes[0].incident_id, None);
        assert_eq!(r.crimes[1].incident_id, None);
        assert_eq!(r.crimes[1].crime_id.as_str(), "C2");
    }

    #[test]
    fn duplicate_ids_and_unreadable_values_are_problems() {
        let e = read_first(&rule_with(
            "    as of \"2025-03-04\"\n    incident with incident_id \"I2\", reported_at \"2025-03-03 09:00\", victim_count \"-1\"\n    incident with reported_at \"2025-03-03 09:00\"",
        ))
        .unwrap_err();
        assert_eq!(
            e,
            [
                "two incidents in this example have the id `I2`",
                "`victim_count` must be a whole number of 0 or more, not `-1`",
                "`as of` is not a time",
            ]
        );
    }
}
