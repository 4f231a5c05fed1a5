//! Serializes Rust values straight into `regorus::Value`, without going through JSON text.
//!
//! The policy input used to be built by writing the snapshot as JSON and parsing that text with
//! regorus' parser. Building the values directly skips both. Numbers follow what parsing the JSON
//! would give (non-negative integers unsigned, negative ones signed, the rest floats), `None` is
//! `null` (fields that skip `None` are left out by serde). Every string — struct field names, map
//! keys and string values — is made once per distinct text and shared by all its uses (an
//! [`Interner`] can be shared by several conversions): regions, accounts, states, tag keys and
//! the ARNs and ids that one resource names and another holds are stored once
//! (docs/performance.md).

use std::collections::{HashMap, HashSet};
use std::fmt;

use regorus::Value;
use serde::ser::{self, Serialize};

/// Converts `v` into a regorus value.
#[cfg(test)]
pub fn to_value<T: Serialize + ?Sized>(v: &T) -> anyhow::Result<Value> {
    to_value_with(&mut Interner::default(), v)
}

/// Converts `v` into a regorus value, sharing the strings of `strings`.
pub fn to_value_with<T: Serialize + ?Sized>(
    strings: &mut Interner,
    v: &T,
) -> anyhow::Result<Value> {
    v.serialize(Ser { keys: strings })
        .map_err(|e| anyhow::anyhow!("building the policy input: {e}"))
}

#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// Strings made once each: struct field names by address, every other text by content.
#[derive(Default)]
pub struct Interner {
    fields: HashMap<&'static str, Value>,
    strings: HashSet<regorus::Rc<str>>,
}

type Keys = Interner;

impl Interner {
    fn field(&mut self, k: &'static str) -> Value {
        if let Some(v) = self.fields.get(k) {
            return v.clone();
        }
        let v = self.string(k);
        self.fields.insert(k, v.clone());
        v
    }

    /// `s` as a string value, shared with every earlier use of the same text.
    pub fn string(&mut self, s: &str) -> Value {
        if let Some(rc) = self.strings.get(s) {
            return Value::String(rc.clone());
        }
        let rc: regorus::Rc<str> = regorus::Rc::from(s);
        self.strings.insert(rc.clone());
        Value::String(rc)
    }

    fn other(&mut self, k: Value) -> Value {
        match k {
            // JSON object keys are strings: a number key becomes its text, as serde_json writes.
            Value::Number(_) | Value::Bool(_) => self.string(&k.to_string()),
            other => other,
        }
    }
}

fn object(entries: Vec<(Value, Value)>) -> Value {
    Value::from(regorus::value::Object::from_iter(entries))
}

struct Ser<'k> {
    keys: &'k mut Keys,
}

impl<'k> ser::Serializer for Ser<'k> {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = Seq<'k>;
    type SerializeTuple = Seq<'k>;
    type SerializeTupleStruct = Seq<'k>;
    type SerializeTupleVariant = Variant<Seq<'k>>;
    type SerializeMap = Map<'k>;
    type SerializeStruct = Map<'k>;
    type SerializeStructVariant = Variant<Map<'k>>;

    fn serialize_bool(self, v: bool) -> Result<Value, Error> {
        Ok(Value::from(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Value, Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Value, Error> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Value, Error> {
        Ok(if v >= 0 {
            Value::from(v as u64)
        } else {
            Value::from(v)
        })
    }
    fn serialize_u8(self, v: u8) -> Result<Value, Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Value, Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Value, Error> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Value, Error> {
        Ok(Value::from(v))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<Value, Error> {
        Ok(if v.is_finite() {
            Value::from(v)
        } else {
            Value::Null
        })
    }
    fn serialize_char(self, v: char) -> Result<Value, Error> {
        Ok(self.keys.string(v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_str(self, v: &str) -> Result<Value, Error> {
        Ok(self.keys.string(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, Error> {
        Ok(Value::from(
            v.iter()
                .map(|b| Value::from(u64::from(*b)))
                .collect::<Vec<_>>(),
        ))
    }
    fn serialize_none(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Value, Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Value, Error> {
        Ok(self.keys.field(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Value, Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Value, Error> {
        let key = self.keys.field(variant);
        let inner = v.serialize(Ser {
            keys: &mut *self.keys,
        })?;
        Ok(object(vec![(key, inner)]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'k>, Error> {
        Ok(Seq {
            keys: self.keys,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'k>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'k>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Seq<'k>>, Error> {
        let key = self.keys.field(variant);
        Ok(Variant {
            key,
            inner: self.serialize_seq(Some(len))?,
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map<'k>, Error> {
        Ok(Map {
            keys: self.keys,
            entries: Vec::with_capacity(len.unwrap_or(0)),
            next_key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map<'k>, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Map<'k>>, Error> {
        let key = self.keys.field(variant);
        Ok(Variant {
            key,
            inner: self.serialize_map(Some(len))?,
        })
    }
}

struct Seq<'k> {
    keys: &'k mut Keys,
    items: Vec<Value>,
}

impl Seq<'_> {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let item = v.serialize(Ser {
            keys: &mut *self.keys,
        })?;
        self.items.push(item);
        Ok(())
    }
}

/// Sequences, tuples and tuple structs all become arrays.
macro_rules! array_of {
    ($trait:ident, $method:ident) => {
        impl ser::$trait for Seq<'_> {
            type Ok = Value;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
                self.push(v)
            }
            fn end(self) -> Result<Value, Error> {
                Ok(Value::from(self.items))
            }
        }
    };
}
array_of!(SerializeSeq, serialize_element);
array_of!(SerializeTuple, serialize_element);
array_of!(SerializeTupleStruct, serialize_field);

struct Map<'k> {
    keys: &'k mut Keys,
    entries: Vec<(Value, Value)>,
    next_key: Option<Value>,
}

impl ser::SerializeMap for Map<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, k: &T) -> Result<(), Error> {
        let key = k.serialize(Ser {
            keys: &mut *self.keys,
        })?;
        self.next_key = Some(self.keys.other(key));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let key = self
            .next_key
            .take()
            .ok_or_else(|| Error("a map value without its key".into()))?;
        let value = v.serialize(Ser {
            keys: &mut *self.keys,
        })?;
        self.entries.push((key, value));
        Ok(())
    }
    fn end(self) -> Result<Value, Error> {
        Ok(object(self.entries))
    }
}

impl ser::SerializeStruct for Map<'_> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        let key = self.keys.field(k);
        let value = v.serialize(Ser {
            keys: &mut *self.keys,
        })?;
        self.entries.push((key, value));
        Ok(())
    }
    fn end(self) -> Result<Value, Error> {
        Ok(object(self.entries))
    }
}

/// An enum variant holding data: `{"Variant": inner}`.
struct Variant<I> {
    key: Value,
    inner: I,
}

impl ser::SerializeTupleVariant for Variant<Seq<'_>> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.inner.push(v)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(object(vec![(self.key, Value::from(self.inner.items))]))
    }
}

impl ser::SerializeStructVariant for Variant<Map<'_>> {
    type Ok = Value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        k: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        ser::SerializeStruct::serialize_field(&mut self.inner, k, v)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(object(vec![(self.key, object(self.inner.entries))]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The direct conversion gives what parsing the JSON text gives.
    #[test]
    fn equals_the_json_round_trip() {
        let text = include_str!("../../fixtures/snapshots/example.json");
        let snapshot = crate::snapshot::parse(text.as_bytes(), "example.json").unwrap();
        for site in [&snapshot.primary, &snapshot.standby] {
            let direct = to_value(site).unwrap();
            let parsed = Value::from_json_str(&serde_json::to_string(site).unwrap()).unwrap();
            assert_eq!(direct, parsed);
        }
        let odd =
            serde_json::json!({"n": -3, "u": 7, "f": 1.5, "b": [true, null], "s": {"k": "v"}});
        assert_eq!(
            to_value(&odd).unwrap(),
            Value::from_json_str(&odd.to_string()).unwrap()
        );
    }
}
