// Writes dist/sw.js (the service worker, web/sw.js) for a built dist/: the
// files it caches are every file of the folder's top level but the
// precompressed copies, and its version is a hash of their names and
// contents, so any change to the build is a new worker. `make dist` runs it
// after csp.mjs (whose boot scripts it caches) and before precompress.mjs.
// Usage: node web/offline.mjs [dist]
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const folder = process.argv[2] ?? "dist";
const template = readFileSync(join(dirname(fileURLToPath(import.meta.url)), "sw.js"), "utf8");
const files = readdirSync(folder)
  .filter((name) => name !== "sw.js" && !/\.(gz|br)$/.test(name))
  .filter((name) => statSync(join(folder, name)).isFile())
  .sort();
if (!files.includes("index.html")) {
  console.error(`offline: no index.html in ${folder}`);
  process.exit(1);
}
const hash = createHash("sha256");
for (const name of files) hash.update(name).update("\0").update(readFileSync(join(folder, name)));
const version = hash.digest("hex").slice(0, 16);
// "./" is the page itself, as a reader's address bar asks for it.
const cached = ["./", ...files.map((name) => `./${name}`)];
const worker = template
  .replace("__RAFTLAB_VERSION__", version)
  .replace("__RAFTLAB_FILES__", JSON.stringify(cached));
if (worker.includes("__RAFTLAB_")) {
  console.error("offline: web/sw.js has a placeholder this script does not fill");
  process.exit(1);
}
writeFileSync(join(folder, "sw.js"), worker);
console.log(`offline: sw.js caches ${cached.length} files, version ${version}`);
