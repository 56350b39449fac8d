# The two commands: `make dev` (the admin page and proxy on the built-in emulator) and
# `make test` (everything). Every target bootstraps first: it installs what is missing.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT ?= 120
export NEXT_TELEMETRY_DISABLED := 1

NODE_TESTS ?= tests/js/*.test.mjs
WASM_PACK_BUILD := wasm-pack --quiet build --release --target web --out-name twilio_push_wasm
# The package's features: the Rust API, the JS facade, the client and talc as the allocator
# (`talc`: only the package build installs it). `pkg-core` builds the token core alone with the
# JS facade (`js`) and the allocator.
PKG_FEATURES := api,proxy,js,client,talc
CORE_FEATURES := js,talc

.PHONY: bootstrap pkg pkg-core page dev test test-rust test-downstream test-wasm test-js test-e2e lint lint-rust lint-js bench demo clean fuzz

bootstrap:
	@scripts/bootstrap.sh

## pkg: build the npm package into pkg/ and install it into node_modules as a user would.
pkg: bootstrap
	$(WASM_PACK_BUILD) --out-dir pkg -- --no-default-features --features $(PKG_FEATURES)
	node scripts/build-pkg.mjs pkg
	@# npm skips a reinstall of the same version, so remove the previous copy first.
	rm -rf node_modules/twilio-push-wasm
	npm install --no-save --install-links --no-audit --no-fund --loglevel=error ./pkg

## pkg-core: the token core alone (no API client), to measure its size.
pkg-core: bootstrap
	$(WASM_PACK_BUILD) --out-dir pkg-core -- --no-default-features --features $(CORE_FEATURES)
	node scripts/build-pkg.mjs pkg-core

## page: build the admin page (www/ → www/dist) with Vite, importing the package by name.
page: pkg
	npx vite build --config www/vite.config.js --logLevel warn

## dev: the admin page and the proxy on the built-in emulator, in workerd (see README).
dev: page
	node scripts/dev.mjs

## demo: inspect tokens given on stdin (one per line) with the built package.
demo: pkg
	node scripts/demo.mjs

## lint: the Rust habits (lint-rust) and the JavaScript ones (lint-js); fails on any finding.
lint: lint-rust lint-js

lint-rust: bootstrap
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
	cargo clippy --no-default-features --features api,proxy --all-targets -- -D warnings
	cargo clippy --no-default-features --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --no-default-features --features $(CORE_FEATURES) --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --lib

# Folders whose Biome lint findings are still being fixed: only their formatting is checked.
# Empty: every folder is linted.
LINT_JS_PENDING ?=
LINT_JS_PATHS := $(filter-out $(LINT_JS_PENDING),$(wildcard www/*)) scripts src/js/package tests types *.json

## lint-js: Biome (format + lint, biome.json; warnings fail too) and tsc over the JSDoc-typed
## JavaScript (tsconfig.checkjs.json: browser/Workers code; tsconfig.checkjs-node.json: Node;
## www/tsconfig.json: the page; www/tsconfig.strict.json: the page's views listed there, and all
## they import, under `strict`). Needs pkg: the package entries are checked against the
## generated wasm-bindgen types.
lint-js: pkg
	npx biome check --error-on-warnings $(LINT_JS_PATHS)
	$(if $(strip $(LINT_JS_PENDING)),npx biome format $(LINT_JS_PENDING))
	npx tsc -p tsconfig.checkjs.json
	npx tsc -p tsconfig.checkjs-node.json
	npx tsc -p www/tsconfig.json
	npx tsc -p www/tsconfig.strict.json

test-rust: bootstrap test-downstream
	cargo test
	@# The doctests again with the plain features a Rust user depends on.
	cargo test --doc --no-default-features --features api,proxy

## test-downstream: crates that depend on this one with the plain features: natively (no
## wasm-bindgen in their tree), and as a wasm32 cdylib with its own #[global_allocator].
test-downstream: bootstrap
	CARGO_TARGET_DIR=target/downstream cargo test --manifest-path tests/downstream-native/Cargo.toml
	! cargo tree --manifest-path tests/downstream-native/Cargo.toml -e normal --prefix none \
		| grep -E '^(wasm-bindgen|js-sys|web-sys|gloo)'
	CARGO_TARGET_DIR=target/downstream cargo build --release --target wasm32-unknown-unknown \
		--manifest-path tests/downstream-wasm/Cargo.toml
	node tests/downstream-wasm/check.mjs target/downstream/wasm32-unknown-unknown/release/downstream_wasm.wasm

test-wasm: bootstrap
	wasm-pack test --node -- --no-default-features --features $(PKG_FEATURES) --test node
	wasm-pack test --headless --chrome -- --no-default-features --features $(PKG_FEATURES) --test browser

## test-js: needs the page too (the dry-run deploy of www/ bundles its static assets).
test-js: page
	npx tsc -p tests/types
	npx tsc -p tests/types/tsconfig.bundler.json
	node --test --test-concurrency=1 $(NODE_TESTS)

## test-e2e: the admin page in Chromium against the stack (Playwright through playwright-core).
test-e2e: page
	node --test --test-concurrency=1 tests/e2e/*.test.mjs

## test: lint, native tests, wasm tests in Node and Chromium, package and JS tests, the page.
test: lint test-rust test-wasm test-js test-e2e
	@echo "make test: all suites passed"

bench: pkg pkg-core
	node --expose-gc scripts/bench.mjs

clean:
	rm -rf pkg pkg-core target/wasm32-unknown-unknown

## fuzz: every cargo-fuzz target for FUZZ_SECONDS (default 60) each.
fuzz: bootstrap
	scripts/fuzz.sh
