// Workers bundlers (wrangler, Miniflare) import a `.wasm` file as a compiled module; see
// src/js/package/workerd.js.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
