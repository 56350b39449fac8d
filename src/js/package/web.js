// Browser and bundler entry: call the default export `init()` once (it fetches and
// instantiates the .wasm next to this file) before using the other exports.
export * from "./twilio_push_wasm.js";
// The usual single call without the generic export's result machinery (see token.js).
export { normalizeToken } from "./token.js";
export { default } from "./twilio_push_wasm.js";
export * from "./proxy.js";
