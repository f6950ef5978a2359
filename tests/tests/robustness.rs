//! Property test: parsing, validating and formatting never panic on mutated schemas, and
//! formatting is idempotent (and keeps the schema valid) on every input that validates.
//!
//! Inputs are the schema-examples and the conformance corpus, mutated by a seeded generator
//! (deleting, duplicating and swapping lines, cutting at random bytes, inserting tokens), so a
//! failure reproduces from its seed. `QUARRY_FUZZ_CASES` raises the number of cases.

use quarry_schema::format::format_schema;
use quarry_schema::{validate, SourceMap};
use quarry_tests::{files_with_suffix, shared_dir, workspace_root};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// xorshift64*: small, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "@",
    "@@",
    "@id",
    "@unique",
    "@default(",
    "@relation(",
    "\"",
    "//",
    "///",
    "/*",
    "*/",
    "model",
    "enum",
    "view",
    "type",
    "datasource",
    "generator",
    "?",
    "[]",
    ",",
    ":",
    "=",
    "\n",
    "\t",
    "Int",
    "String?",
    "User",
    "@db.VarChar(",
    "env(\"X\")",
    "fields: [",
    "references: [",
    "onDelete: Cascade",
    "\\",
    "é",
    "🚀",
    "0",
    "-1.5",
    "autoincrement()",
];

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let rounds = 1 + rng.below(3);
    for _ in 0..rounds {
        let n = lines.len().max(1);
        match rng.below(6) {
            0 if !lines.is_empty() => {
                lines.remove(rng.below(n));
            }
            1 if !lines.is_empty() => {
                let l = lines[rng.below(n)].clone();
                lines.insert(rng.below(n), l);
            }
            2 if lines.len() > 1 => {
                let (a, b) = (rng.below(n), rng.below(n));
                lines.swap(a, b);
            }
            3 if !lines.is_empty() => {
                let i = rng.below(n);
                let chars: Vec<char> = lines[i].chars().collect();
                let cut = rng.below(chars.len() + 1);
                lines[i] = chars[..cut].iter().collect();
            }
            _ => {
                let i = rng.below(n);
                let token = TOKENS[rng.below(TOKENS.len())];
                if let Some(line) = lines.get_mut(i) {
                    let chars: Vec<char> = line.chars().collect();
                    let at = rng.below(chars.len() + 1);
                    let mut s: String = chars[..at].iter().collect();
                    s.push_str(token);
                    s.extend(&chars[at..]);
                    *line = s;
                } else {
                    lines.push(token.to_string());
                }
            }
        }
    }
    let mut out = lines.join("\n");
    if rng.below(2) == 0 {
        out.push('\n');
    }
    out
}

fn inputs() -> Vec<(String, String)> {
    let mut files = files_with_suffix(&workspace_root().join("schema-examples"), ".prisma");
    if let Some(shared) = shared_dir() {
        files.extend(files_with_suffix(
            &shared.join("conformance/psl"),
            ".prisma",
        ));
    }
    files
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p.display().to_string(), text))
        })
        .collect()
}

/// Checks one input; returns a description of the failure.
fn check(text: &str) -> Result<bool, String> {
    let validated = catch_unwind(AssertUnwindSafe(|| {
        validate(&SourceMap::single("schema.prisma", text))
    }))
    .map_err(|_| "validate panicked".to_string())?;
    let formatted = catch_unwind(AssertUnwindSafe(|| format_schema(text)))
        .map_err(|_| "format panicked".to_string())?;
    // Rendering diagnostics must not panic either.
    let sources = SourceMap::single("schema.prisma", text);
    catch_unwind(AssertUnwindSafe(|| {
        validated
            .diagnostics
            .render(&sources, quarry_schema::Color::Always);
        validated.diagnostics.to_json(&sources);
    }))
    .map_err(|_| "rendering diagnostics panicked".to_string())?;
    if validated.diagnostics.has_errors() {
        return Ok(false);
    }
    let once = formatted.map_err(|_| "a valid schema could not be formatted".to_string())?;
    let twice = format_schema(&once).map_err(|_| "formatted output does not parse".to_string())?;
    if once != twice {
        return Err(format!(
            "formatting is not idempotent:\n--- once\n{once}\n--- twice\n{twice}"
        ));
    }
    let revalidated = validate(&SourceMap::single("schema.prisma", once.as_str()));
    if revalidated.diagnostics.has_errors() {
        return Err(format!(
            "formatting made a valid schema invalid:\n{once}\n{}",
            revalidated.diagnostics.render(
                &SourceMap::single("schema.prisma", once.as_str()),
                quarry_schema::Color::Never
            )
        ));
    }
    Ok(true)
}

#[test]
fn mutated_schemas_never_panic_and_format_idempotently() {
    let cases: usize = std::env::var("QUARRY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    let inputs = inputs();
    assert!(!inputs.is_empty());
    // Silence the default panic printer; failures are reported with their seed below.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut valid = 0;
    for seed in 1..=cases as u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let (name, text) = &inputs[rng.below(inputs.len())];
        let mutated = mutate(text, &mut rng);
        match check(&mutated) {
            Ok(true) => valid += 1,
            Ok(false) => {}
            Err(e) => failures.push(format!("seed {seed} (from {name}): {e}\ninput:\n{mutated}")),
        }
        if failures.len() >= 5 {
            break;
        }
    }
    // Unmutated inputs too.
    for (name, text) in &inputs {
        if let Err(e) = check(text) {
            failures.push(format!("{name}: {e}"));
        }
    }
    std::panic::set_hook(hook);
    println!(
        "robustness: {cases} mutated schemas, {valid} of them valid; {} failures",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Crashes found by this test, kept as regressions.
#[test]
fn regressions() {
    for text in [
        "model A {",
        "model A {\n  id Int @id @default(\n}",
        "}\n}\n",
        "model A { id Int @id }",
        "/* unterminated",
        "model A {\n  id Int @id\n  @@index([\n}",
        "datasource db {\n  provider =\n}",
        "enum E {\n}\n",
        "model 🚀 {\n  id Int @id\n}",
        "generator g {\n  provider = \"x\"\n  output = env(\n}",
    ] {
        assert!(check(text).is_ok(), "{text:?}: {:?}", check(text));
    }
}
