//! A panic in wasm is a bug, but it must never take a Worker down silently: the hook reports
//! it through `console.error` before the module traps, and the JS glue turns the trap into a
//! JSON 500 and drops the state the panic may have left half-updated.

use core::fmt::Write;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Runs when the module is instantiated.
#[wasm_bindgen(start)]
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let mut message = String::from("twilio-push-wasm: internal error (panic): ");
        // `write!` into the one string (std's `concat`/`format!` would add their own code).
        let _ = write!(message, "{info}");
        console_error(&message);
    }));
}
