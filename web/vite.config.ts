// The web client's build: `npm run web:build` (make) writes web/dist, which local/web.py serves
// and `make deploy` uploads to S3. Hashed file names, no inline script or style (the CSP has no
// 'unsafe-inline'), no source maps shipped.
import { defineConfig } from "vitest/config";

export default defineConfig({
  root: import.meta.dirname,
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // Vite would inline small assets as data: URLs; the CSP allows data: only for images.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts", "src/**/*.test.tsx"],
  },
});
