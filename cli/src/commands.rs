//! The commands behind the CLI's subcommands.

use crate::OutputFormat;
use quarry_schema::load::{locate_and_load, LoadedSchema};
use quarry_schema::{Color, Diagnostics, SourceMap};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A failure that is not a schema error: usage, I/O. Exit code 2.
pub(crate) type CliResult = Result<ExitCode, Box<dyn std::error::Error>>;

fn load(schema: Option<&Path>) -> Result<LoadedSchema, Box<dyn std::error::Error>> {
    let cwd = std::env::current_dir()?;
    Ok(locate_and_load(schema, &cwd)?)
}

fn color() -> Color {
    if std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal() {
        Color::Always
    } else {
        Color::Never
    }
}

fn print_diagnostics(diags: &Diagnostics, sources: &SourceMap) {
    if !diags.is_empty() {
        eprint!("{}", diags.render(sources, color()));
    }
}

pub(crate) fn validate(schema: Option<&Path>, format: OutputFormat) -> CliResult {
    let loaded = load(schema)?;
    let result = quarry_schema::validate(&loaded.sources);
    let diags = &result.diagnostics;
    match format {
        OutputFormat::Json => {
            out(&format!(
                "{}\n",
                serde_json::to_string_pretty(&diags.to_json(&loaded.sources))?
            ));
        }
        OutputFormat::Human => {
            print_diagnostics(diags, &loaded.sources);
            let errors = diags.errors().count();
            let warnings = diags.warnings().count();
            let what = loaded.root.display();
            if errors > 0 {
                eprintln!(
                    "The schema at {what} is invalid: {errors} error{}{}.",
                    plural(errors),
                    if warnings > 0 {
                        format!(", {warnings} warning{}", plural(warnings))
                    } else {
                        String::new()
                    }
                );
            } else {
                out(&format!("The schema at {what} is valid.\n"));
            }
        }
    }
    Ok(if diags.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub(crate) fn format(schema: Option<&Path>, check: bool) -> CliResult {
    let loaded = load(schema)?;
    let files: Vec<(String, String)> = loaded
        .sources
        .files()
        .map(|(_, f)| (f.name.clone(), f.text.clone()))
        .collect();
    let formatted = match quarry_schema::format::format_files(&files) {
        Ok(f) => f,
        Err((sources, diags)) => {
            print_diagnostics(&diags, &sources);
            eprintln!("The schema could not be formatted because it does not parse.");
            return Ok(ExitCode::from(1));
        }
    };
    // As Prisma does: never write a result that does not validate.
    let mut formatted_sources = SourceMap::new();
    for ((name, _), text) in files.iter().zip(&formatted) {
        formatted_sources.add(name.clone(), text.clone());
    }
    let check_result = quarry_schema::validate(&formatted_sources);
    if check_result.diagnostics.has_errors() {
        print_diagnostics(&check_result.diagnostics, &formatted_sources);
        eprintln!(
            "The schema was not formatted because it is invalid; fix the errors above first."
        );
        return Ok(ExitCode::from(1));
    }
    let mut changed = Vec::new();
    for ((path, (_, old)), new) in loaded.paths.iter().zip(&files).zip(&formatted) {
        if old != new {
            changed.push(path);
            if !check {
                std::fs::write(path, new)?;
            }
        }
    }
    if check {
        if changed.is_empty() {
            out("All schema files are formatted.\n");
            return Ok(ExitCode::SUCCESS);
        }
        for p in &changed {
            out(&format!("{}\n", p.display()));
        }
        eprintln!(
            "{} file{} would be reformatted; run `quarry format`.",
            changed.len(),
            plural(changed.len())
        );
        return Ok(ExitCode::from(1));
    }
    out(&format!(
        "Formatted {} file{}; {} changed.\n",
        files.len(),
        plural(files.len()),
        changed.len()
    ));
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn init(provider: &str, schema: &Path) -> CliResult {
    if schema.exists() {
        eprintln!(
            "{} already exists; Quarry does not overwrite it.",
            schema.display()
        );
        return Ok(ExitCode::from(1));
    }
    let (url, example) = match provider {
        "postgresql" => (
            "postgresql://postgres@localhost:5432/app?schema=public",
            "PostgreSQL",
        ),
        "mysql" => ("mysql://root@localhost:3306/app", "MySQL/MariaDB"),
        _ => ("file:./dev.db", "SQLite"),
    };
    let text = format!(
        "// Quarry schema ({example}). Reference: README.md, \"Schema reference\".\n\ndatasource db {{\n  provider = \"{provider}\"\n}}\n\ngenerator client {{\n  provider = \"quarry\"\n  output   = \"src/db.rs\"\n}}\n\nmodel User {{\n  id    Int     @id @default(autoincrement())\n  email String  @unique\n  name  String?\n}}\n"
    );
    if let Some(dir) = schema.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(schema, text)?;
    let env = schema
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| Path::new(".env").to_path_buf(), |d| d.join(".env"));
    let env_text = std::fs::read_to_string(&env).unwrap_or_default();
    let already = dotenvy::from_read_iter(env_text.as_bytes())
        .flatten()
        .any(|(k, _)| k == "DATABASE_URL");
    if already {
        out(&format!(
            "Wrote {}. {} already sets DATABASE_URL; left as it is.\n",
            schema.display(),
            env.display()
        ));
    } else {
        let mut new = env_text;
        if !new.is_empty() && !new.ends_with('\n') {
            new.push('\n');
        }
        new.push_str(&format!("DATABASE_URL=\"{url}\"\n"));
        std::fs::write(&env, new)?;
        out(&format!(
            "Wrote {} and DATABASE_URL in {}.\n",
            schema.display(),
            env.display()
        ));
    }
    // Secrets and the local database stay out of version control.
    let gitignore = env.with_file_name(".gitignore");
    let mut ignore = std::fs::read_to_string(&gitignore).unwrap_or_default();
    let mut wanted = vec![".env"];
    if url.starts_with("file:") {
        wanted.extend(["dev.db", "dev.db-journal"]);
    }
    let missing: Vec<&str> = wanted
        .into_iter()
        .filter(|w| !ignore.lines().any(|l| l.trim() == *w))
        .collect();
    if !missing.is_empty() {
        if !ignore.is_empty() && !ignore.ends_with('\n') {
            ignore.push('\n');
        }
        for m in &missing {
            ignore.push_str(m);
            ignore.push('\n');
        }
        std::fs::write(&gitignore, ignore)?;
        out(&format!(
            "Added {} to {}.\n",
            missing.join(", "),
            gitignore.display()
        ));
    }
    out("Next: edit the schema, then `quarry migrate dev --name init`.\n");
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn generate(schema: Option<&Path>) -> CliResult {
    let loaded = load(schema)?;
    let result = quarry_schema::validate(&loaded.sources);
    if result.diagnostics.has_errors() {
        print_diagnostics(&result.diagnostics, &loaded.sources);
        eprintln!("The client was not generated because the schema is invalid.");
        return Ok(ExitCode::from(1));
    }
    print_diagnostics(&result.diagnostics, &loaded.sources);
    let out_path = quarry_codegen::output_path(&loaded)?;
    let code = quarry_codegen::generate_loaded(&loaded, &out_path)?;
    let dir = out_path
        .parent()
        .filter(|d| d.is_dir())
        .unwrap_or(Path::new("."));
    let code = match quarry_codegen::rustfmt(&code, dir) {
        Some(formatted) => formatted,
        None => {
            eprintln!(
                "note: rustfmt is not installed (or failed), so the client is not formatted as \
                 `cargo fmt` would: `rustup component add rustfmt`, then generate again"
            );
            code
        }
    };
    quarry_codegen::write_if_changed(&out_path, &code)?;
    out(&format!(
        "Generated the Quarry client ({} lines) into {}\n",
        code.lines().count(),
        out_path.display()
    ));
    Ok(ExitCode::SUCCESS)
}

/// Writes to stdout; a closed pipe (`quarry ... | head`) ends output quietly instead of
/// panicking as `println!` would.
pub(crate) fn out(text: &str) {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `quarry version`: each component's version, and the runtime (`quarry-orm`) that the project
/// in the current folder locks, which must be the one the generator writes code for.
pub(crate) fn version(json: bool) -> CliResult {
    let cli = env!("CARGO_PKG_VERSION");
    let components = [
        ("quarry-cli", cli),
        ("quarry-schema", quarry_schema::VERSION),
        ("quarry-codegen", quarry_codegen::VERSION),
        ("quarry-migrate", quarry_migrate::VERSION),
    ];
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let locked = locked_runtime(&cwd);
    let platform = format!("{}-{}", std::env::consts::OS, std::env::consts::ARCH);
    let mismatch = locked
        .as_ref()
        .is_some_and(|(v, _)| v != quarry_codegen::VERSION);
    if json {
        let mut doc = serde_json::Map::new();
        for (name, v) in components {
            doc.insert(name.into(), v.into());
        }
        doc.insert(
            "project_runtime".into(),
            locked
                .as_ref()
                .map_or(serde_json::Value::Null, |(v, _)| v.clone().into()),
        );
        doc.insert("platform".into(), platform.into());
        out(&format!("{}\n", serde_json::Value::Object(doc)));
    } else {
        let mut text = String::new();
        for (name, v) in components {
            text.push_str(&format!("{name:<24}{v}\n"));
        }
        match &locked {
            Some((v, lock)) => text.push_str(&format!(
                "{:<24}{v} ({})\n",
                "quarry-orm (project)",
                lock.display()
            )),
            None => text.push_str(&format!(
                "{:<24}none (no Cargo.lock with quarry-orm here)\n",
                "quarry-orm (project)"
            )),
        }
        text.push_str(&format!("{:<24}{platform}\n", "platform"));
        out(&text);
    }
    if mismatch {
        eprintln!(
            "warning: this project locks quarry-orm {}, but this CLI generates code for {}: \
             use the same version of both (`cargo update -p quarry-orm`, or install the matching CLI)",
            locked.as_ref().map_or("", |(v, _)| v.as_str()),
            quarry_codegen::VERSION
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The `quarry-orm` version in the nearest Cargo.lock at or above `dir`, and that lock file.
fn locked_runtime(dir: &Path) -> Option<(String, PathBuf)> {
    let lock = dir
        .ancestors()
        .map(|d| d.join("Cargo.lock"))
        .find(|p| p.is_file())?;
    let text = std::fs::read_to_string(&lock).ok()?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"quarry-orm\"" {
            let version = lines
                .next()?
                .trim()
                .strip_prefix("version = \"")?
                .strip_suffix('"')?;
            return Some((version.to_string(), lock));
        }
    }
    None
}

/// `generate --watch`: generates, then again each time a file of the schema changes (its
/// files' sizes and modification times are polled twice a second: no watcher dependency, and
/// it works on every filesystem). A failed generation is reported and the watch goes on.
pub(crate) fn generate_watch(schema: Option<&Path>) -> CliResult {
    let stamp = || -> Vec<(PathBuf, Option<std::time::SystemTime>, u64)> {
        match load(schema) {
            Ok(loaded) => loaded
                .paths
                .iter()
                .map(|p| {
                    let meta = std::fs::metadata(p).ok();
                    (
                        p.clone(),
                        meta.as_ref().and_then(|m| m.modified().ok()),
                        meta.map_or(0, |m| m.len()),
                    )
                })
                .collect(),
            Err(_) => Vec::new(),
        }
    };
    let mut last = stamp();
    if let Err(e) = generate(schema) {
        eprintln!("error: {e}");
    }
    out("Watching the schema for changes (Ctrl-C stops).\n");
    loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        let now = stamp();
        if now == last {
            continue;
        }
        last = now;
        if let Err(e) = generate(schema) {
            eprintln!("error: {e}");
        }
    }
}
