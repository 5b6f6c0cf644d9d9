// Bundles each widget's TypeScript entry point into one self-contained ESM file in
// src/adaptive_nb/static/ (committed, so `pip install` from a clone needs no node).
//   node build.mjs                 write the bundles
//   node build.mjs --check         fail if the committed bundles differ from a fresh build
//   node build.mjs --outdir DIR    write the bundles somewhere else (used by the Python test)
import { build } from "esbuild";
import { readFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const staticDir = path.resolve(here, "..", "src", "adaptive_nb", "static");
export const ENTRIES = ["live_info", "live_plot"];

const args = process.argv.slice(2);
const check = args.includes("--check");
const outIdx = args.indexOf("--outdir");
const outDir = outIdx >= 0 ? path.resolve(args[outIdx + 1]) : staticDir;

async function bundle(name) {
  const result = await build({
    entryPoints: [path.join(here, "src", `${name}.ts`)],
    bundle: true,
    format: "esm",
    target: "es2020",
    minify: true,
    legalComments: "none",
    write: false,
    logLevel: "warning",
    banner: { js: `// Generated from js/src/${name}.ts by js/build.mjs; do not edit.` },
  });
  return result.outputFiles[0].contents;
}

let stale = [];
for (const name of ENTRIES) {
  const fresh = await bundle(name);
  const target = path.join(outDir, `${name}.js`);
  if (check) {
    let committed = null;
    try {
      committed = await readFile(target);
    } catch {
      /* missing counts as stale */
    }
    if (committed === null || Buffer.compare(committed, Buffer.from(fresh)) !== 0) stale.push(target);
  } else {
    await mkdir(outDir, { recursive: true });
    await writeFile(target, fresh);
    console.log(`wrote ${path.relative(process.cwd(), target)} (${fresh.length} bytes)`);
  }
}
if (stale.length) {
  console.error(
    `These committed bundles do not match js/src (run \`cd js && npm run build\` and commit):\n  ${stale.join("\n  ")}`,
  );
  process.exit(1);
}
if (check) console.log(`bundles up to date: ${ENTRIES.map((n) => `${n}.js`).join(", ")}`);
