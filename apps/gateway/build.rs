//! Release builds of the server binary, linked for a small resident footprint (ADR 0090):
//! - the functions an idle server has run are laid out first and together
//!   (`symbol-order.txt`, written by `bench/symbol-order.sh`, through the linker's
//!   `--symbol-ordering-file`), so start-up touches a few contiguous megabytes of text instead
//!   of a few hundred bytes on every page of a 44 MB text segment;
//! - relative relocations are packed (`-z pack-relative-relocs`, DT_RELR, glibc 2.36+): the
//!   dynamic loader reads a few kilobytes at exec instead of a 3.5 MB `.rela.dyn`.
//!
//! Both are flags of rustc's default linker on x86_64 Linux (LLD). `GATEWAY_LINK_TUNING=0`
//! builds without them (another linker, an older glibc, or to compare). The ordering file
//! holds demangled names without hashes, which `cc-ordered.sh`, set as the linker of release
//! builds (`bench/lib.sh`, `deploy/Dockerfile`), looks up in each build (ADR 0097).

use std::{env, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=symbol-order.txt");
    println!("cargo:rerun-if-env-changed=GATEWAY_LINK_TUNING");
    let release = env::var("PROFILE").is_ok_and(|p| p == "release");
    let lld_target = env::var("TARGET").is_ok_and(|t| t == "x86_64-unknown-linux-gnu");
    let wanted = !env::var("GATEWAY_LINK_TUNING").is_ok_and(|v| v == "0");
    if !(release && lld_target && wanted) {
        return;
    }
    println!("cargo:rustc-link-arg-bin=gateway=-Wl,-z,pack-relative-relocs");
    let Ok(dir) = env::var("CARGO_MANIFEST_DIR") else {
        return;
    };
    let file = Path::new(&dir).join("symbol-order.txt");
    if file.is_file() {
        println!(
            "cargo:rustc-link-arg-bin=gateway=-Wl,--symbol-ordering-file={}",
            file.display()
        );
        // Symbols renamed or removed since the file was written are skipped, silently.
        println!("cargo:rustc-link-arg-bin=gateway=-Wl,--no-warn-symbol-ordering");
        // The file holds keys (demangled names without hashes, ADR 0097): only the wrapper
        // cc-ordered.sh turns them into this build's names; LLD alone finds none of them.
        let wrapped = env::var("RUSTC_LINKER").is_ok_and(|l| l.ends_with("cc-ordered.sh"));
        if !wrapped {
            println!(
                "cargo:warning=the start-up functions are not laid out together (idle memory, \
                 ADR 0097): build with CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER=\
                 $PWD/apps/gateway/cc-ordered.sh"
            );
        }
    }
}
