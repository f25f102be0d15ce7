//! JSON text as the reference's Aeson writes it, and helpers to read and build `params`.
//!
//! Aeson stores object keys in an ordered map, so every object built from a value is
//! written with its keys sorted (by code point); strings escape only `"`, `\` and control
//! characters (`\n`, `\r`, `\t`, others as lowercase `\u00xx`). [`write_value`] does the
//! same whatever map type `serde_json` was built with.

use crate::error::ChatProtoError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::fmt::Write;

/// A JSON object (the `params` of an event, an unknown content kept verbatim, ...).
pub type Object = Map<String, Value>;

/// Appends `v` to `out` in the reference's canonical form (sorted keys, no spaces).
pub fn write_value(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item);
            }
            out.push(']');
        }
        Value::Object(obj) => write_object(out, obj),
    }
}

/// Appends an object with its keys sorted.
pub fn write_object(out: &mut String, obj: &Object) {
    let mut keys: Vec<&String> = obj.keys().collect();
    keys.sort();
    out.push('{');
    for (i, k) in keys.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_str(out, k);
        out.push(':');
        if let Some(v) = obj.get(*k) {
            write_value(out, v);
        }
    }
    out.push('}');
}

/// Appends a quoted, escaped string.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The canonical text of a value.
pub fn to_canonical(v: &Value) -> String {
    let mut s = String::new();
    write_value(&mut s, v);
    s
}

/// Reads a required field (`.:` in Aeson): missing is an error.
pub fn req<T: DeserializeOwned>(obj: &Object, key: &'static str) -> Result<T, ChatProtoError> {
    let v = obj.get(key).ok_or(ChatProtoError::MissingField(key))?;
    T::deserialize(v).map_err(|e| ChatProtoError::Json(format!("{key}: {e}")))
}

/// Reads an optional field (`.:?` in Aeson): missing or `null` is `None`.
pub fn opt<T: DeserializeOwned>(obj: &Object, key: &str) -> Result<Option<T>, ChatProtoError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => T::deserialize(v)
            .map(Some)
            .map_err(|e| ChatProtoError::Json(format!("{key}: {e}"))),
    }
}

/// Converts a value to JSON.
pub fn to_json<T: Serialize + ?Sized>(v: &T) -> Result<Value, ChatProtoError> {
    serde_json::to_value(v).map_err(ChatProtoError::from)
}

/// Inserts `key: v`.
pub fn put<T: Serialize + ?Sized>(
    obj: &mut Object,
    key: &str,
    v: &T,
) -> Result<(), ChatProtoError> {
    obj.insert(key.to_owned(), to_json(v)?);
    Ok(())
}

/// Inserts `key: v` when `v` is `Some` (Aeson's `omitNothingFields`).
pub fn put_opt<T: Serialize>(
    obj: &mut Object,
    key: &str,
    v: Option<&T>,
) -> Result<(), ChatProtoError> {
    match v {
        Some(v) => put(obj, key, v),
        None => Ok(()),
    }
}

/// Parses JSON text, rejecting anything after the value but whitespace.
pub fn parse(bytes: &[u8]) -> Result<Value, ChatProtoError> {
    serde_json::from_slice(bytes).map_err(ChatProtoError::from)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn keys_sorted_and_aeson_escapes() {
        let v = parse(br#"{"b":1,"a":{"z":"x\u0001\n\"\\\u00e9","y":[true,null]}}"#).unwrap();
        assert_eq!(
            to_canonical(&v),
            "{\"a\":{\"y\":[true,null],\"z\":\"x\\u0001\\n\\\"\\\\\u{e9}\"},\"b\":1}"
        );
    }

    #[test]
    fn trailing_garbage_rejected() {
        assert!(parse(b"{} x").is_err());
        assert!(parse(b"{} \n").is_ok());
    }
}
