import { defineConfig } from "vitest/config";

// Node by default; test/widgets.test.ts opts into happy-dom (a DOM without a browser download).
export default defineConfig({ test: { environment: "node", include: ["test/**/*.test.ts"] } });
