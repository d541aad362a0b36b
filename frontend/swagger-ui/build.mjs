// Copy the Swagger UI files /docs needs from node_modules into the service
// package, so a Python-only install serves them offline. Run after `npm ci`;
// commit the result. VERSION records the swagger-ui-dist version copied.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, "node_modules", "swagger-ui-dist");
const target = join(here, "..", "..", "service", "static", "swagger-ui");
const files = [
  "swagger-ui-bundle.js",
  "swagger-ui-standalone-preset.js",
  "swagger-ui.css",
  "LICENSE",
  "NOTICE",
];

const { version } = JSON.parse(readFileSync(join(source, "package.json"), "utf8"));
rmSync(target, { recursive: true, force: true });
mkdirSync(target, { recursive: true });
for (const name of files) {
  copyFileSync(join(source, name), join(target, name));
}
writeFileSync(join(target, "VERSION"), `${version}\n`);
console.log(`swagger-ui-dist ${version} → ${target}`);
