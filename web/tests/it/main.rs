//! The browser tests of raftlab-web, in one wasm bundle run in headless
//! Chromium by wasm-bindgen-test: each module checks one area (see its
//! opening comment); `common` holds the helpers they share.

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

mod browser;
mod common;
mod embed;
mod panels;
mod share;
mod views;
