//! Validation rules, as the reference (Prisma 7) applies them, pinned as rendered diagnostics.
//!
//! Every case here was checked against `prisma validate`: same verdict, errors on the same
//! lines, and the reference's wording unless noted. Each schema exercises one rule.

use quarry_schema::{validate, Color, SourceMap};

/// Renders the diagnostics of a schema, and says whether it is valid.
fn check(schema: &str) -> String {
    let sources = SourceMap::single("schema.prisma", schema);
    let result = validate(&sources);
    let mut out = result.diagnostics.render(&sources, Color::Never);
    if !result.diagnostics.has_errors() {
        out.push_str("(valid)\n");
    }
    out
}

macro_rules! case {
    ($name:ident, $schema:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(stringify!($name), check($schema));
        }
    };
}

// ---- names ----------------------------------------------------------------------------------

case!(
    unknown_field_type,
    r#"datasource db {
  provider = "sqlite"
}

model User {
  id   Int    @id
  name Strng
}
"#
);

case!(
    duplicate_model,
    r#"datasource db {
  provider = "mysql"
}

model Post {
  id Int @id
}

model Post {
  id Int @id
}
"#
);

case!(
    duplicate_enum_value,
    r#"datasource db {
  provider = "postgresql"
}

enum Size {
  SMALL
  LARGE
  SMALL
}
"#
);

case!(
    reserved_scalar_name,
    r#"datasource db {
  provider = "postgresql"
}

model DateTime {
  id Int @id
}
"#
);

case!(
    reserved_client_name,
    r#"datasource db {
  provider = "postgresql"
}

model PrismaClient {
  id Int @id
}
"#
);

case!(
    dash_in_names,
    r#"datasource db {
  provider = "sqlite"
}

model Item {
  id       Int @id
  per-page Int
}
"#
);

case!(
    mapped_column_clash,
    r#"datasource db {
  provider = "postgresql"
}

model Account {
  id      Int    @id
  email   String @map("mail")
  address String @map("mail")
}
"#
);

case!(
    mapped_table_clash,
    r#"datasource db {
  provider = "sqlite"
}

model Order {
  id Int @id

  @@map("orders")
}

model Purchase {
  id Int @id

  @@map("orders")
}
"#
);

case!(
    enum_database_name_clash_on_mysql,
    r#"datasource db {
  provider = "mysql"
}

enum Kind {
  A

  @@map("kind")
}

enum Sort {
  B

  @@map("kind")
}
"#
);

// ---- attributes and arguments ---------------------------------------------------------------

case!(
    unknown_attributes,
    r#"datasource db {
  provider = "postgresql"
}

model Tag {
  id    Int    @id
  label String @lowercase

  @@searchable([label])
}
"#
);

case!(
    repeated_argument,
    r#"datasource db {
  provider = "postgresql"
}

model Tag {
  id    Int    @id
  label String

  @@index([label], map: "a", map: "b")
}
"#
);

case!(
    several_unnamed_arguments,
    r#"datasource db {
  provider = "sqlite"
}

model Tag {
  id    Int    @id
  label String @map("lbl", "label")
}
"#
);

case!(
    attribute_over_several_lines,
    r#"datasource db {
  provider = "postgresql"
}

model Tag {
  id    Int    @id
  label String

  @@index(
    [label]
  )
}
"#
);

// ---- ids and uniques ------------------------------------------------------------------------

case!(
    model_without_unique_criteria,
    r#"datasource db {
  provider = "postgresql"
}

model Log {
  message String
  code    Int?   @unique
}
"#
);

case!(
    optional_id_field,
    r#"datasource db {
  provider = "sqlite"
}

model Session {
  token String? @id
}
"#
);

case!(
    compound_id_unknown_and_optional_fields,
    r#"datasource db {
  provider = "postgresql"
}

model Membership {
  userId Int
  teamId Int?

  @@id([userId, teamId])
}

model Grant {
  userId Int

  @@id([userId, roleId, scope])
}
"#
);

case!(
    field_listed_twice_in_index,
    r#"datasource db {
  provider = "mysql"
}

model Event {
  id  Int @id
  day Int

  @@index([day, day])
}
"#
);

case!(
    compound_unique_name_clashes_with_field,
    r#"datasource db {
  provider = "postgresql"
}

model Slot {
  id        Int @id
  day       Int
  hour      Int
  day_hour  Int

  @@unique([day, hour])
}
"#
);

case!(
    primary_key_sort_and_length,
    r#"datasource db {
  provider = "postgresql"
}

model Code {
  value String @id(sort: Desc)
}

model Key {
  value String @id(length: 8)
}
"#
);

case!(
    mysql_length_on_int_and_fulltext,
    r#"datasource db {
  provider = "mysql"
}

model Doc {
  id    Int    @id
  rank  Int
  title String

  @@index([rank(length: 4)])
  @@fulltext([title(length: 10)])
}
"#
);

case!(
    constraint_name_too_long,
    r#"datasource db {
  provider = "postgresql"
}

model Doc {
  id    Int    @id
  title String

  @@index([title], map: "an_index_name_that_is_far_too_long_for_postgres_identifiers_to_hold")
}
"#
);

case!(
    constraint_names_share_a_namespace_on_postgres,
    r#"datasource db {
  provider = "postgresql"
}

model Author {
  id   Int    @id
  name String

  @@index([name], map: "by_name")
}

model Book {
  id    Int    @id
  title String

  @@index([title], map: "by_name")
}
"#
);

case!(
    index_names_are_per_table_on_mysql,
    r#"datasource db {
  provider = "mysql"
}

model Author {
  id   Int    @id
  name String

  @@index([name], map: "by_name")
}

model Book {
  id    Int    @id
  title String

  @@index([title], map: "by_name")
}
"#
);

case!(
    foreign_key_names_are_global_on_mysql,
    r#"datasource db {
  provider = "mysql"
}

model Author {
  id       Int       @id
  books    Book[]
  articles Article[]
}

model Book {
  id       Int    @id
  authorId Int
  author   Author @relation(fields: [authorId], references: [id], map: "author_fk")
}

model Article {
  id       Int    @id
  authorId Int
  author   Author @relation(fields: [authorId], references: [id], map: "author_fk")
}
"#
);

case!(
    named_foreign_key_on_sqlite,
    r#"datasource db {
  provider = "sqlite"
}

model Author {
  id    Int    @id
  books Book[]
}

model Book {
  id       Int    @id
  authorId Int
  author   Author @relation(fields: [authorId], references: [id], map: "author_fk")
}
"#
);

// ---- index types and operator classes --------------------------------------------------------

case!(
    hash_index_on_mysql,
    r#"datasource db {
  provider = "mysql"
}

model Visit {
  id   Int    @id
  path String

  @@index([path], type: Hash)
}
"#
);

case!(
    operator_class_needs_matching_index_type,
    r#"datasource db {
  provider = "postgresql"
}

model Doc {
  id   Int    @id
  body String

  @@index([body(ops: JsonbPathOps)], type: SpGist)
}
"#
);

case!(
    brin_operator_class_on_wrong_scalar,
    r#"datasource db {
  provider = "postgresql"
}

model Reading {
  id    Int   @id
  value Float
  taken Int

  @@index([value(ops: Int8MinMaxOps), taken(ops: Float8BloomOps)], type: Brin)
}
"#
);

case!(
    brin_operator_class_on_wrong_native_type,
    r#"datasource db {
  provider = "postgresql"
}

model Reading {
  id  Int      @id
  day DateTime @db.Timestamptz

  @@index([day(ops: DateMinMaxOps)], type: Brin)
}
"#
);

case!(
    gin_and_gist_without_operator_class,
    r#"datasource db {
  provider = "postgresql"
}

model Host {
  id      Int    @id
  address String @db.Inet
  name    String
  tags    String[]

  @@index([address], type: Gist)
  @@index([name], type: Gin)
  @@index([tags], type: Gin)
}
"#
);

case!(
    spgist_rules,
    r#"datasource db {
  provider = "postgresql"
}

model Host {
  id   Int    @id
  port Int
  name String
  kind String

  @@index([port], type: SpGist)
  @@index([name, kind], type: SpGist)
}
"#
);

case!(
    raw_operator_class_and_unknown_one,
    r#"datasource db {
  provider = "postgresql"
}

model Shape {
  id    Int                  @id
  area  Unsupported("box")
  label String

  @@index([area(ops: raw("box_ops"))], type: Gist)
  @@index([label(ops: LabelOps)], type: Gist)
}
"#
);

case!(
    operator_class_outside_index,
    r#"datasource db {
  provider = "postgresql"
}

model Shape {
  id    Int    @id
  label String

  @@unique([label(ops: raw("text_pattern_ops"))])
}
"#
);

case!(
    xml_cannot_be_indexed,
    r#"datasource db {
  provider = "postgresql"
}

model Feed {
  id   Int    @id
  body String @db.Xml @unique
}
"#
);

// ---- defaults -------------------------------------------------------------------------------

case!(
    default_functions_on_wrong_types,
    r#"datasource db {
  provider = "postgresql"
}

model Ticket {
  id      Int      @id @default(uuid())
  created String   @default(now())
  serial  DateTime @default(autoincrement())
}
"#
);

case!(
    default_literals_of_wrong_type,
    r#"datasource db {
  provider = "mysql"
}

model Setting {
  id      Int     @id
  enabled Boolean @default("yes")
  limit   Int     @default(2.5)
  ratio   Float   @default("half")
}
"#
);

case!(
    default_values_that_do_not_parse,
    r#"datasource db {
  provider = "postgresql"
}

model Setting {
  id    Int      @id
  since DateTime @default("2024-02-30T00:00:00Z")
  data  Json     @default("{oops}")
  big   BigInt   @default(99999999999999999999)
}
"#
);

case!(
    default_int_is_read_as_64_bits,
    r#"datasource db {
  provider = "postgresql"
}

model Counter {
  id    Int @id
  start Int @default(3000000000)
}
"#
);

case!(
    enum_defaults,
    r#"datasource db {
  provider = "postgresql"
}

enum Status {
  DRAFT
  PUBLISHED
}

model Article {
  id     Int      @id
  status Status   @default(ARCHIVED)
  flags  Status[] @default(DRAFT)
}
"#
);

case!(
    unknown_default_function,
    r#"datasource db {
  provider = "sqlite"
}

model Ticket {
  id   Int    @id
  code String @default(sequence())
}
"#
);

case!(
    autoincrement_rules_per_provider,
    r#"datasource db {
  provider = "sqlite"
}

model Ticket {
  id     Int @id
  number Int @unique @default(autoincrement())
}
"#
);

case!(
    autoincrement_on_mysql_needs_an_index,
    r#"datasource db {
  provider = "mysql"
}

model Ticket {
  id     Int @id
  number Int @default(autoincrement())
}
"#
);

case!(
    dbgenerated_is_fine,
    r#"datasource db {
  provider = "postgresql"
}

model Ticket {
  id   String @id @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  slug String @default(dbgenerated("md5(random()::text)"))
}
"#
);

case!(
    updated_at_on_string,
    r#"datasource db {
  provider = "postgresql"
}

model Note {
  id      Int    @id
  changed String @updatedAt
}
"#
);

// ---- native types and lists -----------------------------------------------------------------

case!(
    native_types_per_provider,
    r#"datasource db {
  provider = "mysql"
}

model Profile {
  id     Int    @id
  handle String @db.Citext
  bio    Int    @db.Text
  code   String @db.VarChar
}
"#
);

case!(
    native_type_argument_ranges,
    r#"datasource db {
  provider = "postgresql"
}

model Measure {
  id    Int      @id
  at    DateTime @db.Timestamp(9)
  price Decimal  @db.Decimal(4, 6)
  flags String   @db.Bit(0)
}
"#
);

case!(
    native_type_with_wrong_prefix,
    r#"datasource db {
  provider = "postgresql"
}

model Measure {
  id   Int    @id
  unit String @pg.VarChar(3)
}
"#
);

case!(
    scalar_lists_per_provider,
    r#"datasource db {
  provider = "mysql"
}

model Survey {
  id      Int      @id
  answers String[]
  raw     Json[]
}
"#
);

// ---- relations ------------------------------------------------------------------------------

case!(
    missing_back_relation,
    r#"datasource db {
  provider = "postgresql"
}

model Author {
  id Int @id
}

model Book {
  id       Int    @id
  authorId Int
  author   Author @relation(fields: [authorId], references: [id])
}
"#
);

case!(
    ambiguous_relation,
    r#"datasource db {
  provider = "postgresql"
}

model Person {
  id        Int     @id
  sent      Message[]
  received  Message[]
}

model Message {
  id         Int    @id
  fromId     Int
  toId       Int
  from       Person @relation(fields: [fromId], references: [id])
  to         Person @relation(fields: [toId], references: [id])
}
"#
);

case!(
    named_relations_are_fine,
    r#"datasource db {
  provider = "postgresql"
}

model Person {
  id        Int       @id
  sent      Message[] @relation("sender")
  received  Message[] @relation("recipient")
}

model Message {
  id     Int    @id
  fromId Int
  toId   Int
  from   Person @relation("sender", fields: [fromId], references: [id])
  to     Person @relation("recipient", fields: [toId], references: [id])
}
"#
);

case!(
    unnamed_self_relation,
    r#"datasource db {
  provider = "sqlite"
}

model Employee {
  id        Int        @id
  managerId Int?
  manager   Employee?  @relation(fields: [managerId], references: [id])
  reports   Employee[]
}
"#
);

case!(
    self_relations_one_to_one_and_many_to_many,
    r#"datasource db {
  provider = "mysql"
}

model Person {
  id          Int      @id
  partnerId   Int?     @unique
  partner     Person?  @relation("partners", fields: [partnerId], references: [id])
  partnerOf   Person?  @relation("partners")
  friends     Person[] @relation("friends")
  friendOf    Person[] @relation("friends")
}
"#
);

case!(
    fields_and_references_mismatch,
    r#"datasource db {
  provider = "postgresql"
}

model Author {
  id     Int    @id
  handle String @unique
  books  Book[]
}

model Book {
  id       Int    @id
  authorId Int
  author   Author @relation(fields: [authorId], references: [handle])
}
"#
);

case!(
    references_to_non_unique_field,
    r#"datasource db {
  provider = "postgresql"
}

model Author {
  id    Int    @id
  email String
  books Book[]
}

model Book {
  id          Int    @id
  authorEmail String
  author      Author @relation(fields: [authorEmail], references: [email])
}
"#
);

case!(
    one_to_one_without_unique,
    r#"datasource db {
  provider = "postgresql"
}

model User {
  id       Int       @id
  passport Passport?
}

model Passport {
  id     Int  @id
  userId Int
  user   User @relation(fields: [userId], references: [id])
}
"#
);

case!(
    one_to_one_required_back_relation,
    r#"datasource db {
  provider = "postgresql"
}

model User {
  id       Int      @id
  passport Passport
}

model Passport {
  id     Int  @id
  userId Int  @unique
  user   User @relation(fields: [userId], references: [id])
}
"#
);

case!(
    one_to_one_fields_on_the_optional_side,
    r#"datasource db {
  provider = "postgresql"
}

model User {
  id         Int       @id
  passportId Int?      @unique
  passport   Passport? @relation(fields: [passportId], references: [id])
}

model Passport {
  id   Int  @id
  user User
}
"#
);

case!(
    one_to_one_without_fields_on_either_side,
    r#"datasource db {
  provider = "sqlite"
}

model User {
  id       Int       @id
  passport Passport?
}

model Passport {
  id   Int   @id
  user User?
}
"#
);

case!(
    required_relation_on_optional_scalar,
    r#"datasource db {
  provider = "postgresql"
}

model Author {
  id    Int    @id
  books Book[]
}

model Book {
  id       Int    @id
  authorId Int?
  author   Author @relation(fields: [authorId], references: [id])
}
"#
);

case!(
    many_to_many_needs_single_ids,
    r#"datasource db {
  provider = "postgresql"
}

model Student {
  first  String
  last   String
  course Course[]

  @@id([first, last])
}

model Course {
  id       Int       @id
  students Student[] @relation(onDelete: Cascade)
}
"#
);

case!(
    referential_actions_per_relation_mode,
    r#"datasource db {
  provider     = "postgresql"
  relationMode = "prisma"
}

model Author {
  id    Int    @id
  books Book[]
}

model Book {
  id       Int    @id
  authorId Int
  author   Author @relation(fields: [authorId], references: [id], onDelete: NoAction)

  @@index([authorId])
}
"#
);

case!(
    set_null_on_required_field_warns_with_foreign_keys,
    r#"datasource db {
  provider = "postgresql"
}

model Author {
  id    Int    @id
  books Book[]
}

model Book {
  id       Int    @id
  authorId Int
  author   Author @relation(fields: [authorId], references: [id], onDelete: SetNull)
}
"#
);

case!(
    emulated_relations_warn_about_missing_index,
    r#"datasource db {
  provider     = "mysql"
  relationMode = "prisma"
}

model Author {
  id    Int    @id
  books Book[]
}

model Book {
  id       Int    @id
  authorId Int
  author   Author @relation(fields: [authorId], references: [id])
}
"#
);

case!(
    emulated_self_relation_must_not_cascade,
    r#"datasource db {
  provider     = "sqlite"
  relationMode = "prisma"
}

model Folder {
  id       Int      @id
  parentId Int?
  parent   Folder?  @relation("tree", fields: [parentId], references: [id])
  children Folder[] @relation("tree")

  @@index([parentId])
}
"#
);

case!(
    relation_to_ignored_model,
    r#"datasource db {
  provider = "postgresql"
}

model Author {
  id    Int    @id
  books Book[]

  @@ignore
}

model Book {
  id       Int    @id
  authorId Int
  author   Author @relation(fields: [authorId], references: [id])
}
"#
);

// ---- views and composite types --------------------------------------------------------------

case!(
    views_need_the_preview_feature,
    r#"datasource db {
  provider = "postgresql"
}

view Report {
  id    Int @unique
  total Int
}
"#
);

case!(
    views_have_no_keys_or_indexes,
    r#"datasource db {
  provider = "postgresql"
}

generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["views"]
}

view Report {
  id    Int @id
  total Int

  @@index([total])
}
"#
);

case!(
    composite_types_on_relational_databases,
    r#"datasource db {
  provider = "postgresql"
}

type Address {
  street String
  city   String

  @@unique([street, city])
}

model Customer {
  id      Int     @id
  address Address
}
"#
);

// ---- datasource and generators --------------------------------------------------------------

case!(
    unknown_provider_and_property,
    r#"datasource db {
  provider = "oracle"
  timeout  = "5s"
}
"#
);

case!(
    two_datasources,
    r#"datasource main {
  provider = "sqlite"
}

datasource replica {
  provider = "sqlite"
}
"#
);

case!(
    provider_from_env,
    r#"datasource db {
  provider = env("DB_PROVIDER")
}
"#
);

case!(
    repeated_property,
    r#"generator client {
  provider = "prisma-client-js"
  output   = "./one"
  output   = "./two"
}
"#
);

case!(
    relation_mode_value,
    r#"datasource db {
  provider     = "mysql"
  relationMode = "emulated"
}
"#
);

case!(
    preview_features,
    r#"datasource db {
  provider = "postgresql"
}

generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["relationJoins", "tracing", "nativeEnums"]
}
"#
);

case!(
    schemas_property,
    r#"datasource db {
  provider = "postgresql"
  schemas  = []
}

model Audit {
  id Int @id

  @@schema("audit")
}
"#
);

case!(
    extensions_need_the_preview_feature,
    r#"datasource db {
  provider   = "postgresql"
  extensions = [pgcrypto]
}
"#
);

case!(
    shard_keys_need_feature_and_mysql,
    r#"datasource db {
  provider = "postgresql"
}

model Tenant {
  id     Int    @id
  region String @shardKey
}
"#
);

case!(
    env_urls_are_accepted,
    r#"datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
  output   = env("CLIENT_OUT")
}

model Tenant {
  id Int @id
}
"#
);

// ---- layout ---------------------------------------------------------------------------------

case!(
    block_layout_one_line_ok_but_fields_on_brace_lines_rejected,
    r#"datasource db {
  provider = "sqlite"
}

model A { id Int @id }

model B {
  id Int @id }

model C { id Int @id
}
"#
);

// ---- index names --------------------------------------------------------------------------------

case!(
    index_name_is_a_legacy_alias_of_map,
    r#"datasource db {
  provider = "postgresql"
}

model A {
  id Int @id
  b  Int
  c  Int

  @@index([b], name: "b_idx")
  @@index(name: "c_idx", fields: [c])
}
"#
);

case!(
    index_name_alias_names_the_index,
    r#"datasource db {
  provider = "postgresql"
}

model A {
  id Int @id
  b  Int
  c  Int

  @@index([b], name: "dup")
  @@index([c], map: "dup")
}
"#
);

case!(
    index_name_and_map_together,
    r#"datasource db {
  provider = "postgresql"
}

model A {
  id Int @id
  b  Int

  @@index([b], name: "b_idx", map: "other")
}
"#
);

case!(
    name_is_no_alias_elsewhere,
    r#"datasource db {
  provider = "mysql"
}

model A {
  id Int    @id(name: "pk")
  b  String @unique(name: "u")

  @@fulltext([b], name: "ft")
}
"#
);

case!(
    index_field_lists_with_strings,
    r#"datasource db {
  provider = "mysql"
}

model A {
  r String

  @@id(["r"])
}

model B {
  id Int    @id
  r  String

  @@index("r")
  @@unique(["r"])
}
"#
);

// ---- shard keys ---------------------------------------------------------------------------------

case!(
    shard_key_fields_must_be_required,
    r#"datasource db {
  provider = "mysql"
}

generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["shardKeys"]
}

model A {
  id Int     @id
  r  String? @shardKey
}

model B {
  id Int     @id
  r  String?
  s  Int?

  @@shardKey([r, s])
}
"#
);

case!(
    shard_key_required_comes_before_feature_and_provider,
    r#"datasource db {
  provider = "postgresql"
}

model A {
  id Int     @id
  r  String? @shardKey
}
"#
);

case!(
    shard_key_on_a_relation_field,
    r#"datasource db {
  provider = "mysql"
}

model A {
  id  Int @id
  bId Int
  b   B   @relation(fields: [bId], references: [id]) @shardKey
}

model B {
  id Int @id
  as A[]
}
"#
);

case!(
    shard_key_field_lists,
    r#"datasource db {
  provider = "mysql"
}

generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["shardKeys"]
}

model A {
  id Int    @id
  r  String

  @@shardKey([nope, nada])
}

model B {
  id Int    @id
  r  String

  @@shardKey(["r"])
}

model C {
  id Int    @id
  r  String

  @@shardKey([r(sort: Desc)])
}

model D {
  id Int    @id
  r  String

  @@shardKey()
}

model E {
  id  Int @id
  fId Int
  f   F   @relation(fields: [fId], references: [id])
  gId Int
  g   F   @relation("g", fields: [gId], references: [id])

  @@shardKey([f, g])
}

model F {
  id Int @id
  es E[]
  gs E[] @relation("g")
}
"#
);

case!(
    ignored_models_may_have_optional_shard_keys,
    r#"datasource db {
  provider = "mysql"
}

generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["shardKeys"]
}

model A {
  id Int     @id
  r  String? @shardKey

  @@ignore
}

model B {
  id Int     @id
  r  String?

  @@shardKey([r])
  @@ignore
}
"#
);

// ---- datasource extensions ----------------------------------------------------------------------

case!(
    single_extension_without_brackets,
    r#"datasource db {
  provider   = "postgresql"
  extensions = pgcrypto
}

generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["postgresqlExtensions"]
}

"#
);

case!(
    extension_arguments,
    r#"datasource db {
  provider   = "postgresql"
  extensions = [pgcrypto(version: 1.0), citext(schema: env("X")), hstore(version: "1", version: "2"), env("Y")]
}

generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["postgresqlExtensions"]
}

"#
);

// ---- env() -------------------------------------------------------------------------------------

case!(
    env_takes_exactly_one_argument,
    r#"datasource db {
  provider = "postgresql"
}

generator a {
  provider = "prisma-client-js"
  output   = env()
}

generator b {
  provider = "prisma-client-js"
  output   = env("A", "B")
}

generator c {
  provider = "prisma-client-js"
  output   = env("C",)
  custom   = [env()]
}

generator d {
  provider = "prisma-client-js"
  output   = env(whatever: "D")
  custom   = env("E")
}
"#
);

case!(
    env_where_a_string_or_list_is_read,
    r#"datasource db {
  provider = "postgresql"
  schemas  = env("SCHEMAS")
}

generator client {
  provider        = "prisma-client-js"
  previewFeatures = env("FEATURES")
  engineType      = env("ENGINE")
}
"#
);

case!(
    single_schema_without_brackets,
    r#"datasource db {
  provider = "postgresql"
  schemas  = "public"
}

model A {
  id Int @id

  @@schema("public")
}
"#
);

// ---- nesting --------------------------------------------------------------------------------

/// The errors of a schema, one `line: message` each.
fn errors(schema: &str) -> Vec<String> {
    let sources = SourceMap::single("schema.prisma", schema);
    validate(&sources)
        .diagnostics
        .to_json(&sources)
        .as_array()
        .expect("diagnostics are a list")
        .iter()
        .map(|d| format!("{}: {}", d["line"], d["message"].as_str().unwrap_or("")))
        .collect()
}

fn nested(open: &str, close: &str, depth: usize) -> String {
    format!("{}{}", open.repeat(depth), close.repeat(depth))
}

const DEEP_ERROR: &str = "Brackets are nested more than 64 levels deep here.";

#[test]
fn deep_nesting_is_a_diagnostic_wherever_it_is() {
    let header = "datasource db {\n  provider = \"postgresql\"\n}\n\n";
    let deep_array = nested("[", "]", 9000);
    let deep_call = format!("{}1{}", "f(".repeat(9000), ")".repeat(9000));
    let schemas = [
        format!("{header}model A {{\n  id Int   @id\n  b  Int[] @default({deep_array})\n}}\n"),
        format!("{header}model A {{\n  id Int @id\n  b  Int @default({deep_call})\n}}\n"),
        format!("{header}model A {{\n  id Int @id\n  b  Int\n\n  @@index({deep_array})\n}}\n"),
        format!(
            "{header}model A {{\n  id Int @id\n  b  Int\n\n  @@index([b], map: {deep_call})\n}}\n"
        ),
        format!("{header}enum E {{\n  A @map({deep_array})\n}}\n"),
        format!(
            "datasource db {{\n  provider   = \"postgresql\"\n  extensions = {deep_array}\n}}\n"
        ),
        format!("generator client {{\n  provider = {deep_call}\n}}\n"),
    ];
    for schema in &schemas {
        let errors = errors(schema);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].ends_with(DEEP_ERROR), "{errors:?}");
    }
}

#[test]
fn nesting_up_to_the_limit_parses() {
    // `@default(` opens the first level.
    let schema = format!(
        "datasource db {{\n  provider = \"postgresql\"\n}}\n\nmodel A {{\n  id Int   @id\n  b  Int[] @default({})\n}}\n",
        nested("[", "]", 63)
    );
    let errors = errors(&schema);
    assert!(
        !errors.iter().any(|e| e.ends_with(DEEP_ERROR)),
        "{errors:?}"
    );
    assert!(
        !errors.is_empty(),
        "a nested array is not an Int list default"
    );
}

#[test]
fn brackets_in_comments_and_strings_do_not_count_as_nesting() {
    let deep = nested("(", ")", 100);
    let schema = format!(
        "datasource db {{\n  provider = \"postgresql\"\n}}\n\n/// {deep}\nmodel A {{\n  id Int    @id // {deep}\n  b  String @default(\"{deep}\") /* {deep} */\n}}\n"
    );
    assert_eq!(errors(&schema), Vec::<String>::new());
}

#[test]
fn nesting_hidden_behind_a_comment_the_grammar_skips_is_still_bounded() {
    // The `/*` on line 7 ends an invalid line, so the grammar never reads a comment there and
    // parses line 8; the bracket scan takes `/*` as a comment opening and skips line 8.
    let schema = format!(
        "datasource db {{\n  provider = \"postgresql\"\n}}\n\nmodel A {{\n  id Int @id\n  x Int @default(1) x /*\n  b Int[] @default({})\n  */\n}}\n",
        nested("[", "]", 200)
    );
    let errors = errors(&schema);
    assert!(
        errors.iter().any(|e| e == &format!("8: {DEEP_ERROR}")),
        "{errors:?}"
    );
}
