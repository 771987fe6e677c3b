// The playground's Content-Security-Policy, applied to a built dist/ (make
// dist runs it after `trunk build`, before precompress.mjs): every inline
// <script> of index.html (Trunk's loader and the page's start) moves to a
// file of its own named after its contents, and a CSP <meta> goes in at the
// top of <head>. Under it the page runs no inline script and no eval; only
// WebAssembly compiles ('wasm-unsafe-eval'), and nothing is fetched from
// elsewhere. Inline style attributes stay allowed: the space-time diagram
// positions its lanes with them, and styles run no code.
// Usage: node web/csp.mjs [dist]
import { readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";

export const POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const folder = process.argv[2] ?? "dist";
const page = join(folder, "index.html");
let html = readFileSync(page, "utf8");
if (html.includes('http-equiv="Content-Security-Policy"')) {
  console.log(`csp: ${page} already has its policy`);
  process.exit(0);
}

let moved = 0;
html = html.replace(/<script( type="module")?>([\s\S]*?)<\/script>/g, (_, module, body) => {
  const name = `boot-${createHash("sha256").update(body).digest("hex").slice(0, 16)}.js`;
  writeFileSync(join(folder, name), body.trim() + "\n");
  moved += 1;
  return `<script${module ?? ""} src="./${name}"></script>`;
});
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) {
  console.error(`csp: ${page} still has an inline script`);
  process.exit(1);
}
html = html.replace(
  /<meta charset="utf-8" \/>/,
  (charset) => `${charset}\n    <meta http-equiv="Content-Security-Policy" content="${POLICY}" />`,
);
if (!html.includes("Content-Security-Policy")) {
  console.error(`csp: no <meta charset="utf-8" /> in ${page} to put the policy after`);
  process.exit(1);
}
writeFileSync(page, html);
console.log(`csp: ${moved} inline scripts of ${page} moved to files; policy in place`);
