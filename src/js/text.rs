//! Text and bytes from JS into wasm memory for the token facade: strings through
//! `TextEncoder.encodeInto` (at memory speed for ASCII, and no second copy routine in the token
//! core), a `Uint8Array` through one `set` into a view of the new allocation.

use js_sys::{JsString, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen(inline_js = "const encoder = new TextEncoder();
export function encodeInto(input, view) {
  return encoder.encodeInto(input, view);
}")]
extern "C" {
    /// `encodeInto` of the platform's `TextEncoder` (browsers, Node, workerd), one for the
    /// module.
    #[wasm_bindgen(js_name = encodeInto)]
    pub(crate) fn encode_into(source: &JsString, destination: &Uint8Array) -> Encoded;
}

#[wasm_bindgen]
extern "C" {
    /// `{ read, written }` from `encodeInto`.
    pub(crate) type Encoded;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn read(this: &Encoded) -> f64;
    #[wasm_bindgen(method, getter)]
    pub(crate) fn written(this: &Encoded) -> f64;
}

/// Encodes `s` as UTF-8 straight into wasm memory: one `encodeInto` for ASCII text (every real
/// token), which copies at memory speed, instead of wasm-bindgen's generic string conversion
/// (a JS loop over the characters).
pub(crate) fn utf8_of(s: &JsString) -> Vec<u8> {
    let units = s.length() as usize;
    // One byte per UTF-16 unit is enough for ASCII.
    let mut buf = Vec::with_capacity(units);
    let read = encode_into_spare(s, &mut buf);
    if read < units {
        // Something else: at most three bytes per remaining unit.
        buf.reserve_exact(3 * (units - read));
        encode_into_spare(&s.slice(read as u32, units as u32), &mut buf);
    }
    buf
}

/// A JS string's text, read with [`utf8_of`] (`None` for anything else). In place of
/// `JsValue::as_string`, whose own copy routine would be a second one in the module.
pub(crate) fn string_of(value: &JsValue) -> Option<String> {
    String::from_utf8(utf8_of(value.dyn_ref::<JsString>()?)).ok()
}

/// Appends `encodeInto(s)` to `buf`, in its spare capacity; returns the UTF-16 units read.
fn encode_into_spare(s: &JsString, buf: &mut Vec<u8>) -> usize {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    let spare = buf.spare_capacity_mut();
    // A view of exactly the spare capacity (made after the allocation, so memory cannot grow
    // and detach it before `encodeInto` runs).
    let view = Uint8Array::new_with_byte_offset_and_length(
        &memory.buffer(),
        spare.as_mut_ptr() as u32,
        spare.len() as u32,
    );
    let done = encode_into(s, &view);
    let written = (done.written() as usize).min(spare.len());
    // SAFETY: `encodeInto` initialized the first `written` bytes of the view, which is exactly
    // the spare capacity (it cannot write past the view, and `written` is clamped to it). Not
    // zeroing the buffer first saves a whole pass over a batch's text: about 15% of
    // `inspectTokens` on the benchmark corpus.
    unsafe { buf.set_len(buf.len() + written) };
    done.read() as usize
}

/// A copy of a `Uint8Array`'s bytes: js-sys's `to_vec` with one check less. `to_vec` asserts
/// that the array's length equals itself (`assert_eq!`), which brings core's `Debug` formatting
/// of integers and the assertion message into the token core (-0.3 KiB gzip without it).
pub(crate) fn bytes_of(array: &Uint8Array) -> Vec<u8> {
    let len = array.length() as usize;
    let mut bytes = Vec::with_capacity(len);
    // SAFETY: the view covers exactly the new allocation's `len` bytes, is made after the
    // allocation (so memory cannot grow and detach it) and is used at once, before anything
    // else allocates; `set` copies the array's `len` bytes into it, initializing all of them.
    unsafe {
        Uint8Array::view_mut_raw(bytes.as_mut_ptr(), len).set(array, 0);
        bytes.set_len(len);
    }
    bytes
}
