#!/bin/sh
# Trunk post-build hook: files with stable names for pages that load Raftlab
# as a library (docs/embed.md). Trunk names its outputs after a hash of their
# contents, which a blog post cannot know, so next to them this writes:
#
#   raftlab.js   re-exports the hashed module (mount, start, RaftlabHandle) with
#                a default export, init, that loads the hashed .wasm beside it.
#   raftlab.css  web/style.css and web/embed.css with every rule nested under
#                .raftlab-embed (each instance's container), so that the host
#                page keeps its own look: `:root` and `body` become the
#                container (`:root[data-theme="dark"]`, the container's theme).
set -eu
stage="${TRUNK_STAGING_DIR:?run by trunk}"
source="${TRUNK_SOURCE_DIR:?run by trunk}"

modules=$(cd "$stage" && ls raftlab-web*.js)
if [ "$(echo "$modules" | wc -l)" -ne 1 ]; then
  echo "library-files.sh: expected one raftlab-web*.js in $stage, found: $modules" >&2
  exit 1
fi
wasm="${modules%.js}_bg.wasm"
if [ ! -f "$stage/$wasm" ]; then
  echo "library-files.sh: $wasm is missing from $stage" >&2
  exit 1
fi
# The embed contract's version: the web crate's.
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$source/web/Cargo.toml" | head -n 1)
if [ -z "$version" ]; then
  echo "library-files.sh: no version in web/Cargo.toml" >&2
  exit 1
fi
# The module's own default path for its .wasm is the name before Trunk hashed
# it, so the default export passes the hashed one unless told otherwise.
cat > "$stage/raftlab.js" <<JS
// Raftlab as a library under a stable name; see docs/embed.md.
import init from "./$modules";
export * from "./$modules";
export const version = "$version";
export default (options) =>
  init(options ?? { module_or_path: new URL("./$wasm", import.meta.url) });
JS

# Keyframes cannot nest inside a rule, so those (one line each) go after it.
awk '
  /^@keyframes/ {
    if (gsub(/{/, "{") != gsub(/}/, "}")) { print "library-files.sh: @keyframes over several lines" > "/dev/stderr"; exit 1 }
    keyframes = keyframes $0 "\n"; next
  }
  { gsub(/:root/, "\\&"); sub(/^body[[:space:]]*{/, "\\& {"); rules = rules $0 "\n" }
  END {
    print "/* Raftlab for pages that mount it (docs/embed.md): the playground'"'"'s"
    print "   stylesheets, every rule scoped to an instance'"'"'s container. */"
    printf ".raftlab-embed {\n%s}\n%s", rules, keyframes
  }
' "$source/web/style.css" "$source/web/embed.css" > "$stage/raftlab.css"
# A page-level rule the rewrite missed would select nothing inside the scope.
if grep -nE '^[[:space:]]*(:root|body|html)([[:space:],{]|$)' "$stage/raftlab.css" >&2; then
  echo "library-files.sh: a page-level selector is left in raftlab.css" >&2
  exit 1
fi
