//! The join strategy's JSON, read straight into [`Record`]s.
//!
//! Each include arrives as JSON text: a list relation as an array of elements, a to-one
//! relation as one element or `null`, an element as `[column..., count..., include...]`. The
//! columns' kinds are known from the query, so the text is deserialized in one pass with serde
//! seeds: no intermediate `serde_json::Value` tree. Nested JSON that a database sent as a
//! string (MySQL/MariaDB do not keep JSON-ness through subqueries) is parsed where it is met.

use super::{Record, RelationData};
use crate::error::{Error, Result};
use crate::exec::{coerce_field, decode_hex, decode_json_column, parse_datetime};
use crate::meta::{FieldMeta, ModelMeta, ScalarKind};
use crate::query::{FindArgs, Include};
use crate::value::Value;
use serde::de::{DeserializeSeed, Deserializer, Error as _, SeqAccess, Visitor};
use std::cell::RefCell;
use std::fmt;

/// Reads the include `inc` of a `parent` row from its JSON text.
pub(super) fn relation(
    parent: &'static ModelMeta,
    inc: &Include,
    json: &str,
) -> Result<RelationData> {
    let failure = RefCell::new(None);
    let seed = Relation {
        parent,
        inc,
        failure: &failure,
    };
    let mut de = serde_json::Deserializer::from_str(json);
    let parsed = seed.deserialize(&mut de).and_then(|r| de.end().map(|()| r));
    parsed.map_err(|e| {
        failure.take().unwrap_or_else(|| Error::Decode {
            model: parent.relation(inc.relation).related.name,
            field: "(include)",
            message: e.to_string(),
        })
    })
}

/// The first typed error met, kept so that it reaches the caller naming its model and field
/// rather than as serde's message.
type Failure<'a> = &'a RefCell<Option<Error>>;

#[derive(Clone, Copy)]
struct Relation<'a> {
    parent: &'static ModelMeta,
    inc: &'a Include,
    failure: Failure<'a>,
}

impl<'de> DeserializeSeed<'de> for Relation<'_> {
    type Value = RelationData;
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<RelationData, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Relation<'_> {
    type Value = RelationData;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of related rows, or null")
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<RelationData, E> {
        Ok(if self.parent.relation(self.inc.relation).many {
            RelationData::Many(Vec::new())
        } else {
            RelationData::One(None)
        })
    }

    fn visit_none<E: serde::de::Error>(self) -> std::result::Result<RelationData, E> {
        self.visit_unit()
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<RelationData, E> {
        reparse(self, s)
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<RelationData, A::Error> {
        let rel = self.parent.relation(self.inc.relation);
        let element = Element {
            model: rel.related,
            args: &self.inc.args,
            failure: self.failure,
        };
        if rel.many {
            let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(r) = seq.next_element_seed(element)? {
                records.push(r);
            }
            Ok(RelationData::Many(super::finish_related(
                records,
                &self.inc.args,
            )))
        } else {
            Ok(RelationData::One(Some(Box::new(element.visit_seq(seq)?))))
        }
    }
}

/// One related row: `[column..., count..., include...]`.
#[derive(Clone, Copy)]
struct Element<'a> {
    model: &'static ModelMeta,
    args: &'a FindArgs,
    failure: Failure<'a>,
}

impl<'de> DeserializeSeed<'de> for Element<'_> {
    type Value = Record;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Record, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Element<'_> {
    type Value = Record;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a {} row as a JSON array", self.model.name)
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<Record, E> {
        reparse(self, s)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Record, A::Error> {
        let m = self.model;
        let short = || A::Error::custom(format!("a {} row has too few columns", m.name));
        let mut values =
            Vec::with_capacity(self.args.columns.as_ref().map_or(m.fields.len(), Vec::len));
        let mut column = |field: &'static FieldMeta| -> std::result::Result<(), A::Error> {
            let seed = Cell {
                model: m,
                field,
                failure: self.failure,
            };
            values.push(seq.next_element_seed(seed)?.ok_or_else(short)?);
            Ok(())
        };
        match &self.args.columns {
            Some(cols) => cols.iter().try_for_each(|&c| column(&m.fields[c]))?,
            None => m.fields.iter().try_for_each(column)?,
        }
        let mut counts = Vec::with_capacity(self.args.counts.len());
        for _ in &self.args.counts {
            counts.push(seq.next_element::<i64>()?.ok_or_else(short)?);
        }
        let mut record = Record {
            values,
            relations: Vec::new(),
            counts,
            pg_row: None,
        };
        for inc in &self.args.includes {
            let seed = Relation {
                parent: m,
                inc,
                failure: self.failure,
            };
            let data = seq.next_element_seed(seed)?.ok_or_else(short)?;
            record.set_relation(inc.relation, data);
        }
        if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
            return Err(A::Error::custom(format!(
                "a {} row has more columns than asked for",
                m.name
            )));
        }
        Ok(record)
    }
}

/// JSON that travelled as a JSON string: parse it with the same seed.
fn reparse<'a, S, E>(seed: S, s: &'a str) -> std::result::Result<S::Value, E>
where
    S: DeserializeSeed<'a>,
    E: serde::de::Error,
{
    let mut de = serde_json::Deserializer::from_str(s);
    seed.deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(E::custom)
}

/// One column of a related row, decoded for its field.
#[derive(Clone, Copy)]
struct Cell<'a> {
    model: &'static ModelMeta,
    field: &'static FieldMeta,
    failure: Failure<'a>,
}

impl Cell<'_> {
    /// Records the typed error and hands serde a message to unwind with.
    fn fail<E: serde::de::Error>(self, message: String) -> E {
        let e = E::custom(&message);
        self.failure.borrow_mut().get_or_insert(Error::Decode {
            model: self.model.name,
            field: self.field.name,
            message,
        });
        e
    }

    fn coerce<E: serde::de::Error>(self, v: Value) -> std::result::Result<Value, E> {
        coerce_field(v, self.field).map_err(|m| self.fail(m))
    }
}

impl<'de> DeserializeSeed<'de> for Cell<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        if self.field.list || self.field.kind == ScalarKind::Json {
            // Rare shapes (arrays, documents): through a JSON value.
            let j = <serde_json::Value as serde::Deserialize>::deserialize(d)?;
            return decode_json_column(j, self.field).map_err(|m| self.fail(m));
        }
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Cell<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a value for {}.{}", self.model.name, self.field.name)
    }

    fn visit_unit<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: serde::de::Error>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> std::result::Result<Value, E> {
        self.coerce(Value::Bool(b))
    }

    fn visit_i64<E: serde::de::Error>(self, i: i64) -> std::result::Result<Value, E> {
        match self.field.kind {
            ScalarKind::Int => i32::try_from(i)
                .map(Value::Int)
                .map_err(|_| self.fail(format!("{i} does not fit in Int"))),
            ScalarKind::BigInt => Ok(Value::BigInt(i)),
            _ => self.coerce(Value::BigInt(i)),
        }
    }

    fn visit_u64<E: serde::de::Error>(self, u: u64) -> std::result::Result<Value, E> {
        match i64::try_from(u) {
            Ok(i) => self.visit_i64(i),
            Err(_) => self.coerce(Value::Decimal(u.into())),
        }
    }

    fn visit_f64<E: serde::de::Error>(self, f: f64) -> std::result::Result<Value, E> {
        match self.field.kind {
            ScalarKind::Float => Ok(Value::Float(f)),
            _ => self.coerce(Value::Float(f)),
        }
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<Value, E> {
        match self.field.kind {
            ScalarKind::String => Ok(Value::String(s.to_owned())),
            ScalarKind::DateTime => parse_datetime(s)
                .map(Value::DateTime)
                .map_err(|m| self.fail(m)),
            ScalarKind::Bytes => decode_hex(s).map(Value::Bytes).map_err(|m| self.fail(m)),
            _ => self.coerce(Value::String(s.to_owned())),
        }
    }
}
