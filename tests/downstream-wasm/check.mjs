// Loads the downstream cdylib built by `make test-downstream` and checks that it links, imports
// nothing from JS, and allocates through its own global allocator.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const path = process.argv[2];
const module = new WebAssembly.Module(readFileSync(path));
assert.deepEqual(WebAssembly.Module.imports(module), [], "the module needs no JS imports");
const { exports } = new WebAssembly.Instance(module, {});
const before = exports.allocations();
assert.equal(exports.fetch_url_len(), "https://comms.twilio.com/v1/PushNotifications/Users/us_1".length);
assert.ok(exports.allocations() > before, "allocations go through the module's own allocator");
console.log(`downstream wasm: ${path} links with its own allocator`);
