//! Tests shared by `tests/node.rs` (native `cargo test` and wasm in Node) and `tests/browser.rs`
//! (wasm in headless Chromium): the same assertions on every platform.

#[cfg(feature = "api")]
pub mod api;
pub mod batch;
#[cfg(all(target_arch = "wasm32", feature = "js"))]
pub mod js_facade;
pub mod token;

/// Marks a test that runs natively and under wasm-bindgen-test.
#[macro_export]
macro_rules! both {
    ($(#[$m:meta])* fn $name:ident() $body:block) => {
        $(#[$m])*
        #[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
        #[cfg_attr(not(target_arch = "wasm32"), test)]
        fn $name() $body
    };
}
