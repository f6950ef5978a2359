//! Schemas whose names are hostile to generated Rust: prelude and std names, keywords, names
//! that differ only in case or underscores, and the names of the runtime's and the generated
//! client's own items. Used by build.rs, which generates a client for every schema the
//! validator accepts, so that `tests/hostile_names.rs` compiles them all in one crate.
//!
//! Deterministic: a fixed list of regressions, then schemas drawn by a seeded generator.

/// Names that generated code could clash with or that Rust treats specially.
const HOSTILE: &[&str] = &[
    // The prelude and std.
    "Option",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Vec",
    "String",
    "Box",
    "From",
    "Into",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Iterator",
    "ToString",
    "Debug",
    "PartialEq",
    "Eq",
    "Hash",
    "Ord",
    "Fn",
    "Drop",
    "Sized",
    "Future",
    "std",
    "core",
    "alloc",
    // Primitive types.
    "i32",
    "i64",
    "f64",
    "bool",
    "str",
    "u8",
    "usize",
    // Keywords, raw-able and not.
    "type",
    "match",
    "fn",
    "self",
    "Self",
    "crate",
    "super",
    "async",
    "await",
    "dyn",
    "impl",
    "mod",
    "move",
    "ref",
    "static",
    "loop",
    "where",
    "gen",
    "macro",
    "abstract",
    "union",
    "r",
    "Self_",
    "self_",
    "_self",
    // The runtime's items and the generated client's.
    "quarry",
    "Client",
    "QuarryClient",
    "DbClient",
    "Filter",
    "Value",
    "Record",
    "NotLoaded",
    "Error",
    "Model",
    "FromRecord",
    "IntoValue",
    "FromValue",
    "Relation",
    "Field",
    "Data",
    "UniqueWhere",
    "Actions",
    "Find",
    "Agg",
    "Decimal",
    "Json",
    "ManySlot",
    "OptionalSlot",
    "RequiredSlot",
    "IncludeIn",
    "meta",
    "api",
    "query",
    "direct",
    "deps",
    "load",
    "serde",
    "sqlx",
    "META",
    "find",
    "count",
    "create",
    "by_id",
    "create_without_owner",
    "T",
    "F",
    "E",
    "Fut",
    "row",
    "record",
    "fields",
    "inner",
    "slot_0",
    "raw",
    "connect",
    "transaction",
    "batch",
    "from_env",
    "ALL",
    "as_db_str",
    // Names equal after case conversion.
    "createdAt",
    "created_at",
    "CreatedAt",
    "created__at",
    "CREATED_AT",
    "userPost",
    "UserPost",
    "user_post",
    "USER_POST",
    "Owner",
    "owner",
    "ownerRelation",
    "OwnerRelation",
    "OwnerSlot",
    "postsRelation",
];

const SCALARS: &[&str] = &[
    "String", "Int", "BigInt", "Float", "Decimal", "Boolean", "DateTime", "Json", "Bytes",
];

/// A hostile schema: its file stem and its text.
pub struct HostileSchema {
    pub name: String,
    pub text: String,
}

fn datasource(provider: &str) -> String {
    format!("datasource db {{\n  provider = \"{provider}\"\n}}\n\n")
}

/// The schemas of the issue's five real-world clients that did not compile, and a few more
/// collisions written out by hand.
fn regressions() -> Vec<HostileSchema> {
    let pg = datasource("postgresql");
    let lite = datasource("sqlite");
    let all_lists: String = SCALARS
        .iter()
        .enumerate()
        .map(|(i, s)| format!("  list{i} {s}[]\n"))
        .collect();
    [
        ("model_option", format!("{lite}model Option {{\n  id Int @id\n  some Int?\n}}\n")),
        ("model_result", format!("{lite}model Result {{\n  id Int @id\n  ok String\n  err String?\n}}\n")),
        (
            "enum_from",
            format!("{lite}enum From {{\n  A\n  B\n}}\n\nmodel Into {{\n  id Int @id\n  from From\n}}\n"),
        ),
        (
            "colliding_fields",
            format!("{lite}model Event {{\n  id Int @id\n  createdAt DateTime\n  created_at DateTime\n  CreatedAt Int?\n}}\n"),
        ),
        (
            "pg_lists",
            format!(
                "{pg}enum Mood {{\n  HAPPY\n  SAD\n}}\n\nmodel Lists {{\n  id Int @id\n{all_lists}  moods Mood[]\n}}\n"
            ),
        ),
        (
            "colliding_types",
            format!(
                "{lite}model userPost {{\n  id Int @id\n  UserPost Int\n}}\n\nmodel UserPost {{\n  id Int @id\n}}\n\nmodel User_Post {{\n  id Int @id\n}}\n\nenum USER_POST {{\n  Active\n  ACTIVE\n  active\n  Self\n}}\n"
            ),
        ),
        (
            "odd_characters",
            format!(
                "{lite}model Ünïcödé {{\n  id Int @id\n  _ Int\n  __ Int\n  _1 Int\n  x² Int\n  名前 String\n  café String\n  Café String\n  owner_ Int\n}}\n"
            ),
        ),
    ]
    .into_iter()
    .map(|(name, text)| HostileSchema {
        name: name.to_string(),
        text,
    })
    .collect()
}

/// A small deterministic generator (64-bit LCG), so every build draws the same schemas.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// A hostile name not in `taken` (compared exactly, as the schema language does).
    fn name(&mut self, taken: &mut Vec<String>) -> String {
        loop {
            let n = self.pick(HOSTILE).to_string();
            if !taken.contains(&n) {
                taken.push(n.clone());
                return n;
            }
        }
    }
}

/// One drawn schema: two to four models with hostile names, hostile fields of every scalar
/// type, an enum, relations of every kind between consecutive models, and unique keys.
fn drawn(rng: &mut Rng, i: usize) -> HostileSchema {
    let provider = ["sqlite", "postgresql", "mysql"][i % 3];
    let mut text = datasource(provider);
    let mut blocks = Vec::new();
    let models: Vec<String> = (0..2 + rng.below(3))
        .map(|_| rng.name(&mut blocks))
        .collect();
    let enum_name = rng.name(&mut blocks);
    let mut variants = Vec::new();
    let variant_lines: String = (0..2 + rng.below(4))
        .map(|_| format!("  {}\n", rng.name(&mut variants)))
        .collect();
    text.push_str(&format!("enum {enum_name} {{\n{variant_lines}}}\n\n"));
    // Whether the relation from model `m` to model `m - 1` is one-to-one.
    let one_to_one: Vec<bool> = models.iter().map(|_| rng.below(3) == 0).collect();
    for (m, model) in models.iter().enumerate() {
        let mut fields = vec!["id".to_string()];
        let mut lines = vec!["  id Int @id @default(autoincrement())".to_string()];
        let mut uniques = Vec::new();
        for _ in 0..2 + rng.below(5) {
            let f = rng.name(&mut fields);
            let ty = rng.pick(SCALARS);
            let arity = match rng.below(4) {
                0 => "?",
                1 if provider == "postgresql" => "[]",
                _ => "",
            };
            let unique = arity.is_empty() && ty != "Json" && rng.below(4) == 0;
            if unique {
                uniques.push(f.clone());
            }
            lines.push(format!(
                "  {f} {ty}{arity}{}",
                if unique { " @unique" } else { "" }
            ));
        }
        let f = rng.name(&mut fields);
        lines.push(format!("  {f} {enum_name}?"));
        if let Some(prev) = m.checked_sub(1).map(|p| &models[p]) {
            // This model holds the key of a one-to-many (or one-to-one) relation to the
            // previous model, which gets the back relation.
            let key = rng.name(&mut fields);
            let rel = rng.name(&mut fields);
            let unique = if one_to_one[m] { " @unique" } else { "" };
            lines.push(format!("  {key} Int?{unique}"));
            lines.push(format!(
                "  {rel} {prev}? @relation(\"r{m}\", fields: [{key}], references: [id])"
            ));
            if rng.below(2) == 0 && !uniques.is_empty() {
                lines.push(format!("  @@unique([{key}, {}])", uniques[0]));
            }
        }
        if let Some(next) = models.get(m + 1) {
            let back = rng.name(&mut fields);
            let arity = if one_to_one[m + 1] { "?" } else { "[]" };
            lines.push(format!("  {back} {next}{arity} @relation(\"r{}\")", m + 1));
        }
        if m == 0 {
            // An implicit many-to-many relation between the first and the last model.
            let last = &models[models.len() - 1];
            let many = rng.name(&mut fields);
            lines.push(format!("  {many} {last}[] @relation(\"mn\")"));
        }
        if m == models.len() - 1 {
            let many = rng.name(&mut fields);
            lines.push(format!("  {many} {}[] @relation(\"mn\")", models[0]));
        }
        text.push_str(&format!("model {model} {{\n{}\n}}\n\n", lines.join("\n")));
    }
    HostileSchema {
        name: format!("drawn_{i}"),
        text,
    }
}

/// Every hostile schema: the regressions, then `drawn` ones from a fixed seed.
pub fn hostile_schemas(drawn_count: usize) -> Vec<HostileSchema> {
    let mut rng = Rng(0x5eed_0f09);
    let mut out = regressions();
    out.extend((0..drawn_count).map(|i| drawn(&mut rng, i)));
    out
}
