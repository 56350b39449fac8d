//! Batch inspection: `batch::inspect_lines` with `include_tokens` true and false (two scanners)
//! and `inspect_lines_bytes`, each provider, against a line-by-line model.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| twilio_push_wasm_fuzz::checks::check_batch(data));
