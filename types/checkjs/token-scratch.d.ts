// The wasm-bindgen exports that src/js/package/token.js uses but the published types leave out
// (`skip_typescript` in src/js/token.rs: internal, not API). Keep in step with src/js/token.rs.
export {};

declare module "../../src/js/package/twilio_push_wasm.js" {
  /** A view of the wasm buffer single tokens are encoded into (detached by memory growth). */
  export function __tokenScratch(): Uint8Array;
  /** 0: the `n` bytes in the buffer are the canonical token; 1: its lower case is; 2: anything else. */
  export function __normalizeScratch(n: number): number;
}
