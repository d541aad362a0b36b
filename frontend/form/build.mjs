// Build the form's bundle into the service package, so a Python-only install
// serves the page offline, and vendor axe-core for the browser tests. Run after
// `npm ci`; commit the result. FORM_OUT and AXE_OUT redirect the output (the
// staleness test builds into a temporary folder and compares).
import { build } from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const out = process.env.FORM_OUT || join(root, "service", "web", "static", "form");
const axeOut = process.env.AXE_OUT || join(root, "tests", "assets");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  metafile: true,
  entryPoints: [join(here, "src", "main.jsx")],
  outfile: join(out, "form.js"),
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  jsx: "automatic",
  legalComments: "none",
  define: { "process.env.NODE_ENV": '"production"' },
  logLevel: "warning",
});
copyFileSync(join(here, "src", "form.css"), join(out, "form.css"));

// The licences of every package the bundle holds, beside it.
const packages = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packages.add(match[1]);
}
const notices = [...packages].sort().map((name) => {
  const base = join(here, "node_modules", name);
  const { version, license } = JSON.parse(readFileSync(join(base, "package.json"), "utf8"));
  const file = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE"]
    .map((each) => join(base, each))
    .find((each) => existsSync(each));
  const text = file ? readFileSync(file, "utf8").trim() : `License: ${license}`;
  return `${name} ${version} (${license})\n\n${text}\n`;
});
writeFileSync(join(out, "LICENSES.txt"), notices.join("\n----\n\n"));

mkdirSync(axeOut, { recursive: true });
copyFileSync(join(here, "node_modules", "axe-core", "axe.min.js"), join(axeOut, "axe.min.js"));
console.log(`form → ${out}; axe-core → ${axeOut}`);
