//! The `migrate` and `db` commands as library calls.
//!
//! Owns: the workflows (deploy, status, resolve, reset, down, dev, diff, push, execute) built
//! from the engine's pieces: the history table, the migrations folder, shadow databases,
//! introspection, diffing and the lint. Questions to the user (confirming data loss or a reset)
//! go through [`Interaction`]; the CLI decides how to ask.
//! Must not know: terminal output or argument parsing.

use crate::connection::{self, Connection};
use crate::database::DatabaseSchema;
use crate::dialect::Dialect;
use crate::diff::diff;
use crate::error::{MigrateError, Result};
use crate::history::{self, AppliedMigration};
use crate::introspect::introspect;
use crate::lint::{lint, Lint};
use crate::migrations_dir::{LocalMigration, MigrationsDir};
use crate::project::Project;
use crate::render::render_script;
use crate::shadow::{replay_migrations, reset_database, ShadowDatabase};
use crate::steps::Migration;
use crate::summary::summarize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How a command talks to the user while it runs.
pub trait Interaction {
    /// Progress worth printing.
    fn info(&mut self, message: &str);
    /// Long work begins (a migration being applied): a terminal may show it live until
    /// [`Interaction::finished`].
    fn started(&mut self, _what: &str) {}
    /// The work [`Interaction::started`] announced is over (successfully or not).
    fn finished(&mut self) {}
    /// A warning.
    fn warn(&mut self, message: &str);
    /// A yes/no question; `false` when nobody can answer (non-interactive).
    fn confirm(&mut self, question: &str) -> bool;
}

/// Says nothing, answers every question with no.
#[derive(Debug, Default)]
pub struct Silent;

impl Interaction for Silent {
    fn info(&mut self, _: &str) {}
    fn warn(&mut self, _: &str) {}
    fn confirm(&mut self, _: &str) -> bool {
        false
    }
}

/// A key for `pg_advisory_lock`: "quarry" in ASCII.
const ADVISORY_LOCK_KEY: i64 = 0x71_75_61_72_72_79;

/// How long a migration run waits for another to finish.
const LOCK_WAIT: Duration = Duration::from_secs(600);

/// Serializes migration runs across processes: a PostgreSQL advisory lock or a MySQL named
/// lock, held until [`unlock`]. SQLite runs each migration in an exclusive transaction instead;
/// until [`unlock`], every statement waits as long as MySQL waits for its lock, not just the
/// URL's busy timeout, so a run queues behind a long migration instead of failing with
/// "database is locked".
async fn lock(conn: &mut Connection, ui: &mut dyn Interaction) -> Result<()> {
    let sql = match conn.dialect() {
        Dialect::Postgres => format!("SELECT pg_advisory_lock({ADVISORY_LOCK_KEY})"),
        Dialect::Mysql => format!("SELECT GET_LOCK('quarry_migrate', {})", LOCK_WAIT.as_secs()),
        Dialect::Sqlite => {
            if conn.sqlite_is_locked().await? {
                ui.info("Waiting for another `migrate` run to release the database lock...");
            }
            return conn.set_sqlite_busy_timeout(Some(LOCK_WAIT)).await;
        }
    };
    let rows = conn
        .query(&sql, &[])
        .await
        .map_err(MigrateError::db("Could not take the migration lock"))?;
    if conn.dialect() == Dialect::Mysql
        && rows.first().and_then(|r| r.first()).and_then(|c| c.int()) != Some(1)
    {
        return Err(MigrateError::Unsupported(
            "Timed out after 10 minutes waiting for another `migrate` run to release its lock."
                .to_string(),
        ));
    }
    Ok(())
}

async fn unlock(conn: &mut Connection) {
    let sql = match conn.dialect() {
        Dialect::Postgres => format!("SELECT pg_advisory_unlock({ADVISORY_LOCK_KEY})"),
        Dialect::Mysql => "SELECT RELEASE_LOCK('quarry_migrate')".to_string(),
        Dialect::Sqlite => {
            let _ = conn.set_sqlite_busy_timeout(None).await;
            return;
        }
    };
    let _ = conn.query(&sql, &[]).await;
}

/// What `migrate deploy` did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DeployReport {
    /// Migrations applied now, in order.
    pub applied: Vec<String>,
    /// Applied migrations whose `migration.sql` changed since (checksum differs).
    pub edited: Vec<String>,
    /// History rows copied from Prisma's `_prisma_migrations`.
    pub adopted_from_prisma: usize,
}

/// Applies the pending migrations of `migrations` to `conn`, in order, each in a transaction
/// where the database supports it, recording each in the history. Stops at the first failure,
/// which is recorded and blocks later runs until resolved.
pub async fn apply_pending(
    conn: &mut Connection,
    migrations: &MigrationsDir,
    ui: &mut dyn Interaction,
) -> Result<DeployReport> {
    migrations.check_provider(conn.dialect())?;
    let local = migrations.list()?;
    lock(conn, ui).await?;
    let result = apply_pending_locked(conn, &local, ui).await;
    unlock(conn).await;
    result
}

async fn apply_pending_locked(
    conn: &mut Connection,
    local: &[LocalMigration],
    ui: &mut dyn Interaction,
) -> Result<DeployReport> {
    let mut report = DeployReport {
        adopted_from_prisma: history::adopt_prisma_history(conn).await?,
        ..DeployReport::default()
    };
    history::ensure_table(conn).await?;
    let rows = history::read(conn).await?;
    if let Some(failed) = rows.iter().find(|r| r.is_failed()) {
        return Err(MigrateError::FailedMigrationPending {
            name: failed.migration_name.clone(),
            logs: failed.logs.clone().unwrap_or_default(),
        });
    }
    for m in local {
        if let Some(row) = rows
            .iter()
            .find(|r| r.migration_name == m.name && r.is_applied())
        {
            if row.checksum != m.checksum {
                report.edited.push(m.name.clone());
            }
            continue;
        }
        ui.started(&format!("Applying migration `{}`", m.name));
        let began = std::time::Instant::now();
        let applied = apply_one(conn, m).await;
        ui.finished();
        if applied? {
            ui.info(&format!(
                "Applied migration `{}` in {}",
                m.name,
                crate::util::elapsed(began.elapsed())
            ));
            report.applied.push(m.name.clone());
        }
    }
    Ok(report)
}

/// Whether a PostgreSQL migration must run outside a transaction: `CREATE INDEX CONCURRENTLY`
/// (and its DROP and REINDEX forms) refuses to run inside one.
fn needs_no_transaction(dialect: Dialect, script: &str) -> bool {
    dialect == Dialect::Postgres
        && script.lines().any(|l| {
            let code = l.split("--").next().unwrap_or("").to_ascii_uppercase();
            code.contains(" CONCURRENTLY ")
        })
}

/// Migrations to check with `migrate lint`: the ones named, or those after `since`, or all.
pub fn lint_migrations(
    project: &Project,
    names: &[String],
    since: Option<&str>,
) -> Result<Vec<(LocalMigration, Vec<crate::deploy_lint::Finding>)>> {
    let local = project.migrations.list()?;
    for n in names.iter().chain(since.map(str::to_string).as_ref()) {
        if !local.iter().any(|m| &m.name == n) {
            return Err(MigrateError::Resolve(format!(
                "There is no migration `{n}` in {}.",
                project.migrations.path.display()
            )));
        }
    }
    let chosen = local.into_iter().filter(|m| {
        if !names.is_empty() {
            return names.contains(&m.name);
        }
        since.is_none_or(|s| m.name.as_str() > s)
    });
    Ok(chosen
        .map(|m| {
            let found = crate::deploy_lint::lint_script(&m.script, project.dialect);
            (m, found)
        })
        .collect())
}

/// Applies one migration and records it. Returns false when another process applied it first.
async fn apply_one(conn: &mut Connection, m: &LocalMigration) -> Result<bool> {
    let failed = |e: String| MigrateError::MigrationFailed {
        name: m.name.clone(),
        message: e,
    };
    if conn.dialect() == Dialect::Mysql || needs_no_transaction(conn.dialect(), &m.script) {
        // MySQL commits DDL implicitly, and PostgreSQL refuses CONCURRENTLY inside a
        // transaction: record the start first, so a failure halfway through is visible.
        let id = history::record_started(conn, &m.name, &m.checksum).await?;
        return match conn.execute_script(&m.script).await {
            Ok(()) => {
                history::record_finished(conn, &id).await?;
                Ok(true)
            }
            Err(e) => {
                history::record_error(conn, &id, &e.to_string()).await?;
                Err(failed(e.to_string()))
            }
        };
    }
    conn.begin_migration().await?;
    // Inside the (exclusive, on SQLite) transaction: did a concurrent run get here first?
    let rows = match history::read(conn).await {
        Ok(r) => r,
        Err(e) => {
            conn.rollback_migration().await;
            return Err(e);
        }
    };
    if rows
        .iter()
        .any(|r| r.migration_name == m.name && r.is_applied())
    {
        conn.rollback_migration().await;
        return Ok(false);
    }
    if let Err(e) = conn.execute_script(&m.script).await {
        conn.rollback_migration().await;
        history::record_failed(conn, &m.name, &m.checksum, &e.to_string()).await?;
        return Err(failed(e.to_string()));
    }
    let recorded = history::record_applied(conn, &m.name, &m.checksum).await;
    if let Err(e) = recorded {
        conn.rollback_migration().await;
        return Err(e);
    }
    if let Err(e) = conn.commit_migration().await {
        history::record_failed(conn, &m.name, &m.checksum, &e.to_string()).await?;
        return Err(failed(e.to_string()));
    }
    Ok(true)
}

/// `migrate deploy`: applies pending migrations, never prompts.
pub async fn deploy(project: &Project, ui: &mut dyn Interaction) -> Result<DeployReport> {
    let (mut conn, _) = project.connect_or_create(ui).await?;
    let result = apply_pending(&mut conn, &project.migrations, ui).await;
    conn.close().await;
    result
}

/// The state of the migration history against the migrations folder.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StatusReport {
    /// Migrations in the folder.
    pub local: Vec<String>,
    /// Applied (and not rolled back), in the folder's order.
    pub applied: Vec<String>,
    /// In the folder, not applied.
    pub pending: Vec<String>,
    /// Failed and not resolved: (name, recorded error).
    pub failed: Vec<(String, String)>,
    /// Applied, then edited: the checksum differs.
    pub edited: Vec<String>,
    /// Applied but missing from the folder.
    pub missing_locally: Vec<String>,
}

impl StatusReport {
    /// True when nothing is pending, failed, edited or missing.
    pub fn is_up_to_date(&self) -> bool {
        self.pending.is_empty()
            && self.failed.is_empty()
            && self.edited.is_empty()
            && self.missing_locally.is_empty()
    }
}

/// Compares a history with a migrations folder.
pub fn compare_history(local: &[LocalMigration], rows: &[AppliedMigration]) -> StatusReport {
    let mut report = StatusReport {
        local: local.iter().map(|m| m.name.clone()).collect(),
        ..StatusReport::default()
    };
    for row in rows.iter().filter(|r| r.is_failed()) {
        report.failed.push((
            row.migration_name.clone(),
            row.logs.clone().unwrap_or_default(),
        ));
    }
    for m in local {
        let applied: Vec<&AppliedMigration> = rows
            .iter()
            .filter(|r| r.migration_name == m.name && r.is_applied())
            .collect();
        match applied.last() {
            Some(row) => {
                report.applied.push(m.name.clone());
                if row.checksum != m.checksum {
                    report.edited.push(m.name.clone());
                }
            }
            None if report.failed.iter().any(|(n, _)| *n == m.name) => {}
            None => report.pending.push(m.name.clone()),
        }
    }
    for row in rows.iter().filter(|r| r.is_applied()) {
        if !local.iter().any(|m| m.name == row.migration_name)
            && !report.missing_locally.contains(&row.migration_name)
        {
            report.missing_locally.push(row.migration_name.clone());
        }
    }
    report
}

/// `migrate status`.
pub async fn status(project: &Project) -> Result<StatusReport> {
    project.migrations.check_provider(project.dialect)?;
    let local = project.migrations.list()?;
    // Status only looks: a missing database is P1003, never created (as in Prisma).
    let mut conn = project.connect_existing().await?;
    let mut rows = history::read(&mut conn).await?;
    if rows.is_empty() {
        rows = history::read_table(&mut conn, "_prisma_migrations").await?;
    }
    conn.close().await;
    Ok(compare_history(&local, &rows))
}

/// `migrate resolve --applied NAME`: records NAME as applied (after fixing a failure by hand,
/// or to baseline an existing database).
pub async fn resolve_applied(project: &Project, name: &str) -> Result<()> {
    let local = project.migrations.list()?;
    let Some(m) = local.iter().find(|m| m.name == name) else {
        return Err(MigrateError::Resolve(format!(
            "There is no migration `{name}` in {}.",
            project.migrations.path.display()
        )));
    };
    let mut conn = project.connect().await?;
    let result = async {
        history::ensure_table(&mut conn).await?;
        let rows = history::read(&mut conn).await?;
        if rows
            .iter()
            .any(|r| r.migration_name == name && r.is_applied())
        {
            return Err(MigrateError::Resolve(format!(
                "Migration `{name}` is already recorded as applied."
            )));
        }
        history::mark_rolled_back(&mut conn, name, "\nResolved as applied by hand.").await?;
        history::record_applied(&mut conn, name, &m.checksum).await
    }
    .await;
    conn.close().await;
    result
}

/// `migrate resolve --rolled-back NAME`: marks a failed migration rolled back, so that deploy
/// applies it again.
pub async fn resolve_rolled_back(project: &Project, name: &str) -> Result<()> {
    let mut conn = project.connect().await?;
    let result = async {
        let rows = history::read(&mut conn).await?;
        if !rows
            .iter()
            .any(|r| r.migration_name == name && r.is_failed())
        {
            return Err(MigrateError::Resolve(format!(
                "Migration `{name}` is not in a failed state, so it cannot be marked rolled back. \
                 `quarry migrate status` lists the failed migrations."
            )));
        }
        history::mark_rolled_back(&mut conn, name, "\nResolved as rolled back.").await?;
        Ok(())
    }
    .await;
    conn.close().await;
    result
}

/// `migrate reset`: empties the database and applies every migration.
pub async fn reset(project: &Project, ui: &mut dyn Interaction) -> Result<DeployReport> {
    project.migrations.check_provider(project.dialect)?;
    let mut conn = project.connect().await?;
    let result = async {
        reset_database(&mut conn).await?;
        ui.info("Dropped every table of the database.");
        apply_pending(&mut conn, &project.migrations, ui).await
    }
    .await;
    conn.close().await;
    result
}

/// `migrate down [--to NAME]`: applies the `down.sql` of the last applied migration, or of
/// every migration applied after NAME, newest first, and marks them rolled back.
pub async fn down(
    project: &Project,
    to: Option<&str>,
    ui: &mut dyn Interaction,
) -> Result<Vec<String>> {
    let local = project.migrations.list()?;
    let mut conn = project.connect().await?;
    lock(&mut conn, ui).await?;
    let result = down_locked(&mut conn, &local, to, ui).await;
    unlock(&mut conn).await;
    conn.close().await;
    result
}

async fn down_locked(
    conn: &mut Connection,
    local: &[LocalMigration],
    to: Option<&str>,
    ui: &mut dyn Interaction,
) -> Result<Vec<String>> {
    let rows = history::read(conn).await?;
    let applied: Vec<&LocalMigration> = local
        .iter()
        .filter(|m| {
            rows.iter()
                .any(|r| r.migration_name == m.name && r.is_applied())
        })
        .collect();
    let to_revert: Vec<&LocalMigration> = match to {
        None => applied.last().copied().into_iter().collect(),
        Some(target) => {
            let Some(pos) = applied.iter().position(|m| m.name == target) else {
                return Err(MigrateError::Resolve(format!(
                    "Migration `{target}` is not applied, so there is nothing to go down to."
                )));
            };
            applied[pos + 1..].to_vec()
        }
    };
    let mut reverted = Vec::new();
    for m in to_revert.into_iter().rev() {
        let Some(script) = &m.down else {
            return Err(MigrateError::Resolve(format!(
                "Migration `{}` has no down.sql, so it cannot be reverted.",
                m.name
            )));
        };
        conn.begin_migration().await?;
        if let Err(e) = conn.execute_script(script).await {
            conn.rollback_migration().await;
            return Err(MigrateError::MigrationFailed {
                name: format!("{}/down.sql", m.name),
                message: e.to_string(),
            });
        }
        if let Err(e) =
            history::mark_rolled_back(conn, &m.name, "\nReverted by migrate down.").await
        {
            conn.rollback_migration().await;
            return Err(e);
        }
        conn.commit_migration().await?;
        ui.info(&format!("Reverted migration `{}`", m.name));
        reverted.push(m.name.clone());
    }
    Ok(reverted)
}

/// One side of `migrate diff`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiffSource {
    /// An empty database.
    Empty,
    /// A Prisma schema (file or folder).
    Schema(PathBuf),
    /// A migrations folder, replayed on a shadow database.
    Migrations(PathBuf),
    /// A live database.
    Url(String),
}

/// Where `migrate diff` finds databases it needs.
#[derive(Debug, Clone, Default)]
pub struct DiffOptions {
    /// A database that may be emptied and used to replay migrations.
    pub shadow_database_url: Option<String>,
    /// A server on which a temporary shadow database may be created (e.g. `DATABASE_URL`).
    pub server_url: Option<String>,
    /// The folder relative SQLite paths are resolved against.
    pub base_dir: PathBuf,
}

fn source_dialect(source: &DiffSource) -> Result<Option<Dialect>> {
    Ok(match source {
        DiffSource::Empty => None,
        DiffSource::Schema(path) => Some(load_schema(path)?.0),
        DiffSource::Migrations(dir) => MigrationsDir::new(dir)
            .locked_provider()?
            .and_then(|p| Dialect::parse(&p)),
        DiffSource::Url(url) => Dialect::from_url(url),
    })
}

fn load_schema(path: &Path) -> Result<(Dialect, DatabaseSchema)> {
    let loaded =
        quarry_schema::load::load(path).map_err(|e| MigrateError::InvalidSchema(e.to_string()))?;
    let validated = quarry_schema::validate(&loaded.sources);
    match validated.schema {
        Some(s) if !validated.diagnostics.has_errors() => {
            let db = crate::calculate::calculate(&s);
            Ok((db.dialect, db))
        }
        _ => Err(MigrateError::InvalidSchema(
            validated
                .diagnostics
                .render(&loaded.sources, quarry_schema::Color::Never),
        )),
    }
}

async fn resolve_source(
    source: &DiffSource,
    dialect: Dialect,
    options: &DiffOptions,
) -> Result<DatabaseSchema> {
    match source {
        DiffSource::Empty => Ok(DatabaseSchema::empty(dialect)),
        DiffSource::Schema(path) => Ok(load_schema(path)?.1),
        DiffSource::Url(url) => {
            let mut conn = Connection::connect(url, &options.base_dir).await?;
            let schema = introspect(&mut conn).await;
            conn.close().await;
            schema
        }
        DiffSource::Migrations(dir) => {
            let dir = MigrationsDir::new(dir);
            dir.check_provider(dialect)?;
            let server = options
                .server_url
                .as_deref()
                .filter(|u| Dialect::from_url(u) == Some(dialect));
            replay_migrations(
                dialect,
                &dir.list()?,
                server,
                options.shadow_database_url.as_deref(),
            )
            .await
        }
    }
}

/// `migrate diff`: the migration from one source to another.
pub async fn diff_sources(
    from: &DiffSource,
    to: &DiffSource,
    options: &DiffOptions,
) -> Result<Migration> {
    let dialects = (source_dialect(from)?, source_dialect(to)?);
    let dialect = match dialects {
        (Some(a), Some(b)) if a != b => {
            return Err(MigrateError::Unsupported(format!(
                "Cannot diff a {a} source against a {b} source."
            )))
        }
        (Some(d), _) | (None, Some(d)) => d,
        (None, None) => {
            return Err(MigrateError::Unsupported(
                "Neither side says which database it is for: give a schema, a URL, or a \
                 migrations folder with a migration_lock.toml."
                    .to_string(),
            ))
        }
    };
    // A server for temporary shadow databases: the one given, else a side's URL.
    let mut options = options.clone();
    options.server_url = options
        .server_url
        .iter()
        .cloned()
        .chain([from, to].iter().filter_map(|s| match s {
            DiffSource::Url(u) => Some(u.clone()),
            _ => None,
        }))
        .find(|u| Dialect::from_url(u) == Some(dialect));
    let previous = resolve_source(from, dialect, &options).await?;
    let next = resolve_source(to, dialect, &options).await?;
    Ok(diff(&previous, &next))
}

/// What `migrate dev` should do besides asking.
#[derive(Debug, Clone, Default)]
pub struct DevOptions {
    /// The new migration's name.
    pub name: Option<String>,
    /// Write the migration but do not apply it.
    pub create_only: bool,
    /// Accept data loss without asking.
    pub accept_data_loss: bool,
}

/// What `migrate dev` did.
#[derive(Debug, Default, Clone)]
pub struct DevReport {
    /// The database was reset because of drift.
    pub reset: bool,
    /// Pending migrations applied before diffing.
    pub applied: Vec<String>,
    /// The migration written, if the schema changed.
    pub created: Option<LocalMigration>,
    /// Whether the new migration was applied.
    pub created_applied: bool,
    /// What the lint found in the new migration.
    pub lint: Lint,
    /// The database did not exist and was created (Prisma then runs the seed).
    pub created_database: bool,
}

/// Explains drift: how the database differs from what its migration history produces.
fn drift_message(problems: &[String], drift: &Migration) -> String {
    let mut msg = String::from(
        "Drift detected: the database schema is not in sync with the migration history.\n",
    );
    for p in problems {
        msg.push_str(&format!("\n- {p}"));
    }
    if !drift.is_empty() {
        msg.push_str(
            "\n\nThe database differs from what the applied migrations produce (from the \
             migrations to the database):\n",
        );
        msg.push_str(&summarize(drift));
    }
    msg
}

/// `migrate dev`: replays the migrations on a shadow database, detects drift, applies pending
/// migrations, writes a new migration (with `down.sql`) for the schema's changes, lints it for
/// data loss and applies it.
pub async fn dev(
    project: &Project,
    options: &DevOptions,
    ui: &mut dyn Interaction,
) -> Result<DevReport> {
    project.migrations.check_provider(project.dialect)?;
    let local = project.migrations.list()?;
    let target = project.target();
    let (mut conn, created) = project.connect_or_create(ui).await?;
    let shadow = ShadowDatabase::create(
        project.dialect,
        project.url.as_deref(),
        project.shadow_url.as_deref(),
    )
    .await?;
    let result = dev_inner(project, options, ui, &local, &target, &mut conn, &shadow).await;
    shadow.cleanup().await;
    conn.close().await;
    let mut report = result?;
    report.created_database = created;
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
async fn dev_inner(
    project: &Project,
    options: &DevOptions,
    ui: &mut dyn Interaction,
    local: &[LocalMigration],
    target: &DatabaseSchema,
    conn: &mut Connection,
    shadow: &ShadowDatabase,
) -> Result<DevReport> {
    let mut report = DevReport::default();
    history::adopt_prisma_history(conn).await?;
    let rows = history::read(conn).await?;
    let status = compare_history(local, &rows);
    let mut problems = Vec::new();
    for (name, logs) in &status.failed {
        problems.push(format!("Migration `{name}` failed: {}", logs.trim()));
    }
    for name in &status.edited {
        problems.push(format!(
            "Migration `{name}` was modified after it was applied."
        ));
    }
    for name in &status.missing_locally {
        problems.push(format!(
            "Migration `{name}` is applied to the database but missing from the migrations folder."
        ));
    }
    let applied: Vec<LocalMigration> = local
        .iter()
        .filter(|m| status.applied.contains(&m.name))
        .cloned()
        .collect();
    let pending: Vec<LocalMigration> = local
        .iter()
        .filter(|m| !status.applied.contains(&m.name))
        .cloned()
        .collect();

    // Replay what the database claims to have, and compare.
    let mut shadow_conn = Connection::connect(&shadow.url, Path::new(".")).await?;
    let replay = |name: &str, e: MigrateError| MigrateError::MigrationFailed {
        name: name.to_string(),
        message: format!("It could not be replayed on the shadow database:\n{e}"),
    };
    for m in &applied {
        shadow_conn
            .apply_script(&m.script)
            .await
            .map_err(|e| replay(&m.name, e))?;
    }
    let expected = introspect(&mut shadow_conn).await?;
    let live = introspect(conn).await?;
    let drift = diff(&expected, &live);
    if !problems.is_empty() || !drift.is_empty() {
        let msg = drift_message(&problems, &drift);
        if !ui.confirm(&format!(
            "{msg}\n\nTo keep the history reproducible, the database must be reset: all its \
             data will be lost. Reset it now?"
        )) {
            return Err(MigrateError::Drift(format!(
                "{msg}\n\nRun `quarry migrate reset` to reset the database (its data is lost), \
                 or `quarry migrate dev` interactively and confirm the reset."
            )));
        }
        reset_database(conn).await?;
        report.reset = true;
        ui.info("The database was reset.");
    }

    // Bring the database and the shadow up to the end of the folder.
    let to_apply: &[LocalMigration] = if report.reset { local } else { &pending };
    for m in &pending {
        shadow_conn
            .apply_script(&m.script)
            .await
            .map_err(|e| replay(&m.name, e))?;
    }
    if !to_apply.is_empty() {
        let deployed = apply_pending(conn, &project.migrations, ui).await?;
        report.applied = deployed.applied;
    }
    let current = introspect(&mut shadow_conn).await?;
    shadow_conn.close().await;

    let migration = diff(&current, target);
    if migration.is_empty() {
        // Only one of "applied" and "already in sync" can be true of one run.
        if report.applied.is_empty() && !report.reset {
            ui.info("Already in sync: no schema change or pending migration was found.");
        } else {
            ui.info("The database is now in sync with the schema.");
        }
        return Ok(report);
    }
    let found = lint(&migration, Some(conn)).await?;
    for hint in &found.rename_hints {
        ui.warn(hint);
    }
    for w in &found.warnings {
        ui.warn(w);
    }
    if !found.unexecutable.is_empty() && !options.create_only {
        return Err(MigrateError::DataLossNotAccepted(format!(
            "The migration cannot be applied to the data in the database:\n{}\n\nGive the new \
             column a default, make it optional, or run `quarry migrate dev --create-only` and \
             edit the migration (e.g. fill the column before making it required).",
            bullets(&found.unexecutable)
        )));
    }
    if !found.data_loss.is_empty() && !options.accept_data_loss && !options.create_only {
        let text = bullets(&found.data_loss);
        if !ui.confirm(&format!(
            "Data will be lost:\n{text}\nAre you sure you want to create and apply this migration?"
        )) {
            return Err(MigrateError::DataLossNotAccepted(format!(
                "The migration would lose data:\n{text}\n\nRun again with --accept-data-loss \
                 to accept it, or with --create-only to write the migration and edit it first."
            )));
        }
    }
    let script = format!("{}{}", found.as_sql_comment(), render_script(&migration));
    let down = render_script(&diff(target, &current));
    if project.migrations.locked_provider()?.is_none() {
        project.migrations.write_lock(project.dialect)?;
    }
    let name = options
        .name
        .clone()
        .unwrap_or_else(|| "migration".to_string());
    let created = project.migrations.create(&name, &script, &down)?;
    ui.info(&format!(
        "Created migration {}",
        created.dir.join("migration.sql").display()
    ));
    report.lint = found;
    if !options.create_only {
        let deployed = apply_pending(conn, &project.migrations, ui).await?;
        report.created_applied = deployed.applied.contains(&created.name);
    }
    report.created = Some(created);
    Ok(report)
}

fn bullets(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("  - {i}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Options of `db push`.
#[derive(Debug, Clone, Default)]
pub struct PushOptions {
    /// Accept data loss without asking.
    pub accept_data_loss: bool,
    /// Empty the database first.
    pub force_reset: bool,
}

/// What `db push` did.
#[derive(Debug, Clone, Default)]
pub struct PushReport {
    /// The migration that was applied (empty when already in sync).
    pub steps_applied: usize,
    /// The script that ran.
    pub script: String,
    /// What the lint found.
    pub lint: Lint,
}

/// `db push`: makes the database match the schema without a migration file.
pub async fn db_push(
    project: &Project,
    options: &PushOptions,
    ui: &mut dyn Interaction,
) -> Result<PushReport> {
    let mut conn = project.connect().await?;
    let result = async {
        if options.force_reset {
            reset_database(&mut conn).await?;
            ui.info("The database was reset.");
        }
        let live = introspect(&mut conn).await?;
        let migration = diff(&live, &project.target());
        if migration.is_empty() {
            ui.info("The database is already in sync with the schema.");
            return Ok(PushReport::default());
        }
        let found = lint(&migration, Some(&mut conn)).await?;
        for w in found.warnings.iter().chain(&found.rename_hints) {
            ui.warn(w);
        }
        if !found.unexecutable.is_empty() {
            return Err(MigrateError::DataLossNotAccepted(format!(
                "The schema cannot be pushed onto the data in the database:\n{}\n\nUse \
                 --force-reset to empty the database first.",
                bullets(&found.unexecutable)
            )));
        }
        if !found.data_loss.is_empty() && !options.accept_data_loss {
            let text = bullets(&found.data_loss);
            if !ui.confirm(&format!(
                "Data will be lost:\n{text}\nDo you want to ignore the warnings and push?"
            )) {
                return Err(MigrateError::DataLossNotAccepted(format!(
                    "Pushing the schema would lose data:\n{text}\n\nUse --accept-data-loss to \
                     accept it."
                )));
            }
        }
        let script = render_script(&migration);
        conn.apply_script(&script).await?;
        Ok(PushReport {
            steps_applied: migration.steps.len(),
            script,
            lint: found,
        })
    }
    .await;
    conn.close().await;
    result
}

/// `db execute`: runs a script against a database, as it is.
pub async fn db_execute(url: &str, base_dir: &Path, script: &str) -> Result<()> {
    let mut conn = Connection::connect(url, base_dir).await?;
    let result = conn
        .execute_script(script)
        .await
        .map_err(MigrateError::db("The script failed"));
    conn.close().await;
    result
}

/// `db pull`: reads the database at `url` and renders it as a Prisma schema (see
/// [`crate::pull`]). It never creates the database, and an empty one is
/// [`MigrateError::EmptyDatabase`] (Prisma's P4001).
pub async fn db_pull(
    url: &str,
    base_dir: &Path,
    existing: Option<&quarry_schema::ir::Schema>,
    header: &str,
) -> Result<crate::pull::Pulled> {
    let mut conn = Connection::connect_existing(url, base_dir).await?;
    let result = async {
        let db = introspect(&mut conn).await?;
        let extras = crate::introspect::introspect_extras(&mut conn).await?;
        Ok((db, extras))
    }
    .await;
    conn.close().await;
    let (db, extras) = result?;
    if db.tables.is_empty() && db.enums.is_empty() {
        return Err(MigrateError::EmptyDatabase(connection::redact(url)));
    }
    Ok(crate::pull::render(&db, &extras, existing, header))
}
