//! A project as the migrate commands see it: the validated schema, the migrations folder next to
//! it, and the databases its datasource points at.

use crate::calculate::calculate;
use crate::connection::{self, Connection};
use crate::database::DatabaseSchema;
use crate::dialect::Dialect;
use crate::error::{MigrateError, Result};
use crate::migrations_dir::{default_dir, MigrationsDir};
use quarry_schema::ir;
use std::path::{Path, PathBuf};

/// The schema, the migrations folder and the database URLs of one project.
#[derive(Debug, Clone)]
pub struct Project {
    /// The validated schema: what the database should look like.
    pub schema: ir::Schema,
    /// Its dialect.
    pub dialect: Dialect,
    /// `migrations/` next to the schema.
    pub migrations: MigrationsDir,
    /// The main database: the datasource's `url`, else `DATABASE_URL`.
    pub url: Option<String>,
    /// The datasource's `shadowDatabaseUrl`.
    pub shadow_url: Option<String>,
    /// The folder relative SQLite paths are resolved against (the schema's folder).
    pub base_dir: PathBuf,
}

impl Project {
    /// Locates, loads and validates the schema (`--schema`, else Prisma's default places).
    pub fn load(schema_path: Option<&Path>, cwd: &Path) -> Result<Project> {
        Project::load_with_sources(schema_path, cwd).map(|(project, _)| project)
    }

    /// [`Project::load`], also giving the schema's files (for commands that rewrite them).
    pub fn load_with_sources(
        schema_path: Option<&Path>,
        cwd: &Path,
    ) -> Result<(Project, quarry_schema::load::LoadedSchema)> {
        let loaded = quarry_schema::load::locate_and_load(schema_path, cwd)
            .map_err(|e| MigrateError::SchemaNotLoaded(e.to_string()))?;
        let validated = quarry_schema::validate(&loaded.sources);
        let schema = match validated.schema {
            Some(s) if !validated.diagnostics.has_errors() => s,
            _ => {
                return Err(MigrateError::InvalidSchema(
                    validated
                        .diagnostics
                        .render(&loaded.sources, quarry_schema::Color::Never),
                ))
            }
        };
        let project = Project::from_schema(schema, loaded.base_dir())?;
        Ok((project, loaded))
    }

    /// A project around an already validated schema whose files live in `base_dir`.
    pub fn from_schema(schema: ir::Schema, base_dir: PathBuf) -> Result<Project> {
        let Some(ds) = schema.datasource.as_ref() else {
            return Err(MigrateError::InvalidSchema(
                "The schema has no datasource block, so Quarry does not know which database to \
                 migrate. Add one, e.g. `datasource db { provider = \"sqlite\" }`."
                    .to_string(),
            ));
        };
        let dialect = Dialect::from_provider(ds.provider);
        let url = ds
            .url
            .as_ref()
            .and_then(ir::ConfigValue::resolve)
            .or_else(|| std::env::var("DATABASE_URL").ok())
            .filter(|u| !u.trim().is_empty());
        let shadow_url = ds
            .shadow_database_url
            .as_ref()
            .and_then(ir::ConfigValue::resolve)
            .or_else(|| std::env::var("SHADOW_DATABASE_URL").ok())
            .filter(|u| !u.trim().is_empty());
        Ok(Project {
            migrations: MigrationsDir::new(default_dir(&base_dir)),
            schema,
            dialect,
            url,
            shadow_url,
            base_dir,
        })
    }

    /// The database schema the Prisma schema describes.
    pub fn target(&self) -> DatabaseSchema {
        calculate(&self.schema)
    }

    /// The main database URL, or an error saying how to give one.
    pub fn url(&self) -> Result<&str> {
        let url = self.url.as_deref().ok_or_else(|| {
            MigrateError::MissingDatabase(
                "No database URL: set DATABASE_URL (in the environment or .env), or `url` in the \
                 datasource block."
                    .to_string(),
            )
        })?;
        match Dialect::from_url(url) {
            Some(d) if d == self.dialect => Ok(url),
            _ => Err(MigrateError::InvalidUrl {
                url: connection::redact(url),
                reason: format!(
                    "the schema's provider is `{}`, so the URL must start with {}",
                    self.dialect.provider(),
                    match self.dialect {
                        Dialect::Sqlite => "`file:`",
                        Dialect::Postgres => "`postgresql://`",
                        Dialect::Mysql => "`mysql://`",
                    }
                ),
            }),
        }
    }

    /// Connects to the main database, which must exist ([`MigrateError::DatabaseNotFound`]
    /// otherwise): for commands that only look, such as `migrate status`.
    pub async fn connect_existing(&self) -> Result<Connection> {
        Connection::connect_existing(self.url()?, &self.base_dir).await
    }

    /// [`Project::connect`], saying through `ui` when it created the database, as Prisma does
    /// ("PostgreSQL database `app` created at `localhost:5432`").
    /// The flag is true when the database was created now.
    pub async fn connect_or_create(
        &self,
        ui: &mut dyn crate::commands::Interaction,
    ) -> Result<(Connection, bool)> {
        let url = self.url()?;
        if self.dialect == Dialect::Sqlite {
            let missing = connection::sqlite_path(url, &self.base_dir).filter(|p| !p.is_file());
            let conn = self.connect().await?;
            if let Some(path) = missing {
                ui.info(&format!(
                    "SQLite database `{}` created at `{}`",
                    connection::file_name(&path),
                    path.display()
                ));
                return Ok((conn, true));
            }
            return Ok((conn, false));
        }
        match Connection::connect_existing(url, &self.base_dir).await {
            Err(MigrateError::DatabaseNotFound(_)) => {
                let conn = self.connect().await?;
                let kind = match self.dialect {
                    Dialect::Mysql => "MySQL",
                    _ => "PostgreSQL",
                };
                ui.info(&format!(
                    "{kind} database `{}` created at `{}`",
                    connection::database_name(url).unwrap_or_default(),
                    connection::server_address(url)
                ));
                Ok((conn, true))
            }
            other => other.map(|c| (c, false)),
        }
    }

    /// Connects to the main database, creating it first when it does not exist (a SQLite file,
    /// or a PostgreSQL / MySQL database on a reachable server).
    pub async fn connect(&self) -> Result<Connection> {
        let url = self.url()?;
        match Connection::connect(url, &self.base_dir).await {
            Ok(c) => Ok(c),
            Err(first) => {
                let Some(name) = connection::database_name(url) else {
                    return Err(first);
                };
                if self.dialect == Dialect::Sqlite
                    || connection::create_database(url, &name).await.is_err()
                {
                    return Err(first);
                }
                Connection::connect(url, &self.base_dir).await
            }
        }
    }
}
