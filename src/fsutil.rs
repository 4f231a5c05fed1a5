//! File helpers.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use crate::error::Error;

/// Writes `bytes` to `path` atomically: a temp file in the same directory, then a rename, so a
/// reader (a CI step uploading SARIF) never sees a half-written file. A failure is an
/// [`Error::Output`] (exit 4), naming the file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // A folder that does not exist is the user's path to fix (exit 2), not a failed write.
    if !dir.is_dir() {
        return Err(Error::Usage(format!(
            "cannot write {}: directory {} does not exist; create it or choose another output path",
            path.display(),
            dir.display()
        ))
        .into());
    }
    write_inner(path, bytes)
        .map_err(|e| Error::Output(format!("cannot write {}: {e:#}", path.display())).into())
}

fn write_inner(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "directory {} does not exist; create it or choose another output path",
            dir.display()
        );
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| -> Result<()> {
        let mut f = std::fs::File::create(&tmp)
            .with_context(|| format!("cannot create {}", tmp.display()))?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
            .with_context(|| format!("cannot rename {} to {}", tmp.display(), path.display()))?;
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
