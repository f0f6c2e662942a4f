//! JSON Lines rows, one physical line at a time. Each object is decoded
//! straight into one reused slot per canonical field: keys the table does
//! not know are skipped without being stored.

use super::columns::Names;
use super::row::{BadRow, Cells, Field, RawRow, Row};
use super::tap::Tap;
use crate::data::records::Line;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt::{self, Write as _};
use std::io::{self, BufRead, BufReader, Read};

pub(crate) struct JsonlRows<R> {
    reader: BufReader<Tap<R>>,
    names: Names,
    buf: Vec<u8>,
    line: Line,
    slots: Vec<Slot>,
    /// The longest line kept, in bytes: a longer one is read past.
    limit: usize,
}

impl<R: Read> JsonlRows<R> {
    pub(crate) fn new(inner: R, names: Names) -> JsonlRows<R> {
        let mut slots = Vec::new();
        slots.resize_with(names.table.fields().len(), Slot::default);
        JsonlRows {
            reader: BufReader::new(Tap::new(inner)),
            names,
            buf: Vec::new(),
            line: 0,
            slots,
            limit: usize::MAX,
        }
    }

    /// Lines longer than `limit` bytes are rejected and read past, never
    /// held whole.
    pub(crate) fn with_limit(mut self, limit: usize) -> JsonlRows<R> {
        self.limit = limit;
        self
    }

    /// The next non-blank line, `Ok(None)` at the end of the file.
    pub(crate) fn next_row(&mut self) -> io::Result<Option<RawRow<'_>>> {
        loop {
            self.buf.clear();
            // At most the limit and one byte: a line that is longer has
            // not ended by then.
            let most = u64::try_from(self.limit)
                .unwrap_or(u64::MAX)
                .saturating_add(1);
            if (&mut self.reader)
                .take(most)
                .read_until(b'\n', &mut self.buf)?
                == 0
            {
                return Ok(None);
            }
            self.line += 1;
            if self.buf.len() > self.limit && !self.buf.ends_with(b"\n") {
                self.skip_line()?;
                let (line, reason) = (self.line, super::csv_rows::too_long(self.limit));
                if self.buf.capacity() > 1 << 20 {
                    self.buf = Vec::new();
                }
                return Ok(Some(Err(BadRow { line, reason })));
            }
            let mut bytes = self.buf.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            }
            // Also drops the `\r` of CRLF.
            let bytes = bytes.trim_ascii();
            if bytes.is_empty() {
                continue;
            }
            let line = self.line;
            let bad = |reason: String| Ok(Some(Err(BadRow { line, reason })));
            if self.line > 1 && bytes.starts_with(super::csv_rows::BOM) {
                return bad(super::csv_rows::BOM_REASON.into());
            }
            let Ok(text) = std::str::from_utf8(bytes) else {
                return bad("line is not valid UTF-8".into());
            };
            self.slots.iter_mut().for_each(Slot::clear);
            let seed = ObjectSeed {
                names: &self.names,
                slots: &mut self.slots,
            };
            let mut de = serde_json::Deserializer::from_str(text);
            let shape = seed.deserialize(&mut de).and_then(|s| de.end().map(|()| s));
            return match shape {
                Err(e) => bad(format!("invalid JSON: {}", describe(&e))),
                Ok(Shape::NotObject(found)) => {
                    bad(format!("line is not a JSON object (found {found})"))
                }
                Ok(Shape::Object {
                    duplicate: Some(field),
                }) => bad(format!("duplicate key `{}`", self.names.column_name(field))),
                Ok(Shape::Object { duplicate: None }) => Ok(Some(Ok(Row {
                    line,
                    cells: Cells::Json(&self.slots),
                    profile: self.names.profile.as_deref(),
                }))),
            };
        }
    }

    /// Reads past the rest of the current line, keeping none of it.
    fn skip_line(&mut self) -> io::Result<()> {
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                return Ok(());
            }
            if let Some(end) = memchr::memchr(b'\n', available) {
                self.reader.consume(end + 1);
                return Ok(());
            }
            let n = available.len();
            self.reader.consume(n);
        }
    }

    pub(crate) fn into_tap(self) -> Tap<R> {
        self.reader.into_inner()
    }

    pub(crate) fn tap_mut(&mut self) -> &mut Tap<R> {
        self.reader.get_mut()
    }
}

/// serde_json's syntax messages name the problem, never the data; its
/// "line 1" is meaningless for a single line, so only the column is kept.
/// Other categories could quote the value, so they are not passed on.
fn describe(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Syntax | Category::Eof => {
            let message = e.to_string();
            let message = message
                .rfind(" at line ")
                .map_or(message.as_str(), |at| &message[..at]);
            format!("{message} at column {}", e.column())
        }
        Category::Io | Category::Data => format!("unreadable value at column {}", e.column()),
    }
}

/// One canonical field of the current line, reused from line to line.
#[derive(Default)]
pub(crate) struct Slot {
    kind: Kind,
    text: String,
    list: Vec<String>,
    /// The key appeared in this line (even as `null`).
    seen: bool,
}

#[derive(Clone, Copy, Default)]
enum Kind {
    /// Absent or `null`.
    #[default]
    Empty,
    Text,
    Bool(bool),
    List,
    Other(&'static str),
}

impl Slot {
    fn clear(&mut self) {
        self.kind = Kind::Empty;
        self.text.clear();
        self.list.clear();
        self.seen = false;
    }

    pub(crate) fn field(&self) -> Field<'_> {
        match self.kind {
            Kind::Empty => Field::Empty,
            Kind::Text => Field::Text(&self.text),
            Kind::Bool(b) => Field::Bool(b),
            Kind::List => Field::List(&self.list),
            Kind::Other(what) => Field::Other(what),
        }
    }
}

enum Shape {
    Object { duplicate: Option<usize> },
    NotObject(&'static str),
}

/// The whole line: an object whose known keys fill the slots.
struct ObjectSeed<'s> {
    names: &'s Names,
    slots: &'s mut [Slot],
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = Shape;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Shape, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut duplicate = None;
        while let Some(key) = map.next_key_seed(KeySeed(self.names))? {
            match key.and_then(|field| Some((field, self.slots.get_mut(field)?))) {
                Some((field, slot)) => {
                    if slot.seen {
                        duplicate.get_or_insert(field);
                        slot.clear();
                    }
                    slot.seen = true;
                    map.next_value_seed(ValueSeed(slot))?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Shape::Object { duplicate })
    }

    // Anything else is valid JSON but not an object.
    fn visit_bool<E>(self, _: bool) -> Result<Shape, E> {
        Ok(Shape::NotObject("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Shape, E> {
        Ok(Shape::NotObject("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Shape, E> {
        Ok(Shape::NotObject("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Shape, E> {
        Ok(Shape::NotObject("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Shape, E> {
        Ok(Shape::NotObject("a string"))
    }
    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape::NotObject("null"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Shape, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(Shape::NotObject("an array"))
    }
}

/// A key, resolved to a canonical field without being copied.
struct KeySeed<'n>(&'n Names);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(self.0.field_of(key))
    }
}

/// A known key's value, copied into its slot.
struct ValueSeed<'s>(&'s mut Slot);

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.0.text.push_str(v);
        self.0.kind = Kind::Text;
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        number_text(&mut self.0.text, v);
        self.0.kind = Kind::Text;
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        number_text(&mut self.0.text, v);
        self.0.kind = Kind::Text;
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.0.kind = match serde_json::Number::from_f64(v) {
            Some(n) => {
                number_text(&mut self.0.text, n);
                Kind::Text
            }
            None => Kind::Other("a JSON number"),
        };
        Ok(())
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.0.kind = Kind::Bool(v);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.kind = Kind::Empty;
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut ok = true;
        while let Some(item) = seq.next_element_seed(ItemSeed(&mut self.0.list))? {
            ok &= item;
        }
        self.0.kind = if ok {
            Kind::List
        } else {
            Kind::Other("a JSON array with items that are not strings")
        };
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        IgnoredAny.visit_map(map)?;
        self.0.kind = Kind::Other("a JSON object");
        Ok(())
    }
}

/// Numbers are read by their text (ids and counts are often numbers).
fn number_text(text: &mut String, n: impl fmt::Display) {
    // Writing to a String cannot fail.
    let _ = write!(text, "{n}");
}

/// One item of an array: a string or a number is kept, `null` is skipped;
/// anything else makes the array unreadable (`false`).
struct ItemSeed<'s>(&'s mut Vec<String>);

impl<'de> DeserializeSeed<'de> for ItemSeed<'_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E>(self, v: &str) -> Result<bool, E> {
        self.0.push(v.to_owned());
        Ok(true)
    }
    fn visit_i64<E>(self, v: i64) -> Result<bool, E> {
        self.0.push(v.to_string());
        Ok(true)
    }
    fn visit_u64<E>(self, v: u64) -> Result<bool, E> {
        self.0.push(v.to_string());
        Ok(true)
    }
    fn visit_f64<E>(self, v: f64) -> Result<bool, E> {
        Ok(match serde_json::Number::from_f64(v) {
            Some(n) => {
                self.0.push(n.to_string());
                true
            }
            None => false,
        })
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(true)
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        IgnoredAny.visit_seq(seq)?;
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        IgnoredAny.visit_map(map)?;
        Ok(false)
    }
}
