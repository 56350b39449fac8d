//! The response parser (`api::parse_response`) and the proxy's answer for an upstream response,
//! from input written like HTTP: `<operation> <status>\n<headers>\n\n<body>`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| twilio_push_wasm_fuzz::checks::check_response(data));
