// Precompressed copies for hosts that serve them (README, "Hosting"):
// beside each .html, .js, .css, .wasm and .svg file in the folder given
// (dist/ by default) this writes FILE.gz (gzip level 9) and FILE.br (brotli
// quality 11), with node's own zlib. A host that does not know them serves
// the plain files as before. `make dist` runs it after `trunk build`.
import { readdirSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { join, extname } from "node:path";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const folder = process.argv[2] ?? "dist";
const kinds = new Set([".html", ".js", ".css", ".wasm", ".svg"]);

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (kinds.has(extname(name))) yield path;
  }
}

let count = 0;
for (const path of files(folder)) {
  const bytes = readFileSync(path);
  writeFileSync(`${path}.gz`, gzipSync(bytes, { level: 9 }));
  writeFileSync(
    `${path}.br`,
    brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_MODE]: extname(path) === ".wasm" ? constants.BROTLI_MODE_GENERIC : constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
      },
    }),
  );
  count += 1;
}
console.log(`precompress: ${count} files in ${folder}, each with .gz and .br beside it`);
