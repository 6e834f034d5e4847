//! The keys of `apps/gateway/symbol-order.txt` (ADR 0097): the release link finds the
//! start-up functions again by key after a rebuild renames them, so a key must drop what a
//! rebuild changes (crate disambiguators, legacy hashes, LTO's `.llvm.<n>`) and keep what
//! tells instantiations apart (generic arguments).

use std::{
    io::Write,
    process::{Command, Stdio},
};

/// `(key, name)` for each name, from `symbol-keys.sh`.
fn keys(names: &[&str]) -> Vec<(String, String)> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/symbol-keys.sh");
    let mut child = Command::new("bash")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("bash runs");
    let mut input = names.join("\n");
    input.push('\n');
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("written");
    let out = child.wait_with_output().expect("finished");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let (key, name) = l.split_once('\t').expect("key<TAB>name");
            (key.to_owned(), name.to_owned())
        })
        .collect()
}

#[test]
fn a_key_survives_a_rebuild_and_tells_instantiations_apart() {
    let k = keys(&[
        // one function of kernel, instantiated in integrations, from two builds whose
        // workspace versions differed (every crate's disambiguator changed)
        "_RINvMNtCs7LgIxnkjdck_6kernel5auditNtB3_5Audit3newReECs7MQ5xdHC8WM_12integrations",
        "_RINvMNtCshVJg7RjBs0S_6kernel5auditNtB3_5Audit3newReECsc1wHWGHMDGu_12integrations",
        // a local function LTO promoted, with and without its suffix
        "_RINvCsg0bmpD94MT9_4atoi4atoijECsiXm2XqXsBrp_13sqlx_postgres.llvm.3475638818236799199",
        "_RINvCsg0bmpD94MT9_4atoi4atoijECsiXm2XqXsBrp_13sqlx_postgres",
        // the same generic function for u32
        "_RINvCsg0bmpD94MT9_4atoi4atoimECsiXm2XqXsBrp_13sqlx_postgres",
        // legacy mangling, two hashes
        "_ZN4core3fmt5write17h0123456789abcdefE",
        "_ZN4core3fmt5write17hfedcba9876543210E",
    ]);
    assert_eq!(k.len(), 7, "{k:?}");
    assert_eq!(k[0].0, "<kernel::audit::Audit>::new::<&str>");
    assert_eq!(k[0].0, k[1].0);
    assert_eq!(k[2].0, "atoi::atoi::<usize>");
    assert_eq!(k[2].0, k[3].0);
    assert_eq!(k[4].0, "atoi::atoi::<u32>");
    assert_eq!(k[5].0, "core::fmt::write");
    assert_eq!(k[5].0, k[6].0);
    // the names come back unchanged beside their keys
    assert_eq!(
        k[2].1,
        "_RINvCsg0bmpD94MT9_4atoi4atoijECsiXm2XqXsBrp_13sqlx_postgres.llvm.3475638818236799199"
    );
}

#[test]
fn the_committed_order_file_holds_keys_not_names() {
    let file = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/symbol-order.txt"))
        .expect("symbol-order.txt");
    let lines: Vec<&str> = file.lines().collect();
    assert!(lines.len() > 1_000, "{} lines", lines.len());
    // no mangled name, no hash, no LTO suffix: what a rebuild would change
    let stale = lines
        .iter()
        .filter(|l| {
            l.starts_with("_R")
                || l.starts_with("_ZN")
                || l.contains(".llvm.")
                || l.split(['[', ']']).any(|part| {
                    part.len() >= 5
                        && part.len() <= 16
                        && part.bytes().all(|b| b.is_ascii_hexdigit())
                })
        })
        .take(3)
        .collect::<Vec<_>>();
    assert!(stale.is_empty(), "{stale:?}");
}
