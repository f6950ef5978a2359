//! Shared helpers for Quarry's end-to-end and conformance tests.
#![warn(missing_docs)]

pub mod db;
pub mod generated;
pub mod proxy;
pub mod redis;
pub mod setup;

use std::path::{Path, PathBuf};

/// A fresh database with the blog example's tables, and the generated client on it.
pub struct BlogFixture {
    /// The database (dropped with the fixture).
    pub db: db::TestDb,
    /// The generated blog client.
    pub client: generated::blog::Client,
    /// Which database.
    pub backend: db::Backend,
}

/// The blog example on `backend`, empty; `None` when the backend is unavailable outside CI.
pub async fn blog(backend: db::Backend) -> Option<BlogFixture> {
    let (db, raw) = setup::database_with("blog", backend).await?;
    Some(BlogFixture {
        db,
        client: generated::blog::Client::from_client(raw),
        backend,
    })
}

/// Declares a test that runs its body once per available database, each time with a fresh
/// fixture from the given function: `on_every_backend!(name, blog, |f| { ... })`, or with
/// `|f, backend|` to also name the backend.
#[macro_export]
macro_rules! on_every_backend {
    ($name:ident, $fixture:path, |$f:ident| $body:block) => {
        $crate::on_every_backend!($name, $fixture, |$f, _backend| $body);
    };
    ($name:ident, $fixture:path, |$f:ident, $backend:ident| $body:block) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for $backend in $crate::db::Backend::ALL {
                let Some($f) = $fixture($backend).await else {
                    continue;
                };
                $body
            }
        }
    };
}

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

/// Says once per test program, past the test harness's output capture (which hides
/// `eprintln!` of passing tests), that tests of `what` were skipped and how to run them.
pub fn note_skipped(what: &str, why: &str) {
    use std::collections::HashSet;
    use std::io::Write;
    use std::sync::Mutex;
    static SAID: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut said = SAID.lock().unwrap_or_else(|p| p.into_inner());
    if said
        .get_or_insert_with(HashSet::new)
        .insert(what.to_string())
    {
        // `std::io::stderr()` written to directly is not captured.
        let _ = writeln!(
            std::io::stderr(),
            "note: {what} tests skipped ({why}); `scripts/test-all` starts the servers and runs them"
        );
    }
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
