//! Tests of the canonical formatter against the reference (`prisma format` of Prisma 7).
//!
//! - `conformance_pairs`: every `X.prisma` / `X.reformatted.prisma` pair of the prisma-engines
//!   reformatter test data in `shared/conformance/psl/reformatter` beside the repository
//!   (`QUARRY_SHARED_DIR` overrides `shared/`; read at test time, never copied here) must format
//!   byte for byte, and the expected output must be a fixpoint. Without the data the test is
//!   skipped, except under `CI=true` where it fails.
//! - The snapshot tests below hold inputs written for this crate; their snapshots were checked
//!   against the output of the reference CLI for the same input. Where Quarry deliberately
//!   differs (to stay idempotent, or to produce a valid schema) the test says so.

use quarry_schema::format::{format_files, format_schema};
use std::path::{Path, PathBuf};

/// `shared/conformance/psl/reformatter`, if present.
fn conformance_dir() -> Option<PathBuf> {
    let shared = std::env::var_os("QUARRY_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let dir = shared.join("conformance/psl/reformatter");
    dir.is_dir().then_some(dir)
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Formats, and checks what every output must satisfy: one final newline, and formatting it
/// again changes nothing.
fn fmt(input: &str) -> String {
    let out = match format_schema(input) {
        Ok(out) => out,
        Err(diags) => panic!("the input does not parse: {diags:?}"),
    };
    assert!(out.ends_with('\n'), "output must end with a newline");
    assert!(
        !out.ends_with("\n\n"),
        "output must end with exactly one newline"
    );
    let again = format_schema(&out).expect("the output parses");
    assert_eq!(again, out, "formatting is not idempotent");
    out
}

// ---- conformance --------------------------------------------------------------------------------

fn reformatter_pairs(dir: &Path, out: &mut Vec<(PathBuf, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            reformatter_pairs(&path, out);
            continue;
        }
        let name = path.to_string_lossy().to_string();
        if let Some(stem) = name.strip_suffix(".prisma") {
            if !stem.ends_with(".reformatted") {
                let expected = PathBuf::from(format!("{stem}.reformatted.prisma"));
                if expected.exists() {
                    out.push((path, expected));
                }
            }
        }
    }
}

#[test]
fn conformance_pairs() {
    let Some(dir) = conformance_dir() else {
        assert!(
            !in_ci(),
            "shared/conformance/psl/reformatter is required in CI"
        );
        eprintln!("note: shared/conformance/psl/reformatter not found, conformance pairs skipped");
        return;
    };
    let mut pairs = Vec::new();
    reformatter_pairs(&dir, &mut pairs);
    assert!(!pairs.is_empty(), "no pairs found in {}", dir.display());
    let mut failures = Vec::new();
    for (input_path, expected_path) in &pairs {
        let input = std::fs::read_to_string(input_path).expect("readable input");
        let expected = std::fs::read_to_string(expected_path).expect("readable expectation");
        let name = input_path.display();
        match format_schema(&input) {
            Ok(out) if out == expected => {}
            Ok(out) => failures.push(format!("{name}:\n--- expected\n{expected}--- got\n{out}")),
            Err(d) => failures.push(format!("{name}: does not parse: {d:?}")),
        }
        match format_schema(&expected) {
            Ok(out) if out == expected => {}
            Ok(out) => failures.push(format!("{name} (expected, formatted again):\n{out}")),
            Err(d) => failures.push(format!("{name} (expected): does not parse: {d:?}")),
        }
    }
    eprintln!(
        "conformance: {}/{} pairs byte-identical and stable",
        pairs.len() - failures.len().min(pairs.len()),
        pairs.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- layout -----------------------------------------------------------------------------------

/// Blank lines split a block into alignment groups; comment lines do not. Block attributes go
/// to the end after one blank line, and fields after them rejoin the group before them.
#[test]
fn alignment_groups() {
    insta::assert_snapshot!(fmt(r#"model A {
  id Int @id
  name String


  longername String?
  // comment
  x Int
  @@index([name])
  y   Int
  /// doc for z
  z DateTime @default(now())
}
model B {
  id Int @id
}



model C {
  id Int @id
}
"#));
}

/// Leading blank lines go, a `}` is followed by a blank line, comments after `{` are dropped,
/// doc comments stay glued to their block, other blank lines are kept (collapsed).
///
/// Deliberate difference: Prisma prints `} // trailing after B` as `}` + `// trailing after B`
/// on the next line *without* a blank line, then adds the blank line when formatting its own
/// output again. Quarry prints the fixpoint directly.
#[test]
fn top_level_blank_lines_and_comments() {
    insta::assert_snapshot!(fmt(r#"

// top comment
model A {
  id Int @id
}
// after A
model B {
  id Int @id
} // trailing after B
/// doc for C
model C { // open comment
  id Int @id
}

/// orphan doc

enum E {
  A
  BB @map("b")
  // c
  CCC // trail
  @@map("e")
}
type T {
  x Int
}
view V {
  id Int @unique
}


"#));
}

/// Comments directly above a block attribute move with it; a blank line between them keeps
/// the comment with the fields. Blank lines before and between block attributes disappear.
/// Trailing whitespace of lines goes, but comments are kept exactly as written.
#[test]
fn block_attributes_and_their_comments() {
    insta::assert_snapshot!(fmt("model A {\n\n  id Int @id   \n  // c1\n\n  name String // trailing   \n\n  // c2\n  other String\n  // before attr\n  @@unique([name])\n  // lonely\n\n  @@index([other])\n  zzz Int\n  // end comment\n}\n"));
}

/// Field and block attributes: `id unique default updatedAt index fulltext map relation ignore`,
/// then every other attribute (native types included) in source order.
#[test]
fn attribute_ordering() {
    insta::assert_snapshot!(fmt(r#"model A {
  id Int @db.Int @ignore @relation("x") @map("m") @foo @default(1) @unique @id @updatedAt @bar(1) @index @fulltext @shardKey @schema("x")
  b String @db.VarChar(3) @map("b")
  @@schema("s")
  @@shardKey([a])
  @@ignore
  @@map("x")
  @@fulltext([a])
  @@index([a])
  @@unique([a])
  @@id([a])
  @@foo
  @@default
  @@relation
  @@updatedAt
}
"#));
}

/// Arguments are re-spaced and trailing commas dropped; literals are printed as written
/// (escapes untouched, `-1.50` stays); an empty named argument keeps `name: `.
#[test]
fn expressions() {
    insta::assert_snapshot!(fmt(r#"model A {
  id Int @id @default( autoincrement( ) )
  s String @default("a\"b\u0041\\n")
  f Float @default(-1.50)
  e Json @default("{}") @map( name : "x" , )
  d Decimal @db.Decimal(10,2)
  @@index([id, s(sort: Desc, length: 3)], map: "idx", type: BTree)
  @@index( [ f ] , name : )
}
"#));
}

/// Prisma rejects arguments spread over several lines; Quarry accepts them and the formatter
/// puts them on one line.
#[test]
fn multi_line_arrays_in_attributes() {
    insta::assert_snapshot!(fmt(r#"model A {
  id Int
  b  Int
  @@id(fields: [
    id,
    b,
  ], name: "pk")
  @@index([
    b // the b
  ])
}
"#));
}

/// `=` aligned per group of key-value pairs; comments do not break a group, blank lines do.
#[test]
fn config_blocks() {
    insta::assert_snapshot!(fmt("generator client {\n  provider = \"prisma-client-js\"\n  // comment\n  previewFeatures = [\"a\",   \"b\"]\n  output = \"../x\" // trailing\n  /// doc\n  engineType=\"library\"\n\n\n  binaryTargets = []\n  x = 1.0\n  y = true\n  z = env( \"X\" )\n}\ndatasource db {\n\tprovider = \"sqlite\"\n}\n"));
}

/// `/* */` on its own line becomes `/**` / ` * line` / ` */`; as a trailing comment it is kept.
/// `///` and `//` comments keep their spacing.
#[test]
fn comments() {
    insta::assert_snapshot!(fmt(r#"/* one line */
/*
   * a
     b
*/
///no space
///   three spaces
model A {
  /* inside */
  id Int @id /* trailing block */
  /**
   * multi
   */
  name String
  ///doc
  x Int
}
/* a */ /* b */
// x /* y */
"#));
}

/// Enum values and their attributes form two columns. Like Prisma, attributes of one value are
/// not separated by a space (they stay in source order). Block attributes are sorted.
#[test]
fn enums() {
    insta::assert_snapshot!(fmt(r#"enum Role {
  USER @map("user") @foo
  ADMINISTRATOR   // trailing
  /// doc
  X @map("x")

  Y
  @@schema("s")
  @@map("roles")
}
enum Empty {
}
model M {
}
"#));
}

/// Columns are measured in bytes, as Prisma does; tabs are whitespace.
#[test]
fn alignment_counts_bytes() {
    insta::assert_snapshot!(fmt("model A {\n\tid\tInt\t@id\n  u Unsupported(\"é\") @map(\"ü\")\n  x String @default(\"ééé\")\n  yyyy Int /// doc trailing\n}\n"));
}

/// CRLF line endings become LF.
#[test]
fn crlf_line_endings() {
    let out = fmt("model A {\r\n  id Int @id // c\r\n\r\n\r\n  x   String\r\n}\r\n");
    assert_eq!(out, "model A {\n  id Int @id // c\n\n  x String\n}\n");
}

/// Legacy type aliases are printed as written; a trailing comment sticks to them and the blank
/// line after them is not kept (all as in Prisma).
#[test]
fn type_aliases() {
    insta::assert_snapshot!(fmt(r#"type  A  =  String   @id   @map( "x" ) // c
type B = Int
// comment
type C = Int
model M {
  id Int @id
}
type D = Int
"#));
}

#[test]
fn empty_input_and_blank_input() {
    assert_eq!(fmt(""), "\n");
    assert_eq!(fmt("\n\n  \n"), "\n");
    assert_eq!(fmt("// just a comment"), "// just a comment\n");
}

/// Blank lines at the end of a block go; a block with only comments keeps them; an empty block
/// stays open on two lines; doc comments in enums and config blocks stay put.
#[test]
fn block_edge_cases() {
    insta::assert_snapshot!(fmt(r#"model A {
  id Int @id
  @@map("a")

  after Int
  // trailing comment

}

enum E {
  // c

  A

  /// doc B
  B // t
  @@map("e") // m
}

view V {
  id Int @unique
  @@map("v")
}

datasource db {
  provider = "postgresql" /* p */
  /// doc url
  extensions = [pg_trgm, postgis(version: "2.1")]
}
/// doc for generator
generator g {
  provider = "x"
}
model B {
  // only comments


  // more
}
model C {

}
"#));
}

/// Deliberate difference: when block attributes come first, Prisma starts the block with a
/// blank line (and drops it when formatting its own output again). Quarry drops it at once.
#[test]
fn no_blank_line_at_block_start() {
    let input = "model A {\n  @@map(\"a\")\n\n  after Int\n}\n";
    assert_eq!(fmt(input), "model A {\n  after Int\n\n  @@map(\"a\")\n}\n");
}

/// Top-level comments: blank lines between them are kept (collapsed), trailing ones dropped.
#[test]
fn top_level_comment_runs() {
    insta::assert_snapshot!(fmt(
        "// a\n// b\n\n// c\nmodel A {\n  id Int @id\n}\n// d\n\n\n// e\n\n"
    ));
}

// ---- relations --------------------------------------------------------------------------------

/// Forward field without `@relation`, back fields (plural for 1:n, optional for 1:1 through a
/// `@unique` foreign key), native types copied, irregular plurals.
///
/// Deliberate difference: for a named relation (`Box.b`) Prisma adds `boxes Box[]` without the
/// name, which leaves the relation incomplete (its next run adds more fields). Quarry adds
/// `@relation("bb")` to the new field.
#[test]
fn relations_inferred() {
    insta::assert_snapshot!(fmt(r#"model User {
  id Int @id
  posts Post[]
  profile Profile?
}
model Post {
  id Int @id
  author User
}
model Profile {
  id Int @id
  userId Int @unique
  user User @relation(fields: [userId], references: [id])
}
model Category {
  id String @id @db.VarChar(20)
  things Thing[]
}
model Thing {
  id Int @id
}
model Person {
  id Int @id
  mgrId Int?
  manager Person? @relation("boss", fields: [mgrId], references: [id])
}
model Box {
  id Int @id
  b Bag? @relation("bb")
}
model Bag {
  id Int @id
}
"#));
}

/// 1:1 without foreign keys (the first model by name gets them), compound ids, models without
/// ids, `@@ignore`d models, existing scalar fields, half-written `@relation`s, m:n left alone.
#[test]
fn relations_completed() {
    insta::assert_snapshot!(fmt(r#"model A {
  id Int @id
  b B?
}
model B {
  id Int @id
  a A?
}
model C {
  x Int
  y String
  @@id([x, y])
  ds D[]
}
model D {
  id Int @id
}
model E {
  id Int @id
  fs F[]
}
model F {
  name String
}
model G {
  id Int @id
  hs H[]
}
model H {
  id Int @id
  gId Int
  @@ignore
}
model I {
  id Int @id
  j J @relation(fields: [jId])
  jId Int
}
model J {
  id Int @id
  is I[]
}
model K {
  id Int @id
  l L @relation(references: [id])
}
model L {
  id Int @id
  ks K[]
}
model M {
  id Int @id
  ns N[]
}
model N {
  id Int @id
  ms M[]
}
"#));
}

/// `@id` is not `@unique`: a foreign key that is the primary key makes a 1:n relation. Native
/// types are copied whatever the datasource is called.
#[test]
fn relations_native_types_and_uniqueness() {
    insta::assert_snapshot!(fmt(r#"datasource pg {
  provider = "postgresql"
}
model A {
  id Int @id @db.SmallInt
}
model B {
  aId Int @id
  a A @relation(fields: [aId], references: [id])
}
model C {
  id String @id @db.Uuid
}
model D {
  id Int @id
  cId String @unique
  c C @relation(fields: [cId], references: [id])
}
model F {
  id Int @id @map("x") @pg.SmallInt(  )
  gs G[]
}
model G {
  id Int @id
}
"#));
}

/// Relations through `@unique`/`@@unique` keys: a unique foreign key makes the back field
/// optional (1:1); references use the first strict unique criteria (compound ones included).
#[test]
fn relations_through_unique_keys() {
    insta::assert_snapshot!(fmt(r#"model User {
  id Int @id
  email String @unique
  posts Post[]
}
model Post {
  id Int @id
  author User @relation(fields: [authorEmail], references: [email])
  authorEmail String
}
model Comment {
  id Int @id
  post Post? @relation(fields: [postId], references: [id], onDelete: Cascade)
  postId Int?
  @@unique([postId])
}
model Like {
  userA Int
  userB Int
  @@unique([userA, userB])
  ts Tag[]
}
model Tag {
  id Int @id
}
"#));
}

/// Deliberate difference: Prisma completes an unnamed self-relation with an unnamed field,
/// which its validator then rejects as ambiguous. Quarry names both sides `ModelToModel`.
#[test]
fn self_relations_are_named() {
    insta::assert_snapshot!(fmt(r#"model Person {
  id Int @id
  mgrId Int?
  manager Person? @relation(fields: [mgrId], references: [id])
}
model Node {
  id Int @id
  children Node[]
}
model Emp {
  id Int @id
  boss Emp @relation(references: [id])
}
model Dog {
  id Int @id
  pal Dog? @relation(map: "fk")
}
"#));
}

/// Quarry's grammar accepts a `}` right after the last field; added fields go on new lines.
#[test]
fn inference_with_closing_brace_on_a_field_line() {
    let input = "model A {\n  id Int @id\n  bs B[]\n}\n\nmodel B {\n  id Int @id }\n";
    let expected = "model A {\n  id Int @id\n  bs B[]\n}\n\nmodel B {\n  id  Int  @id\n  a   A?   @relation(fields: [aId], references: [id])\n  aId Int?\n}\n";
    assert_eq!(fmt(input), expected);
}

/// Nothing is inferred when the schema has errors that make relations ambiguous.
#[test]
fn no_inference_on_unresolvable_schema() {
    let input = "model A {\n  id Int @id\n  bs B[]\n}\n\nmodel B {\n  id Int @id\n  x  Foo\n}\n";
    assert_eq!(fmt(input), input);
}

/// Back-relation fields go into the file that holds the model lacking them.
#[test]
fn multi_file_inference() {
    let files = vec![
        (
            "a.prisma".to_string(),
            "model A {\n  id Int @id\n  bs B[]\n}\n".to_string(),
        ),
        (
            "b.prisma".to_string(),
            "model B {\n  id Int @id\n}\n\nmodel C {\n  id Int @id @db.SmallInt\n  b B @relation(fields: [bId], references: [id])\n  bId Int\n}\n".to_string(),
        ),
    ];
    let out = format_files(&files).expect("parses");
    assert_eq!(out[0], files[0].1);
    insta::assert_snapshot!(out[1]);
}

// ---- errors and robustness --------------------------------------------------------------------

#[test]
fn parse_errors_are_returned_unchanged() {
    let input = "model A {\n  id Int @id\n  name\n}\n";
    let Err(diags) = format_schema(input) else {
        panic!("expected a parse error");
    };
    let mut expected = quarry_schema::Diagnostics::new();
    quarry_schema::parser::parse(input, quarry_schema::FileId(0), &mut expected);
    assert!(diags.has_errors());
    assert_eq!(diags, expected);

    let files = vec![
        (
            "ok.prisma".to_string(),
            "model A {\n  id Int @id\n}\n".to_string(),
        ),
        (
            "bad.prisma".to_string(),
            "model B {\n  id Int @id\n  ~~~\n}\n".to_string(),
        ),
    ];
    let Err((sources, diags)) = format_files(&files) else {
        panic!("expected a parse error");
    };
    assert!(diags
        .errors()
        .all(|d| d.span.file == quarry_schema::FileId(1)));
    assert_eq!(sources.file(quarry_schema::FileId(1)).name, "bad.prisma");
}

/// The formatter never panics on a parsed input: every prefix of a schema that exercises most
/// constructs is formatted (or rejected by the parser), and every output is stable.
#[test]
fn never_panics_on_prefixes() {
    let schema = r#"// c
datasource db {
  provider = "postgresql" // p
  url      = env("X")
}
/// doc
model User {
  id    Int     @id @default(autoincrement()) @db.Integer
  email String  @unique /* t */
  posts Post[]  @relation("P")
  /* b */
  @@index([email(sort: Desc)], map: "i")
}
model Post {
  id       Int   @id
  author   User? @relation("P", fields: [authorId], references: [id], onDelete: Cascade)
  authorId Int?
  tags     Tag[]
}
model Tag {
  id Int @id
}
enum E {
  A @map("a")
}
type Alias = String @default("x")
"#;
    let mut cut = 0;
    while cut <= schema.len() {
        if let Ok(out) = format_schema(&schema[..cut]) {
            let again = format_schema(&out).expect("formatted output parses");
            assert_eq!(again, out, "not idempotent for prefix {cut}");
        }
        cut += 1;
        while !schema.is_char_boundary(cut) && cut < schema.len() {
            cut += 1;
        }
    }
}
