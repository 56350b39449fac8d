export * from "./twilio_push_wasm.js";
export { default } from "./twilio_push_wasm.js";
export * from "./proxy.js";
