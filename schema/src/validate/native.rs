//! Native database types (`@db.X(...)`) per provider.

use crate::ir::{Provider, ScalarType};

/// One native type a provider offers.
pub(crate) struct NativeTypeSpec {
    pub(crate) name: &'static str,
    /// Scalar types it can be used with.
    pub(crate) scalars: &'static [ScalarType],
    /// Number of required and optional numeric arguments.
    pub(crate) required_args: usize,
    pub(crate) optional_args: usize,
}

use ScalarType::*;

const fn t(
    name: &'static str,
    scalars: &'static [ScalarType],
    required_args: usize,
    optional_args: usize,
) -> NativeTypeSpec {
    NativeTypeSpec {
        name,
        scalars,
        required_args,
        optional_args,
    }
}

const POSTGRES: &[NativeTypeSpec] = &[
    t("Text", &[String], 0, 0),
    t("Char", &[String], 0, 1),
    t("VarChar", &[String], 0, 1),
    t("Bit", &[String], 0, 1),
    t("VarBit", &[String], 0, 1),
    t("Uuid", &[String], 0, 0),
    t("Xml", &[String], 0, 0),
    t("Inet", &[String], 0, 0),
    t("Citext", &[String], 0, 0),
    t("Boolean", &[Boolean], 0, 0),
    t("Integer", &[Int], 0, 0),
    t("SmallInt", &[Int], 0, 0),
    t("Oid", &[Int], 0, 0),
    t("BigInt", &[BigInt], 0, 0),
    t("Real", &[Float], 0, 0),
    t("DoublePrecision", &[Float], 0, 0),
    t("Decimal", &[Decimal], 0, 2),
    t("Money", &[Decimal], 0, 0),
    t("Timestamp", &[DateTime], 0, 1),
    t("Timestamptz", &[DateTime], 0, 1),
    t("Date", &[DateTime], 0, 0),
    t("Time", &[DateTime], 0, 1),
    t("Timetz", &[DateTime], 0, 1),
    t("Json", &[Json], 0, 0),
    t("JsonB", &[Json], 0, 0),
    t("ByteA", &[Bytes], 0, 0),
];

const MYSQL: &[NativeTypeSpec] = &[
    t("VarChar", &[String], 1, 0),
    t("Text", &[String], 0, 0),
    t("Char", &[String], 1, 0),
    t("TinyText", &[String], 0, 0),
    t("MediumText", &[String], 0, 0),
    t("LongText", &[String], 0, 0),
    t("Bit", &[Boolean, Bytes], 1, 0),
    t("Binary", &[Bytes], 1, 0),
    t("VarBinary", &[Bytes], 1, 0),
    t("TinyBlob", &[Bytes], 0, 0),
    t("Blob", &[Bytes], 0, 0),
    t("MediumBlob", &[Bytes], 0, 0),
    t("LongBlob", &[Bytes], 0, 0),
    t("Int", &[Int], 0, 0),
    t("UnsignedInt", &[Int], 0, 0),
    t("SmallInt", &[Int], 0, 0),
    t("UnsignedSmallInt", &[Int], 0, 0),
    t("TinyInt", &[Boolean, Int], 0, 0),
    t("UnsignedTinyInt", &[Boolean, Int], 0, 0),
    t("MediumInt", &[Int], 0, 0),
    t("UnsignedMediumInt", &[Int], 0, 0),
    t("BigInt", &[BigInt], 0, 0),
    t("UnsignedBigInt", &[BigInt], 0, 0),
    t("Year", &[Int], 0, 0),
    t("Decimal", &[Decimal], 0, 2),
    t("Float", &[Float], 0, 0),
    t("Double", &[Float], 0, 0),
    t("DateTime", &[DateTime], 0, 1),
    t("Timestamp", &[DateTime], 0, 1),
    t("Time", &[DateTime], 0, 1),
    t("Date", &[DateTime], 0, 0),
    t("Json", &[Json], 0, 0),
];

/// The native types of a provider (SQLite has none).
pub(crate) fn native_types(provider: Provider) -> &'static [NativeTypeSpec] {
    match provider {
        Provider::Postgres => POSTGRES,
        Provider::Mysql => MYSQL,
        Provider::Sqlite => &[],
    }
}

/// Native types MySQL cannot index or make unique without a prefix `length`.
pub(crate) fn mysql_needs_index_length(name: &str) -> bool {
    matches!(
        name,
        "Text"
            | "TinyText"
            | "MediumText"
            | "LongText"
            | "Blob"
            | "TinyBlob"
            | "MediumBlob"
            | "LongBlob"
    )
}

/// Range checks on native type arguments; the message after `Argument M is out of range ...`,
/// or a whole message for scale/precision mismatches.
pub(crate) enum ArgumentProblem {
    /// `Argument M is out of range for native type `{rendered}` of {db}: {0}`
    OutOfRange(&'static str),
    /// The scale of a decimal exceeds its precision.
    ScaleLargerThanPrecision,
}

pub(crate) fn check_arguments(
    provider: Provider,
    name: &str,
    args: &[u32],
    scalar: ScalarType,
) -> Option<ArgumentProblem> {
    use ArgumentProblem::*;
    match (provider, name, args) {
        (Provider::Postgres, "Decimal", [p, s]) if s > p => Some(ScaleLargerThanPrecision),
        (Provider::Postgres, "Decimal", [p, _]) if *p > 1000 || *p == 0 => Some(OutOfRange(
            "Precision must be positive with a maximum value of 1000.",
        )),
        (Provider::Postgres, "Bit" | "VarBit", [0]) => {
            Some(OutOfRange("M must be a positive integer."))
        }
        (Provider::Postgres, "Timestamp" | "Timestamptz" | "Time" | "Timetz", [p]) if *p > 6 => {
            Some(OutOfRange("M can range from 0 to 6."))
        }
        (Provider::Mysql, "Decimal", [p, s]) if s > p => Some(ScaleLargerThanPrecision),
        (Provider::Mysql, "Decimal", [p, _]) if *p > 65 => {
            Some(OutOfRange("Precision can range from 1 to 65."))
        }
        (Provider::Mysql, "Decimal", [_, s]) if *s > 30 => {
            Some(OutOfRange("Scale can range from 0 to 30."))
        }
        (Provider::Mysql, "Bit", [n]) if *n == 0 || *n > 64 => {
            Some(OutOfRange("M can range from 1 to 64."))
        }
        (Provider::Mysql, "Char", [n]) if *n > 255 => {
            Some(OutOfRange("M can range from 0 to 255."))
        }
        (Provider::Mysql, "VarChar", [n]) if *n > 65535 => {
            Some(OutOfRange("M can range from 0 to 65,535."))
        }
        (Provider::Mysql, "Bit", [n]) if *n > 1 && scalar == ScalarType::Boolean => {
            Some(OutOfRange("only Bit(1) can be used as Boolean."))
        }
        _ => None,
    }
}
