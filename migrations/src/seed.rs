//! `quarry db seed`: runs the project's seed command.
//!
//! Owns: finding the command and running it. A Rust project says how to seed in its
//! `Cargo.toml`, where cargo keeps tools' settings:
//!
//! ```toml
//! [package.metadata.quarry]        # or [workspace.metadata.quarry]
//! seed = "cargo run --bin seed"
//! ```
//!
//! The nearest `Cargo.toml` above the schema that has the setting wins. The command runs
//! through the shell in that file's folder, with `DATABASE_URL` set to the project's database.

use crate::commands::Interaction;
use crate::error::{MigrateError, Result};
use crate::project::Project;
use std::path::{Path, PathBuf};

/// A configured seed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedCommand {
    /// The shell command.
    pub command: String,
    /// The `Cargo.toml` it was found in; it runs in that folder.
    pub manifest: PathBuf,
}

/// The seed command of the nearest `Cargo.toml` at or above `start` that sets one.
pub fn find(start: &Path) -> Result<Option<SeedCommand>> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        let Ok(text) = std::fs::read_to_string(&manifest) else {
            continue;
        };
        let doc: toml::Table = text.parse().map_err(|e| {
            MigrateError::Unsupported(format!("{} is not valid TOML: {e}", manifest.display()))
        })?;
        for section in ["package", "workspace"] {
            let seed = doc
                .get(section)
                .and_then(|s| s.get("metadata"))
                .and_then(|m| m.get("quarry"))
                .and_then(|q| q.get("seed"));
            match seed {
                None => {}
                Some(toml::Value::String(command)) if !command.trim().is_empty() => {
                    return Ok(Some(SeedCommand {
                        command: command.clone(),
                        manifest,
                    }));
                }
                Some(other) => {
                    return Err(MigrateError::Unsupported(format!(
                        "`[{section}.metadata.quarry] seed` in {} must be a command in a \
                         string, e.g. seed = \"cargo run --bin seed\", not a {}",
                        manifest.display(),
                        other.type_str()
                    )))
                }
            }
        }
    }
    Ok(None)
}

/// Runs the project's seed command; `Ok(false)` when none is configured.
pub fn run(project: &Project, ui: &mut dyn Interaction) -> Result<bool> {
    let Some(seed) = find(&project.base_dir)? else {
        return Ok(false);
    };
    let url = project.url()?;
    let dir = seed.manifest.parent().unwrap_or(Path::new("."));
    ui.info(&format!("Running seed command `{}` ...", seed.command));
    let began = std::time::Instant::now();
    let mut cmd = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.arg("/C").arg(&seed.command);
        c
    } else {
        let mut c = std::process::Command::new("sh");
        c.arg("-c").arg(&seed.command);
        c
    };
    let status = cmd
        .current_dir(dir)
        .env("DATABASE_URL", url)
        .status()
        .map_err(MigrateError::io(dir))?;
    if !status.success() {
        return Err(MigrateError::Unsupported(format!(
            "The seed command `{}` failed ({status}).",
            seed.command
        )));
    }
    ui.info(&format!(
        "The seed command has been executed in {}.",
        crate::util::elapsed(began.elapsed())
    ));
    Ok(true)
}

/// The error of `db seed` without a configured command.
pub fn not_configured(project: &Project) -> MigrateError {
    MigrateError::Unsupported(format!(
        "No seed command is configured. Add one to the Cargo.toml of your project (at or above \
         {}):\n\n[package.metadata.quarry]\nseed = \"cargo run --bin seed\"",
        project.base_dir.display()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nearest_manifest_with_a_seed_wins() {
        let root = tempfile::tempdir().unwrap();
        let app = root.path().join("app/prisma");
        std::fs::create_dir_all(&app).unwrap();
        std::fs::write(
            root.path().join("Cargo.toml"),
            "[workspace]\nmembers = []\n[workspace.metadata.quarry]\nseed = \"echo ws\"\n",
        )
        .unwrap();
        std::fs::write(
            root.path().join("app/Cargo.toml"),
            "[package]\nname = \"app\"\n",
        )
        .unwrap();
        let found = find(&app).unwrap().unwrap();
        assert_eq!(found.command, "echo ws");
        std::fs::write(
            root.path().join("app/Cargo.toml"),
            "[package]\nname = \"app\"\n[package.metadata.quarry]\nseed = \"cargo run --bin seed\"\n",
        )
        .unwrap();
        assert_eq!(find(&app).unwrap().unwrap().command, "cargo run --bin seed");
        std::fs::write(
            root.path().join("app/Cargo.toml"),
            "[package.metadata.quarry]\nseed = 3\n",
        )
        .unwrap();
        assert!(find(&app).is_err());
        std::fs::write(root.path().join("app/Cargo.toml"), "not toml [").unwrap();
        assert!(find(&app).is_err());
    }
}
