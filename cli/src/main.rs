//! The `quarry` command-line tool.
//!
//! Owns: argument parsing, exit codes and terminal output. Everything else is a library call.
#![deny(unsafe_code)]

mod commands;
mod migrate;

use clap::{CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Quarry: a schema-first ORM for Rust.
#[derive(Parser)]
#[command(name = "quarry", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the schema is: `--schema`, else `./schema.prisma`, `./prisma/schema.prisma`, `./prisma/schema/`.
#[derive(clap::Args, Clone)]
struct SchemaArg {
    /// The schema file, or a folder whose .prisma files form one schema.
    #[arg(long, value_name = "PATH")]
    schema: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Start a project: write `schema.prisma` and a `.env` with DATABASE_URL.
    Init {
        /// The database: sqlite (a file, no server needed), postgresql or mysql.
        #[arg(long, value_parser = ["sqlite", "postgresql", "mysql"], default_value = "sqlite")]
        provider: String,
        /// Where to write the schema.
        #[arg(long, value_name = "PATH", default_value = "schema.prisma")]
        schema: PathBuf,
    },
    /// Check a schema and print its errors and warnings.
    ///
    /// Exits 0 when valid (warnings allowed), 1 when invalid, 2 on a usage or I/O error.
    Validate {
        #[command(flatten)]
        schema: SchemaArg,
        /// Output format: human-readable, or a JSON array for editors and tools.
        #[arg(long, value_enum, default_value_t = OutputFormat::Human)]
        format: OutputFormat,
    },
    /// Rewrite a schema in canonical form (alignment, attribute order, missing back-relations).
    Format {
        #[command(flatten)]
        schema: SchemaArg,
        /// Change nothing; exit 1 and list the files that would change.
        #[arg(long)]
        check: bool,
    },
    /// Generate the typed Rust client into the generator block's `output`.
    ///
    /// `output` is relative to the schema file, e.g. `output = "../src/db.rs"`.
    Generate {
        #[command(flatten)]
        schema: SchemaArg,
        /// Keep running, and generate again whenever a schema file changes (Ctrl-C stops).
        #[arg(long)]
        watch: bool,
    },
    /// Create and apply migrations, check and repair the migration history.
    Migrate {
        #[command(subcommand)]
        cmd: migrate::MigrateCommand,
    },
    /// Push the schema to the database without migrations, or run SQL against it.
    Db {
        #[command(subcommand)]
        cmd: migrate::DbCommand,
    },
    /// Print the version of every component, and of the runtime the project in this folder
    /// locks (Cargo.lock), which must match the generator's.
    Version {
        /// Output format.
        #[arg(long, value_enum, default_value = "human")]
        format: OutputFormat,
    },
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
enum OutputFormat {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init { provider, schema } => commands::init(&provider, &schema),
        Command::Validate { schema, format } => {
            commands::validate(schema.schema.as_deref(), format)
        }
        Command::Format { schema, check } => commands::format(schema.schema.as_deref(), check),
        Command::Generate {
            schema,
            watch: false,
        } => commands::generate(schema.schema.as_deref()),
        Command::Generate {
            schema,
            watch: true,
        } => commands::generate_watch(schema.schema.as_deref()),
        Command::Migrate { cmd } => migrate::run_migrate(cmd),
        Command::Db { cmd } => migrate::run_db(cmd),
        Command::Version { format } => commands::version(format == OutputFormat::Json),
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "quarry", &mut script);
            commands::out(&String::from_utf8_lossy(&script));
            Ok(ExitCode::SUCCESS)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
