// `twilio-push-wasm/twilio_push_wasm_bg.wasm`: the compiled module, for bundlers that do not
// follow `new URL("…", import.meta.url)` (esbuild) and for runtimes that want the module itself.

/**
 * What importing the `.wasm` file yields depends on the loader that handles it:
 * - a URL string with a file loader: esbuild `--loader:.wasm=file`, Vite `?url`, webpack
 *   `type: "asset/resource"`, Rollup `@rollup/plugin-url`;
 * - a compiled `WebAssembly.Module` in Cloudflare Workers (Wrangler's default rule for `.wasm`).
 *
 * Either one is what `init({ module_or_path })` takes:
 * `import wasm from "twilio-push-wasm/twilio_push_wasm_bg.wasm"; await init({ module_or_path: wasm });`
 */
declare const wasm: string | WebAssembly.Module;
export default wasm;
