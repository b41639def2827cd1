// Builds dist/canvas.js (one ES module: Streamlit loads it from a Blob URL) and dist/canvas.css.
// Usage: node build.mjs [outdir]   (scripts/check_bundle.sh builds into a temp dir and compares)
import { build } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(process.argv[2] || path.join(here, "dist"));

const common = {
  absWorkingDir: here,
  bundle: true,
  minify: true,
  legalComments: "linked", // licence notices go to <file>.LEGAL.txt next to each output
  logLevel: "warning",
};

const js = await build({
  ...common,
  metafile: true,
  entryPoints: ["src/index.jsx"],
  outfile: path.join(outdir, "canvas.js"),
  format: "esm",
  target: "es2020",
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
});
await build({ ...common, entryPoints: ["src/canvas.css"], outfile: path.join(outdir, "canvas.css") });
// The live pictures' component (src/live.js): a few hundred bytes, redrawn at each poll while training.
await build({ ...common, entryPoints: ["src/live.js"], outfile: path.join(outdir, "live.js"), format: "esm",
              target: "es2020" });

// Packages without @license comments (React Flow, zustand, d3...) still need their MIT/ISC notices:
// write every bundled package's LICENSE file into one THIRD_PARTY_LICENSES.txt.
const packages = new Set();
for (const input of Object.keys(js.metafile.inputs)) {
  const m = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m) packages.add(m[1]);
}
const sections = [...packages].sort().map((name) => {
  const dir = path.join(here, "node_modules", name);
  const meta = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
  const file = fs.readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  const text = file ? fs.readFileSync(path.join(dir, file), "utf8").trim() : `License: ${meta.license}`;
  return `${name}@${meta.version} (${meta.license})\n${"-".repeat(60)}\n${text}\n`;
});
fs.writeFileSync(path.join(outdir, "THIRD_PARTY_LICENSES.txt"),
  `Third-party software bundled into canvas.js and canvas.css.\n\n${sections.join("\n")}`);
