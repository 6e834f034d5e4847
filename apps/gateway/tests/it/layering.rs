//! Route handlers extract, call a service and answer: no route source names `sea_orm`
//! (queries and transactions live in each crate's services). Scans the text of every file
//! under `crates/*/src/routes/`, every `routes.rs` of a crate, and `apps/gateway/src/routes/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use crate::common::sources::{crate_sources, rust_files, workspace_root};

/// The route sources of the workspace.
fn route_files() -> Vec<PathBuf> {
    crate_sources()
        .iter()
        .flat_map(|src| rust_files(src, true))
        .filter(|p| {
            p.components().any(|c| c.as_os_str() == "routes")
                || p.file_name().is_some_and(|n| n == "routes.rs")
        })
        .collect()
}

#[test]
fn route_handlers_never_touch_sea_orm() {
    let root = workspace_root();
    let files = route_files();
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
