//! The bytes of a cache entry: a header (when it was made, for how long, under which
//! invalidation epochs, for which query) and the result, untyped.
//!
//! Entries come back from Redis, which anything can write to; decoding never trusts a length
//! or a depth, and a malformed entry is an error (the caller treats it as a miss and deletes
//! it), never a panic or an allocation the bytes did not pay for.

use crate::load::{Record, RelationData};
use crate::meta::ScalarKind;
use crate::value::Value;

/// Bumped whenever the layout changes: entries of another layout fail to decode (a miss).
const MAGIC: &[u8; 4] = b"QRC1";
/// Includes nest this deep at most in an entry (far beyond any real query).
const MAX_DEPTH: usize = 64;

/// A query result as the cache keeps it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Payload {
    /// Records with their relations and counts (`find_*`).
    Records(Vec<Record>),
    /// Plain rows (`select`, `aggregate`, `group_by`).
    Rows(Vec<Vec<Value>>),
    /// A number (`count`).
    Count(i64),
}

/// A decoded entry.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) created_ms: u64,
    pub(crate) ttl_ms: u64,
    pub(crate) swr_ms: u64,
    /// The invalidation epochs observed before the query ran, in the order of the entry's
    /// epoch keys.
    pub(crate) epochs: Vec<u64>,
    /// The query it answers, compared on every read: a hash collision can never return another
    /// query's result.
    pub(crate) query: Vec<u8>,
}

/// Encodes `entry` with its result (borrowed: the caller hands the result back too).
pub(crate) fn encode(entry: &Entry, payload: &Payload) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    out.extend_from_slice(MAGIC);
    put_u64(&mut out, entry.created_ms);
    put_u64(&mut out, entry.ttl_ms);
    put_u64(&mut out, entry.swr_ms);
    put_len(&mut out, entry.epochs.len());
    for e in &entry.epochs {
        put_u64(&mut out, *e);
    }
    put_bytes(&mut out, &entry.query);
    match payload {
        Payload::Records(records) => {
            out.push(0);
            put_len(&mut out, records.len());
            for r in records {
                put_record(&mut out, r);
            }
        }
        Payload::Rows(rows) => {
            out.push(1);
            put_len(&mut out, rows.len());
            for row in rows {
                put_values(&mut out, row);
            }
        }
        Payload::Count(n) => {
            out.push(2);
            put_u64(&mut out, *n as u64);
        }
    }
    out
}

/// Decodes an entry; `Err` names what is wrong with the bytes.
#[cfg(test)]
fn decode(bytes: &[u8]) -> Result<(Entry, Payload), String> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != MAGIC {
        return Err("not a Quarry cache entry of this version".into());
    }
    let created_ms = r.u64()?;
    let ttl_ms = r.u64()?;
    let swr_ms = r.u64()?;
    let n = r.len(8)?;
    let epochs = (0..n).map(|_| r.u64()).collect::<Result<_, _>>()?;
    let query = r.bytes()?.to_vec();
    let payload = r.payload()?;
    let entry = Entry {
        created_ms,
        ttl_ms,
        swr_ms,
        epochs,
        query,
    };
    Ok((entry, payload))
}

/// The entry's result if it answers `query` under `epochs` (`Ok(None)` when it answers another
/// query or was made under other epochs: then the result is not decoded at all).
pub(crate) fn decode_if(
    bytes: &[u8],
    query: &[u8],
    epochs: &[u64],
) -> Result<Option<Payload>, String> {
    let mut r = Reader { bytes, at: 0 };
    if !r.answers(query, epochs)? {
        return Ok(None);
    }
    r.payload().map(Some)
}

/// Whether the entry answers `query` under `epochs`, without decoding its result.
pub(crate) fn answers(bytes: &[u8], query: &[u8], epochs: &[u64]) -> Result<bool, String> {
    Reader { bytes, at: 0 }.answers(query, epochs)
}

impl Reader<'_> {
    fn answers(&mut self, query: &[u8], epochs: &[u64]) -> Result<bool, String> {
        if self.take(4)? != MAGIC {
            return Err("not a Quarry cache entry of this version".into());
        }
        self.take(24)?;
        let n = self.len(8)?;
        let mut same = n == epochs.len();
        for i in 0..n {
            let e = self.u64()?;
            same &= epochs.get(i) == Some(&e);
        }
        Ok(self.bytes()? == query && same)
    }
}

impl Reader<'_> {
    /// The payload, which must end the entry.
    fn payload(&mut self) -> Result<Payload, String> {
        let r = self;
        let payload = match r.u8()? {
            0 => {
                let n = r.len(12)?;
                let mut records = Vec::with_capacity(n);
                for _ in 0..n {
                    records.push(r.record(0)?);
                }
                Payload::Records(records)
            }
            1 => {
                let n = r.len(4)?;
                let mut rows = Vec::with_capacity(n);
                for _ in 0..n {
                    rows.push(r.values(0)?);
                }
                Payload::Rows(rows)
            }
            2 => Payload::Count(r.u64()? as i64),
            t => return Err(format!("unknown payload tag {t}")),
        };
        if r.at != r.bytes.len() {
            return Err("trailing bytes after the entry".into());
        }
        Ok(payload)
    }
}

/// When the entry was made, read without decoding the rest.
pub(crate) fn created_ms(bytes: &[u8]) -> Result<u64, String> {
    let mut r = Reader { bytes, at: 0 };
    if r.take(4)? != MAGIC {
        return Err("not a Quarry cache entry of this version".into());
    }
    r.u64()
}

fn put_u64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put_len(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_len(out, b.len());
    out.extend_from_slice(b);
}

fn put_record(out: &mut Vec<u8>, r: &Record) {
    put_values(out, &r.values);
    put_len(out, r.relations.len());
    for rel in &r.relations {
        match rel {
            RelationData::NotLoaded => out.push(0),
            RelationData::Many(records) => {
                out.push(1);
                put_len(out, records.len());
                for r in records {
                    put_record(out, r);
                }
            }
            RelationData::One(None) => out.push(2),
            RelationData::One(Some(r)) => {
                out.push(3);
                put_record(out, r);
            }
        }
    }
    put_len(out, r.counts.len());
    for c in &r.counts {
        put_u64(out, *c as u64);
    }
}

fn put_values(out: &mut Vec<u8>, values: &[Value]) {
    put_len(out, values.len());
    for v in values {
        put_value(out, v);
    }
}

pub(crate) fn put_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(0),
        Value::Bool(b) => out.extend_from_slice(&[1, u8::from(*b)]),
        Value::Int(i) => {
            out.push(2);
            out.extend_from_slice(&i.to_le_bytes());
        }
        Value::BigInt(i) => {
            out.push(3);
            out.extend_from_slice(&i.to_le_bytes());
        }
        Value::Float(f) => {
            out.push(4);
            put_u64(out, f.to_bits());
        }
        // Decimals and JSON as their exact text: nothing is rounded on the way through.
        Value::Decimal(d) => {
            out.push(5);
            put_bytes(out, d.to_string().as_bytes());
        }
        Value::String(s) => {
            out.push(6);
            put_bytes(out, s.as_bytes());
        }
        Value::Bytes(b) => {
            out.push(7);
            put_bytes(out, b);
        }
        Value::Json(j) => {
            out.push(8);
            put_bytes(out, j.to_string().as_bytes());
        }
        Value::DateTime(d) => {
            out.push(9);
            out.extend_from_slice(&d.timestamp().to_le_bytes());
            out.extend_from_slice(&d.timestamp_subsec_nanos().to_le_bytes());
        }
        Value::Enum(s) => {
            out.push(10);
            put_bytes(out, s.as_bytes());
        }
        Value::List(items) => {
            out.push(11);
            put_values(out, items);
        }
        Value::NullOf(kind) => out.extend_from_slice(&[12, kind_tag(*kind)]),
    }
}

const KINDS: [ScalarKind; 10] = [
    ScalarKind::String,
    ScalarKind::Int,
    ScalarKind::BigInt,
    ScalarKind::Float,
    ScalarKind::Decimal,
    ScalarKind::Boolean,
    ScalarKind::DateTime,
    ScalarKind::Json,
    ScalarKind::Bytes,
    ScalarKind::Enum,
];

fn kind_tag(kind: ScalarKind) -> u8 {
    KINDS.iter().position(|k| *k == kind).unwrap_or(0) as u8
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .at
            .checked_add(n)
            .filter(|e| *e <= self.bytes.len())
            .ok_or("the entry ends early")?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn u64(&mut self) -> Result<u64, String> {
        let mut a = [0u8; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }

    /// A count of items of at least `min` bytes each: never more than the rest could hold,
    /// so a corrupted length cannot make a huge allocation.
    fn len(&mut self, min: usize) -> Result<usize, String> {
        let n = self.u32()? as usize;
        if n.saturating_mul(min.max(1)) > self.bytes.len() - self.at {
            return Err("a length exceeds the entry".into());
        }
        Ok(n)
    }

    fn bytes(&mut self) -> Result<&'a [u8], String> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    fn text(&mut self) -> Result<String, String> {
        std::str::from_utf8(self.bytes()?)
            .map(str::to_string)
            .map_err(|_| "text that is not UTF-8".to_string())
    }

    fn record(&mut self, depth: usize) -> Result<Record, String> {
        if depth > MAX_DEPTH {
            return Err("relations nest too deep".into());
        }
        let values = self.values(depth)?;
        let n = self.len(1)?;
        let mut relations = Vec::with_capacity(n);
        for _ in 0..n {
            relations.push(match self.u8()? {
                0 => RelationData::NotLoaded,
                1 => {
                    let n = self.len(12)?;
                    let mut records = Vec::with_capacity(n);
                    for _ in 0..n {
                        records.push(self.record(depth + 1)?);
                    }
                    RelationData::Many(records)
                }
                2 => RelationData::One(None),
                3 => RelationData::One(Some(Box::new(self.record(depth + 1)?))),
                t => return Err(format!("unknown relation tag {t}")),
            });
        }
        let n = self.len(8)?;
        let counts = (0..n)
            .map(|_| self.u64().map(|c| c as i64))
            .collect::<Result<_, _>>()?;
        Ok(Record {
            values,
            relations,
            counts,
            pg_row: None,
        })
    }

    fn values(&mut self, depth: usize) -> Result<Vec<Value>, String> {
        if depth > MAX_DEPTH {
            return Err("lists nest too deep".into());
        }
        let n = self.len(1)?;
        let mut values = Vec::with_capacity(n);
        for _ in 0..n {
            values.push(self.value(depth)?);
        }
        Ok(values)
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        Ok(match self.u8()? {
            0 => Value::Null,
            1 => Value::Bool(self.u8()? != 0),
            2 => Value::Int(self.u32()? as i32),
            3 => Value::BigInt(self.u64()? as i64),
            4 => Value::Float(f64::from_bits(self.u64()?)),
            5 => Value::Decimal(
                self.text()?
                    .parse()
                    .map_err(|_| "a decimal that does not parse".to_string())?,
            ),
            6 => Value::String(self.text()?),
            7 => Value::Bytes(self.bytes()?.to_vec()),
            8 => Value::Json(Box::new(
                serde_json::from_str(&self.text()?).map_err(|e| e.to_string())?,
            )),
            9 => {
                let secs = self.u64()? as i64;
                let nanos = self.u32()?;
                Value::DateTime(
                    chrono::DateTime::from_timestamp(secs, nanos).ok_or("a date out of range")?,
                )
            }
            10 => Value::Enum(self.text()?),
            11 => Value::List(self.values(depth + 1)?),
            12 => Value::NullOf(
                *KINDS
                    .get(self.u8()? as usize)
                    .ok_or("an unknown column kind")?,
            ),
            t => return Err(format!("unknown value tag {t}")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Entry, Payload) {
        let child = Record {
            values: vec![
                Value::Int(7),
                Value::Decimal("123456789.000000000001".parse().unwrap()),
                Value::Json(Box::new(serde_json::json!({"a": [1, 2.5, null]}))),
            ],
            relations: vec![],
            counts: vec![3],
            pg_row: None,
        };
        let root = Record {
            values: vec![
                Value::BigInt(i64::MIN),
                Value::Float(-0.1),
                Value::String("héllo".into()),
                Value::Bytes(vec![0, 255]),
                Value::DateTime(
                    chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap(),
                ),
                Value::Enum("ADMIN".into()),
                Value::List(vec![Value::Int(1), Value::Null]),
                Value::NullOf(ScalarKind::Decimal),
                Value::Bool(true),
                Value::Null,
            ],
            relations: vec![
                RelationData::NotLoaded,
                RelationData::Many(vec![child.clone()]),
                RelationData::One(None),
                RelationData::One(Some(Box::new(child))),
            ],
            counts: vec![],
            pg_row: None,
        };
        let entry = Entry {
            created_ms: 5,
            ttl_ms: 60_000,
            swr_ms: 0,
            epochs: vec![0, 3, 9],
            query: b"find_many|User|...".to_vec(),
        };
        (entry, Payload::Records(vec![root]))
    }

    #[test]
    fn entries_round_trip_exactly() {
        let (e, p) = sample();
        let bytes = encode(&e, &p);
        let (back, payload) = decode(&bytes).unwrap();
        assert_eq!(payload, p);
        assert_eq!(back.epochs, e.epochs);
        assert_eq!(back.query, e.query);
        assert_eq!((back.created_ms, back.ttl_ms), (5, 60_000));
        assert_eq!(created_ms(&bytes), Ok(5));
        assert_eq!(decode_if(&bytes, &e.query, &e.epochs), Ok(Some(p)));
        assert_eq!(decode_if(&bytes, b"other", &e.epochs), Ok(None));
        assert_eq!(decode_if(&bytes, &e.query, &[0, 3, 10]), Ok(None));
        assert_eq!(decode_if(&bytes, &e.query, &[0, 3]), Ok(None));
        for p in [
            Payload::Count(-4),
            Payload::Rows(vec![vec![Value::Int(1)], vec![]]),
        ] {
            assert_eq!(decode(&encode(&e, &p)).unwrap().1, p);
        }
    }

    #[test]
    fn every_truncation_and_corruption_is_an_error_not_a_panic() {
        let (e, p) = sample();
        let bytes = encode(&e, &p);
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n]).is_err(), "truncated at {n}");
        }
        for i in 0..bytes.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut b = bytes.clone();
                b[i] ^= flip;
                let _ = decode(&b);
                let _ = decode_if(&b, &e.query, &e.epochs);
            }
        }
        // A length claiming 4 billion items is refused before anything is allocated.
        let mut b = bytes[..4 + 24].to_vec();
        b.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(decode(&b).is_err());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut b = Vec::new();
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&[0; 24]);
        put_len(&mut b, 0);
        put_bytes(&mut b, b"q");
        b.push(1);
        put_len(&mut b, 1);
        for _ in 0..10_000 {
            put_len(&mut b, 1);
            b.push(11);
        }
        assert!(decode(&b).is_err());
    }
}
