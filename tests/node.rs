//! The shared suite natively (`cargo test`) and as wasm in Node (`wasm-pack test --node`).
mod common;
