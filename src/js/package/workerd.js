// Cloudflare Workers (workerd) entry: Workers bundlers import `.wasm` files as compiled
// `WebAssembly.Module`s, so the module is instantiated at import time with no init call.
import wasmModule from "./twilio_push_wasm_bg.wasm";
import { initSync } from "./twilio_push_wasm.js";

initSync({ module: wasmModule });

export * from "./twilio_push_wasm.js";
// The usual single call without the generic export's result machinery (see token.js).
export { normalizeToken } from "./token.js";
export { default } from "./twilio_push_wasm.js";
export * from "./proxy.js";
