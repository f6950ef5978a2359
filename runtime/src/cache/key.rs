//! The exact bytes of a cacheable query: operation, model, client fingerprint and every
//! argument with every value in full. Two queries share an entry only when these bytes are
//! equal (the entry stores them and every read compares them).
//!
//! Every struct is destructured without `..` and every enum matched without `_`: a field or
//! variant added to the query IR does not compile until it is written here, so no argument
//! can be left out of the key.

use super::codec::put_value;
use crate::query::{
    Aggregate, AggregateArgs, Direction, Filter, FindArgs, Having, Include, Nulls, OrderBy,
    Quantifier, RelationCount, ScalarOp,
};
use crate::value::Value;

pub(crate) struct KeyWriter(pub(crate) Vec<u8>);

impl KeyWriter {
    pub(crate) fn new(op: &str, model: &crate::meta::ModelMeta) -> KeyWriter {
        let mut w = KeyWriter(Vec::with_capacity(128));
        w.str(op);
        w.str(model.fingerprint);
        w.str(model.name);
        w
    }

    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }

    fn n(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.n(s.len() as u64);
        self.0.extend_from_slice(s.as_bytes());
    }

    fn value(&mut self, v: &Value) {
        put_value(&mut self.0, v);
    }

    fn values(&mut self, vs: &[Value]) {
        self.n(vs.len() as u64);
        vs.iter().for_each(|v| self.value(v));
    }

    fn opt_u64(&mut self, v: Option<u64>) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                self.n(v);
            }
        }
    }

    fn indexes(&mut self, is: &[usize]) {
        self.n(is.len() as u64);
        is.iter().for_each(|i| self.n(*i as u64));
    }

    pub(crate) fn find(&mut self, args: &FindArgs) {
        let FindArgs {
            filter,
            order_by,
            skip,
            take,
            cursor,
            distinct,
            includes,
            counts,
            columns,
        } = args;
        self.opt_filter(filter.as_ref());
        self.n(order_by.len() as u64);
        order_by.iter().for_each(|o| self.order(o));
        self.opt_u64(*skip);
        self.opt_u64(take.map(|t| t as u64));
        match cursor {
            None => self.u8(0),
            Some(pairs) => {
                self.u8(1);
                self.n(pairs.len() as u64);
                for (i, v) in pairs {
                    self.n(*i as u64);
                    self.value(v);
                }
            }
        }
        self.indexes(distinct);
        self.n(includes.len() as u64);
        for Include { relation, args } in includes {
            self.n(*relation as u64);
            self.find(args);
        }
        self.n(counts.len() as u64);
        for RelationCount { relation, filter } in counts {
            self.n(*relation as u64);
            self.opt_filter(filter.as_ref());
        }
        match columns {
            None => self.u8(0),
            Some(c) => {
                self.u8(1);
                self.indexes(c);
            }
        }
    }

    pub(crate) fn aggregate(&mut self, args: &AggregateArgs) {
        let AggregateArgs {
            filter,
            by,
            aggregates,
            having,
            order_by,
            skip,
            take,
        } = args;
        self.opt_filter(filter.as_ref());
        self.indexes(by);
        self.n(aggregates.len() as u64);
        aggregates.iter().for_each(|a| self.agg(a));
        match having {
            None => self.u8(0),
            Some(h) => {
                self.u8(1);
                self.having(h);
            }
        }
        self.n(order_by.len() as u64);
        order_by.iter().for_each(|o| self.order(o));
        self.opt_u64(*skip);
        self.opt_u64(take.map(|t| t as u64));
    }

    fn opt_filter(&mut self, f: Option<&Filter>) {
        match f {
            None => self.u8(0),
            Some(f) => {
                self.u8(1);
                self.filter(f);
            }
        }
    }

    fn filter(&mut self, f: &Filter) {
        match f {
            Filter::And(fs) => {
                self.u8(0);
                self.n(fs.len() as u64);
                fs.iter().for_each(|f| self.filter(f));
            }
            Filter::Or(fs) => {
                self.u8(1);
                self.n(fs.len() as u64);
                fs.iter().for_each(|f| self.filter(f));
            }
            Filter::Not(f) => {
                self.u8(2);
                self.filter(f);
            }
            Filter::Scalar {
                field,
                op,
                insensitive,
            } => {
                self.u8(3);
                self.n(*field as u64);
                self.u8(u8::from(*insensitive));
                self.op(op);
            }
            Filter::Relation {
                relation,
                quantifier,
                filter,
            } => {
                self.u8(4);
                self.n(*relation as u64);
                self.u8(match quantifier {
                    Quantifier::Some => 0,
                    Quantifier::Every => 1,
                    Quantifier::None => 2,
                    Quantifier::Is => 3,
                    Quantifier::IsNot => 4,
                });
                self.filter(filter);
            }
        }
    }

    fn op(&mut self, op: &ScalarOp) {
        match op {
            ScalarOp::Equals(v) => {
                self.u8(0);
                self.value(v);
            }
            ScalarOp::NotEquals(v) => {
                self.u8(1);
                self.value(v);
            }
            ScalarOp::In(vs) => {
                self.u8(2);
                self.values(vs);
            }
            ScalarOp::NotIn(vs) => {
                self.u8(3);
                self.values(vs);
            }
            ScalarOp::Lt(v) => {
                self.u8(4);
                self.value(v);
            }
            ScalarOp::Lte(v) => {
                self.u8(5);
                self.value(v);
            }
            ScalarOp::Gt(v) => {
                self.u8(6);
                self.value(v);
            }
            ScalarOp::Gte(v) => {
                self.u8(7);
                self.value(v);
            }
            ScalarOp::Contains(s) => {
                self.u8(8);
                self.str(s);
            }
            ScalarOp::StartsWith(s) => {
                self.u8(9);
                self.str(s);
            }
            ScalarOp::EndsWith(s) => {
                self.u8(10);
                self.str(s);
            }
            ScalarOp::IsNull => self.u8(11),
            ScalarOp::IsNotNull => self.u8(12),
            ScalarOp::Has(v) => {
                self.u8(13);
                self.value(v);
            }
            ScalarOp::HasEvery(vs) => {
                self.u8(14);
                self.values(vs);
            }
            ScalarOp::HasSome(vs) => {
                self.u8(15);
                self.values(vs);
            }
            ScalarOp::IsEmpty(e) => {
                self.u8(16);
                self.u8(u8::from(*e));
            }
        }
    }

    fn direction(&mut self, d: Direction) {
        self.u8(match d {
            Direction::Asc => 0,
            Direction::Desc => 1,
        });
    }

    fn order(&mut self, o: &OrderBy) {
        match o {
            OrderBy::Field {
                field,
                direction,
                nulls,
            } => {
                self.u8(0);
                self.n(*field as u64);
                self.direction(*direction);
                self.u8(match nulls {
                    None => 0,
                    Some(Nulls::First) => 1,
                    Some(Nulls::Last) => 2,
                });
            }
            OrderBy::RelationCount {
                relation,
                direction,
            } => {
                self.u8(1);
                self.n(*relation as u64);
                self.direction(*direction);
            }
            OrderBy::Aggregate {
                aggregate,
                direction,
            } => {
                self.u8(2);
                self.agg(aggregate);
                self.direction(*direction);
            }
            OrderBy::Relation { relation, order } => {
                self.u8(3);
                self.n(*relation as u64);
                self.order(order);
            }
        }
    }

    fn agg(&mut self, a: &Aggregate) {
        let (tag, field) = match a {
            Aggregate::Count(None) => (0, 0),
            Aggregate::Count(Some(f)) => (1, *f),
            Aggregate::Sum(f) => (2, *f),
            Aggregate::Avg(f) => (3, *f),
            Aggregate::Min(f) => (4, *f),
            Aggregate::Max(f) => (5, *f),
        };
        self.u8(tag);
        self.n(field as u64);
    }

    fn having(&mut self, h: &Having) {
        match h {
            Having::And(hs) => {
                self.u8(0);
                self.n(hs.len() as u64);
                hs.iter().for_each(|h| self.having(h));
            }
            Having::Or(hs) => {
                self.u8(1);
                self.n(hs.len() as u64);
                hs.iter().for_each(|h| self.having(h));
            }
            Having::Not(h) => {
                self.u8(2);
                self.having(h);
            }
            Having::Aggregate { aggregate, op } => {
                self.u8(3);
                self.agg(aggregate);
                self.op(op);
            }
            Having::Field(f) => {
                self.u8(4);
                self.filter(f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::ModelMeta;

    static M: ModelMeta = ModelMeta {
        name: "User",
        table: "users",
        schema: None,
        fields: &[],
        primary_key: &[],
        relations: &[],
        fingerprint: "f",
    };

    fn key(args: &FindArgs) -> Vec<u8> {
        let mut w = KeyWriter::new("find_many", &M);
        w.find(args);
        w.0
    }

    fn eq(field: usize, v: Value) -> Filter {
        Filter::Scalar {
            field,
            op: ScalarOp::Equals(v),
            insensitive: false,
        }
    }

    #[test]
    fn different_queries_have_different_keys() {
        let variants = [
            FindArgs::default(),
            FindArgs {
                filter: Some(eq(0, Value::Int(1))),
                ..Default::default()
            },
            FindArgs {
                filter: Some(eq(0, Value::BigInt(1))),
                ..Default::default()
            },
            FindArgs {
                filter: Some(eq(1, Value::Int(1))),
                ..Default::default()
            },
            FindArgs {
                filter: Some(eq(0, Value::String("a".into()))),
                ..Default::default()
            },
            FindArgs {
                filter: Some(eq(0, Value::String("a\0".into()))),
                ..Default::default()
            },
            FindArgs {
                filter: Some(eq(0, Value::Float(0.0))),
                ..Default::default()
            },
            FindArgs {
                filter: Some(eq(0, Value::Float(-0.0))),
                ..Default::default()
            },
            FindArgs {
                take: Some(1),
                ..Default::default()
            },
            FindArgs {
                skip: Some(1),
                ..Default::default()
            },
            FindArgs {
                take: Some(-1),
                ..Default::default()
            },
            FindArgs {
                columns: Some(vec![]),
                ..Default::default()
            },
            FindArgs {
                distinct: vec![0],
                ..Default::default()
            },
        ];
        let keys: Vec<Vec<u8>> = variants.iter().map(key).collect();
        for (i, a) in keys.iter().enumerate() {
            for (j, b) in keys.iter().enumerate() {
                assert_eq!(i == j, a == b, "{:?} vs {:?}", variants[i], variants[j]);
            }
        }
        assert_eq!(key(&variants[1]), key(&variants[1].clone()));
    }
}
