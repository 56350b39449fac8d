// Vite build of the admin page: `npx vite build --config www/vite.config.js` → www/dist, which
// www/worker.js serves as static assets next to the proxy at /api.
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

export default {
  root,
  base: "/",
  publicDir: "public",
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    // The .wasm is fetched by init() next to its JS module; never inline it as a data URL.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  // The import file reader (src/lib/import-worker.js) is a module worker that imports Papa Parse.
  worker: { format: "es" },
  // `npx vite --config www/vite.config.js`: the dev server forwards /api to a running stack.
  server: {
    proxy: process.env.PUSH_ADMIN_API
      ? { "/api": { target: process.env.PUSH_ADMIN_API, changeOrigin: true } }
      : undefined,
  },
};
