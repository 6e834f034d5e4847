//! No module cycles inside any crate: the modules (one per source file) that reference each
//! other through `crate::…` or `super::…` paths form a DAG, apart from a module using its own
//! ancestors or descendants (a child using its parent's items is how Rust modules work).
//! Shared values live in their own files, so two cases, two halves of a protocol or a type
//! and its trait never import each other (`docs/architecture.md`, "new domain crate").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{
    collections::{BTreeMap, BTreeSet},
    path::{Path, PathBuf},
};

use crate::common::sources::{crate_sources, rust_files};

type Module = Vec<String>;

/// Every module of a crate's `src` (binaries under `src/bin` left out), with its file.
fn modules(src: &Path) -> BTreeMap<Module, PathBuf> {
    let mut out = BTreeMap::new();
    for path in rust_files(src, false) {
        let rel = path.strip_prefix(src).unwrap().with_extension("");
        let mut module: Module = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if module.first().is_some_and(|m| m == "bin") {
            continue;
        }
        if matches!(
            module.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            module.pop();
        }
        out.insert(module, path);
    }
    out
}

/// The code of a file without line comments and without its unit-test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The paths of a use tree or path starting at `rest` (just after `crate::`/`super::`):
/// `a::b::C` gives `[a, b, C]`; `{a::b, c::{d, e}}` gives `[a, b]`, `[c, d]`, `[c, e]`.
fn paths(rest: &str, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    let mut i = 0;
    let bytes: Vec<char> = rest.chars().collect();
    loop {
        while i < bytes.len() && bytes[i].is_whitespace() {
            i += 1;
        }
        if i < bytes.len() && bytes[i] == '{' {
            i += 1;
            loop {
                while i < bytes.len() && (bytes[i].is_whitespace() || bytes[i] == ',') {
                    i += 1;
                }
                if i >= bytes.len() || bytes[i] == '}' {
                    return i + 1;
                }
                let rest: String = bytes[i..].iter().collect();
                i += paths(&rest, &path, out);
            }
        }
        let start = i;
        while i < bytes.len() && is_ident(bytes[i]) {
            i += 1;
        }
        if i > start {
            path.push(bytes[start..i].iter().collect());
        }
        if bytes.get(i) == Some(&':') && bytes.get(i + 1) == Some(&':') {
            i += 2;
            continue;
        }
        // skip to the end of this item of a group (an `as` rename, a generic, …)
        let mut depth = 0;
        while i < bytes.len() {
            match bytes[i] {
                '{' | '(' | '<' | '[' => depth += 1,
                '}' | ')' | '>' | ']' if depth > 0 => depth -= 1,
                ',' | '}' | ';' if depth == 0 => break,
                _ => {}
            }
            i += 1;
        }
        out.push(path);
        return i;
    }
}

/// The modules each module references (not counting its ancestors and descendants).
fn edges(mods: &BTreeMap<Module, PathBuf>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, file) in mods {
        let text = code(&std::fs::read_to_string(file).unwrap());
        for anchor in ["crate::", "super::"] {
            for (at, _) in text.match_indices(anchor) {
                if text[..at].chars().next_back().is_some_and(is_ident) {
                    continue;
                }
                let base: Module = if anchor == "crate::" {
                    Vec::new()
                } else {
                    module[..module.len().saturating_sub(1)].to_vec()
                };
                let mut found = Vec::new();
                paths(&text[at + anchor.len()..], &base, &mut found);
                for path in found {
                    let Some(target) = (1..=path.len())
                        .rev()
                        .map(|n| path[..n].to_vec())
                        .find(|p| mods.contains_key(p))
                    else {
                        continue;
                    };
                    if module.starts_with(&target) || target.starts_with(module) {
                        continue;
                    }
                    edges.entry(module.clone()).or_default().insert(target);
                }
            }
        }
    }
    edges
}

/// The strongly connected components with more than one module (Tarjan).
fn cycles(
    mods: &BTreeMap<Module, PathBuf>,
    edges: &BTreeMap<Module, BTreeSet<Module>>,
) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(targets) = s.edges.get(v) {
            for w in targets {
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let low = s.low[v].min(s.low[w]);
                    s.low.insert(v, low);
                } else if s.on_stack.contains(w) {
                    let low = s.low[v].min(s.index[w]);
                    s.low.insert(v, low);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.join("::"));
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for module in mods.keys() {
        if !state.index.contains_key(module) {
            visit(&mut state, module);
        }
    }
    state.out
}

#[test]
fn no_crate_has_a_module_cycle() {
    let mut found = Vec::new();
    for src in crate_sources() {
        let mods = modules(&src);
        for cycle in cycles(&mods, &edges(&mods)) {
            found.push(format!("{}: {}", src.display(), cycle.join(" <-> ")));
        }
    }
    assert!(found.is_empty(), "module cycles:\n{}", found.join("\n"));
}

#[test]
fn the_checker_sees_a_cycle_and_reads_use_trees() {
    let mut found = Vec::new();
    paths("{a::b::C, d::{e, f as g}, h};", &[], &mut found);
    assert_eq!(
        found,
        [
            vec!["a", "b", "C"],
            vec!["d", "e"],
            vec!["d", "f"],
            vec!["h"],
        ]
    );
    let dir = std::env::temp_dir().join(format!("module-graph-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("service")).unwrap();
    std::fs::write(dir.join("lib.rs"), "pub mod service;\n").unwrap();
    std::fs::write(dir.join("service/mod.rs"), "pub mod a;\npub mod b;\n").unwrap();
    std::fs::write(dir.join("service/a.rs"), "use super::b::Thing;\n").unwrap();
    std::fs::write(
        dir.join("service/b.rs"),
        "use crate::{service::a::{Other}};\n// use crate::nothing;\n",
    )
    .unwrap();
    let mods = modules(&dir);
    let cycles = cycles(&mods, &edges(&mods));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(cycles, [vec!["service::a", "service::b"]]);
}
