//! Values that travel between Rust code and the database.
//!
//! Owns: the one dynamic value type ([`Value`]) and the conversions to and from Rust types.
//! Every value a query carries is bound as a parameter; none is ever spliced into SQL text.

use crate::error::Error;
use crate::Decimal;
use bigdecimal::ToPrimitive;
use chrono::{DateTime, Utc};

/// A database value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// SQL NULL.
    #[default]
    Null,
    /// `Boolean`.
    Bool(bool),
    /// `Int` (32-bit).
    Int(i32),
    /// `BigInt` (64-bit).
    BigInt(i64),
    /// `Float`.
    Float(f64),
    /// `Decimal`.
    Decimal(Decimal),
    /// `String`.
    String(String),
    /// `Bytes`.
    Bytes(Vec<u8>),
    /// `Json` (boxed: documents are rare and large, cells are many).
    Json(Box<serde_json::Value>),
    /// `DateTime`, always UTC.
    DateTime(DateTime<Utc>),
    /// An enum value, by its database name.
    Enum(String),
    /// A scalar list (PostgreSQL arrays).
    List(Vec<Value>),
    /// SQL NULL bound with the type a value of this kind is bound with. PostgreSQL fixes a
    /// statement's parameter types when it prepares it, so a NULL bound where a value goes
    /// at other times must say that value's type. The client binds its NULLs this way; in raw
    /// SQL a plain [`Value::Null`] works too (its statement is then prepared afresh each
    /// time), and `Value::NullOf(ScalarKind::BigInt)` keeps the prepared statement.
    NullOf(crate::meta::ScalarKind),
}

impl Value {
    /// True for NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null | Value::NullOf(_))
    }

    /// A short name of the value's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null | Value::NullOf(_) => "null",
            Value::Bool(_) => "Boolean",
            Value::Int(_) => "Int",
            Value::BigInt(_) => "BigInt",
            Value::Float(_) => "Float",
            Value::Decimal(_) => "Decimal",
            Value::String(_) => "String",
            Value::Bytes(_) => "Bytes",
            Value::Json(_) => "Json",
            Value::DateTime(_) => "DateTime",
            Value::Enum(_) => "enum",
            Value::List(_) => "list",
        }
    }

    /// A key usable for grouping rows by this value (relation loading).
    pub(crate) fn group_key(&self) -> Option<GroupKey> {
        Some(match self {
            Value::Null | Value::NullOf(_) => return None,
            Value::Bool(b) => GroupKey::Int(i64::from(*b)),
            Value::Int(i) => GroupKey::Int(i64::from(*i)),
            Value::BigInt(i) => GroupKey::Int(*i),
            Value::String(s) | Value::Enum(s) => GroupKey::Text(s.clone()),
            Value::Bytes(b) => GroupKey::Bytes(b.clone()),
            Value::Decimal(d) => GroupKey::Text(d.normalized().to_string()),
            Value::DateTime(d) => GroupKey::Int(d.timestamp_micros()),
            Value::Float(f) => GroupKey::Int(f.to_bits() as i64),
            Value::Json(j) => GroupKey::Text(j.to_string()),
            Value::List(_) => return None,
        })
    }
}

/// A hashable form of a key value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum GroupKey {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
}

/// Conversion of a Rust value into a [`Value`].
pub trait IntoValue {
    /// The value.
    fn into_value(self) -> Value;
}

/// Conversion of a [`Value`] read from the database into a Rust value.
pub trait FromValue: Sized {
    /// Converts, or explains why not.
    fn from_value(v: Value) -> Result<Self, String>;
}

impl IntoValue for Value {
    fn into_value(self) -> Value {
        self
    }
}

impl FromValue for Value {
    fn from_value(v: Value) -> Result<Self, String> {
        Ok(v)
    }
}

macro_rules! simple {
    ($t:ty, $variant:ident) => {
        impl IntoValue for $t {
            fn into_value(self) -> Value {
                Value::$variant(self)
            }
        }
    };
}

simple!(bool, Bool);
simple!(i32, Int);
simple!(i64, BigInt);
simple!(f64, Float);
simple!(Decimal, Decimal);
simple!(String, String);
simple!(Vec<u8>, Bytes);
simple!(DateTime<Utc>, DateTime);

impl IntoValue for serde_json::Value {
    fn into_value(self) -> Value {
        Value::Json(Box::new(self))
    }
}

impl IntoValue for &str {
    fn into_value(self) -> Value {
        Value::String(self.to_string())
    }
}

impl IntoValue for &[u8] {
    fn into_value(self) -> Value {
        Value::Bytes(self.to_vec())
    }
}

impl<T: IntoValue> IntoValue for Option<T> {
    fn into_value(self) -> Value {
        self.map_or(Value::Null, IntoValue::into_value)
    }
}

impl FromValue for bool {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Bool(b) => Ok(b),
            Value::Int(i) => Ok(i != 0),
            Value::BigInt(i) => Ok(i != 0),
            other => Err(mismatch("Boolean", &other)),
        }
    }
}

impl FromValue for i32 {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Int(i) => Ok(i),
            Value::BigInt(i) => i32::try_from(i).map_err(|_| format!("{i} does not fit in Int")),
            other => Err(mismatch("Int", &other)),
        }
    }
}

impl FromValue for i64 {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::BigInt(i) => Ok(i),
            Value::Int(i) => Ok(i64::from(i)),
            Value::Decimal(d) if d.is_integer() => d
                .to_i64()
                .ok_or_else(|| format!("{d} does not fit in BigInt")),
            other => Err(mismatch("BigInt", &other)),
        }
    }
}

impl FromValue for f64 {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Float(f) => Ok(f),
            Value::Int(i) => Ok(f64::from(i)),
            Value::BigInt(i) => Ok(i as f64),
            Value::Decimal(d) => d
                .to_string()
                .parse()
                .map_err(|e: std::num::ParseFloatError| e.to_string()),
            other => Err(mismatch("Float", &other)),
        }
    }
}

impl FromValue for Decimal {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Decimal(d) => Ok(d),
            Value::Int(i) => Ok(Decimal::from(i)),
            Value::BigInt(i) => Ok(Decimal::from(i)),
            Value::Float(f) => Decimal::try_from(f).map_err(|e| e.to_string()),
            Value::String(s) => s
                .parse()
                .map_err(|e: bigdecimal::ParseBigDecimalError| e.to_string()),
            other => Err(mismatch("Decimal", &other)),
        }
    }
}

impl FromValue for String {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::String(s) | Value::Enum(s) => Ok(s),
            other => Err(mismatch("String", &other)),
        }
    }
}

impl FromValue for Vec<u8> {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Bytes(b) => Ok(b),
            other => Err(mismatch("Bytes", &other)),
        }
    }
}

impl FromValue for serde_json::Value {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Json(j) => Ok(*j),
            Value::String(s) => serde_json::from_str(&s).map_err(|e| e.to_string()),
            other => Err(mismatch("Json", &other)),
        }
    }
}

impl FromValue for DateTime<Utc> {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::DateTime(d) => Ok(d),
            other => Err(mismatch("DateTime", &other)),
        }
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::Null | Value::NullOf(_) => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(v: Value) -> Result<Self, String> {
        match v {
            Value::List(items) => items.into_iter().map(T::from_value).collect(),
            other => Err(mismatch("list", &other)),
        }
    }
}

impl<T: IntoValue> IntoValue for Vec<T> {
    fn into_value(self) -> Value {
        Value::List(self.into_iter().map(IntoValue::into_value).collect())
    }
}

macro_rules! from_for_value {
    ($($t:ty),*) => {
        $(impl From<$t> for Value {
            fn from(v: $t) -> Value {
                v.into_value()
            }
        })*
    };
}

from_for_value!(
    bool,
    i32,
    i64,
    f64,
    Decimal,
    String,
    &str,
    Vec<u8>,
    serde_json::Value,
    DateTime<Utc>,
    Option<bool>,
    Option<i32>,
    Option<i64>,
    Option<f64>,
    Option<Decimal>,
    Option<String>,
    Option<&str>,
    Option<DateTime<Utc>>
);

fn mismatch(expected: &str, got: &Value) -> String {
    if got.is_null() {
        format!("expected {expected}, found NULL")
    } else {
        format!("expected {expected}, found {}", got.kind_name())
    }
}

/// Converts a column value, naming the model and field when it fails.
pub fn decode<T: FromValue>(
    v: Value,
    model: &'static str,
    field: &'static str,
) -> Result<T, Error> {
    T::from_value(v).map_err(|message| Error::Decode {
        model,
        field,
        message,
    })
}
