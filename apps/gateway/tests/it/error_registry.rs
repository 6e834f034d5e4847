//! The error-code registry keeps its promises: every code is declared once (so it answers one
//! status), every declared code is documented in `docs/errors.md` with that status and crate
//! and nothing else is, and every declared code is raised somewhere (declared through a source
//! reference, or, for the kernel's generic HTTP codes, by the bare-status mapping). Every
//! `assert_problem` of every test also checks its code against the registry (testkit).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::{
    collections::{BTreeMap, BTreeSet},
    path::PathBuf,
};

use gateway::error::registry;
use kernel::error::{ErrorCode, codes as kernel_codes, problem_for_status};

use crate::common::sources::{crate_sources, rust_files, workspace_root};

fn declared() -> Vec<(&'static str, &'static ErrorCode)> {
    registry()
        .into_iter()
        .flat_map(|(krate, codes)| codes.iter().map(move |c| (krate, *c)))
        .collect()
}

#[test]
fn every_code_is_declared_once_and_snake_case() {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for (krate, code) in declared() {
        // snake_case: a lowercase letter first, then lowercase letters, digits (`judge0_timeout`)
        // and underscores
        assert!(
            code.code.starts_with(|c: char| c.is_ascii_lowercase())
                && code
                    .code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{krate}: {:?} is not snake_case",
            code.code
        );
        assert!(
            code.status.is_client_error() || code.status.is_server_error(),
            "{krate}: {} has the non-error status {}",
            code.code,
            code.status
        );
        assert!(
            !code.meaning.trim().is_empty(),
            "{krate}: {} has no meaning",
            code.code
        );
        if let Some(other) = seen.insert(code.code, krate) {
            panic!(
                "{:?} is declared by both {other} and {krate}: declare it once (the kernel holds shared codes)",
                code.code
            );
        }
    }
}

/// The rows of the table in `docs/errors.md`: code -> (status, crate).
fn documented() -> BTreeMap<String, (u16, String)> {
    let text = std::fs::read_to_string(workspace_root().join("docs/errors.md")).unwrap();
    let mut rows = BTreeMap::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let code = cells[1].trim_matches('`').to_owned();
        let status: u16 = cells[2]
            .parse()
            .unwrap_or_else(|_| panic!("bad status in {line}"));
        assert!(
            rows.insert(code.clone(), (status, cells[3].to_owned()))
                .is_none(),
            "docs/errors.md lists {code} twice"
        );
    }
    rows
}

#[test]
fn the_documented_table_is_the_registry() {
    let docs = documented();
    let mut missing = Vec::new();
    for (krate, code) in declared() {
        match docs.get(code.code) {
            Some((status, doc_crate)) => {
                assert_eq!(
                    (*status, doc_crate.as_str()),
                    (code.status.as_u16(), krate),
                    "docs/errors.md row of {}",
                    code.code
                );
            }
            None => missing.push(format!(
                "| `{}` | {} | {krate} | {} |",
                code.code,
                code.status.as_u16(),
                code.meaning.trim()
            )),
        }
    }
    assert!(
        missing.is_empty(),
        "add these rows to docs/errors.md:\n{}",
        missing.join("\n")
    );
    let declared: BTreeSet<&str> = declared().iter().map(|(_, c)| c.code).collect();
    let stale: Vec<&String> = docs
        .keys()
        .filter(|c| !declared.contains(c.as_str()))
        .collect();
    assert!(
        stale.is_empty(),
        "docs/errors.md documents undeclared codes: {stale:?}"
    );
}

/// The text of every non-test source file of the workspace.
fn code_files() -> Vec<(PathBuf, String)> {
    crate_sources()
        .iter()
        .flat_map(|src| rust_files(src, true))
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            (path, text)
        })
        .collect()
}

#[test]
fn every_declared_code_is_raised_somewhere() {
    let files = code_files();
    let by_status = |code: &ErrorCode| problem_for_status(code.status, None).code() == code.code;
    let mut unused = Vec::new();
    for (krate, code) in declared() {
        let reference = format!("codes::{}", code.name);
        let raised = files.iter().any(|(_, text)| text.contains(&reference));
        let generic = kernel_codes::ALL.iter().any(|c| std::ptr::eq(*c, code)) && by_status(code);
        if !raised && !generic {
            unused.push(format!("{krate}::{} ({})", code.name, code.code));
        }
    }
    assert!(unused.is_empty(), "declared but never raised: {unused:?}");
}

#[test]
fn no_code_is_built_outside_the_registry() {
    let files = code_files();
    let offenders: Vec<_> = files
        .iter()
        .filter(|(path, text)| {
            !path.ends_with("kernel/src/error.rs")
                && text
                    .match_indices("ErrorCode {")
                    .any(|(at, _)| !text[..at].trim_end().ends_with("'static"))
        })
        .map(|(path, _)| path.display().to_string())
        .collect();
    assert!(
        offenders.is_empty(),
        "declare codes with kernel::error_codes!, not ErrorCode literals: {offenders:?}"
    );
}

#[test]
fn the_openapi_document_lists_every_code_as_the_problem_code_enum() {
    let doc = serde_json::to_value(gateway::docs::openapi()).unwrap();
    let listed: BTreeSet<String> =
        doc["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
            .as_array()
            .expect("Problem.code has an enum")
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect();
    let declared: BTreeSet<String> = declared().iter().map(|(_, c)| c.code.to_owned()).collect();
    assert_eq!(listed, declared);
}
