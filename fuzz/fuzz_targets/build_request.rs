//! Every request builder (`api::build_request` for each of `Operation::ALL`) with JSON params:
//! the input itself when it is JSON, otherwise params built structurally from the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let params = twilio_push_wasm_fuzz::params_from_bytes(data);
    twilio_push_wasm_fuzz::checks::check_build(&params);
});
