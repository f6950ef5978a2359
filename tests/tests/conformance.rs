//! Conformance with the reference implementation's own test data (../shared/conformance).
//!
//! For every validation file: Quarry must agree on valid/invalid, and report every expected
//! error on the expected line. Figures are printed so that they can be quoted.

use quarry_schema::{validate, Severity, SourceMap};
use quarry_tests::{files_with_suffix, in_ci, shared_dir};

/// An expected diagnostic: severity, message (first line) and 1-based line.
#[derive(Debug)]
struct Expected {
    severity: Severity,
    message: String,
    line: usize,
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The trailing run of `//` lines is the expectation; returns (schema text, expectations).
fn split_expectation(text: &str) -> (String, Vec<Expected>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut start = lines.len();
    while start > 0 && lines[start - 1].starts_with("//") {
        start -= 1;
    }
    // A trailing comment block only counts as an expectation when it holds diagnostics.
    let block: Vec<String> = lines[start..]
        .iter()
        .map(|l| strip_ansi(l.strip_prefix("// ").or(l.strip_prefix("//")).unwrap_or(l)))
        .collect();
    let has_diag = block
        .iter()
        .any(|l| l.starts_with("error: ") || l.starts_with("warning: "));
    if !has_diag {
        return (text.to_string(), Vec::new());
    }
    let mut expected = Vec::new();
    let mut pending: Option<(Severity, String)> = None;
    for l in &block {
        if let Some(m) = l.strip_prefix("error: ") {
            pending = Some((Severity::Error, m.to_string()));
        } else if let Some(m) = l.strip_prefix("warning: ") {
            pending = Some((Severity::Warning, m.to_string()));
        } else if let Some(loc) = l.trim().strip_prefix("-->") {
            let line = loc
                .trim()
                .rsplit(':')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            if let Some((severity, message)) = pending.take() {
                expected.push(Expected {
                    severity,
                    message,
                    line,
                });
            }
        }
    }
    (text.to_string(), expected)
}

#[test]
fn validation_corpus() {
    let Some(shared) = shared_dir() else {
        assert!(!in_ci(), "../shared/conformance is required in CI");
        quarry_tests::note_skipped("Conformance", "../shared/conformance not found");
        return;
    };
    let dir = shared.join("conformance/psl/validation");
    let files = files_with_suffix(&dir, ".prisma");
    assert!(
        !files.is_empty(),
        "no conformance files under {}",
        dir.display()
    );

    let (mut agree, mut lines_ok, mut lines_total, mut warn_ok, mut warn_total) = (0, 0, 0, 0, 0);
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("readable conformance file");
        let (schema, expected) = split_expectation(&text);
        let sources = SourceMap::single("schema.prisma", schema);
        let result = validate(&sources);
        let ours: Vec<(Severity, usize, String)> = result
            .diagnostics
            .sorted()
            .into_iter()
            .map(|d| {
                let loc = quarry_schema::Diagnostics::location(&sources, d.span);
                (d.severity, loc.line, d.message.clone())
            })
            .collect();
        let expect_invalid = expected.iter().any(|e| e.severity == Severity::Error);
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let mut problems = Vec::new();
        if expect_invalid == result.diagnostics.has_errors() {
            agree += 1;
        } else {
            problems.push(format!(
                "expected {}, got {}",
                if expect_invalid { "invalid" } else { "valid" },
                if expect_invalid { "valid" } else { "invalid" }
            ));
        }
        for e in &expected {
            let (ok_count, total) = match e.severity {
                Severity::Error => (&mut lines_ok, &mut lines_total),
                Severity::Warning => (&mut warn_ok, &mut warn_total),
            };
            *total += 1;
            let on_line = |s: &Severity, l: &usize| {
                *s == e.severity && {
                    // A diagnostic spanning the expected line counts.
                    *l == e.line
                }
            };
            if ours.iter().any(|(s, l, _)| on_line(s, l)) {
                *ok_count += 1;
            } else {
                problems.push(format!(
                    "missing {:?} on line {}: {}",
                    e.severity, e.line, e.message
                ));
            }
        }
        if !problems.is_empty() {
            let got: Vec<String> = ours
                .iter()
                .map(|(s, l, m)| format!("    {s:?} line {l}: {m}"))
                .collect();
            failures.push(format!(
                "{name}:\n  {}\n  we reported:\n{}",
                problems.join("\n  "),
                got.join("\n")
            ));
        }
    }
    let n = files.len();
    println!(
        "validation conformance: {agree}/{n} files agree on valid/invalid; {lines_ok}/{lines_total} expected errors on the expected line; {warn_ok}/{warn_total} expected warnings on the expected line"
    );
    assert!(
        failures.is_empty(),
        "{} of {n} files disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
