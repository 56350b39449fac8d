//! A small owned JSON model: [`Value`], a strict parser ([`parse`], [`parse_strict`]) and a
//! compact writer ([`to_string`], [`ObjectWriter`]).
//!
//! Why not serde_json: generic serde machinery, a `BTreeMap` per object and float parsing and
//! formatting were most of the package's size, and the crate needs none of them. JSON here is
//! either read into a `Value` and checked field by field, or written from typed data.
//!
//! - **Objects keep insertion order** (a `Vec` of entries), so bodies pass through in the order
//!   they were sent. Lookups are linear; the objects this crate reads are small, and parsing
//!   checks large objects for repeated keys by sorting instead of scanning.
//! - **Numbers keep their JSON text**, validated against RFC 8259 and, like serde_json, refused
//!   when they overflow an `f64`. Integers are read from the text exactly
//!   ([`Number::as_u64`], [`Number::as_i64`], [`Number::as_whole`]); nothing here converts text
//!   to a float or a float to text, so core's float parsing and formatting stay out of the
//!   wasm binary. Writing a parsed number writes its text unchanged.
//! - **Strings** are escaped as `JSON.stringify` escapes them.

mod parse;
mod write;

use core::fmt;

pub use parse::{parse, parse_strict, Error, MAX_DEPTH};
pub use write::{push_u64, to_string, write_str, write_value, ObjectWriter};

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// A JSON number, kept as its (valid) JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Number(Box<str>);

/// A JSON object: entries in insertion order, keys unique.
///
/// Equality ignores order (as JSON objects are compared), so `{"a":1,"b":2}` equals
/// `{"b":2,"a":1}`.
#[derive(Debug, Clone, Default)]
pub struct Map(Vec<(String, Value)>);

static NULL: Value = Value::Null;

impl Number {
    /// The number's JSON text, e.g. `50`, `-1.5e3`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps text that [`parse`] validated.
    pub(crate) fn from_valid_text(text: &str) -> Number {
        Number(text.into())
    }

    /// A float, as Rust's shortest round-trip text; `None` for NaN and infinities. Uses core's
    /// float formatting: meant for tests and Rust callers, not the wasm paths.
    pub fn from_f64(f: f64) -> Option<Number> {
        f.is_finite()
            .then(|| Number(format!("{f:?}").into_boxed_str()))
    }

    /// The value when the text is an integer without fraction or exponent that fits a `u64`
    /// (as serde_json's `as_u64`).
    pub fn as_u64(&self) -> Option<u64> {
        digits_value(self.0.as_bytes())
    }

    /// The value when the text is an integer without fraction or exponent that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self.0.strip_prefix('-') {
            Some(rest) => {
                let n = digits_value(rest.as_bytes())?;
                if n <= 1 << 63 {
                    Some((n as i64).wrapping_neg())
                } else {
                    None
                }
            }
            None => i64::try_from(self.as_u64()?).ok(),
        }
    }

    /// The value when the number is a whole number of magnitude below 10³⁰ in any spelling
    /// (`50`, `50.0`, `5e1`, `500e-1`), decided exactly on the decimal text.
    ///
    /// This is what an `f64` gives for every number `JSON.stringify` writes; the two differ only
    /// for text with more digits than an `f64` holds, where the float rounds (`50.0000000000000001`
    /// is 50 as an `f64`, and not whole here).
    pub fn as_whole(&self) -> Option<i128> {
        let d = Decimal::of(self.0.as_bytes());
        let len = d.significant_len();
        if len == 0 {
            return Some(0);
        }
        if d.exp10 < 0 || len as i64 + d.exp10 > 30 {
            return None;
        }
        let mut n: i128 = 0;
        for b in d.significant() {
            n = n * 10 + i128::from(b - b'0');
        }
        for _ in 0..d.exp10 {
            n *= 10;
        }
        Some(if d.negative { -n } else { n })
    }
}

/// Valid JSON number text as `±(int ++ frac) × 10^exp10`: the digits of the integer and the
/// fraction parts read as one run, trailing zeros moved into the exponent.
pub(crate) struct Decimal<'a> {
    pub negative: bool,
    int: &'a [u8],
    frac: &'a [u8],
    pub exp10: i64,
}

impl<'a> Decimal<'a> {
    pub fn of(text: &'a [u8]) -> Decimal<'a> {
        let negative = text.first() == Some(&b'-');
        let body = if negative { &text[1..] } else { text };
        let end = body
            .iter()
            .position(|&b| b == b'e' || b == b'E')
            .unwrap_or(body.len());
        let (mantissa, exponent) = body.split_at(end);
        let (int, frac) = match mantissa.iter().position(|&b| b == b'.') {
            Some(dot) => (&mantissa[..dot], &mantissa[dot + 1..]),
            None => (mantissa, &[][..]),
        };
        let frac = trim_end_zeros(frac);
        let mut exp10 = parse_exponent(exponent.get(1..).unwrap_or(&[])) - frac.len() as i64;
        let int = if frac.is_empty() {
            let t = trim_end_zeros(int);
            exp10 += (int.len() - t.len()) as i64;
            t
        } else {
            int
        };
        let int = trim_start_zeros(int);
        let frac = if int.is_empty() {
            trim_start_zeros(frac)
        } else {
            frac
        };
        Decimal {
            negative,
            int,
            frac,
            exp10,
        }
    }

    /// How many significant digits.
    pub fn significant_len(&self) -> usize {
        self.int.len() + self.frac.len()
    }

    /// The significant digits (ASCII), first to last.
    pub fn significant(&self) -> impl Iterator<Item = u8> + 'a {
        self.int.iter().chain(self.frac).copied()
    }
}

fn trim_start_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|&&b| b == b'0').count();
    &s[n..]
}

fn trim_end_zeros(s: &[u8]) -> &[u8] {
    let n = s.iter().rev().take_while(|&&b| b == b'0').count();
    &s[..s.len() - n]
}

/// An exponent's value, saturated far beyond any that matters (±10⁹).
fn parse_exponent(s: &[u8]) -> i64 {
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut n: i64 = 0;
    for &b in digits {
        n = (n * 10 + i64::from(b - b'0')).min(1_000_000_000);
    }
    if negative {
        -n
    } else {
        n
    }
}

/// The order that sorts `keys` (byte-wise), stable: equal keys keep their input order.
///
/// A small bottom-up merge sort over indices, shared by the parser's repeated-key check and
/// the tags; the standard library's sorts add several KiB of wasm per instantiation.
pub(crate) fn sorted_order(keys: &[&str]) -> Vec<usize> {
    let n = keys.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut scratch = vec![0usize; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut scratch[start..end] {
                // Take from the left run on ties, which keeps the sort stable.
                if j >= end || (i < mid && keys[order[i]] <= keys[order[j]]) {
                    *slot = order[i];
                    i += 1;
                } else {
                    *slot = order[j];
                    j += 1;
                }
            }
            start = end;
        }
        core::mem::swap(&mut order, &mut scratch);
        width *= 2;
    }
    order
}

/// The value of a plain run of ASCII digits, `None` if empty, not all digits, or over `u64`.
fn digits_value(s: &[u8]) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    Some(n)
}

macro_rules! number_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(n: $t) -> Number {
                let mut out = String::new();
                if n < 0 as $t {
                    out.push('-');
                }
                push_u64(&mut out, (n as i128).unsigned_abs() as u64);
                Number(out.into_boxed_str())
            }
        }
        impl From<$t> for Value {
            fn from(n: $t) -> Value {
                Value::Number(Number::from(n))
            }
        }
    )*};
}

number_from_int!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl From<f64> for Value {
    /// A float (`null` for NaN and infinities); see [`Number::from_f64`].
    fn from(f: f64) -> Value {
        Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<&String> for Value {
    fn from(s: &String) -> Value {
        Value::String(s.clone())
    }
}

impl From<Map> for Value {
    fn from(m: Map) -> Value {
        Value::Object(m)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::Array(items.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// Types [`json!`](crate::json!) takes as values (by reference, so nothing is moved).
pub trait ToValue {
    fn to_value(&self) -> Value;
}

impl ToValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
}

impl ToValue for Map {
    fn to_value(&self) -> Value {
        Value::Object(self.clone())
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value {
        Value::String(self.to_string())
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value {
        Value::from(*self)
    }
}

macro_rules! to_value_int {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value {
                Value::from(*self)
            }
        }
    )*};
}

to_value_int!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for [T] {
    fn to_value(&self) -> Value {
        Value::Array(self.iter().map(ToValue::to_value).collect())
    }
}

impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
}

impl<T: ToValue, const N: usize> ToValue for [T; N] {
    fn to_value(&self) -> Value {
        self.as_slice().to_value()
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToValue::to_value)
    }
}

impl Value {
    /// The value of `key` when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.get(key),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }

    pub fn is_array(&self) -> bool {
        matches!(self, Value::Array(_))
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_array_mut(&mut self) -> Option<&mut Vec<Value>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_object_mut(&mut self) -> Option<&mut Map> {
        match self {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// Compact JSON text.
    pub fn to_json(&self) -> String {
        to_string(self)
    }
}

impl fmt::Display for Value {
    /// Compact JSON text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_string(self))
    }
}

impl core::ops::Index<&str> for Value {
    type Output = Value;

    /// The value of `key`, or `null` (tests read nested values this way).
    fn index(&self, key: &str) -> &Value {
        self.get(key).unwrap_or(&NULL)
    }
}

impl core::ops::Index<usize> for Value {
    type Output = Value;

    /// Item `index` of an array, or `null`.
    fn index(&self, index: usize) -> &Value {
        match self {
            Value::Array(a) => a.get(index).unwrap_or(&NULL),
            _ => &NULL,
        }
    }
}

impl core::ops::IndexMut<&str> for Value {
    /// The value of `key`, inserted as `null` when missing; `null` becomes an empty object
    /// first. A test convenience: panics on other kinds of value, as serde_json's does.
    fn index_mut(&mut self, key: &str) -> &mut Value {
        if self.is_null() {
            *self = Value::Object(Map::new());
        }
        match self {
            Value::Object(m) => {
                if !m.contains_key(key) {
                    m.insert(key, Value::Null);
                }
                m.get_mut(key).unwrap_or_else(|| unreachable!())
            }
            _ => panic!("cannot index a JSON value that is not an object with a key"),
        }
    }
}

impl core::ops::IndexMut<usize> for Value {
    /// Item `index` of an array. A test convenience: panics when there is no such item.
    fn index_mut(&mut self, index: usize) -> &mut Value {
        match self {
            Value::Array(a) if index < a.len() => &mut a[index],
            _ => panic!("no JSON array item at this index"),
        }
    }
}

impl PartialEq<str> for Value {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == Some(other)
    }
}

impl PartialEq<&str> for Value {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == Some(*other)
    }
}

impl PartialEq<bool> for Value {
    fn eq(&self, other: &bool) -> bool {
        self.as_bool() == Some(*other)
    }
}

macro_rules! eq_int {
    ($($t:ty => $as:ident),*) => {$(
        impl PartialEq<$t> for Value {
            fn eq(&self, other: &$t) -> bool {
                self.$as().is_some_and(|n| n.try_into() == Ok(*other))
            }
        }
    )*};
}

eq_int!(i32 => as_i64, i64 => as_i64, u16 => as_u64, u32 => as_u64, u64 => as_u64, usize => as_u64);

impl Map {
    pub const fn new() -> Map {
        Map(Vec::new())
    }

    pub fn with_capacity(n: usize) -> Map {
        Map(Vec::with_capacity(n))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.0.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Sets `key`: an existing entry keeps its place and gets the new value (returning the old
    /// one); a new key is appended.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        let key = key.into();
        match self.get_mut(&key) {
            Some(slot) => Some(core::mem::replace(slot, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// Removes `key`, keeping the order of the others.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let i = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(i).1)
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl Iterator<Item = &Value> {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    pub(crate) fn entries(&self) -> &[(String, Value)] {
        &self.0
    }

    pub(crate) fn entries_mut(&mut self) -> &mut Vec<(String, Value)> {
        &mut self.0
    }
}

impl PartialEq for Map {
    fn eq(&self, other: &Map) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl<'a> IntoIterator for &'a Map {
    type Item = (&'a String, &'a Value);
    type IntoIter = core::iter::Map<
        core::slice::Iter<'a, (String, Value)>,
        fn(&'a (String, Value)) -> (&'a String, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for Map {
    /// Later entries replace earlier ones with the same key.
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Map {
        let mut m = Map::new();
        for (k, v) in iter {
            m.insert(k, v);
        }
        m
    }
}

/// A [`Value`] from JSON-like syntax, for tests and examples: `json!({"to": [{"userId": id}],
/// "n": 1, "x": null})`. Keys are string literals; values are `null`, `true`, `false`, nested
/// `[…]`/`{…}`, or any expression with a `Value: From<T>`.
#[macro_export]
macro_rules! json {
    (null) => { $crate::json::Value::Null };
    ([ $($tt:tt)* ]) => { $crate::json::Value::Array($crate::json_items!([] () $($tt)*)) };
    ({}) => { $crate::json::Value::Object($crate::json::Map::new()) };
    ({ $($tt:tt)+ }) => {{
        let mut map = $crate::json::Map::new();
        $crate::json_entries!(map () $($tt)+);
        $crate::json::Value::Object(map)
    }};
    ($other:expr) => { $crate::json::ToValue::to_value(&$other) };
}

/// Munches the items of a `json!` array into `vec![…]`: each item's tokens up to a top-level
/// comma (one step for single-token items).
#[doc(hidden)]
#[macro_export]
macro_rules! json_items {
    ([$($done:expr,)*] () $item:tt , $($rest:tt)*) => {
        $crate::json_items!([$($done,)* $crate::json!($item),] () $($rest)*)
    };
    ([$($done:expr,)*] ($($item:tt)+) , $($rest:tt)*) => {
        $crate::json_items!([$($done,)* $crate::json!($($item)+),] () $($rest)*)
    };
    ([$($done:expr,)*] ($($item:tt)*) $next:tt $($rest:tt)*) => {
        $crate::json_items!([$($done,)*] ($($item)* $next) $($rest)*)
    };
    ([$($done:expr,)*] ($($item:tt)+)) => { ::std::vec![$($done,)* $crate::json!($($item)+)] };
    ([$($done:expr,)*] ()) => { ::std::vec![$($done),*] };
}

/// Munches the entries of a `json!` object: `key: value` up to a top-level comma, where a key is
/// a string literal (one step) or any expression up to its `:`; single-token values take one
/// step too.
#[doc(hidden)]
#[macro_export]
macro_rules! json_entries {
    ($m:ident () $key:literal : $v:tt , $($rest:tt)*) => {
        $m.insert($key, $crate::json!($v));
        $crate::json_entries!($m () $($rest)*);
    };
    ($m:ident () $key:literal : $v:tt) => { $m.insert($key, $crate::json!($v)); };
    ($m:ident () $key:literal : $($rest:tt)*) => {
        $crate::json_entries!(@value $m ($key) () $($rest)*);
    };
    ($m:ident () $($rest:tt)+) => { $crate::json_entries!(@key $m () $($rest)+); };
    ($m:ident ()) => {};
    (@key $m:ident ($($k:tt)+) : $($rest:tt)*) => {
        $crate::json_entries!(@value $m ($($k)+) () $($rest)*);
    };
    (@key $m:ident ($($k:tt)*) $next:tt $($rest:tt)*) => {
        $crate::json_entries!(@key $m ($($k)* $next) $($rest)*);
    };
    (@value $m:ident ($($k:tt)+) ($($v:tt)+) , $($rest:tt)*) => {
        $m.insert($($k)+, $crate::json!($($v)+));
        $crate::json_entries!($m () $($rest)*);
    };
    (@value $m:ident ($($k:tt)+) ($($v:tt)*) $next:tt $($rest:tt)*) => {
        $crate::json_entries!(@value $m ($($k)+) ($($v)* $next) $($rest)*);
    };
    (@value $m:ident ($($k:tt)+) ($($v:tt)+)) => { $m.insert($($k)+, $crate::json!($($v)+)); };
}

#[cfg(test)]
mod tests;
