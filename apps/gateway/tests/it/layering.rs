//! Route handlers extract, call a service and answer: no route source names `sea_orm`
//! (queries and transactions live in each crate's services). Scans the text of every file
//! under `crates/*/src/routes/`, every `routes.rs` of a crate, and `apps/gateway/src/routes/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The route sources of the workspace.
fn route_files(root: &Path) -> Vec<PathBuf> {
    let mut all = Vec::new();
    for krate in std::fs::read_dir(root.join("crates")).unwrap() {
        let src = krate.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut all);
        }
    }
    sources(&root.join("apps/gateway/src"), &mut all);
    all.into_iter()
        .filter(|p| {
            p.components().any(|c| c.as_os_str() == "routes")
                || p.file_name().is_some_and(|n| n == "routes.rs")
        })
        .collect()
}

#[test]
fn route_handlers_never_touch_sea_orm() {
    let root = workspace_root();
    let files = route_files(&root);
    assert!(
        files.len() > 20,
        "found only {} route files: did the layout change?",
        files.len()
    );
    let offenders: Vec<String> = files
        .iter()
        .filter(|p| std::fs::read_to_string(p).unwrap().contains("sea_orm"))
        .map(|p| p.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "route handlers must not use sea_orm (move the query or transaction into a service \
         function taking `&impl ConnectionTrait` or `&DatabaseConnection`):\n{}",
        offenders.join("\n")
    );
}
