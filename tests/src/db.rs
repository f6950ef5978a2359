//! A fresh, uniquely named database per test, dropped afterwards.
//!
//! Tests run in parallel and twice in a row without seeing each other's rows. PostgreSQL and
//! MariaDB URLs come from `QUARRY_TEST_POSTGRES_URL` / `QUARRY_TEST_MYSQL_URL` (exported by
//! `scripts/test-all`). When a server is unreachable the test is skipped, except under
//! `CI=true`, where that is a failure.

use crate::in_ci;
use sqlx::Connection;
use std::sync::atomic::{AtomicU32, Ordering};

/// The databases Quarry supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, a file in a temporary folder.
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL / MariaDB.
    Mysql,
}

impl Backend {
    /// All three.
    pub const ALL: [Backend; 3] = [Backend::Sqlite, Backend::Postgres, Backend::Mysql];

    /// The database's name, for people.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
            Backend::Mysql => "MySQL/MariaDB",
        }
    }

    /// The schema `provider` string.
    pub fn provider(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgresql",
            Backend::Mysql => "mysql",
        }
    }
}

/// The provider a database URL is for: the tests run one generated client (the blog's, whose
/// schema says `sqlite`) on every database, so they tell the client which one it is on.
pub fn provider_of(url: &str) -> &'static str {
    if url.starts_with("postgres") {
        "postgresql"
    } else if url.starts_with("mysql") || url.starts_with("mariadb") {
        "mysql"
    } else {
        "sqlite"
    }
}

/// A database that exists for one test. Dropping it drops the database (best effort).
pub struct TestDb {
    /// The URL of the fresh database.
    pub url: String,
    /// Which backend.
    pub backend: Backend,
    name: String,
    admin_url: Option<String>,
    _dir: Option<TempDir>,
}

/// A temporary directory removed on drop (kept tiny to avoid a dependency).
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

fn env_url(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|s| !s.is_empty())
}

/// Replaces the database name (the path) of a URL.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{db}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestDb {
    /// A fresh database on `backend`, or `None` when its server is not configured or not
    /// reachable outside CI. Panics in CI when the server is unreachable.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(unique_name("quarry_sqlite"));
                std::fs::create_dir_all(&dir).expect("temp dir");
                let path = dir.join("test.db");
                // An empty database, as `migrate dev` leaves a new one: clients open existing
                // files only.
                std::fs::File::create(&path).expect("the SQLite file can be created");
                Some(TestDb {
                    url: format!("file:{}", path.display()),
                    backend,
                    name: path.display().to_string(),
                    admin_url: None,
                    _dir: Some(TempDir(dir)),
                })
            }
            Backend::Postgres => Self::server(backend, "QUARRY_TEST_POSTGRES_URL").await,
            Backend::Mysql => Self::server(backend, "QUARRY_TEST_MYSQL_URL").await,
        }
    }

    async fn server(backend: Backend, var: &str) -> Option<TestDb> {
        let Some(admin) = env_url(var) else {
            assert!(!in_ci(), "{var} must be set in CI");
            crate::note_skipped(backend.name(), &format!("{var} is not set"));
            return None;
        };
        let name = unique_name("quarry_test");
        let created = match backend {
            Backend::Postgres => match sqlx::PgConnection::connect(&admin).await {
                Ok(mut c) => sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut c)
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            },
            Backend::Mysql => match sqlx::MySqlConnection::connect(&admin).await {
                Ok(mut c) => sqlx::query(&format!("CREATE DATABASE `{name}`"))
                    .execute(&mut c)
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            },
            Backend::Sqlite => unreachable!("SQLite needs no server"),
        };
        if let Err(e) = created {
            assert!(!in_ci(), "{backend:?} at {admin} is unreachable in CI: {e}");
            crate::note_skipped(backend.name(), &format!("{admin} is unreachable: {e}"));
            return None;
        }
        Some(TestDb {
            url: with_database(&admin, &name),
            backend,
            name,
            admin_url: Some(admin),
            _dir: None,
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(admin) = self.admin_url.clone() else {
            return;
        };
        let (backend, name) = (self.backend, self.name.clone());
        // Drop runs outside any runtime guarantee; use a short-lived thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                match backend {
                    Backend::Postgres => {
                        if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                            let _ = sqlx::query(&format!(
                                "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                            ))
                            .execute(&mut c)
                            .await;
                        }
                    }
                    Backend::Mysql => {
                        if let Ok(mut c) = sqlx::MySqlConnection::connect(&admin).await {
                            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS `{name}`"))
                                .execute(&mut c)
                                .await;
                        }
                    }
                    Backend::Sqlite => {}
                }
            });
        })
        .join();
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_in_a_url() {
        assert_eq!(
            with_database("postgresql://postgres@127.0.0.1:5432/test", "x"),
            "postgresql://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306/test?ssl-mode=disabled", "y"),
            "mysql://root@127.0.0.1:3306/y?ssl-mode=disabled"
        );
        assert_eq!(with_database("mysql://root@h:1", "z"), "mysql://root@h:1/z");
    }
}
