//! Force profiles (`hocr check --profile FILE`, `docs/profiles.md`): how one
//! force's export differs from the canonical schema of `records.rs`, in
//! column names, value vocabularies, list separators and timestamp formats.
//!
//! A profile is JSON. It is checked whole when it is loaded, every problem
//! reported at once, so a run with a bad profile reads nothing (exit 2).
//! Once loaded it is only consulted through [`TableProfile`]: by the column
//! map (names), and by the typed conversion (values, lists, timestamps).

use crate::data::records::{EVENTS, FieldType, STATUSES, Table, normalize_code};
use crate::data::time::LocalFormat;
use crate::util::suggest::did_you_mean;
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::path::Path;
use std::sync::Arc;

/// How the tables of an export are named and written. The default reads
/// the canonical schema (SPEC §2) unchanged.
#[derive(Clone, Debug)]
pub struct Profile {
    tables: [Mapping; 3],
}

#[derive(Clone, Debug)]
pub(crate) enum Mapping {
    /// No profile: canonical names and forms.
    Canonical,
    Mapped(Arc<TableProfile>),
    /// The profile has no section for this table.
    Absent {
        profile: Box<str>,
    },
}

impl Default for Profile {
    fn default() -> Self {
        Profile::canonical()
    }
}

/// Why a profile cannot be used. Displayed with the profile's path first.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("profile {path}: cannot read: {cause}")]
    Unreadable { path: String, cause: String },
    /// Not JSON, or JSON of the wrong shape (e.g. an unknown key).
    #[error("profile {path}:{line}:{column}: {message}")]
    Json {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// Well-formed, but wrong in what it says; every problem found.
    #[error("profile {path}: {}", listed(problems))]
    Invalid { path: String, problems: Vec<String> },
}

fn listed(problems: &[String]) -> String {
    match problems {
        [one] => one.clone(),
        many => {
            let mut text = format!("{} problems:", many.len());
            for p in many {
                text.push_str("\n  ");
                text.push_str(p);
            }
            text
        }
    }
}

impl Profile {
    /// The canonical schema, read without any mapping.
    pub fn canonical() -> Profile {
        Profile {
            tables: [Mapping::Canonical, Mapping::Canonical, Mapping::Canonical],
        }
    }

    /// Reads and checks a profile file.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ProfileError::Unreadable {
            path: name.clone(),
            cause: super::io_cause(&e),
        })?;
        Profile::from_json(&name, &text)
    }

    /// Checks a profile's text; `name` is how messages refer to it.
    pub fn from_json(name: &str, text: &str) -> Result<Profile, ProfileError> {
        let raw: RawProfile = serde_json::from_str(text).map_err(|e| {
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.as_str(), |at| &message[..at]);
            ProfileError::Json {
                path: name.into(),
                line: e.line(),
                column: e.column(),
                message: message.into(),
            }
        })?;
        compile(name, raw).map_err(|problems| ProfileError::Invalid {
            path: name.into(),
            problems,
        })
    }

    pub(crate) fn table(&self, table: Table) -> &Mapping {
        &self.tables[table as usize]
    }
}

/// One table's mapping, resolved to canonical field indexes.
#[derive(Debug)]
pub(crate) struct TableProfile {
    /// The profile's path, for messages.
    pub(crate) profile: Box<str>,
    /// The export's column name for each canonical field; `None`: not read.
    columns: Vec<Option<Box<str>>>,
    by_name: HashMap<Box<str>, usize>,
    /// Export value (normalised like a code) to canonical text, per field.
    values: Vec<HashMap<Box<str>, Box<str>>>,
    separators: Vec<Option<Box<str>>>,
    formats: Vec<Option<Arc<[LocalFormat]>>>,
}

impl TableProfile {
    /// The canonical field an export column or key carries, if any.
    pub(crate) fn field_of(&self, name: &str) -> Option<usize> {
        self.by_name.get(name.trim()).copied()
    }

    /// `(field, column)` for every field the profile maps.
    pub(crate) fn columns(&self) -> impl Iterator<Item = (usize, &str)> {
        self.columns
            .iter()
            .enumerate()
            .filter_map(|(f, c)| Some((f, c.as_deref()?)))
    }

    /// The canonical text for an export value (already trimmed); values the
    /// vocabulary does not list are read as written.
    pub(crate) fn translate<'s>(&'s self, field: usize, value: &'s str) -> &'s str {
        match self.values.get(field) {
            Some(vocabulary) if !vocabulary.is_empty() => {
                vocabulary.get(&*normalize_code(value)).map_or(value, |v| v)
            }
            _ => value,
        }
    }

    /// What separates the items of a list field (canonical: `;`).
    pub(crate) fn separator(&self, field: usize) -> &str {
        self.separators
            .get(field)
            .and_then(|s| s.as_deref())
            .unwrap_or(";")
    }

    /// The profile's timestamp formats for a field; `None`: the SPEC §2 forms.
    pub(crate) fn formats(&self, field: usize) -> Option<&[LocalFormat]> {
        self.formats.get(field).and_then(|f| f.as_deref())
    }
}

// ---------------------------------------------------------------------------
// The JSON shape (docs/profiles.md).

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    timestamp_formats: Option<Vec<String>>,
    #[serde(default)]
    booleans: Option<Pairs<bool>>,
    #[serde(default)]
    incidents: Option<RawTable>,
    #[serde(default)]
    crimes: Option<RawTable>,
    #[serde(default)]
    updates: Option<RawTable>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    columns: Pairs<String>,
    #[serde(default)]
    values: Pairs<Pairs<String>>,
    #[serde(default)]
    separators: Pairs<String>,
    #[serde(default)]
    timestamp_formats: Pairs<Vec<String>>,
}

/// A JSON object in the order written, repeated keys kept so that they can
/// be reported (a map type would silently keep the last).
struct Pairs<T>(Vec<(String, T)>);

impl<T> Default for Pairs<T> {
    fn default() -> Self {
        Pairs(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Pairs<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PairsVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for PairsVisitor<T> {
            type Value = Pairs<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Pairs<T>, A::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(Pairs(pairs))
            }
        }
        d.deserialize_map(PairsVisitor(PhantomData))
    }
}

// ---------------------------------------------------------------------------
// Checking.

fn compile(name: &str, raw: RawProfile) -> Result<Profile, Vec<String>> {
    let mut problems = Vec::new();
    let default_formats = raw
        .timestamp_formats
        .as_deref()
        .and_then(|f| checked_formats("timestamp_formats", f, &mut problems));
    let mut booleans = Vec::new();
    if let Some(pairs) = &raw.booleans {
        let mut seen = HashMap::new();
        for (value, b) in &pairs.0 {
            if let Some(key) = vocabulary_key("booleans", value, &mut seen, &mut problems) {
                booleans.push((key, Box::from(if *b { "true" } else { "false" })));
            }
        }
    }
    let defaults = Defaults {
        formats: default_formats,
        booleans,
    };
    let mut sections = [raw.incidents, raw.crimes, raw.updates];
    let tables = Table::ALL.map(|table| match sections[table as usize].take() {
        Some(section) => Mapping::Mapped(Arc::new(compile_table(
            name,
            table,
            section,
            &defaults,
            &mut problems,
        ))),
        None => {
            if table != Table::Updates {
                problems.push(format!(
                    "no `{}` table: a profile maps incidents and crimes (and updates, if the export has them)",
                    table.name()
                ));
            }
            Mapping::Absent {
                profile: name.into(),
            }
        }
    });
    if problems.is_empty() {
        Ok(Profile { tables })
    } else {
        Err(problems)
    }
}

struct Defaults {
    formats: Option<Arc<[LocalFormat]>>,
    booleans: Vec<(Box<str>, Box<str>)>,
}

fn compile_table(
    name: &str,
    table: Table,
    raw: RawTable,
    defaults: &Defaults,
    problems: &mut Vec<String>,
) -> TableProfile {
    let fields = table.fields();
    let t = table.name();
    let n = fields.len();

    let (columns, by_name) = column_map(table, &raw.columns, problems);
    // Fields named but in error have been reported already.
    let named = |field: usize| raw.columns.0.iter().any(|(k, _)| k == fields[field].name);
    for (field, def) in fields.iter().enumerate() {
        if def.required && !named(field) {
            problems.push(format!(
                "{t}.columns: required field `{}` is not mapped to a column",
                def.name
            ));
        }
    }
    // A setting for a field the profile does not read is a mistake.
    let read = |field: usize, at: &str, problems: &mut Vec<String>| {
        if !named(field) {
            problems.push(format!(
                "{at}: `{}` has no column in `{t}.columns`",
                fields[field].name
            ));
        }
        columns[field].is_some()
    };

    let values = vocabularies(table, &raw.values, defaults, &columns, &read, problems);

    let mut separators: Vec<Option<Box<str>>> = vec![None; n];
    let at = format!("{t}.separators");
    for (field, separator, at) in settings(table, &at, &raw.separators, problems) {
        if !read(field, &at, problems) {
            continue;
        }
        if fields[field].ty != FieldType::CodeList {
            problems.push(format!("{at}: `{}` is not a list", fields[field].name));
        } else if separator.is_empty() {
            problems.push(format!("{at}: empty separator"));
        } else {
            separators[field] = Some(separator.as_str().into());
        }
    }

    let mut formats: Vec<Option<Arc<[LocalFormat]>>> = vec![None; n];
    let mut own = vec![false; n];
    let at = format!("{t}.timestamp_formats");
    for (field, list, at) in settings(table, &at, &raw.timestamp_formats, problems) {
        own[field] = true;
        if !read(field, &at, problems) {
            continue;
        }
        if fields[field].ty != FieldType::Time {
            problems.push(format!("{at}: `{}` is not a timestamp", fields[field].name));
        } else {
            formats[field] = checked_formats(&at, list, problems);
        }
    }
    for (field, def) in fields.iter().enumerate() {
        if def.ty == FieldType::Time && !own[field] && columns[field].is_some() {
            formats[field] = defaults.formats.clone();
        }
    }

    TableProfile {
        profile: name.into(),
        columns,
        by_name,
        values,
        separators,
        formats,
    }
}

/// Each field's vocabulary (`TABLE.values`, raw text to canonical): the
/// profile's booleans for every yes/no field read, then the values given
/// for each field. `read` says whether a setting's field is read (and
/// reports it if not).
fn vocabularies(
    table: Table,
    raw: &Pairs<Pairs<String>>,
    defaults: &Defaults,
    columns: &[Option<Box<str>>],
    read: &impl Fn(usize, &str, &mut Vec<String>) -> bool,
    problems: &mut Vec<String>,
) -> Vec<HashMap<Box<str>, Box<str>>> {
    let fields = table.fields();
    let mut values: Vec<HashMap<Box<str>, Box<str>>> = vec![HashMap::new(); fields.len()];
    for (field, def) in fields.iter().enumerate() {
        if def.ty == FieldType::Bool && columns[field].is_some() {
            values[field].extend(defaults.booleans.iter().cloned());
        }
    }
    let at = format!("{}.values", table.name());
    for (field, vocabulary, at) in settings(table, &at, raw, problems) {
        if !read(field, &at, problems) {
            continue;
        }
        let (ty, field_name) = (fields[field].ty, fields[field].name);
        if let Some(kind) = takes_no_values(ty) {
            problems.push(format!(
                "{at}: `{field_name}` is {kind}; values can be given only for codes, lists, `status`, `event` and yes/no fields"
            ));
            continue;
        }
        let mut seen = HashMap::new();
        for (value, canonical) in &vocabulary.0 {
            let Some(key) = vocabulary_key(&at, value, &mut seen, problems) else {
                continue;
            };
            match canonical_value(ty, canonical) {
                Ok(()) => {
                    values[field].insert(key, canonical.trim().into());
                }
                Err(expected) => problems.push(format!(
                    "{at}: `{value}` maps to `{canonical}`, which is not {expected}"
                )),
            }
        }
    }
    values
}

/// Each field's column by field index, and each column's field by name.
type ColumnMap = (Vec<Option<Box<str>>>, HashMap<Box<str>, usize>);

/// Each field's column, and the field each column holds: no column empty
/// or named for two fields.
fn column_map(table: Table, raw: &Pairs<String>, problems: &mut Vec<String>) -> ColumnMap {
    let fields = table.fields();
    let t = table.name();
    let n = fields.len();
    let mut columns: Vec<Option<Box<str>>> = vec![None; n];
    let mut by_name: HashMap<Box<str>, usize> = HashMap::new();
    let at = format!("{t}.columns");
    for (field, column, at) in settings(table, &at, raw, problems) {
        let column = column.trim();
        if column.is_empty() {
            problems.push(format!("{at}: empty column name"));
        } else if let Some(&other) = by_name.get(column) {
            problems.push(format!(
                "{t}.columns: `{}` and `{}` both name column `{column}`",
                fields[other].name, fields[field].name
            ));
        } else {
            columns[field] = Some(column.into());
            by_name.insert(column.into(), field);
        }
    }
    (columns, by_name)
}

/// The entries of one per-field section (`columns`, `values`, ...) that
/// name a known field once: `(field, setting, where)`. Unknown and
/// repeated fields are reported.
fn settings<'r, T>(
    table: Table,
    at: &str,
    section: &'r Pairs<T>,
    problems: &mut Vec<String>,
) -> Vec<(usize, &'r T, String)> {
    let mut seen = vec![false; table.fields().len()];
    let mut out = Vec::new();
    for (field_name, setting) in &section.0 {
        let Some(field) = known_field(table, at, field_name, problems) else {
            continue;
        };
        if std::mem::replace(&mut seen[field], true) {
            problems.push(format!("{at}: `{field_name}` is given more than once"));
            continue;
        }
        out.push((field, setting, format!("{at}.{field_name}")));
    }
    out
}

/// The field a profile names, or a problem with a suggestion.
fn known_field(table: Table, at: &str, name: &str, problems: &mut Vec<String>) -> Option<usize> {
    if let Some(field) = table.field_index(name) {
        return Some(field);
    }
    let names = table.fields().iter().map(|f| f.name);
    let hint = match did_you_mean(name, names) {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => format!(
            " (the {} fields are {})",
            table.singular(),
            table
                .fields()
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    problems.push(format!("{at}: unknown canonical field `{name}`{hint}"));
    None
}

/// An export value as a vocabulary key: compared like codes, so two keys
/// that differ only in case or surrounding space are the same key.
fn vocabulary_key(
    at: &str,
    value: &str,
    seen: &mut HashMap<Box<str>, String>,
    problems: &mut Vec<String>,
) -> Option<Box<str>> {
    let key = normalize_code(value);
    if key.is_empty() {
        problems.push(format!(
            "{at}: an empty value cannot be mapped (empty always reads as empty)"
        ));
        return None;
    }
    if let Some(first) = seen.get(&key) {
        problems.push(format!(
            "{at}: `{first}` and `{value}` are the same value (values compare ignoring case)"
        ));
        return None;
    }
    seen.insert(key.clone(), value.into());
    Some(key)
}

fn takes_no_values(ty: FieldType) -> Option<&'static str> {
    match ty {
        FieldType::Id => Some("an id"),
        FieldType::Text => Some("free text"),
        FieldType::Time => Some("a timestamp"),
        FieldType::Count => Some("a count"),
        FieldType::Code
        | FieldType::Offence
        | FieldType::Status
        | FieldType::Event
        | FieldType::Bool
        | FieldType::CodeList => None,
    }
}

/// Whether a vocabulary's target is a value the canonical field accepts;
/// `Err` says what was expected.
fn canonical_value(ty: FieldType, value: &str) -> Result<(), String> {
    let code = normalize_code(value);
    let one_of = |allowed: &[&str]| {
        if allowed.contains(&&*code) {
            Ok(())
        } else {
            let allowed: Vec<String> = allowed.iter().map(|a| a.to_ascii_lowercase()).collect();
            Err(format!("one of {}", allowed.join(", ")))
        }
    };
    match ty {
        FieldType::Status => one_of(STATUSES),
        FieldType::Event => one_of(EVENTS),
        FieldType::Bool => one_of(&["TRUE", "FALSE", "YES", "NO", "Y", "N", "1", "0"]),
        _ if code.is_empty() => Err("a code".into()),
        _ => Ok(()),
    }
}

/// A non-empty list of valid formats, or problems.
fn checked_formats(
    at: &str,
    list: &[String],
    problems: &mut Vec<String>,
) -> Option<Arc<[LocalFormat]>> {
    if list.is_empty() {
        problems.push(format!(
            "{at}: empty list (leave it out to read the canonical forms)"
        ));
        return None;
    }
    let mut ok = Vec::new();
    for text in list {
        match LocalFormat::new(text) {
            Ok(f) => ok.push(f),
            Err(e) => problems.push(format!("{at}: {e}")),
        }
    }
    (ok.len() == list.len()).then(|| ok.into())
}
