//! Finding and reading schema files from disk.
//!
//! Owns: Prisma's lookup order (`--schema`, `./schema.prisma`, `./prisma/schema.prisma`,
//! `./prisma/schema/`) and multi-file schemas (every `.prisma` file under a folder).

use crate::source::SourceMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why no schema could be loaded.
#[derive(Debug)]
pub enum LoadError {
    /// Nothing found at any of the default places.
    NotFound {
        /// Every path that was tried, in order.
        tried: Vec<PathBuf>,
    },
    /// `--schema` names a path that does not exist.
    Missing(PathBuf),
    /// A folder with no `.prisma` file in it.
    EmptyFolder(PathBuf),
    /// A file could not be read.
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound { tried } => {
                write!(f, "Could not find a schema. Tried:")?;
                for t in tried {
                    write!(f, "\n  - {}", t.display())?;
                }
                write!(
                    f,
                    "\nPass one with --schema PATH (a file, or a folder of .prisma files)."
                )
            }
            LoadError::Missing(p) => write!(f, "The schema path {} does not exist.", p.display()),
            LoadError::EmptyFolder(p) => {
                write!(f, "The folder {} holds no .prisma file.", p.display())
            }
            LoadError::Io(p, e) => write!(f, "Could not read {}: {e}", p.display()),
        }
    }
}

impl std::error::Error for LoadError {}

/// A loaded schema: its files and where they came from.
#[derive(Debug, Clone)]
pub struct LoadedSchema {
    /// The files' contents, named by their paths.
    pub sources: SourceMap,
    /// The paths of the files, in the same order as in `sources`.
    pub paths: Vec<PathBuf>,
    /// The file, or the folder for a multi-file schema, that was loaded.
    pub root: PathBuf,
}

impl LoadedSchema {
    /// The folder relative paths in the schema (like `output`) are resolved against.
    pub fn base_dir(&self) -> PathBuf {
        if self.root.is_dir() {
            self.root.clone()
        } else {
            self.root
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("."))
        }
    }
}

/// Finds the schema: `explicit` when given, else Prisma's default places under `cwd`.
pub fn locate(explicit: Option<&Path>, cwd: &Path) -> Result<PathBuf, LoadError> {
    if let Some(p) = explicit {
        return if p.exists() {
            Ok(p.to_path_buf())
        } else {
            Err(LoadError::Missing(p.to_path_buf()))
        };
    }
    let candidates = [
        cwd.join("schema.prisma"),
        cwd.join("prisma").join("schema.prisma"),
        cwd.join("prisma").join("schema"),
    ];
    for c in &candidates {
        if c.is_file() || (c.is_dir() && !prisma_files(c).is_empty()) {
            return Ok(c.clone());
        }
    }
    Err(LoadError::NotFound {
        tried: candidates.to_vec(),
    })
}

/// Reads a schema file, or every `.prisma` file under a folder (sorted by path).
pub fn load(path: &Path) -> Result<LoadedSchema, LoadError> {
    let paths = if path.is_dir() {
        let files = prisma_files(path);
        if files.is_empty() {
            return Err(LoadError::EmptyFolder(path.to_path_buf()));
        }
        files
    } else if path.exists() {
        vec![path.to_path_buf()]
    } else {
        return Err(LoadError::Missing(path.to_path_buf()));
    };
    let mut sources = SourceMap::new();
    for p in &paths {
        let text = std::fs::read_to_string(p).map_err(|e| LoadError::Io(p.clone(), e))?;
        sources.add(p.display().to_string(), text);
    }
    Ok(LoadedSchema {
        sources,
        paths,
        root: path.to_path_buf(),
    })
}

/// Locates and loads in one step.
pub fn locate_and_load(explicit: Option<&Path>, cwd: &Path) -> Result<LoadedSchema, LoadError> {
    load(&locate(explicit, cwd)?)
}

fn prisma_files(dir: &Path) -> Vec<PathBuf> {
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
            } else if p.extension().is_some_and(|x| x == "prisma") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
