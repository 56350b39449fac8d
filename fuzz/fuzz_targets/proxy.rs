//! The edge proxy's `head` and `prepare`, from input written like HTTP:
//! `<METHOD> <path>?<query>\n<headers>\n\n<body>`, with three configurations.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| twilio_push_wasm_fuzz::checks::check_proxy(data));
