//! The workspace's source files, for the tests that check rules over the code itself
//! (`layering`, `module_graph`, `error_registry`, `dependency_graph`).

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Every `.rs` file under `dir`, recursively, leaving out `tests` and `node_modules`
/// directories when `code_only`.
pub fn rust_files(dir: &Path, code_only: bool) -> Vec<PathBuf> {
    fn walk(dir: &Path, code_only: bool, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                let skipped =
                    code_only && (path.ends_with("tests") || path.ends_with("node_modules"));
                if !skipped {
                    walk(&path, code_only, out);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, code_only, &mut out);
    out.sort();
    out
}

/// The `src` directory of every crate and of the gateway.
pub fn crate_sources() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .filter(|p| p.is_dir())
        .collect();
    dirs.push(root.join("apps/gateway/src"));
    dirs.sort();
    dirs
}
