#!/bin/sh
# Page weight of a built dist/ (docs/PERFORMANCE.md, "Page weight"): bytes,
# gzip -9 and brotli (quality 11, node's zlib) of each file the playground
# page loads, and their total. Usage: sh web/weight.sh [dist]
set -eu
dist="${1:-dist}"
brotli_size() {
  node -e 'const z=require("zlib"),fs=require("fs");const b=fs.readFileSync(process.argv[1]);process.stdout.write(String(z.brotliCompressSync(b,{params:{[z.constants.BROTLI_PARAM_QUALITY]:11,[z.constants.BROTLI_PARAM_SIZE_HINT]:b.length}}).length))' "$1"
}
total_raw=0 total_gzip=0 total_brotli=0
printf '%-40s %10s %10s %10s\n' file bytes gzip brotli
# What index.html loads: itself, the module and its wasm, the stylesheets.
for file in "$dist"/index.html "$dist"/raftlab-web-*.js "$dist"/raftlab-web-*_bg.wasm "$dist"/style-*.css "$dist"/embed-*.css; do
  [ -f "$file" ] || continue
  raw=$(wc -c < "$file")
  gz=$(gzip -9 -c "$file" | wc -c)
  br=$(brotli_size "$file")
  printf '%-40s %10s %10s %10s\n' "$(basename "$file")" "$raw" "$gz" "$br"
  total_raw=$((total_raw + raw)) total_gzip=$((total_gzip + gz)) total_brotli=$((total_brotli + br))
done
printf '%-40s %10s %10s %10s\n' total "$total_raw" "$total_gzip" "$total_brotli"
