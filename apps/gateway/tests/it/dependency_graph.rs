//! The crate graph may only have the edges `docs/architecture.md` lists (between its
//! `deps:start` / `deps:end` markers), and the document may list no edge that is gone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{collections::BTreeSet, process::Command};

use crate::common::sources::workspace_root;

/// `from -> to` for every dependency between workspace members; dev-dependencies are
/// written `from -> to (dev)`.
fn actual_edges() -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace_root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let packages = meta["packages"].as_array().unwrap();
    let members: BTreeSet<&str> = packages
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let mut edges = BTreeSet::new();
    for p in packages {
        let from = p["name"].as_str().unwrap();
        for d in p["dependencies"].as_array().unwrap() {
            let to = d["name"].as_str().unwrap();
            if !members.contains(to) {
                continue;
            }
            let edge = match d["kind"].as_str() {
                Some("dev") => format!("{from} -> {to} (dev)"),
                _ => format!("{from} -> {to}"),
            };
            edges.insert(edge);
        }
    }
    edges
}

fn documented_edges() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(workspace_root().join("docs/architecture.md")).unwrap();
    let start = doc.find("<!-- deps:start -->").expect("deps:start marker");
    let end = doc.find("<!-- deps:end -->").expect("deps:end marker");
    doc[start..end]
        .lines()
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|l| l.replace('`', "").trim().to_owned())
        .collect()
}

#[test]
fn the_crate_graph_matches_the_architecture_document() {
    let actual = actual_edges();
    let documented = documented_edges();
    let undocumented: Vec<_> = actual.difference(&documented).collect();
    let stale: Vec<_> = documented.difference(&actual).collect();
    assert!(
        undocumented.is_empty(),
        "edges not allowed by docs/architecture.md (add them there on purpose, or remove the dependency): {undocumented:?}"
    );
    assert!(
        stale.is_empty(),
        "docs/architecture.md lists edges that no longer exist: {stale:?}"
    );
}

#[test]
fn kernel_depends_on_no_workspace_crate() {
    assert!(actual_edges().iter().all(|e| !e.starts_with("kernel -> ")));
}
