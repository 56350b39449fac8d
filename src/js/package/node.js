// Node entry: loads the WebAssembly module synchronously at import time, so
// `import { normalizeToken } from "twilio-push-wasm"` works with no init call.
import { readFileSync } from "node:fs";
import { initSync } from "./twilio_push_wasm.js";

initSync({ module: readFileSync(new URL("./twilio_push_wasm_bg.wasm", import.meta.url)) });

export * from "./twilio_push_wasm.js";
// The usual single call without the generic export's result machinery (see token.js).
export { normalizeToken } from "./token.js";
export { default } from "./twilio_push_wasm.js";
export * from "./proxy.js";
