//! The parser: RFC 8259 exactly (no comments, no trailing commas, no leading zeros, no
//! unpaired surrogates in `\u` escapes), nesting limited to [`MAX_DEPTH`], numbers that
//! overflow an `f64` refused (as serde_json refuses them). Errors carry the byte position.

use core::fmt;

use super::{Decimal, Map, Number, Value};

/// Arrays and objects nested this deep are refused (serde_json's limit: 127 levels parse).
pub const MAX_DEPTH: usize = 128;

/// Objects with more entries than this are checked for repeated keys by sorting at the end,
/// smaller ones by a scan at each key.
const SCAN_LIMIT: usize = 16;

/// Why text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    what: &'static str,
    /// Byte offset of the offending byte, or the text's length when it ended too early.
    position: usize,
    /// The repeated key (clipped to 40 characters), for a strict parse.
    key: Option<String>,
}

impl Error {
    /// The byte offset of the problem (the text's length when it ended too early).
    pub fn position(&self) -> usize {
        self.position
    }

    /// Whether the problem is a key repeated in one object (only [`parse_strict`] refuses them).
    pub fn is_duplicate_key(&self) -> bool {
        self.key.is_some()
    }

    /// 1-based line and column of the problem in `text` (the text that was parsed), counted in
    /// bytes as serde_json counts them: the column of the offending byte, or of the last byte
    /// when the text ended too early.
    pub fn line_column(&self, text: &str) -> (usize, usize) {
        let before = &text.as_bytes()[..self.position.min(text.len())];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let column = self.position - line_start + usize::from(self.position < text.len());
        (line, column)
    }

    /// `"<what> at line L column C"`, serde_json's wording.
    pub fn describe(&self, text: &str) -> String {
        let (line, column) = self.line_column(text);
        let mut out = self.what_text();
        out.push_str(" at line ");
        super::push_u64(&mut out, line as u64);
        out.push_str(" column ");
        super::push_u64(&mut out, column as u64);
        out
    }

    fn what_text(&self) -> String {
        match &self.key {
            Some(key) => ["the key \"", key, "\" appears twice in one object"].concat(),
            None => self.what.to_string(),
        }
    }
}

impl fmt::Display for Error {
    /// `"<what> at byte N"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at byte {}", self.what_text(), self.position)
    }
}

impl std::error::Error for Error {}

/// Parses JSON text. A key repeated in one object keeps its first place and its last value
/// (as serde_json reads it).
pub fn parse(text: &str) -> Result<Value, Error> {
    Parser::new(text, false).run()
}

/// Parses JSON text, refusing a key repeated in any object at any depth. A proxy must never let
/// the request it checked and the request somebody else reads differ: one reader keeps the
/// last value of a repeated key, another the first.
pub fn parse_strict(text: &str) -> Result<Value, Error> {
    Parser::new(text, true).run()
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth: usize,
    strict: bool,
}

const EOF_VALUE: &str = "EOF while parsing a value";

impl<'a> Parser<'a> {
    fn new(text: &'a str, strict: bool) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            at: 0,
            depth: 0,
            strict,
        }
    }

    fn run(mut self) -> Result<Value, Error> {
        let value = self.value()?;
        self.skip_ws();
        if self.at < self.bytes.len() {
            return Err(self.error("trailing characters"));
        }
        Ok(value)
    }

    fn error(&self, what: &'static str) -> Error {
        self.error_at(what, self.at)
    }

    fn error_at(&self, what: &'static str, position: usize) -> Error {
        Error {
            what,
            position,
            key: None,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Result<Value, Error> {
        self.skip_ws();
        match self.peek() {
            None => Err(self.error(EOF_VALUE)),
            Some(b'n') => self.literal(b"null", Value::Null),
            Some(b't') => self.literal(b"true", Value::Bool(true)),
            Some(b'f') => self.literal(b"false", Value::Bool(false)),
            Some(b'"') => {
                self.at += 1;
                self.string().map(Value::String)
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                self.enter()?;
                let v = self.array();
                self.depth -= 1;
                v
            }
            Some(b'{') => {
                self.enter()?;
                let v = self.object();
                self.depth -= 1;
                v
            }
            Some(_) => Err(self.error("expected value")),
        }
    }

    fn enter(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth >= MAX_DEPTH {
            return Err(self.error("recursion limit exceeded"));
        }
        self.at += 1;
        Ok(())
    }

    fn literal(&mut self, word: &[u8], value: Value) -> Result<Value, Error> {
        for &expected in word {
            match self.peek() {
                None => return Err(self.error(EOF_VALUE)),
                Some(b) if b == expected => self.at += 1,
                Some(_) => return Err(self.error("expected ident")),
            }
        }
        Ok(value)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Value, Error> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => {
                self.at += 1;
                if self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    return Err(self.error("invalid number"));
                }
            }
            Some(b'1'..=b'9') => {
                self.digits();
            }
            None => return Err(self.error(EOF_VALUE)),
            Some(_) => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.number_end_error());
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.number_end_error());
            }
        }
        let text = &self.text[start..self.at];
        if overflows_f64(text) {
            return Err(self.error_at("number out of range", start));
        }
        Ok(Value::Number(Number::from_valid_text(text)))
    }

    fn number_end_error(&self) -> Error {
        if self.at >= self.bytes.len() {
            self.error(EOF_VALUE)
        } else {
            self.error("invalid number")
        }
    }

    /// A string's contents after the opening quote, through the closing quote.
    fn string(&mut self) -> Result<String, Error> {
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // Stops only at ASCII bytes, so both ends are character boundaries.
            out.push_str(&self.text[start..self.at]);
            match self.peek() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => {
                    return Err(self
                        .error("control character (\\u0000-\\u001F) found while parsing a string"))
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), Error> {
        let Some(b) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.at += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => self.unicode_escape()?,
            _ => return Err(self.error_at("invalid escape", self.at - 1)),
        };
        out.push(c);
        Ok(())
    }

    /// `\uXXXX` after the `u`, with a surrogate pair read as one character.
    fn unicode_escape(&mut self) -> Result<char, Error> {
        let first = self.hex4()?;
        match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                    return Err(self.error(if self.at >= self.bytes.len() {
                        "EOF while parsing a string"
                    } else {
                        "lone leading surrogate in hex escape"
                    }));
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error_at("lone leading surrogate in hex escape", self.at - 6));
                }
                let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                char::from_u32(c).ok_or_else(|| self.error("invalid unicode code point"))
            }
            0xDC00..=0xDFFF => {
                Err(self.error_at("lone trailing surrogate in hex escape", self.at - 6))
            }
            c => char::from_u32(c).ok_or_else(|| self.error("invalid unicode code point")),
        }
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut n = 0;
        for _ in 0..4 {
            let Some(b) = self.peek() else {
                return Err(self.error("EOF while parsing a string"));
            };
            let d = match b {
                b'0'..=b'9' => b - b'0',
                b'a'..=b'f' => b - b'a' + 10,
                b'A'..=b'F' => b - b'A' + 10,
                _ => return Err(self.error("invalid escape")),
            };
            n = n << 4 | u32::from(d);
            self.at += 1;
        }
        Ok(n)
    }

    fn array(&mut self) -> Result<Value, Error> {
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Value::Array(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        return Err(self.error("trailing comma"));
                    }
                }
                Some(b']') => {
                    self.at += 1;
                    return Ok(Value::Array(items));
                }
                None => return Err(self.error("EOF while parsing a list")),
                Some(_) => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn object(&mut self) -> Result<Value, Error> {
        let mut map = Map::new();
        // Where each key starts, to report a repeated key found by sorting.
        let mut key_at: Vec<usize> = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(Value::Object(map));
        }
        loop {
            self.skip_ws();
            let at = self.at;
            match self.peek() {
                Some(b'"') => self.at += 1,
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("key must be a string")),
            }
            let key = self.string()?;
            self.skip_ws();
            match self.peek() {
                Some(b':') => self.at += 1,
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `:`")),
            }
            let value = self.value()?;
            let entries = map.entries_mut();
            if entries.len() < SCAN_LIMIT {
                if let Some(slot) = entries.iter_mut().find(|(k, _)| *k == key) {
                    if self.strict {
                        return Err(self.duplicate(&key, at));
                    }
                    slot.1 = value;
                } else {
                    entries.push((key, value));
                    key_at.push(at);
                }
            } else {
                entries.push((key, value));
                key_at.push(at);
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => {
                    self.at += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        return Err(self.error("trailing comma"));
                    }
                }
                Some(b'}') => {
                    self.at += 1;
                    break;
                }
                None => return Err(self.error("EOF while parsing an object")),
                Some(_) => return Err(self.error("expected `,` or `}`")),
            }
        }
        if map.len() > SCAN_LIMIT {
            self.dedupe(&mut map, &key_at)?;
        }
        Ok(Value::Object(map))
    }

    fn duplicate(&self, key: &str, at: usize) -> Error {
        let shown: String = key.chars().take(40).collect();
        Error {
            what: "duplicate key",
            position: at,
            key: Some(shown),
        }
    }

    /// Finds repeated keys of a large object by sorting: strict parses report the first repeat
    /// in the text; others keep each key's first place with its last value.
    fn dedupe(&self, map: &mut Map, key_at: &[usize]) -> Result<(), Error> {
        let entries = map.entries_mut();
        let order = {
            let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
            super::sorted_order(&keys)
        };
        let mut first_repeat: Option<usize> = None;
        let mut drop = vec![false; entries.len()];
        let mut i = 0;
        while i < order.len() {
            let mut j = i + 1;
            while j < order.len() && entries[order[j]].0 == entries[order[i]].0 {
                j += 1;
            }
            if j - i > 1 {
                let second = order[i + 1];
                first_repeat = Some(first_repeat.map_or(second, |f| f.min(second)));
                if !self.strict {
                    let last = core::mem::take(&mut entries[order[j - 1]].1);
                    entries[order[i]].1 = last;
                    for &k in &order[i + 1..j] {
                        drop[k] = true;
                    }
                }
            }
            i = j;
        }
        if let Some(second) = first_repeat {
            if self.strict {
                return Err(self.duplicate(&entries[second].0, key_at[second]));
            }
            let mut k = 0;
            entries.retain(|_| {
                k += 1;
                !drop[k - 1]
            });
        }
        Ok(())
    }
}

/// 2¹⁰²⁴ − 2⁹⁷⁰: the smallest decimal that rounds to infinity as an `f64` (309 digits).
const F64_OVERFLOW: &[u8] = b"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792";

/// Whether valid number text rounds to ±infinity as an `f64`.
fn overflows_f64(text: &str) -> bool {
    let d = Decimal::of(text.as_bytes());
    let len = d.significant_len();
    if len == 0 {
        return false;
    }
    // The value lies in [10^(magnitude-1), 10^magnitude).
    let magnitude = len as i64 + d.exp10;
    if magnitude != F64_OVERFLOW.len() as i64 {
        return magnitude > F64_OVERFLOW.len() as i64;
    }
    let mut digits = d.significant().chain(core::iter::repeat(b'0'));
    for &limit in F64_OVERFLOW {
        let b = digits.next().unwrap_or(b'0');
        if b != limit {
            return b > limit;
        }
    }
    true
}
