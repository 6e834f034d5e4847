//! Fingerprints the migration sources so test templates are rebuilt when any migration changes.

use std::{collections::hash_map::DefaultHasher, fs, hash::Hasher, path::Path};

fn main() {
    let dir = Path::new("src");
    let mut files: Vec<_> = fs::read_dir(dir)
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
        if let Ok(bytes) = fs::read(file) {
            hasher.write(file.to_string_lossy().as_bytes());
            hasher.write(&bytes);
        }
    }
    println!("cargo:rerun-if-changed=src");
    println!(
        "cargo:rustc-env=MIGRATION_FINGERPRINT={:016x}",
        hasher.finish()
    );
}
