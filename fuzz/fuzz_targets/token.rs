//! Token inspection: `token::parse`/`inspect`/`normalize` with each provider on the input as
//! text, and `parse_bytes`/`inspect_bytes` on it as raw bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| twilio_push_wasm_fuzz::checks::check_token(data));
