//! Shared helpers for Quarry's end-to-end and conformance tests.
#![warn(missing_docs)]

pub mod db;
pub mod generated;
pub mod setup;

use std::path::{Path, PathBuf};

/// The `shared/` folder beside the repository (conformance data, the Prisma oracle).
///
/// `QUARRY_SHARED_DIR` overrides it. Returns `None` when absent; under `CI=true` that is a failure
/// the caller must raise, never a silent skip.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("QUARRY_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    dir.is_dir().then_some(dir)
}

/// True when running in CI, where every external resource is required.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Every file under `dir` (recursively) whose name ends with `suffix`, sorted.
pub fn files_with_suffix(dir: &Path, suffix: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.to_string_lossy().ends_with(suffix) {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}
