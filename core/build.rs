//! Compacts the bundled scenario and mission files for `scenario::library`
//! and `mission::library`: each `scenarios/NAME.json` (and
//! `missions/NAME.json`) is written to `$OUT_DIR/scenarios/NAME.json`
//! (`$OUT_DIR/missions/NAME.json`) with the whitespace between tokens
//! removed, so the web page's wasm carries the same documents without their
//! pretty-printing (about 40 % fewer bytes). Strings, key order and numbers
//! are copied byte for byte: the parsed scenario, its run, its trace hash
//! and its share token are the file's own. Beside them it writes
//! `titles.rs`, every file's id and title, and `bugs.rs`, every file's id
//! and the bug switches its `config.bugs` turns on, so the page lists the
//! library and links a switch to the files that show it without parsing
//! them.

use std::fs;
use std::path::Path;

fn main() {
    compact_folder("scenarios");
    compact_folder("missions");
}

/// Compacts every `.json` file of the top-level folder `folder` into
/// `$OUT_DIR/folder`, with its `titles.rs` and `bugs.rs`.
fn compact_folder(folder: &str) {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(folder);
    let out_dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let target = Path::new(&out_dir).join(folder);
    fs::create_dir_all(&target).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed={}", source.display());
    let mut names: Vec<_> = fs::read_dir(&source)
        .unwrap_or_else(|error| panic!("{}: {error}", source.display()))
        .map(|entry| entry.expect("a readable folder entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort();
    let mut titles = String::from("&[\n");
    let mut bugs = String::from("&[\n");
    for path in names {
        println!("cargo::rerun-if-changed={}", path.display());
        let text = fs::read_to_string(&path).expect("a bundled file is UTF-8");
        let compact = minify(&text).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let name = path.file_name().expect("a file name");
        let id = path.file_stem().expect("a file name").to_string_lossy();
        let document: serde_json::Value = serde_json::from_str(&compact)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        // A file without a title is caught by the tests, with the parser's
        // message; here it is listed with its id as its title.
        let title = document["title"].as_str().unwrap_or(&id);
        titles.push_str(&format!("    ({id:?}, {title:?}),\n"));
        let switches: Vec<String> = document["config"]["bugs"]
            .as_object()
            .map(|bugs| {
                bugs.iter()
                    .filter(|(_, on)| on.as_bool() == Some(true))
                    .map(|(name, _)| format!("{name:?}"))
                    .collect()
            })
            .unwrap_or_default();
        bugs.push_str(&format!("    ({id:?}, &[{}]),\n", switches.join(", ")));
        fs::write(target.join(name), compact).expect("OUT_DIR is writable");
    }
    titles.push_str("]\n");
    bugs.push_str("]\n");
    fs::write(target.join("titles.rs"), titles).expect("OUT_DIR is writable");
    fs::write(target.join("bugs.rs"), bugs).expect("OUT_DIR is writable");
}

/// The JSON text without the whitespace outside strings. A string is copied
/// as written, escapes included; the text is otherwise not checked here (the
/// tests parse every bundled file).
fn minify(text: &str) -> Result<String, &'static str> {
    let mut compact = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            compact.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            compact.push(c);
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            compact.push(c);
        }
    }
    if in_string {
        return Err("a string is not closed");
    }
    Ok(compact)
}
