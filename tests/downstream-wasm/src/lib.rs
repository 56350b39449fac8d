//! A wasm module with its own `#[global_allocator]` that uses twilio-push-wasm: linking proves
//! that the dependency installs no allocator of its own.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, counting allocations: the simplest allocator that is not the default.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Normalizes the token at `ptr..ptr+len` (UTF-8) and returns the canonical length, or 0.
///
/// # Safety
/// `ptr..ptr+len` must be readable memory of this module.
#[no_mangle]
pub unsafe extern "C" fn normalized_len(ptr: *const u8, len: usize) -> usize {
    let bytes = std::slice::from_raw_parts(ptr, len);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return 0;
    };
    twilio_push_wasm::token::normalize(text, None).map_or(0, |t| t.len())
}

/// How many allocations the module made so far (through this crate's allocator).
#[no_mangle]
pub extern "C" fn allocations() -> usize {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// Builds a fetch request and returns its URL length (touches the API builders and serde).
#[no_mangle]
pub extern "C" fn fetch_url_len() -> usize {
    let config = twilio_push_wasm::api::ApiConfig::default();
    twilio_push_wasm::api::users::fetch("us_1", &config).map_or(0, |r| r.url.len())
}
