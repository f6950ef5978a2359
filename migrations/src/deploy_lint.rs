//! `quarry migrate lint`: migration steps that are fine on a development database but hurt in
//! production, where tables are large and the previous version of the app is still running.
//!
//! Owns: the rules, and finding them in migration SQL. The rules follow what tools for other
//! stacks check before a deploy (squawk for PostgreSQL, strong_migrations for Rails): steps that
//! take a lock which blocks writes (or reads) for as long as a large table takes to scan or
//! rewrite, and steps that break code still reading the old shape. Each finding says how to do
//! the same safely. A statement is exempt when the comment just before it says
//! `-- quarry-lint: ignore` (every rule) or `-- quarry-lint: ignore rule-a, rule-b`.
//!
//! Statements on tables the same migration creates are exempt from the locking rules: a new
//! table is empty and nobody uses it yet.

use crate::dialect::Dialect;

/// A rule that matched one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule's name (what an ignore comment names).
    pub rule: &'static str,
    /// The line the statement starts on (1-based).
    pub line: usize,
    /// The statement, on one line.
    pub statement: String,
    /// What goes wrong, and how to do it safely.
    pub message: String,
}

/// Checks one migration script written for `dialect`. SQLite has no rules: it has no other
/// sessions to block, and its table redefinitions (create, copy, drop, rename) are how it
/// changes a table.
pub fn lint_script(script: &str, dialect: Dialect) -> Vec<Finding> {
    if dialect == Dialect::Sqlite {
        return Vec::new();
    }
    let statements = split(script);
    let created: Vec<String> = statements
        .iter()
        .filter_map(|s| created_table(&s.normalized))
        .collect();
    let mut out = Vec::new();
    for s in &statements {
        for (rule, message) in check(&s.normalized, dialect, &created) {
            if s.ignores(rule) {
                continue;
            }
            out.push(Finding {
                rule,
                line: s.line,
                statement: s.one_line(),
                message,
            });
        }
    }
    out
}

/// A statement: upper-cased with comments removed and whitespace collapsed, its first line,
/// and the comments just before it.
struct Statement {
    normalized: String,
    original: String,
    line: usize,
    comments: Vec<String>,
}

impl Statement {
    fn ignores(&self, rule: &str) -> bool {
        self.comments.iter().any(|c| {
            let Some(rest) = c.trim().strip_prefix("quarry-lint:") else {
                return false;
            };
            let Some(names) = rest.trim().strip_prefix("ignore") else {
                return false;
            };
            let names = names.trim();
            names.is_empty() || names.split(',').any(|n| n.trim() == rule)
        })
    }

    fn one_line(&self) -> String {
        let s: String = self
            .original
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if s.chars().count() > 120 {
            format!("{}...", s.chars().take(117).collect::<String>())
        } else {
            s
        }
    }
}

/// Splits a script into statements, minding quotes and comments.
fn split(script: &str) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut norm = String::new();
    let mut comments: Vec<String> = Vec::new();
    let mut line = 1;
    let mut start_line = None;
    let mut chars = script.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '-' if chars.peek() == Some(&'-') => {
                chars.next();
                let mut text = String::new();
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                        break;
                    }
                    text.push(c);
                }
                // Comments between statements belong to the next one.
                if cur.trim().is_empty() {
                    comments.push(text);
                }
                norm.push(' ');
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut prev = ' ';
                for c in chars.by_ref() {
                    if c == '\n' {
                        line += 1;
                    }
                    if prev == '*' && c == '/' {
                        break;
                    }
                    prev = c;
                }
                norm.push(' ');
            }
            '\'' | '"' | '`' => {
                start_line.get_or_insert(line);
                cur.push(c);
                norm.push(c);
                while let Some(q) = chars.next() {
                    if q == '\n' {
                        line += 1;
                    }
                    cur.push(q);
                    // Identifiers keep their case; string contents never match a rule.
                    norm.push(if c == '\'' { ' ' } else { q });
                    if q == c {
                        if chars.peek() == Some(&c) {
                            let d = chars.next().unwrap_or(c);
                            cur.push(d);
                            norm.push(if c == '\'' { ' ' } else { d });
                            continue;
                        }
                        break;
                    }
                }
            }
            ';' => {
                if !norm.trim().is_empty() {
                    out.push(Statement {
                        normalized: normalize(&norm),
                        original: cur.trim().to_string(),
                        line: start_line.unwrap_or(line),
                        comments: std::mem::take(&mut comments),
                    });
                } else {
                    comments.clear();
                }
                cur.clear();
                norm.clear();
                start_line = None;
            }
            c => {
                if c == '\n' {
                    line += 1;
                }
                if !c.is_whitespace() {
                    start_line.get_or_insert(line);
                }
                cur.push(c);
                norm.push(c);
            }
        }
    }
    if !norm.trim().is_empty() {
        out.push(Statement {
            normalized: normalize(&norm),
            original: cur.trim().to_string(),
            line: start_line.unwrap_or(line),
            comments,
        });
    }
    out
}

/// Upper-cases keywords (quoted identifiers keep their case) and collapses whitespace.
fn normalize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut quote: Option<char> = None;
    let mut space = false;
    for c in s.chars() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '`' => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                quote = Some(c);
                out.push(c);
            }
            None if c.is_whitespace() || c == '(' || c == ')' || c == ',' => {
                if c == '(' || c == ')' || c == ',' {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push(c);
                    space = true;
                } else {
                    space = true;
                }
            }
            None => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.extend(c.to_uppercase());
            }
        }
    }
    out
}

/// The table a `CREATE TABLE` statement creates.
fn created_table(s: &str) -> Option<String> {
    let rest = s.strip_prefix("CREATE TABLE ")?;
    let rest = rest.strip_prefix("IF NOT EXISTS ").unwrap_or(rest);
    rest.split_whitespace().next().map(table_name)
}

/// `"public"."User"` / `` `User` `` / `"User"` -> `User`.
fn table_name(raw: &str) -> String {
    raw.rsplit('.')
        .next()
        .unwrap_or(raw)
        .trim_matches(|c| c == '"' || c == '`')
        .to_string()
}

/// The table an `ALTER TABLE` or `CREATE INDEX ... ON` statement works on.
fn target_table(s: &str) -> Option<String> {
    if let Some(rest) = s.strip_prefix("ALTER TABLE ") {
        let rest = rest.strip_prefix("IF EXISTS ").unwrap_or(rest);
        let rest = rest.strip_prefix("ONLY ").unwrap_or(rest);
        return rest.split_whitespace().next().map(table_name);
    }
    let at = s.find(" ON ")?;
    let rest = &s[at + 4..];
    let rest = rest.strip_prefix("ONLY ").unwrap_or(rest);
    rest.split_whitespace().next().map(table_name)
}

fn check(s: &str, dialect: Dialect, created: &[String]) -> Vec<(&'static str, String)> {
    let mut found = Vec::new();
    let table = target_table(s);
    let new_table = table.as_ref().is_some_and(|t| created.contains(t));
    let t = table.clone().unwrap_or_default();
    let pg = dialect == Dialect::Postgres;
    let mysql = dialect == Dialect::Mysql;
    let alter = s.starts_with("ALTER TABLE ");

    if pg
        && !new_table
        && (s.starts_with("CREATE INDEX ") || s.starts_with("CREATE UNIQUE INDEX "))
        && !s.contains(" CONCURRENTLY ")
    {
        found.push((
            "index-without-concurrently",
            format!(
                "Building an index on `{t}` blocks every write to it until the index is built, \
                 which on a large table takes minutes. Safer: `CREATE INDEX CONCURRENTLY`, in a \
                 migration of its own (Quarry applies a migration that contains CONCURRENTLY \
                 outside a transaction, as PostgreSQL requires)."
            ),
        ));
    }
    if alter && !new_table {
        let type_change = (pg && s.contains(" ALTER COLUMN ") && s.contains(" TYPE "))
            || (mysql && (s.contains(" MODIFY ") || s.contains(" CHANGE ")));
        if type_change {
            found.push((
                "column-type-change",
                format!(
                    "Changing a column's type on `{t}` rewrites the whole table while holding a \
                     lock that blocks reads and writes (PostgreSQL, except for a few widening \
                     changes) or copies it (MySQL). Safer: add a column of the new type, fill \
                     it in batches, switch the code to it, then drop the old one."
                ),
            ));
        }
        if pg && s.contains(" SET NOT NULL") {
            found.push((
                "set-not-null",
                format!(
                    "SET NOT NULL on `{t}` scans the whole table while holding a lock that \
                     blocks reads and writes. Safer: `ADD CONSTRAINT ... CHECK (\"col\" IS NOT \
                     NULL) NOT VALID`, then `VALIDATE CONSTRAINT` in a later migration (it does \
                     not block writes), then SET NOT NULL, which PostgreSQL 12+ proves from the \
                     constraint without a scan."
                ),
            ));
        }
        if s.contains(" FOREIGN KEY ") && !s.contains(" NOT VALID") {
            found.push((
                "foreign-key-validation",
                format!(
                    "Adding a foreign key to `{t}` checks every row while it blocks writes to \
                     both tables. Safer{}: add it `NOT VALID`, then `VALIDATE CONSTRAINT` in a \
                     later migration, which does not block writes.",
                    if pg {
                        ""
                    } else {
                        " on PostgreSQL; on MySQL, an online schema change tool"
                    }
                ),
            ));
        }
        if pg
            && s.contains(" ADD CONSTRAINT ")
            && s.contains(" UNIQUE")
            && !s.contains(" USING INDEX")
        {
            found.push((
                "unique-constraint",
                format!(
                    "A UNIQUE constraint on `{t}` builds its index while blocking writes. \
                     Safer: `CREATE UNIQUE INDEX CONCURRENTLY` in a migration of its own, then \
                     `ADD CONSTRAINT ... UNIQUE USING INDEX`."
                ),
            ));
        }
        if s.contains(" ADD COLUMN ") && s.contains(" NOT NULL") && !s.contains(" DEFAULT ") {
            found.push((
                "required-column-without-default",
                format!(
                    "A NOT NULL column without a default on `{t}` fails on any table with rows. \
                     Safer: add it nullable (or with a default), fill it, then make it required."
                ),
            ));
        }
        if s.contains(" DROP COLUMN ")
            || (mysql
                && s.contains(" DROP ")
                && !s.contains(" DROP INDEX ")
                && !s.contains(" DROP FOREIGN KEY ")
                && !s.contains(" DROP PRIMARY KEY")
                && !s.contains(" DROP CONSTRAINT "))
        {
            found.push((
                "drop-column",
                format!(
                    "The version of the app running during the deploy still selects the column \
                     of `{t}` this drops, and its queries fail until it is replaced. Safer: \
                     first deploy code that no longer uses the field (`@ignore` it in the \
                     schema), then drop the column in a later migration."
                ),
            ));
        }
        if s.contains(" RENAME COLUMN ") {
            found.push((
                "rename-column",
                format!(
                    "The version of the app running during the deploy uses the old column name \
                     of `{t}`. Safer: add the new column, write to both, backfill, switch \
                     reads, then drop the old column; or keep the name with `@map`."
                ),
            ));
        }
        if s.contains(" RENAME TO ") {
            found.push((
                "rename-table",
                format!(
                    "The version of the app running during the deploy uses the old table name \
                     `{t}`. Safer: keep the database name with `@@map` and rename only in the \
                     schema."
                ),
            ));
        }
    }
    if s.starts_with("DROP TABLE ") {
        let dropped = s
            .trim_start_matches("DROP TABLE ")
            .trim_start_matches("IF EXISTS ")
            .split_whitespace()
            .next()
            .map(table_name)
            .unwrap_or_default();
        if !created.contains(&dropped) {
            found.push((
                "drop-table",
                format!(
                    "The version of the app running during the deploy still reads `{dropped}`. \
                     Safer: first deploy code that no longer uses the model, then drop the \
                     table in a later migration."
                ),
            ));
        }
    }
    if s.starts_with("RENAME TABLE ") {
        found.push((
            "rename-table",
            "The version of the app running during the deploy uses the old table name. Safer: \
             keep the database name with `@@map` and rename only in the schema."
                .to_string(),
        ));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(script: &str, d: Dialect) -> Vec<&'static str> {
        lint_script(script, d).into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn each_rule_fires_where_it_should() {
        let pg = Dialect::Postgres;
        assert_eq!(
            rules(r#"CREATE INDEX "Post_a_idx" ON "Post"("a");"#, pg),
            ["index-without-concurrently"]
        );
        assert!(rules(
            r#"CREATE INDEX CONCURRENTLY "Post_a_idx" ON "Post"("a");"#,
            pg
        )
        .is_empty());
        assert_eq!(
            rules(
                r#"ALTER TABLE "Post" ALTER COLUMN "a" SET DATA TYPE BIGINT;"#,
                pg
            ),
            ["column-type-change"]
        );
        assert_eq!(
            rules(r#"ALTER TABLE "Post" ALTER COLUMN "a" SET NOT NULL;"#, pg),
            ["set-not-null"]
        );
        assert_eq!(
            rules(
                r#"ALTER TABLE "Post" ADD CONSTRAINT "f" FOREIGN KEY ("u") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;"#,
                pg
            ),
            ["foreign-key-validation"]
        );
        assert!(rules(r#"ALTER TABLE "Post" ADD CONSTRAINT "f" FOREIGN KEY ("u") REFERENCES "User"("id") NOT VALID;"#, pg).is_empty());
        assert_eq!(
            rules(r#"ALTER TABLE "Post" ADD CONSTRAINT "u" UNIQUE ("a");"#, pg),
            ["unique-constraint"]
        );
        assert_eq!(
            rules(r#"ALTER TABLE "Post" ADD COLUMN "n" INTEGER NOT NULL;"#, pg),
            ["required-column-without-default"]
        );
        assert!(rules(
            r#"ALTER TABLE "Post" ADD COLUMN "n" INTEGER NOT NULL DEFAULT 0;"#,
            pg
        )
        .is_empty());
        assert_eq!(
            rules(r#"ALTER TABLE "Post" DROP COLUMN "a";"#, pg),
            ["drop-column"]
        );
        assert_eq!(
            rules(r#"ALTER TABLE "Post" RENAME COLUMN "a" TO "b";"#, pg),
            ["rename-column"]
        );
        assert_eq!(
            rules(r#"ALTER TABLE "Post" RENAME TO "Article";"#, pg),
            ["rename-table"]
        );
        assert_eq!(rules(r#"DROP TABLE "Post";"#, pg), ["drop-table"]);
        let my = Dialect::Mysql;
        assert_eq!(
            rules("ALTER TABLE `Post` MODIFY `a` BIGINT NOT NULL;", my),
            ["column-type-change"]
        );
        assert_eq!(
            rules("ALTER TABLE `Post` DROP COLUMN `a`;", my),
            ["drop-column"]
        );
        assert!(rules("ALTER TABLE `Post` DROP INDEX `i`;", my).is_empty());
        assert!(
            rules("CREATE INDEX `i` ON `Post`(`a`);", my).is_empty(),
            "online in InnoDB"
        );
    }

    #[test]
    fn new_tables_strings_and_comments_do_not_fire() {
        let pg = Dialect::Postgres;
        let script = r#"
-- CreateTable
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "a" TEXT NOT NULL);
-- CreateIndex
CREATE UNIQUE INDEX "Post_a_key" ON "Post"("a");
ALTER TABLE "Post" ADD CONSTRAINT "f" FOREIGN KEY ("a") REFERENCES "User"("id");
/* DROP TABLE "User"; */
INSERT INTO "Log" VALUES ('ALTER TABLE "User" DROP COLUMN "x";');
"#;
        assert!(
            lint_script(script, pg).is_empty(),
            "{:?}",
            lint_script(script, pg)
        );
    }

    #[test]
    fn ignore_comments_silence_one_statement() {
        let pg = Dialect::Postgres;
        let script = r#"
-- quarry-lint: ignore drop-column
ALTER TABLE "Post" DROP COLUMN "a";
ALTER TABLE "Post" DROP COLUMN "b";
-- quarry-lint: ignore
CREATE INDEX "i" ON "Post"("c");
-- quarry-lint: ignore set-not-null
CREATE INDEX "j" ON "Post"("d");
"#;
        let found = lint_script(script, pg);
        let got: Vec<(&str, usize)> = found.iter().map(|f| (f.rule, f.line)).collect();
        assert_eq!(got, [("drop-column", 4), ("index-without-concurrently", 8)]);
        assert!(found[0].statement.contains("\"b\""));
    }
}
