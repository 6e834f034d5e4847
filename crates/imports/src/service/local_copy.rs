//! The job's local copy of a stored file: streamed from the object store into a temporary
//! file chunk by chunk (the file is never whole in memory), read from disk by the blocking
//! reader, and deleted when dropped.

use std::path::PathBuf;

use anyhow::Context;
use storage::{ObjectKey, Storage};

/// A temporary local file holding a stored object; removed on drop.
#[derive(Debug)]
pub struct LocalCopy {
    path: PathBuf,
}

impl LocalCopy {
    /// Copies `key` into a new temporary file.
    pub async fn fetch(storage: &Storage, key: &ObjectKey) -> anyhow::Result<Self> {
        let copy = Self {
            path: std::env::temp_dir().join(format!("mas-import-{}", uuid::Uuid::now_v7())),
        };
        let mut file = tokio::fs::File::create(&copy.path)
            .await
            .with_context(|| format!("creating {}", copy.path.display()))?;
        storage
            .copy_to(key, &mut file)
            .await
            .context("copying the stored file")?;
        Ok(copy)
    }

    /// Opens the copy for reading.
    pub fn open(&self) -> std::io::Result<std::fs::File> {
        std::fs::File::open(&self.path)
    }
}

impl Drop for LocalCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
