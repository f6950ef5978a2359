//! `quarry migrate ...` and `quarry db ...`: arguments, prompts, output and exit codes around
//! the library calls in `quarry_migrate::commands`.
//!
//! Flag names follow Prisma 7. Exit codes: 0 success, 1 failure (and `migrate status` with
//! anything pending, failed, edited or missing), 2 a difference for `migrate diff --exit-code`.

use crate::commands::{out, CliResult};
use crate::SchemaArg;
use clap::{Args, Subcommand};
use quarry_migrate::commands::{
    self as migrate, DevOptions, DiffOptions, DiffSource, Interaction, PushOptions,
};
use quarry_migrate::migrations_dir::LocalMigration;
use quarry_migrate::{render_script, summarize, MigrateError, Project};
use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// `quarry migrate ...`
#[derive(Subcommand)]
pub(crate) enum MigrateCommand {
    /// Create a migration from the schema's changes, apply it to the development database.
    ///
    /// Replays the migrations folder on a shadow database, detects drift, applies pending
    /// migrations, writes `migrations/<timestamp>_<name>/migration.sql` and `down.sql`, and
    /// applies the new migration. Asks before losing data; refuses when not interactive unless
    /// `--accept-data-loss` is given.
    Dev {
        #[command(flatten)]
        schema: SchemaArg,
        /// The migration's name.
        #[arg(long, short = 'n')]
        name: Option<String>,
        /// Write the migration without applying it (to edit it first).
        #[arg(long)]
        create_only: bool,
        /// Accept data loss without asking.
        #[arg(long)]
        accept_data_loss: bool,
        /// Do not regenerate the client afterwards.
        #[arg(long)]
        skip_generate: bool,
        /// The database to replay migrations on (emptied first). Without it: the datasource's
        /// `shadowDatabaseUrl`, else `SHADOW_DATABASE_URL`, else a temporary database created
        /// on the main database's server (which needs the right to create databases).
        #[arg(long, value_name = "URL")]
        shadow_database_url: Option<String>,
        /// Print one JSON document (docs/migrations.md); only with `--create-only`.
        #[arg(long, requires = "create_only")]
        json: bool,
        /// Do not run the seed command when the database is created.
        #[arg(long)]
        skip_seed: bool,
    },
    /// Apply pending migrations, in order, and record them. For CI and production: never asks.
    Deploy {
        #[command(flatten)]
        schema: SchemaArg,
        /// Print one JSON document (docs/migrations.md).
        #[arg(long)]
        json: bool,
    },
    /// Show the migration history's state. Exits 1 when migrations are pending, failed, edited
    /// after they were applied, or missing locally.
    Status {
        #[command(flatten)]
        schema: SchemaArg,
        /// Print one JSON document (docs/migrations.md).
        #[arg(long)]
        json: bool,
    },
    /// Drop every table of the database and apply all migrations.
    Reset {
        #[command(flatten)]
        schema: SchemaArg,
        /// Do not ask for confirmation.
        #[arg(long, short = 'f')]
        force: bool,
        /// Do not run the seed command afterwards.
        #[arg(long)]
        skip_seed: bool,
    },
    /// Mark a migration applied or rolled back in the history, e.g. after fixing a failure.
    Resolve {
        #[command(flatten)]
        schema: SchemaArg,
        #[command(flatten)]
        target: ResolveTarget,
    },
    /// Apply the `down.sql` of the last migration (or of every migration after `--to NAME`).
    /// For development databases.
    Down {
        #[command(flatten)]
        schema: SchemaArg,
        /// Revert the migrations applied after this one.
        #[arg(long, value_name = "NAME")]
        to: Option<String>,
    },
    /// Compare two schema sources and print the difference (a summary, or SQL with --script).
    Diff(DiffArgs),
    /// Flag migration steps that are risky in production: locks or rewrites of large
    /// PostgreSQL or MySQL tables, and changes that break the running app. Exits 1 when it
    /// finds any. Silence one statement with `-- quarry-lint: ignore [rule, ...]` before it.
    Lint {
        #[command(flatten)]
        schema: SchemaArg,
        /// Only the migrations after this one (e.g. the last one already deployed).
        #[arg(long, value_name = "NAME", conflicts_with = "migrations")]
        since: Option<String>,
        /// Only these migrations (folder names); all of them by default.
        #[arg(value_name = "MIGRATION")]
        migrations: Vec<String>,
    },
}

/// Exactly one of `--applied NAME` and `--rolled-back NAME`.
#[derive(Args)]
#[group(required = true, multiple = false)]
pub(crate) struct ResolveTarget {
    /// Record this migration as applied.
    #[arg(long, value_name = "NAME")]
    applied: Option<String>,
    /// Record this failed migration as rolled back, so that deploy applies it again.
    #[arg(long, value_name = "NAME")]
    rolled_back: Option<String>,
}

/// `quarry migrate diff` arguments.
#[derive(Args)]
pub(crate) struct DiffArgs {
    /// Compare from an empty database.
    #[arg(long, group = "from")]
    from_empty: bool,
    /// Compare from a Prisma schema (file or folder).
    #[arg(long, value_name = "PATH", group = "from")]
    from_schema: Option<PathBuf>,
    /// Compare from a migrations folder (replayed on a shadow database).
    #[arg(long, value_name = "DIR", group = "from")]
    from_migrations: Option<PathBuf>,
    /// Compare from a live database.
    #[arg(long, value_name = "URL", group = "from")]
    from_url: Option<String>,
    /// Compare to an empty database.
    #[arg(long, group = "to")]
    to_empty: bool,
    /// Compare to a Prisma schema (file or folder).
    #[arg(long, value_name = "PATH", group = "to")]
    to_schema: Option<PathBuf>,
    /// Compare to a migrations folder (replayed on a shadow database).
    #[arg(long, value_name = "DIR", group = "to")]
    to_migrations: Option<PathBuf>,
    /// Compare to a live database.
    #[arg(long, value_name = "URL", group = "to")]
    to_url: Option<String>,
    /// A database that may be emptied to replay migrations (PostgreSQL, MySQL).
    #[arg(long, value_name = "URL")]
    shadow_database_url: Option<String>,
    /// Print the SQL script instead of a summary.
    #[arg(long)]
    script: bool,
    /// Write the output to a file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit 0 when there is no difference, 2 when there is one, 1 on error.
    #[arg(long)]
    exit_code: bool,
    /// Print one JSON document (docs/migrations.md).
    #[arg(long)]
    json: bool,
}

/// `quarry db ...`
#[derive(Subcommand)]
pub(crate) enum DbCommand {
    /// Make the database match the schema without writing a migration (prototyping).
    Push {
        #[command(flatten)]
        schema: SchemaArg,
        /// Accept data loss without asking.
        #[arg(long)]
        accept_data_loss: bool,
        /// Empty the database first.
        #[arg(long)]
        force_reset: bool,
        /// Do not regenerate the client afterwards.
        #[arg(long)]
        skip_generate: bool,
    },
    /// Read an existing database into the schema (introspection). Names, docs and order of
    /// what the schema already has are kept; the datasource and generator blocks stay as they
    /// are.
    Pull {
        #[command(flatten)]
        schema: SchemaArg,
        /// Print the schema to stdout instead of writing the file.
        #[arg(long)]
        print: bool,
        /// Start from the database alone: drop the schema's models and enums (its datasource
        /// and generator blocks stay) instead of merging with them.
        #[arg(long)]
        force: bool,
        /// The database (default: the schema's datasource, or DATABASE_URL).
        #[arg(long, value_name = "URL")]
        url: Option<String>,
    },
    /// Run the project's seed command (`[package.metadata.quarry] seed` in Cargo.toml) with
    /// DATABASE_URL set.
    Seed {
        #[command(flatten)]
        schema: SchemaArg,
    },
    /// Run an SQL script against the database.
    #[command(group(clap::ArgGroup::new("input").required(true).args(["file", "stdin"])))]
    Execute {
        #[command(flatten)]
        schema: SchemaArg,
        /// The script file.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Read the script from standard input.
        #[arg(long)]
        stdin: bool,
        /// The database (default: the schema's datasource, or DATABASE_URL).
        #[arg(long, value_name = "URL")]
        url: Option<String>,
    },
}

/// Prints progress to stdout, warnings to stderr, and asks on the terminal when there is one.
struct Terminal {
    interactive: bool,
    /// `--json`: messages are kept for the document instead of printed, and nothing is asked.
    json: Option<Vec<serde_json::Value>>,
    /// The live line of the work in progress (on a terminal): its stop flag and thread.
    live: Option<(
        std::sync::Arc<std::sync::atomic::AtomicBool>,
        std::thread::JoinHandle<()>,
    )>,
}

impl Terminal {
    fn new() -> Terminal {
        Terminal {
            interactive: std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
            json: None,
            live: None,
        }
    }

    fn json(json: bool) -> Terminal {
        let mut t = Terminal::new();
        if json {
            t.json = Some(Vec::new());
        }
        t
    }

    /// The messages kept for a JSON document.
    fn messages(&mut self) -> serde_json::Value {
        serde_json::Value::Array(self.json.take().unwrap_or_default())
    }
}

impl Interaction for Terminal {
    fn info(&mut self, message: &str) {
        match &mut self.json {
            Some(m) => m.push(serde_json::json!({"level": "info", "text": message})),
            None => out(&format!("{message}\n")),
        }
    }

    fn warn(&mut self, message: &str) {
        match &mut self.json {
            Some(m) => m.push(serde_json::json!({"level": "warning", "text": message})),
            None => eprintln!("warning: {message}"),
        }
    }

    fn started(&mut self, what: &str) {
        if self.json.is_some() {
            return;
        }
        if !std::io::stderr().is_terminal() {
            // Logs get plain lines: what runs, then (from `info`) how long it took.
            eprintln!("{what}...");
            return;
        }
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let what = what.to_string();
        let began = std::time::Instant::now();
        let thread = std::thread::spawn(move || {
            const SPIN: [char; 4] = ['|', '/', '-', '\\'];
            let mut i = 0;
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                eprint!(
                    "\r\x1b[2K{} {what} {}",
                    SPIN[i % SPIN.len()],
                    quarry_migrate::elapsed(began.elapsed())
                );
                let _ = std::io::stderr().flush();
                i += 1;
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            eprint!("\r\x1b[2K");
            let _ = std::io::stderr().flush();
        });
        self.live = Some((stop, thread));
    }

    fn finished(&mut self) {
        if let Some((stop, thread)) = self.live.take() {
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            let _ = thread.join();
        }
    }

    fn confirm(&mut self, question: &str) -> bool {
        if !self.interactive || self.json.is_some() {
            return false;
        }
        eprint!("{question} [y/N] ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        if std::io::stdin().lock().read_line(&mut line).is_err() {
            return false;
        }
        matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }
}

fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// Loads a `.env` file into the environment, as dotenv reads it (existing variables win).
fn load_dotenv(dir: &Path) {
    let Ok(items) = dotenvy::from_path_iter(dir.join(".env")) else {
        return;
    };
    for (key, value) in items.flatten() {
        if std::env::var_os(&key).is_none() {
            std::env::set_var(key, value);
        }
    }
}

fn load_project(schema: &SchemaArg) -> Result<Project, MigrateError> {
    load_project_with_sources(schema).map(|(project, _)| project)
}

/// [`load_project`], also giving the schema's files.
fn load_project_with_sources(
    schema: &SchemaArg,
) -> Result<(Project, quarry_schema::load::LoadedSchema), MigrateError> {
    let cwd = std::env::current_dir().map_err(|e| MigrateError::Io {
        path: PathBuf::from("."),
        source: e,
    })?;
    load_dotenv(&cwd);
    let (project, loaded) = Project::load_with_sources(schema.schema.as_deref(), &cwd)?;
    load_dotenv(&project.base_dir);
    // `.env` next to the schema may hold the URL: read the datasource again.
    if project.url.is_none() {
        return Ok((
            Project::from_schema(project.schema, project.base_dir)?,
            loaded,
        ));
    }
    Ok((project, loaded))
}

/// After `migrate dev` and `db push`: regenerates the client, as Prisma does, so that it
/// follows the schema the database now has (unless `--skip-generate`, or no generator asks for
/// Quarry's client).
fn regenerate(project: &Project, schema: &SchemaArg, skip: bool) -> ExitCode {
    if skip || !has_quarry_generator(project) {
        return ExitCode::SUCCESS;
    }
    match crate::commands::generate(schema.schema.as_deref()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: generating the client failed: {e}");
            ExitCode::from(1)
        }
    }
}

/// True when a generator block asks for the Quarry client.
fn has_quarry_generator(project: &Project) -> bool {
    project
        .schema
        .generators
        .iter()
        .any(|g| g.provider.resolve().is_some_and(|p| p.contains("quarry")))
}

fn fail(e: &MigrateError) -> ExitCode {
    eprintln!("error: {e}");
    exit_code(e)
}

/// 2 for a schema that cannot be found or read (as every command exits on usage and I/O
/// errors), 1 for every other failure.
fn exit_code(e: &MigrateError) -> ExitCode {
    match e {
        MigrateError::SchemaNotLoaded(_) => ExitCode::from(2),
        _ => ExitCode::from(1),
    }
}

/// The JSON documents' version: fields are only ever added within one version.
const JSON_VERSION: u32 = 1;

/// Prints a `--json` document.
fn emit(doc: serde_json::Value) {
    out(&format!(
        "{}\n",
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    ));
}

/// A failure as a `--json` document, exit code 1.
fn fail_json(command: &str, e: &MigrateError, ui: &mut Terminal) -> ExitCode {
    let code = match e {
        MigrateError::DatabaseNotFound(_) => Some("P1003"),
        _ => None,
    };
    emit(serde_json::json!({
        "version": JSON_VERSION,
        "command": command,
        "ok": false,
        "error": {"code": code, "message": e.to_string()},
        "messages": ui.messages(),
    }));
    exit_code(e)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Runs `quarry migrate ...`.
pub(crate) fn run_migrate(cmd: MigrateCommand) -> CliResult {
    let rt = runtime()?;
    let mut ui = Terminal::new();
    let code = match cmd {
        MigrateCommand::Dev {
            schema,
            name,
            create_only,
            accept_data_loss,
            skip_generate,
            shadow_database_url,
            json,
            skip_seed,
        } => rt.block_on(async {
            let mut ui = Terminal::json(json);
            let mut project = match load_project(&schema) {
                Ok(p) => p,
                Err(e) if json => return fail_json("migrate dev", &e, &mut ui),
                Err(e) => return fail(&e),
            };
            if let Some(url) = shadow_database_url {
                project.shadow_url = Some(url);
            }
            let options = DevOptions {
                name,
                create_only,
                accept_data_loss,
            };
            let result = migrate::dev(&project, &options, &mut ui).await;
            if json {
                return match result {
                    Ok(report) => {
                        emit(serde_json::json!({
                            "version": JSON_VERSION,
                            "command": "migrate dev",
                            "ok": true,
                            "created": report.created.as_ref().map(|m| serde_json::json!({
                                "name": m.name,
                                "path": m.dir.join("migration.sql"),
                            })),
                            "applied": report.applied,
                            "reset": report.reset,
                            "data_loss": report.lint.data_loss,
                            "unexecutable": report.lint.unexecutable,
                            "warnings": report.lint.warnings,
                            "rename_hints": report.lint.rename_hints,
                            "messages": ui.messages(),
                        }));
                        ExitCode::SUCCESS
                    }
                    Err(e) => fail_json("migrate dev", &e, &mut ui),
                };
            }
            match result {
                Ok(report) => {
                    // Prisma seeds a database `migrate dev` created.
                    if report.created_database && !create_only && !skip_seed {
                        if let Err(e) = quarry_migrate::seed::run(&project, &mut ui) {
                            return fail(&e);
                        }
                    }
                    match (&report.created, report.created_applied) {
                        (Some(m), true) => out(&format!(
                            "\nYour database is now in sync with your schema (migration `{}`).\n",
                            m.name
                        )),
                        (Some(m), false) => out(&format!(
                            "\nMigration `{}` was created but not applied. Edit it if needed, \
                             then run `quarry migrate dev` to apply it.\n",
                            m.name
                        )),
                        (None, _) => {}
                    }
                    regenerate(&project, &schema, skip_generate)
                }
                Err(e) => fail(&e),
            }
        }),
        MigrateCommand::Deploy { schema, json: true } => rt.block_on(async {
            let mut ui = Terminal::json(true);
            let project = match load_project(&schema) {
                Ok(p) => p,
                Err(e) => return fail_json("migrate deploy", &e, &mut ui),
            };
            let found = project.migrations.list().map(|l| l.len()).unwrap_or(0);
            match migrate::deploy(&project, &mut ui).await {
                Ok(report) => {
                    emit(serde_json::json!({
                        "version": JSON_VERSION,
                        "command": "migrate deploy",
                        "ok": true,
                        "found": found,
                        "applied": report.applied,
                        "edited": report.edited,
                        "adopted_from_prisma": report.adopted_from_prisma,
                        "messages": ui.messages(),
                    }));
                    ExitCode::SUCCESS
                }
                Err(e) => fail_json("migrate deploy", &e, &mut ui),
            }
        }),
        MigrateCommand::Deploy { schema, .. } => rt.block_on(async {
            let project = match load_project(&schema) {
                Ok(p) => p,
                Err(e) => return fail(&e),
            };
            let local = project.migrations.list().map(|l| l.len()).unwrap_or(0);
            out(&format!(
                "{local} migration{} found in {}\n",
                plural(local),
                project.migrations.path.display()
            ));
            match migrate::deploy(&project, &mut ui).await {
                Ok(report) => {
                    if report.adopted_from_prisma > 0 {
                        out(&format!(
                            "Adopted {} applied migration{} from Prisma's _prisma_migrations.\n",
                            report.adopted_from_prisma,
                            plural(report.adopted_from_prisma)
                        ));
                    }
                    for name in &report.edited {
                        eprintln!("warning: migration `{name}` was modified after it was applied.");
                    }
                    if report.applied.is_empty() {
                        out("No pending migrations to apply.\n");
                    } else {
                        out(&format!(
                            "All migrations have been successfully applied ({}).\n",
                            report.applied.len()
                        ));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }),
        MigrateCommand::Status { schema, json } => rt.block_on(async {
            let mut ui = Terminal::json(json);
            let project = match load_project(&schema) {
                Ok(p) => p,
                Err(e) if json => return fail_json("migrate status", &e, &mut ui),
                Err(e) => return fail(&e),
            };
            match (migrate::status(&project).await, json) {
                (Ok(r), true) => {
                    emit(serde_json::json!({
                        "version": JSON_VERSION,
                        "command": "migrate status",
                        "ok": true,
                        "up_to_date": r.is_up_to_date(),
                        "local": r.local,
                        "applied": r.applied,
                        "pending": r.pending,
                        "failed": r.failed.iter().map(|(name, logs)| serde_json::json!({
                            "name": name,
                            "logs": logs,
                        })).collect::<Vec<_>>(),
                        "edited": r.edited,
                        "missing_locally": r.missing_locally,
                        "messages": ui.messages(),
                    }));
                    if r.is_up_to_date() {
                        ExitCode::SUCCESS
                    } else {
                        ExitCode::from(1)
                    }
                }
                (Ok(report), false) => print_status(&project, &report),
                (Err(e), true) => fail_json("migrate status", &e, &mut ui),
                (Err(e), false) => fail(&e),
            }
        }),
        MigrateCommand::Reset {
            schema,
            force,
            skip_seed,
        } => rt.block_on(async {
            let project = match load_project(&schema) {
                Ok(p) => p,
                Err(e) => return fail(&e),
            };
            if !force
                && !ui
                    .confirm("Are you sure you want to reset the database? All data will be lost.")
            {
                eprintln!(
                    "error: Reset cancelled. Run `quarry migrate reset --force` to reset without \
                     being asked (for example in scripts)."
                );
                return ExitCode::from(1);
            }
            match migrate::reset(&project, &mut ui).await {
                Ok(report) => {
                    out(&format!(
                        "Database reset; {} migration{} applied.\n",
                        report.applied.len(),
                        plural(report.applied.len())
                    ));
                    if !skip_seed {
                        if let Err(e) = quarry_migrate::seed::run(&project, &mut ui) {
                            return fail(&e);
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }),
        MigrateCommand::Resolve { schema, target } => rt.block_on(async {
            let project = match load_project(&schema) {
                Ok(p) => p,
                Err(e) => return fail(&e),
            };
            let result = match (&target.applied, &target.rolled_back) {
                (Some(name), _) => migrate::resolve_applied(&project, name)
                    .await
                    .map(|_| format!("Migration `{name}` marked as applied.\n")),
                (None, Some(name)) => migrate::resolve_rolled_back(&project, name)
                    .await
                    .map(|_| format!("Migration `{name}` marked as rolled back.\n")),
                (None, None) => Err(MigrateError::Resolve(
                    "Give --applied NAME or --rolled-back NAME.".to_string(),
                )),
            };
            match result {
                Ok(msg) => {
                    out(&msg);
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }),
        MigrateCommand::Down { schema, to } => rt.block_on(async {
            let project = match load_project(&schema) {
                Ok(p) => p,
                Err(e) => return fail(&e),
            };
            match migrate::down(&project, to.as_deref(), &mut ui).await {
                Ok(reverted) if reverted.is_empty() => {
                    out("No migration to revert.\n");
                    ExitCode::SUCCESS
                }
                Ok(_) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }),
        MigrateCommand::Diff(args) => rt.block_on(run_diff(args)),
        MigrateCommand::Lint {
            schema,
            since,
            migrations,
        } => {
            let project = match load_project(&schema) {
                Ok(p) => p,
                Err(e) => return Ok(fail(&e)),
            };
            match migrate::lint_migrations(&project, &migrations, since.as_deref()) {
                Ok(checked) => print_lint(&checked),
                Err(e) => fail(&e),
            }
        }
    };
    Ok(code)
}

fn print_status(project: &Project, r: &migrate::StatusReport) -> ExitCode {
    out(&format!(
        "{} migration{} found in {}\n",
        r.local.len(),
        plural(r.local.len()),
        project.migrations.path.display()
    ));
    let list = |title: &str, names: &[String]| {
        if !names.is_empty() {
            out(&format!("\n{title}\n"));
            for n in names {
                out(&format!("  {n}\n"));
            }
        }
    };
    let failed: Vec<String> = r
        .failed
        .iter()
        .map(|(n, logs)| {
            let first = logs.lines().next().unwrap_or("").trim();
            if first.is_empty() {
                n.clone()
            } else {
                format!("{n}: {first}")
            }
        })
        .collect();
    list(
        "Failed migrations (resolve them with `quarry migrate resolve`):",
        &failed,
    );
    list("Not yet applied:", &r.pending);
    list(
        "Modified after they were applied (the checksum of migration.sql differs):",
        &r.edited,
    );
    list(
        "Applied to the database but missing from the migrations folder:",
        &r.missing_locally,
    );
    if r.is_up_to_date() {
        out("\nDatabase schema is up to date!\n");
        ExitCode::SUCCESS
    } else {
        if !r.pending.is_empty() {
            out("\nTo apply them in development run `quarry migrate dev`; in production, `quarry migrate deploy`.\n");
        }
        ExitCode::from(1)
    }
}

fn print_lint(checked: &[(LocalMigration, Vec<quarry_migrate::deploy_lint::Finding>)]) -> ExitCode {
    let mut findings = 0;
    let mut migrations = 0;
    for (m, found) in checked {
        if !found.is_empty() {
            migrations += 1;
        }
        for f in found {
            findings += 1;
            out(&format!(
                "{}:{}: {}: {}\n    {}\n\n",
                m.dir.join("migration.sql").display(),
                f.line,
                f.rule,
                f.message,
                f.statement
            ));
        }
    }
    if findings == 0 {
        out(&format!(
            "No risky steps in {} migration{}.\n",
            checked.len(),
            plural(checked.len())
        ));
        return ExitCode::SUCCESS;
    }
    out(&format!(
        "{findings} risky step{} in {migrations} migration{}. To keep a step as it is, put \
         `-- quarry-lint: ignore <rule>` on the line before it.\n",
        plural(findings),
        plural(migrations)
    ));
    ExitCode::from(1)
}

fn diff_source(
    empty: bool,
    schema: Option<PathBuf>,
    migrations: Option<PathBuf>,
    url: Option<String>,
) -> Option<DiffSource> {
    if empty {
        return Some(DiffSource::Empty);
    }
    schema
        .map(DiffSource::Schema)
        .or(migrations.map(DiffSource::Migrations))
        .or(url.map(DiffSource::Url))
}

async fn run_diff(args: DiffArgs) -> ExitCode {
    let error_code = ExitCode::from(1);
    let Some(from) = diff_source(
        args.from_empty,
        args.from_schema,
        args.from_migrations,
        args.from_url,
    ) else {
        eprintln!(
            "error: Give one of --from-empty, --from-schema, --from-migrations or --from-url."
        );
        return error_code;
    };
    let Some(to) = diff_source(
        args.to_empty,
        args.to_schema,
        args.to_migrations,
        args.to_url,
    ) else {
        eprintln!("error: Give one of --to-empty, --to-schema, --to-migrations or --to-url.");
        return error_code;
    };
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    load_dotenv(&cwd);
    let options = DiffOptions {
        shadow_database_url: args.shadow_database_url.or_else(|| {
            std::env::var("SHADOW_DATABASE_URL")
                .ok()
                .filter(|u| !u.trim().is_empty())
        }),
        server_url: std::env::var("DATABASE_URL").ok(),
        base_dir: cwd,
    };
    let migration = match migrate::diff_sources(&from, &to, &options).await {
        Ok(m) => m,
        Err(e) if args.json => return fail_json("migrate diff", &e, &mut Terminal::json(true)),
        Err(e) => {
            eprintln!("error: {e}");
            return error_code;
        }
    };
    let text = if args.json {
        let doc = serde_json::json!({
            "version": JSON_VERSION,
            "command": "migrate diff",
            "ok": true,
            "empty": migration.is_empty(),
            "summary": summarize(&migration),
            "script": render_script(&migration),
        });
        format!(
            "{}\n",
            serde_json::to_string_pretty(&doc).unwrap_or_default()
        )
    } else if args.script {
        format!("{}\n", render_script(&migration))
    } else {
        format!("{}\n", summarize(&migration))
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("error: Could not write {}: {e}", path.display());
                return error_code;
            }
        }
        None => out(&text),
    }
    if args.exit_code && !migration.is_empty() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

/// Runs `quarry db ...`.
pub(crate) fn run_db(cmd: DbCommand) -> CliResult {
    let rt = runtime()?;
    let mut ui = Terminal::new();
    let code = match cmd {
        DbCommand::Push {
            schema,
            accept_data_loss,
            force_reset,
            skip_generate,
        } => rt.block_on(async {
            let project = match load_project(&schema) {
                Ok(p) => p,
                Err(e) => return fail(&e),
            };
            let options = PushOptions {
                accept_data_loss,
                force_reset,
            };
            match migrate::db_push(&project, &options, &mut ui).await {
                Ok(report) => {
                    if report.steps_applied > 0 {
                        out("Your database is now in sync with your schema.\n");
                    }
                    regenerate(&project, &schema, skip_generate)
                }
                Err(e) => fail(&e),
            }
        }),
        DbCommand::Pull {
            schema,
            print,
            force,
            url,
        } => rt.block_on(db_pull(&schema, print, force, url)),
        DbCommand::Seed { schema } => {
            let project = match load_project(&schema) {
                Ok(p) => p,
                Err(e) => return Ok(fail(&e)),
            };
            match quarry_migrate::seed::run(&project, &mut ui) {
                Ok(true) => ExitCode::SUCCESS,
                Ok(false) => fail(&quarry_migrate::seed::not_configured(&project)),
                Err(e) => fail(&e),
            }
        }
        DbCommand::Execute {
            schema,
            file,
            stdin,
            url,
        } => rt.block_on(async {
            let script = match (&file, stdin) {
                (Some(f), _) => match std::fs::read_to_string(f) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("error: Could not read {}: {e}", f.display());
                        return ExitCode::from(1);
                    }
                },
                (None, _) => {
                    let mut s = String::new();
                    if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                        eprintln!("error: Could not read standard input: {e}");
                        return ExitCode::from(1);
                    }
                    s
                }
            };
            let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            load_dotenv(&cwd);
            let (url, base) = match url {
                Some(u) => (u, cwd),
                None => match load_project(&schema) {
                    Ok(p) => match p.url() {
                        Ok(u) => (u.to_string(), p.base_dir.clone()),
                        Err(e) => return fail(&e),
                    },
                    Err(e) => return fail(&e),
                },
            };
            match migrate::db_execute(&url, &base, &script).await {
                Ok(()) => {
                    out("Script executed successfully.\n");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e),
            }
        }),
    };
    Ok(code)
}

/// `db pull`: introspects the database and prints or writes the schema.
async fn db_pull(schema: &SchemaArg, print: bool, force: bool, url: Option<String>) -> ExitCode {
    let (project, loaded) = match load_project_with_sources(schema) {
        Ok(loaded) => loaded,
        Err(e) => return fail(&e),
    };
    let url = match url {
        Some(u) if quarry_migrate::Dialect::from_url(&u) == Some(project.dialect) => u,
        Some(u) => {
            return fail(&MigrateError::InvalidUrl {
                url: quarry_migrate::connection::redact(&u),
                reason: format!(
                    "the schema's provider is `{}`; change the datasource's provider to pull \
                     from another kind of database",
                    project.dialect.provider()
                ),
            })
        }
        None => match project.url() {
            Ok(u) => u.to_string(),
            Err(e) => return fail(&e),
        },
    };
    let header = quarry_migrate::pull::header_blocks(&project.schema, &loaded.sources);
    if !print && loaded.paths.len() != 1 {
        return fail(&MigrateError::InvalidSchema(format!(
            "{} is a multi-file schema; `db pull` writes single-file schemas only. Use `db pull \
             --print` and move the models into your files.",
            loaded.root.display()
        )));
    }
    let started = std::time::Instant::now();
    let existing = (!force).then_some(&project.schema);
    let pulled =
        match quarry_migrate::commands::db_pull(&url, &project.base_dir, existing, &header).await {
            Ok(p) => p,
            Err(e) => return fail(&e),
        };
    if print {
        // As `prisma db pull --print` prints it, byte for byte.
        print!("{}\n\n", pulled.schema);
        if !pulled.warnings.is_empty() {
            eprint!("\n{}", pulled.warnings);
        }
        return ExitCode::SUCCESS;
    }
    let path = &loaded.paths[0];
    let tmp = path.with_extension("prisma.quarry-tmp");
    let written = std::fs::write(&tmp, &pulled.schema).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return fail(&MigrateError::Io {
            path: path.clone(),
            source: e,
        });
    }
    if !pulled.warnings.is_empty() {
        eprintln!("{}", pulled.warnings);
    }
    let what = match (pulled.models, pulled.enums) {
        (m, 0) => format!("{m} model{}", plural(m)),
        (0, e) => format!("{e} enum{}", plural(e)),
        (m, e) => format!("{m} model{} and {e} enum{}", plural(m), plural(e)),
    };
    out(&format!(
        "Introspected {what} and wrote {} into {} in {}\n\nRun `quarry generate` to update the client.\n",
        if pulled.models + pulled.enums == 1 { "it" } else { "them" },
        path.display(),
        quarry_migrate::elapsed(started.elapsed()),
    ));
    ExitCode::SUCCESS
}
