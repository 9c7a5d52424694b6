//! Deserializes a JSON var as workers-rs does in production — serde-wasm-bindgen over the JS
//! value `JSON.parse` gives — so error texts match workerd's.
//!
//! In a Worker, `env.object_var::<T>(NAME)` hands the var's JavaScript value to
//! serde-wasm-bindgen (0.6), never to serde_json, and its errors read differently:
//!
//! - every JavaScript number is a float to it: an unexpected number is
//!   ``floating point `1.0` ``, where serde_json says ``integer `1` ``;
//! - only "safe integers" (`Number.isSafeInteger`: whole, at most 2^53 − 1) are read as an
//!   integer type; a fraction, a bigger number or a negative number for an unsigned type fails
//!   with the float in the message;
//! - an unexpected object or array is shown with wasm-bindgen's `Debug` of a `JsValue`:
//!   `JsValue(Object({"k":1}))`, `JsValue([1, "a", Object({"k":true})])` ([`debug_string`]:
//!   numbers as JavaScript prints them, strings quoted, objects through `JSON.stringify`);
//! - a struct reads only its own fields from an object (an unknown field is never an error,
//!   not even with `deny_unknown_fields`); an array is a struct too (its `length` and indices
//!   are its properties);
//! - a sequence or a map read from a string, number, boolean or null makes JavaScript throw
//!   `TypeError: Reflect.get called on non-object` (serde-wasm-bindgen asks for the value's
//!   `Symbol.iterator`); a sequence read from an object that is not an array: `invalid type`;
//! - a map read from an array takes each element as a `[key, value]` pair (a `null` element
//!   throws `TypeError: Cannot read properties of null (reading '0')` out of the Worker in
//!   production, past any `Result`; the fake returns that text);
//! - an enum is a string (unit variant) or an object with exactly one entry
//!   (`invalid length 2, expected 1` otherwise);
//! - a struct field the object lacks but every JavaScript object inherits is not missing: a
//!   field named `constructor`, `toString`, `hasOwnProperty`, … reads a function
//!   (`JsValue(Function(Object))` in an error), `__proto__` reads `Object.prototype` (an
//!   empty object to a struct or map).
//!
//! Object entries come in JavaScript's order: keys that are array indices first, ascending,
//! then the others in the order the `serde_json::Map` holds them (sorted, unless serde_json's
//! `preserve_order` feature is on — `JSON.parse` keeps the config's order). Not modelled: the
//! methods an array inherits from `Array.prototype` (a struct read from an array sees only its
//! `length` and indices).

use std::fmt::{self, Write as _};
use std::sync::LazyLock;

use serde::de::{self, DeserializeOwned, Visitor};
use serde_json::Value;

/// An error of this deserializer, as workers-rs displays it: the JavaScript error's name and
/// message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsError {
    /// `Error` (serde's messages) or `TypeError` (thrown by JavaScript itself).
    pub(crate) name: &'static str,
    /// The message.
    pub(crate) message: String,
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for JsError {}

impl de::Error for JsError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Self {
            name: "Error",
            message: msg.to_string(),
        }
    }
}

impl JsError {
    /// What V8 throws for `Reflect.get(primitive, Symbol.iterator)`.
    fn reflect_on_primitive() -> Self {
        Self {
            name: "TypeError",
            message: "Reflect.get called on non-object".to_owned(),
        }
    }
}

/// Deserializes `T` from a JSON var the way `env.object_var::<T>` does in workerd.
pub(crate) fn from_json<T: DeserializeOwned>(value: &Value) -> Result<T, JsError> {
    T::deserialize(Js::Json(value))
}

/// wasm-bindgen's `debugString` of the JavaScript value `JSON.parse` gives for `value` (what
/// `format!("{:?}", js_value)` shows inside `JsValue(…)`).
pub(crate) fn debug_string(value: &Value) -> String {
    let mut out = String::new();
    write_debug(&mut out, value);
    out
}

fn write_debug(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(_) | Value::String(_) => write_stringify(out, value),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_debug(out, item);
            }
            out.push(']');
        }
        Value::Object(_) => {
            out.push_str("Object(");
            write_stringify(out, value);
            out.push(')');
        }
    }
}

/// `JSON.stringify` of the parsed value: numbers as JavaScript prints them, keys in
/// JavaScript's order.
fn write_stringify(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&js_number(n.as_f64().unwrap_or(f64::NAN))),
        // serde_json escapes exactly what JSON.stringify escapes (`"`, `\`, control
        // characters, short forms for \b \f \n \r \t, lower-case \u00xx otherwise).
        Value::String(s) => out.push_str(&serde_json::to_string(s).unwrap_or_default()),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_stringify(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (key, item)) in js_entries(map).into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key).unwrap_or_default());
                out.push(':');
                write_stringify(out, item);
            }
            out.push('}');
        }
    }
}

/// ECMAScript `Number::toString(10)` of a finite number: the shortest digits that read back
/// as the same number, positional from 1e-6 up to below 1e21, exponential (`1e+21`,
/// `1.5e-7`) outside.
pub(crate) fn js_number(x: f64) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if x < 0.0 {
        return format!("-{}", js_number(-x));
    }
    // Rust's `{:e}` gives the shortest round-tripping digits: `d.ddde±x`.
    let exp_form = format!("{x:e}");
    let (mantissa, exponent) = exp_form.split_once('e').unwrap_or((&exp_form, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let k = digits.len() as i64;
    let n = exponent.parse::<i64>().unwrap_or(0) + 1;
    let mut out = String::new();
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.extend(std::iter::repeat_n('0', (n - k) as usize));
    } else if 0 < n && n <= 21 {
        out.push_str(&digits[..n as usize]);
        out.push('.');
        out.push_str(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', (-n) as usize));
        out.push_str(&digits);
    } else {
        out.push_str(&digits[..1]);
        if k > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let e = n - 1;
        let _ = write!(out, "e{}{}", if e < 0 { '-' } else { '+' }, e.abs());
    }
    out
}

/// Whether `key` is an array index (a canonical `u32` below 2^32 − 1), which JavaScript lists
/// before every other key of an object.
fn array_index(key: &str) -> Option<u32> {
    let index: u32 = key.parse().ok()?;
    (index != u32::MAX && index.to_string() == key).then_some(index)
}

/// An object's entries in `Object.entries` / `JSON.stringify` order.
fn js_entries(map: &serde_json::Map<String, Value>) -> Vec<(&str, &Value)> {
    let mut indices: Vec<(u32, &str, &Value)> = Vec::new();
    let mut others = Vec::new();
    for (key, value) in map {
        match array_index(key) {
            Some(index) => indices.push((index, key, value)),
            None => others.push((key.as_str(), value)),
        }
    }
    indices.sort_by_key(|(index, _, _)| *index);
    indices
        .into_iter()
        .map(|(_, key, value)| (key, value))
        .chain(others)
        .collect()
}

/// A JavaScript value as serde-wasm-bindgen sees it: a parsed JSON value, `undefined`, or a
/// string or number that is not in the JSON (an object's key, an array's `length`, one UTF-16
/// unit of a string).
#[derive(Clone, Copy)]
enum Js<'a> {
    Undefined,
    Json(&'a Value),
    Key(&'a str),
    Number(f64),
    Unit(char),
    /// A function every object inherits, by its `name` (`Object` for `constructor`).
    Function(&'static str),
}

/// The members of `Object.prototype` that are functions (V8), each with its `name`.
const INHERITED_FUNCTIONS: [(&str, &str); 11] = [
    ("constructor", "Object"),
    ("__defineGetter__", "__defineGetter__"),
    ("__defineSetter__", "__defineSetter__"),
    ("hasOwnProperty", "hasOwnProperty"),
    ("__lookupGetter__", "__lookupGetter__"),
    ("__lookupSetter__", "__lookupSetter__"),
    ("isPrototypeOf", "isPrototypeOf"),
    ("propertyIsEnumerable", "propertyIsEnumerable"),
    ("toString", "toString"),
    ("valueOf", "valueOf"),
    ("toLocaleString", "toLocaleString"),
];

/// `Object.prototype`, as `obj.__proto__` gives it: an object without own enumerable
/// properties (`JSON.stringify` gives `{}`).
static OBJECT_PROTOTYPE: LazyLock<Value> = LazyLock::new(|| Value::Object(serde_json::Map::new()));

/// What `object[key]` inherits when the object has no own `key`.
fn inherited(key: &str) -> Js<'static> {
    if key == "__proto__" {
        return Js::Json(&OBJECT_PROTOTYPE);
    }
    INHERITED_FUNCTIONS
        .iter()
        .find(|(member, _)| *member == key)
        .map_or(Js::Undefined, |(_, name)| Js::Function(name))
}

/// `Number.MAX_SAFE_INTEGER`.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

impl<'a> Js<'a> {
    /// `value == null`: `undefined` or `null`.
    fn is_nullish(self) -> bool {
        matches!(self, Self::Undefined | Self::Json(Value::Null))
    }

    fn as_bool(self) -> Option<bool> {
        match self {
            Self::Json(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    fn as_f64(self) -> Option<f64> {
        match self {
            Self::Json(Value::Number(n)) => n.as_f64(),
            Self::Number(n) => Some(n),
            _ => None,
        }
    }

    fn with_str<R>(self, f: impl FnOnce(&str) -> R) -> Option<R> {
        match self {
            Self::Json(Value::String(s)) => Some(f(s)),
            Self::Key(s) => Some(f(s)),
            Self::Unit(c) => Some(f(c.encode_utf8(&mut [0; 4]))),
            _ => None,
        }
    }

    /// `Number.isSafeInteger(value) ? value : None`.
    fn as_safe_integer(self) -> Option<i64> {
        let v = self.as_f64()?;
        (v.is_finite() && v.trunc() == v && v.abs() <= MAX_SAFE_INTEGER).then_some(v as i64)
    }

    /// `typeof value === "object" && value !== null`.
    fn is_object(self) -> bool {
        matches!(self, Self::Json(Value::Object(_) | Value::Array(_)))
    }

    /// `typeof value` is `"object"` or `"function"`: `Reflect.get` takes it without throwing.
    fn is_reflectable(self) -> bool {
        self.is_object() || matches!(self, Self::Function(_))
    }

    /// `value[key]` on an object or array (JSON has no other objects).
    fn property(self, key: &str) -> Js<'a> {
        match self {
            Self::Json(Value::Object(map)) => {
                map.get(key).map_or_else(|| inherited(key), Self::Json)
            }
            Self::Json(Value::Array(items)) if key == "length" => Self::Number(items.len() as f64),
            Self::Json(Value::Array(items)) => array_index(key)
                .and_then(|index| items.get(index as usize))
                .map_or(Self::Undefined, Self::Json),
            _ => Self::Undefined,
        }
    }

    /// `value[index]` for js-sys' `Array::get` on whatever a pair turned out to be.
    fn index(self, index: usize) -> Result<Js<'a>, JsError> {
        Ok(match self {
            Self::Undefined | Self::Json(Value::Null) => {
                let what = if matches!(self, Self::Undefined) {
                    "undefined"
                } else {
                    "null"
                };
                return Err(JsError {
                    name: "TypeError",
                    message: format!("Cannot read properties of {what} (reading '{index}')"),
                });
            }
            Self::Json(Value::Array(items)) => items.get(index).map_or(Self::Undefined, Self::Json),
            Self::Json(Value::Object(_)) => self.property(&index.to_string()),
            Self::Json(Value::String(s)) => utf16_unit(s, index),
            Self::Key(s) => utf16_unit(s, index),
            Self::Unit(c) => utf16_unit(c.encode_utf8(&mut [0; 4]), index),
            Self::Json(Value::Bool(_) | Value::Number(_)) | Self::Number(_) | Self::Function(_) => {
                Self::Undefined
            }
        })
    }

    /// serde-wasm-bindgen's `invalid_type_`: what the value is, in serde's terms.
    fn invalid_type(self, expected: &dyn de::Expected) -> JsError {
        if self.is_nullish() {
            return de::Error::invalid_type(de::Unexpected::Unit, expected);
        }
        if let Some(b) = self.as_bool() {
            return de::Error::invalid_type(de::Unexpected::Bool(b), expected);
        }
        if let Some(v) = self.as_f64() {
            return de::Error::invalid_type(de::Unexpected::Float(v), expected);
        }
        if let Some(error) =
            self.with_str(|s| de::Error::invalid_type(de::Unexpected::Str(s), expected))
        {
            return error;
        }
        let shown = match self {
            Self::Json(value) => debug_string(value),
            Self::Function(name) => format!("Function({name})"),
            _ => "undefined".to_owned(),
        };
        de::Error::invalid_type(
            de::Unexpected::Other(&format!("JsValue({shown})")),
            expected,
        )
    }

    fn fail<T>(self, expected: &dyn de::Expected) -> Result<T, JsError> {
        Err(self.invalid_type(expected))
    }
}

/// One UTF-16 unit of a string as a one-unit string (`"é"[0]`); a lone surrogate becomes
/// U+FFFD, as wasm-bindgen turns it into a Rust string.
fn utf16_unit(s: &str, index: usize) -> Js<'static> {
    s.encode_utf16().nth(index).map_or(Js::Undefined, |unit| {
        Js::Unit(char::from_u32(u32::from(unit)).unwrap_or(char::REPLACEMENT_CHARACTER))
    })
}

/// The elements of an array.
struct Elements<'a> {
    items: std::slice::Iter<'a, Value>,
}

impl<'de> de::SeqAccess<'de> for Elements<'_> {
    type Error = JsError;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, JsError> {
        self.items
            .next()
            .map(|item| seed.deserialize(Js::Json(item)))
            .transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// Key-value pairs: an object's entries, or an array's elements each read as `[key, value]`.
struct Pairs<'a> {
    pairs: std::vec::IntoIter<(Js<'a>, Js<'a>)>,
    next_value: Option<Js<'a>>,
}

impl<'de> de::MapAccess<'de> for Pairs<'_> {
    type Error = JsError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, JsError> {
        match self.pairs.next() {
            Some((key, value)) => {
                self.next_value = Some(value);
                seed.deserialize(key).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, JsError> {
        seed.deserialize(self.next_value.take().unwrap_or(Js::Undefined))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.pairs.len())
    }
}

/// A struct's own fields, in the struct's order, each one the object has.
struct Fields<'a> {
    object: Js<'a>,
    fields: std::slice::Iter<'static, &'static str>,
    next_value: Option<Js<'a>>,
}

impl<'de> de::MapAccess<'de> for Fields<'_> {
    type Error = JsError;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, JsError> {
        for field in self.fields.by_ref() {
            let value = self.object.property(field);
            if !matches!(value, Js::Undefined) {
                self.next_value = Some(value);
                return seed.deserialize(Js::Key(field)).map(Some);
            }
        }
        Ok(None)
    }

    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, JsError> {
        seed.deserialize(self.next_value.take().unwrap_or(Js::Undefined))
    }
}

/// An enum's tag and payload.
struct Variant<'a> {
    tag: Js<'a>,
    payload: Js<'a>,
}

impl<'de, 'a> de::EnumAccess<'de> for Variant<'a> {
    type Error = JsError;
    type Variant = Js<'a>;

    fn variant_seed<V: de::DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Js<'a>), JsError> {
        Ok((seed.deserialize(self.tag)?, self.payload))
    }
}

impl<'de> de::VariantAccess<'de> for Js<'_> {
    type Error = JsError;

    fn unit_variant(self) -> Result<(), JsError> {
        de::Deserialize::deserialize(self)
    }

    fn newtype_variant_seed<T: de::DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<T::Value, JsError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, JsError> {
        de::Deserializer::deserialize_tuple(self, len, visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsError> {
        de::Deserializer::deserialize_struct(self, "", fields, visitor)
    }
}

impl<'a> Js<'a> {
    fn signed<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        match self.as_safe_integer() {
            Some(v) => visitor.visit_i64(v),
            None => Err(self.invalid_type(&visitor)),
        }
    }

    fn unsigned<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        match self.as_safe_integer() {
            Some(v) if v >= 0 => visitor.visit_u64(v as u64),
            _ => Err(self.invalid_type(&visitor)),
        }
    }

    /// The key-value pairs `deserialize_map` iterates, or the error it gives.
    fn pairs(self, expected: &dyn de::Expected) -> Result<Vec<(Js<'a>, Js<'a>)>, JsError> {
        match self {
            // Iterable: each element is a `[key, value]` pair.
            Self::Json(Value::Array(items)) => items
                .iter()
                .map(|item| Ok((Js::Json(item).index(0)?, Js::Json(item).index(1)?)))
                .collect(),
            Self::Json(Value::Object(map)) => Ok(js_entries(map)
                .into_iter()
                .map(|(key, value)| (Js::Key(key), Js::Json(value)))
                .collect()),
            _ if !self.is_reflectable() => Err(JsError::reflect_on_primitive()),
            _ => Err(self.invalid_type(expected)),
        }
    }
}

impl<'de> de::Deserializer<'de> for Js<'_> {
    type Error = JsError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        if self.is_nullish() {
            return visitor.visit_unit();
        }
        if let Some(b) = self.as_bool() {
            return visitor.visit_bool(b);
        }
        if let Some(v) = self.as_f64() {
            return match self.as_safe_integer() {
                Some(i) => visitor.visit_i64(i),
                None => visitor.visit_f64(v),
            };
        }
        if let Some(s) = self.with_str(str::to_owned) {
            return visitor.visit_string(s);
        }
        match self {
            Self::Json(Value::Array(_)) => self.deserialize_seq(visitor),
            Self::Json(Value::Object(_)) => self.deserialize_map(visitor),
            _ => self.fail(&visitor),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        if self.is_nullish() {
            visitor.visit_unit()
        } else {
            self.fail(&visitor)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, JsError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        match self.as_bool() {
            Some(b) => visitor.visit_bool(b),
            None => self.fail(&visitor),
        }
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        match self.as_f64() {
            Some(v) => visitor.visit_f64(v),
            None => self.fail(&visitor),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        match self.with_str(str::to_owned) {
            Some(s) => visitor.visit_string(s),
            None => self.fail(&visitor),
        }
    }

    fn deserialize_i8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.signed(visitor)
    }

    fn deserialize_i16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.signed(visitor)
    }

    fn deserialize_i32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.signed(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.signed(visitor)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.unsigned(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.unsigned(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.unsigned(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.unsigned(visitor)
    }

    /// Only a `BigInt` is an `i128` to serde-wasm-bindgen, and JSON has none.
    fn deserialize_i128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.fail(&visitor)
    }

    fn deserialize_u128<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.fail(&visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        let one = self
            .with_str(|s| {
                let mut chars = s.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Some(c),
                    _ => None,
                }
            })
            .flatten();
        match one {
            Some(c) => visitor.visit_char(c),
            None => self.fail(&visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        if self.is_nullish() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, JsError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        match self {
            Self::Json(Value::Array(items)) => visitor.visit_seq(Elements {
                items: items.iter(),
            }),
            _ if !self.is_reflectable() => Err(JsError::reflect_on_primitive()),
            _ => self.fail(&visitor),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, JsError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, JsError> {
        self.deserialize_tuple(len, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        let pairs = self.pairs(&visitor)?;
        visitor.visit_map(Pairs {
            pairs: pairs.into_iter(),
            next_value: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsError> {
        if !self.is_object() {
            return self.fail(&visitor);
        }
        visitor.visit_map(Fields {
            object: self,
            fields: fields.iter(),
            next_value: None,
        })
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsError> {
        let access = if self.with_str(|_| ()).is_some() {
            Variant {
                tag: self,
                payload: Js::Undefined,
            }
        } else if let Self::Json(Value::Object(map)) = self {
            // `Object.entries(value)` must have exactly one `[tag, payload]`.
            let entries = js_entries(map);
            let [(tag, payload)] = entries[..] else {
                return Err(de::Error::invalid_length(entries.len(), &"1"));
            };
            Variant {
                tag: Js::Key(tag),
                payload: Js::Json(payload),
            }
        } else if let Self::Json(Value::Array(items)) = self {
            // An array's entries are its indices: `[["0", item]]` for one item.
            let [item] = &items[..] else {
                return Err(de::Error::invalid_length(items.len(), &"1"));
            };
            Variant {
                tag: Js::Key("0"),
                payload: Js::Json(item),
            }
        } else {
            return self.fail(&visitor);
        };
        visitor.visit_enum(access)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        visitor.visit_unit()
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        self.deserialize_byte_buf(visitor)
    }

    /// JSON has no `Uint8Array`: only an array gives bytes.
    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsError> {
        match self {
            Self::Json(Value::Array(items)) => visitor.visit_seq(Elements {
                items: items.iter(),
            }),
            _ => self.fail(&visitor),
        }
    }

    fn is_human_readable(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    fn error<T: DeserializeOwned + fmt::Debug>(value: Value) -> String {
        from_json::<T>(&value).unwrap_err().to_string()
    }

    #[test]
    fn an_object_read_as_u64_is_shown_as_wasm_bindgens_debug_of_the_js_value() {
        assert_eq!(
            error::<u64>(json!({
                "origin": "https://api.partner.example",
                "summary_path": "/v1/invoices/summary"
            })),
            r#"Error: invalid type: JsValue(Object({"origin":"https://api.partner.example","summary_path":"/v1/invoices/summary"})), expected u64"#
        );
    }

    #[test]
    fn an_array_is_shown_element_by_element_with_nested_objects_as_object() {
        assert_eq!(
            error::<u64>(json!([1.5, "x", { "k": true }, [2, null], 1e21, 0.000001, 1e-7])),
            r#"Error: invalid type: JsValue([1.5, "x", Object({"k":true}), [2, null], 1e+21, 0.000001, 1e-7]), expected u64"#
        );
    }

    #[test]
    fn nested_objects_are_json_stringified_with_javascripts_numbers_and_key_order() {
        assert_eq!(
            error::<u64>(json!({
                "b": { "x": null, "y": [1.0, "two", { "z": -0.5 }] },
                "a": "q\"\n",
                "10": 1,
                "2": 123456789012345678901234567890.0
            })),
            r#"Error: invalid type: JsValue(Object({"2":1.2345678901234568e+29,"10":1,"a":"q\"\n","b":{"x":null,"y":[1,"two",{"z":-0.5}]}})), expected u64"#
        );
    }

    #[test]
    fn numbers_strings_bools_and_null_are_serdes_own_unexpected_kinds() {
        assert_eq!(
            error::<String>(json!(1)),
            "Error: invalid type: floating point `1.0`, expected a string"
        );
        assert_eq!(
            error::<u64>(json!("7")),
            r#"Error: invalid type: string "7", expected u64"#
        );
        assert_eq!(
            error::<String>(json!(true)),
            "Error: invalid type: boolean `true`, expected a string"
        );
        assert_eq!(
            error::<String>(json!(null)),
            "Error: invalid type: unit value, expected a string"
        );
    }

    #[test]
    fn a_number_read_as_a_string_is_a_float_where_serde_json_says_integer() {
        let value = json!(1);
        let serde_json_text = serde_json::from_value::<String>(value.clone())
            .unwrap_err()
            .to_string();
        assert_eq!(
            serde_json_text,
            "invalid type: integer `1`, expected a string"
        );
        assert_eq!(
            error::<String>(value),
            "Error: invalid type: floating point `1.0`, expected a string"
        );
    }

    #[test]
    fn a_fraction_or_an_unsafe_integer_is_no_integer() {
        assert_eq!(
            error::<u32>(json!(0.5)),
            "Error: invalid type: floating point `0.5`, expected u32"
        );
        assert_eq!(
            error::<i64>(json!(9_007_199_254_740_993_u64)),
            "Error: invalid type: floating point `9007199254740992.0`, expected i64"
        );
        assert_eq!(
            from_json::<i64>(&json!(-9_007_199_254_740_991_i64)).unwrap(),
            -9_007_199_254_740_991
        );
        assert_eq!(from_json::<u8>(&json!(2.0)).unwrap(), 2);
    }

    #[test]
    fn a_negative_number_for_an_unsigned_type_fails_with_the_float() {
        assert_eq!(
            error::<u32>(json!(-1)),
            "Error: invalid type: floating point `-1.0`, expected u32"
        );
        // Out of range, but a safe integer: serde's own range check.
        assert_eq!(
            error::<u8>(json!(300)),
            "Error: invalid value: integer `300`, expected u8"
        );
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Limits {
        burst: u32,
        ratio: f64,
        tags: Vec<String>,
        note: Option<String>,
        floor: Option<i32>,
    }

    #[test]
    fn a_struct_reads_its_fields_and_ignores_unknown_ones() {
        let limits: Limits = from_json(&json!({
            "burst": 10, "ratio": 0.25, "tags": ["a", "b"], "note": null, "other": { "x": 1 }
        }))
        .unwrap();
        assert_eq!(
            limits,
            Limits {
                burst: 10,
                ratio: 0.25,
                tags: vec!["a".into(), "b".into()],
                note: None,
                floor: None,
            }
        );
    }

    #[test]
    fn unknown_fields_are_never_seen_not_even_when_denied() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Strict {
            burst: u8,
        }
        let value = json!({ "burst": 1, "other": 2 });
        assert!(serde_json::from_value::<Strict>(value.clone()).is_err());
        assert_eq!(from_json::<Strict>(&value).unwrap().burst, 1);
    }

    #[test]
    fn object_keys_are_strings_even_for_a_map_with_integer_keys() {
        let value = json!({ "1": 2 });
        assert!(serde_json::from_value::<BTreeMap<u32, u8>>(value.clone()).is_ok());
        assert_eq!(
            error::<BTreeMap<u32, u8>>(value),
            r#"Error: invalid type: string "1", expected u32"#
        );
    }

    #[test]
    fn a_missing_field_is_named() {
        assert_eq!(
            error::<Limits>(json!({ "burst": 1, "tags": [] })),
            "Error: missing field `ratio`"
        );
    }

    #[test]
    fn a_vec_reads_an_array_and_a_primitive_makes_javascript_throw() {
        assert_eq!(from_json::<Vec<u8>>(&json!([1, 2, 3])).unwrap(), [1, 2, 3]);
        assert_eq!(
            error::<Vec<u8>>(json!("1,2")),
            "TypeError: Reflect.get called on non-object"
        );
        assert_eq!(
            error::<Vec<u8>>(json!({ "a": 1 })),
            r#"Error: invalid type: JsValue(Object({"a":1})), expected a sequence"#
        );
        assert_eq!(
            error::<Vec<u8>>(json!([1, "2"])),
            r#"Error: invalid type: string "2", expected u8"#
        );
    }

    #[test]
    fn option_is_none_for_null_and_some_otherwise() {
        assert_eq!(from_json::<Option<u8>>(&json!(null)).unwrap(), None);
        assert_eq!(from_json::<Option<u8>>(&json!(4)).unwrap(), Some(4));
        assert_eq!(
            error::<Option<u8>>(json!("4")),
            r#"Error: invalid type: string "4", expected u8"#
        );
    }

    #[test]
    fn a_nested_field_of_the_wrong_type_names_the_inner_value() {
        #[derive(Debug, Deserialize)]
        struct Outer {
            #[allow(dead_code)]
            inner: Inner,
        }
        #[derive(Debug, Deserialize)]
        struct Inner {
            #[allow(dead_code)]
            limit: u16,
        }
        assert_eq!(
            error::<Outer>(json!({ "inner": { "limit": { "max": 5 } } })),
            r#"Error: invalid type: JsValue(Object({"max":5})), expected u16"#
        );
        assert_eq!(
            error::<Outer>(json!({ "inner": [1] })),
            "Error: missing field `limit`"
        );
    }

    #[test]
    fn maps_enums_and_any_follow_serde_wasm_bindgen() {
        let map: BTreeMap<String, u8> = from_json(&json!({ "b": 2, "a": 1 })).unwrap();
        assert_eq!(map.len(), 2);
        let pairs: BTreeMap<String, u8> = from_json(&json!([["k", 1]])).unwrap();
        assert_eq!(pairs["k"], 1);

        #[derive(Debug, Deserialize, PartialEq)]
        enum Mode {
            Off,
            Burst(u8),
        }
        assert_eq!(from_json::<Mode>(&json!("Off")).unwrap(), Mode::Off);
        assert_eq!(
            from_json::<Mode>(&json!({ "Burst": 3 })).unwrap(),
            Mode::Burst(3)
        );
        assert_eq!(
            error::<Mode>(json!({ "Burst": 3, "Off": null })),
            "Error: invalid length 2, expected 1"
        );
        assert_eq!(
            error::<Mode>(json!("Fast")),
            "Error: unknown variant `Fast`, expected `Off` or `Burst`"
        );

        // Safe integers come back as integers, other numbers as floats.
        let any: Value = from_json(&json!({ "i": 2.0, "f": 0.5 })).unwrap();
        assert_eq!(any.to_string(), r#"{"f":0.5,"i":2}"#);
    }

    #[test]
    fn a_field_every_object_inherits_is_not_missing() {
        #[derive(Debug, Deserialize)]
        struct Inherits {
            #[allow(dead_code)]
            constructor: Option<String>,
        }
        assert_eq!(
            error::<Inherits>(json!({ "burst": 1 })),
            "Error: invalid type: JsValue(Function(Object)), expected a string"
        );
        let own: Inherits = from_json(&json!({ "constructor": "mine" })).unwrap();
        assert_eq!(own.constructor.as_deref(), Some("mine"));

        #[derive(Debug, Deserialize)]
        struct Proto {
            #[serde(rename = "__proto__")]
            proto: BTreeMap<String, u8>,
            #[serde(rename = "toString")]
            #[allow(dead_code)]
            to_string: Option<u8>,
        }
        assert_eq!(
            error::<Proto>(json!({})),
            "Error: invalid type: JsValue(Function(toString)), expected u8"
        );
        let proto: Proto = from_json(&json!({ "toString": 1 })).unwrap();
        assert!(proto.proto.is_empty());
        // A missing field that nothing inherits is missing.
        #[derive(Debug, Deserialize)]
        struct Plain {
            #[allow(dead_code)]
            ceiling: u8,
        }
        assert_eq!(error::<Plain>(json!({})), "Error: missing field `ceiling`");
    }

    #[test]
    fn javascript_prints_numbers_its_own_way() {
        for (x, shown) in [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-2.5, "-2.5"),
            (1e20, "100000000000000000000"),
            (1e21, "1e+21"),
            (123e-9, "1.23e-7"),
            (0.000_001_5, "0.0000015"),
            (9_007_199_254_740_993.0, "9007199254740992"),
            (f64::MAX, "1.7976931348623157e+308"),
        ] {
            assert_eq!(js_number(x), shown, "{x:e}");
        }
    }
}
