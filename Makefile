# Raftlab: `make serve` and `make test` are all a fresh machine needs.
# Every tool is installed from the package registries only, and only when missing.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

TRUNK_VERSION := 0.21.14
# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
E2E_PORT ?= 8765

.PHONY: serve dist test tools e2e bench bench-web bench-long bench-paint bench-seek clean explore fuzz

# Serve the playground at http://127.0.0.1:8080, rebuilding on change.
serve: tools
	trunk serve

# Build the release site into dist/ (relative URLs: any sub-path, offline),
# under its Content-Security-Policy (no inline script), with the service
# worker that keeps it offline after one visit, and .gz and .br copies
# beside its files for hosts that serve them.
dist: tools
	trunk build --release
	node web/csp.mjs dist
	node web/offline.mjs dist
	node web/precompress.mjs dist

# Every test: formatting, lints, native, browser components, end to end.
test: tools
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p raftlab-web --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo test --workspace
	$(MAKE) --no-print-directory explore SEEDS=5000
	$(MAKE) --no-print-directory explore SEEDS=2000 EXPLORE_FLAGS="--on all --reads read-index"
	$(MAKE) --no-print-directory explore SEEDS=2000 EXPLORE_FLAGS="--on all --reads lease --reconfigure on"
	$(MAKE) --no-print-directory explore SEEDS=2000 EXPLORE_FLAGS="--on all --reads read-index --snapshot-every 16 --membership on"
	CHROMEDRIVER=/usr/bin/chromedriver WASM_BINDGEN_TEST_TIMEOUT=120 cargo test -p raftlab-web --target wasm32-unknown-unknown
	$(MAKE) --no-print-directory dist
	$(MAKE) --no-print-directory e2e

# Fault-lab explorer: swarm runs with every checker (SEEDS=100000 for a long
# run; EXPLORE_FLAGS="--on all" with every optional Raft mechanism on).
SEEDS ?= 1000
EXPLORE_FLAGS ?=
explore:
	cargo run --profile explore -q -p raftlab-cli -- explore --seeds $(SEEDS) $(EXPLORE_FLAGS)

# Fuzzing of every decoder (links, run files, tokens, scenarios, missions,
# operations, configurations): `make test` runs 192 cases each; this runs
# FUZZ_CASES each in an optimized build that still checks for overflow.
FUZZ_CASES ?= 20000
fuzz:
	RAFTLAB_FUZZ_CASES=$(FUZZ_CASES) cargo test --profile fuzz -p raftlab-core --test it fuzz::
	RAFTLAB_FUZZ_CASES=$(FUZZ_CASES) cargo test --profile fuzz -p raftlab-web --test fuzz

# End-to-end tests: playwright-core drives Debian's Chromium against dist/.
e2e:
	cd e2e && E2E_PORT=$(E2E_PORT) node --test

# Native benchmarks (criterion); figures go to docs/PERFORMANCE.md.
bench:
	cargo bench -p raftlab-core

# Frame cost in Chromium: 9 servers with a workload at 1x for 10 s.
bench-web: dist
	cd e2e && E2E_PORT=$(E2E_PORT) node bench/frame-cost.mjs 10 20

# A long run in Chromium: 9 servers, a 20 ops/s workload, 10x, 30 minutes of
# wall time; memory, fps and long tasks each minute (MINUTES=5 for a short one).
MINUTES ?= 30
bench-long: dist
	cd e2e && E2E_PORT=$(E2E_PORT) node bench/long-run.mjs $(MINUTES) 10 20 9

# Seeking in a one-hour run in Chromium: 50 scrubber moves to random
# instants, each timed until the page shows it.
bench-seek: dist
	cd e2e && E2E_PORT=$(E2E_PORT) node bench/seek.mjs 50

# Page weight (bytes, gzip, brotli) and first contentful paint, median of 15
# fresh loads (docs/PERFORMANCE.md, "Page weight").
bench-paint: dist
	sh web/weight.sh dist
	cd e2e && E2E_PORT=$(E2E_PORT) node bench/first-paint.mjs 15

# Install what is missing: wasm target, trunk, wasm-bindgen-cli, Chromium,
# nginx (the hosting guide's test serves dist/ with it), npm packages.
tools: node_modules/.stamp e2e/node_modules/.stamp
	@rustup target list --installed | grep -qx wasm32-unknown-unknown \
		|| rustup target add wasm32-unknown-unknown
	@trunk --version 2>/dev/null | grep -q "$(TRUNK_VERSION)" \
		|| cargo install trunk --version $(TRUNK_VERSION) --locked
	@wasm-bindgen --version 2>/dev/null | grep -q "$(WASM_BINDGEN_VERSION)" \
		|| cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || [ ! -x /usr/sbin/nginx ]; then \
		$(SUDO) apt-get update && $(SUDO) apt-get install -y chromium chromium-driver nginx; \
	fi

node_modules/.stamp: package-lock.json
	npm ci --no-audit --no-fund
	touch $@

e2e/node_modules/.stamp: e2e/package-lock.json
	cd e2e && npm ci --no-audit --no-fund
	touch $@

clean:
	cargo clean
	rm -rf dist node_modules e2e/node_modules
