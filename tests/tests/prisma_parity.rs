//! Quarry against the reference: Prisma 7.10 (`/work/shared/oracle`, `@prisma/client` 7.10.0
//! with `@prisma/adapter-better-sqlite3` and `@prisma/adapter-pg`).
//!
//! 1. SQLite storage: rows seeded exactly as Prisma 7 writes them (inspected with `sqlite3` in a
//!    database Prisma's client wrote) read back as Prisma reads them, and Quarry's own binds
//!    store what Prisma stores.
//! 2. Read queries: the blog fixture below was written with Prisma's client (`create` with
//!    explicit ids and timestamps) and queried with the Prisma call quoted above each
//!    expectation; the expectations are the results Prisma returned, on SQLite and on
//!    PostgreSQL. Quarry runs the same query on the same data and must return the same. Where the
//!    databases differ, so do the expectations; where Quarry deliberately differs from Prisma,
//!    the comment says so.
//!
//! The script that produced the expectations, `parity.ts`, is reproduced at the end of this file.

use chrono::{DateTime, TimeZone, Utc};
use quarry::{not, Decimal, Value};
use quarry_tests::db::{Backend, TestDb};
use quarry_tests::generated::blog::{self as db, comment, post, tag, user, Role};
use quarry_tests::generated::native_sqlite::{self as ns, device, reading};
use quarry_tests::setup::{database_with, seed};
use std::str::FromStr;

const T0: i64 = 1_700_000_000_000;

fn at(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(T0 + ms)
        .single()
        .expect("valid time")
}

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("RFC 3339")
        .with_timezone(&Utc)
}

fn json(s: &str) -> quarry::Json {
    quarry::deps::serde_json::from_str(s).expect("JSON")
}

/// One column of one row, as SQLite's `quote()` prints it (the storage, not the value).
async fn quoted(client: &quarry::Client, sql: &str) -> Vec<String> {
    assert_eq!(
        client.dialect(),
        quarry::sql::Dialect::Sqlite,
        "SQLite only"
    );
    client
        .query_raw(sql, vec![])
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .into_iter()
        .map(|row| {
            let cell = row.into_iter().next().map(|(_, v)| v);
            match cell {
                Some(quarry::deps::serde_json::Value::String(s)) => s,
                other => panic!("{sql}: expected one text column, got {other:?}"),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// 1. SQLite storage conventions
// ---------------------------------------------------------------------------------------------

/// What Prisma 7 wrote for `native_sqlite.prisma` (DDL from `prisma db push`, identical to
/// Quarry's) with
///
/// ```ts
/// prisma.device.create({ data: { id: 1, name: "dev1", enabled: true, latitude: -12.5,
///   longitude: 1e-300, calibration: "12345678901234567890.123456789",
///   config: { a: 1, b: [1, 2.5, "x", null, true], c: { d: "ü€😀" }, big: 12345678901234567890 },
///   firmware: new Uint8Array([0, 1, 2, 255]), installedAt: new Date("1969-07-20T20:17:40.123Z"),
///   warrantyEnds: new Date("2030-01-01T00:00:00.999Z") } })
/// prisma.device.create({ data: { id: 2, name: "dev2", enabled: false, calibration: "-0.5", config: [1, 2, 3] } })
/// prisma.device.create({ data: { id: 3, name: "dev3", calibration: 0, config: true } })
/// prisma.device.create({ data: { id: 4, name: "dev4", calibration: "1.10", config: 42 } })
/// prisma.device.create({ data: { id: 5, name: "dev5", calibration: "1e-20", config: 1.5 } })
/// prisma.device.create({ data: { id: 6, name: "dev6", calibration: "123.456", config: { n: null } } })
/// prisma.reading.create({ data: { id: "r1", sensorId: 1, deviceId: 1, takenAtMs: 9223372036854775807n, value: 3.25, raw: new Uint8Array([]) } })
/// prisma.reading.create({ data: { id: "r2", sensorId: 1, deviceId: 1, takenAtMs: -9223372036854775808n, value: -0.0001, receivedAt: new Date(-1) } })
/// ```
///
/// then `sqlite3 dev.db "SELECT quote(col), typeof(col) ..."`. Device 4's timestamps were then
/// overwritten by hand with the two other encodings Prisma reads: integer milliseconds
/// (Prisma 6 and the adapter's `timestampFormat: "unixepoch-ms"`) and `CURRENT_TIMESTAMP` text.
/// Found:
/// - DateTime: TEXT `YYYY-MM-DDTHH:MM:SS.mmm+00:00` (the adapter's default
///   `timestampFormat: "iso8601"`: `toISOString()` with `Z` replaced by `+00:00`); database
///   defaults (`CURRENT_TIMESTAMP`) are TEXT `YYYY-MM-DD HH:MM:SS`.
/// - Decimal: bound as a JavaScript number (`parseFloat`), so a REAL in the NUMERIC-affinity
///   DECIMAL column (an INTEGER when integral): 15-17 significant digits survive.
/// - BigInt: INTEGER (all 64 bits). Int: INTEGER. Float: REAL.
/// - Boolean: INTEGER 1 / 0.
/// - Enum: TEXT (the value's database name).
/// - Json: TEXT (`JSON.stringify`), but the JSONB column has NUMERIC affinity, so a document
///   that is a bare number is stored as INTEGER or REAL (`42`, `1.5`).
/// - Bytes: BLOB; empty bytes are an empty BLOB, not NULL.
const PRISMA_WROTE: &[&str] = &[
    r#"INSERT INTO "sites" ("id", "name") VALUES (0, 'unassigned')"#,
    r#"INSERT INTO "devices" ("id", "serial", "name", "enabled", "latitude", "longitude", "calibration", "config", "firmware", "installed_at", "warranty_ends", "updated_at", "site_id") VALUES
       (1, '9d55492a6d35218a', 'dev1', 1, -12.5, 1.0e-300, 12345678901234567168.0, '{"a":1,"b":[1,2.5,"x",null,true],"c":{"d":"ü€😀"},"big":12345678901234567000}', X'000102FF', '1969-07-20T20:17:40.123+00:00', '2030-01-01T00:00:00.999+00:00', '2026-11-22T11:59:56.722+00:00', NULL),
       (2, '1106d7fb6712605c', 'dev2', 0, NULL, NULL, -0.5, '[1,2,3]', NULL, '2026-11-22 11:59:56', '2030-01-01T00:00:00.000+00:00', '2026-11-22T11:59:56.790+00:00', NULL),
       (3, '01ed84d4af33ea15', 'dev3', 1, NULL, NULL, 0, 'true', NULL, '2026-11-22 11:59:56', '2030-01-01T00:00:00.000+00:00', '2026-11-22T12:09:04.073+00:00', NULL),
       (4, 'ee01da3ce850ef68', 'dev4', 1, NULL, NULL, 1.1, 42, NULL, -14182940000, '2024-01-02 03:04:05', 1700000000123, NULL),
       (5, '5a5a5a5a5a5a5a5a', 'dev5', 1, NULL, NULL, 1.0e-20, 1.5, NULL, '2026-11-22 12:09:04', '2030-01-01T00:00:00.000+00:00', '2026-11-22T12:09:04.201+00:00', NULL),
       (6, '6b6b6b6b6b6b6b6b', 'dev6', 1, NULL, NULL, 123.456, '{"n":null}', NULL, '2026-11-22 12:09:04', '2030-01-01T00:00:00.000+00:00', '2026-11-22T12:09:04.236+00:00', NULL)"#,
    r#"INSERT INTO "sensors" ("id", "kind", "unit", "device_id", "site_id") VALUES (1, 'CO2', 'C', 1, 0)"#,
    r#"INSERT INTO "readings" ("id", "sensor_id", "device_id", "taken_at_ms", "value", "raw", "received_at") VALUES
       ('r1', 1, 1, 9223372036854775807, 3.25, X'', '2026-11-22T11:59:56.938+00:00'),
       ('r2', 1, 1, -9223372036854775808, -0.0001, NULL, '1969-12-31T23:59:59.999+00:00')"#,
];

#[tokio::test]
async fn reads_rows_prisma_wrote_to_sqlite() {
    let (_db, raw) = database_with("native_sqlite", Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    for stmt in PRISMA_WROTE {
        raw.execute_raw(stmt, vec![])
            .await
            .unwrap_or_else(|e| panic!("{stmt}\n{e}"));
    }
    let c = ns::Client::from_client(raw);
    let d = c
        .device()
        .find_many()
        .order_by(device::id().asc())
        .exec()
        .await
        .unwrap();
    // What Prisma's `findMany({ orderBy: { id: "asc" } })` returned for the same rows.
    let dec = |s: &str| Decimal::from_str(s).unwrap();
    assert_eq!(
        d.iter().map(|d| d.calibration.clone()).collect::<Vec<_>>(),
        [
            dec("12345678901234567000"),
            dec("-0.5"),
            dec("0"),
            dec("1.1"),
            dec("1e-20"),
            dec("123.456")
        ]
    );
    assert_eq!(d[0].calibration.to_string(), "12345678901234567000");
    assert_eq!(
        d.iter().map(|d| d.config.clone()).collect::<Vec<_>>(),
        [
            Some(json(
                r#"{"a":1,"b":[1,2.5,"x",null,true],"c":{"d":"ü€😀"},"big":12345678901234567000}"#
            )),
            Some(json("[1,2,3]")),
            Some(json("true")),
            Some(json("42")),
            Some(json("1.5")),
            Some(json(r#"{"n":null}"#)),
        ]
    );
    assert_eq!(
        d.iter().map(|d| d.enabled).collect::<Vec<_>>(),
        [true, false, true, true, true, true]
    );
    assert_eq!(d[0].latitude, Some(-12.5));
    assert_eq!(d[0].longitude, Some(1e-300));
    assert_eq!(d[0].firmware, Some(vec![0, 1, 2, 255]));
    assert_eq!(d[1].firmware, None);
    assert_eq!(
        d.iter()
            .map(|d| (d.installed_at, d.warranty_ends, d.updated_at))
            .collect::<Vec<_>>(),
        [
            (
                utc("1969-07-20T20:17:40.123Z"),
                utc("2030-01-01T00:00:00.999Z"),
                utc("2026-11-22T11:59:56.722Z")
            ),
            (
                utc("2026-11-22T11:59:56Z"),
                utc("2030-01-01T00:00:00Z"),
                utc("2026-11-22T11:59:56.790Z")
            ),
            (
                utc("2026-11-22T11:59:56Z"),
                utc("2030-01-01T00:00:00Z"),
                utc("2026-11-22T12:09:04.073Z")
            ),
            (
                utc("1969-07-20T20:17:40Z"),
                utc("2024-01-02T03:04:05Z"),
                utc("2023-11-14T22:13:20.123Z")
            ),
            (
                utc("2026-11-22T12:09:04Z"),
                utc("2030-01-01T00:00:00Z"),
                utc("2026-11-22T12:09:04.201Z")
            ),
            (
                utc("2026-11-22T12:09:04Z"),
                utc("2030-01-01T00:00:00Z"),
                utc("2026-11-22T12:09:04.236Z")
            ),
        ]
    );
    let r = c
        .reading()
        .find_many()
        .order_by(reading::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        r.iter()
            .map(|r| (r.taken_at_ms, r.value, r.raw.clone(), r.received_at))
            .collect::<Vec<_>>(),
        [
            (
                i64::MAX,
                3.25,
                Some(vec![]),
                utc("2026-11-22T11:59:56.938Z")
            ),
            (i64::MIN, -0.0001, None, utc("1969-12-31T23:59:59.999Z")),
        ]
    );

    // Filters on Prisma's rows. Prisma:
    // `device.findMany({ where: { installedAt: { lt: new Date(0) } } })` → ids [1, 4]
    // (device 4's integer compares below any text, so it matches for Prisma too).
    let ids = |v: Vec<ns::Device>| v.into_iter().map(|d| d.id).collect::<Vec<_>>();
    let q = || c.device().find_many().order_by(device::id().asc());
    assert_eq!(
        ids(q()
            .filter(device::installed_at().lt(utc("1970-01-01T00:00:00Z")))
            .exec()
            .await
            .unwrap()),
        [1, 4]
    );
    // `device.findMany({ where: { calibration: "12345678901234567890.123456789" } })` → [1]
    assert_eq!(
        ids(q()
            .filter(device::calibration().equals(dec("12345678901234567890.123456789")))
            .exec()
            .await
            .unwrap()),
        [1]
    );
    // Equality with a Prisma-written timestamp needs the same text encoding.
    assert_eq!(
        ids(q()
            .filter(device::installed_at().equals(utc("1969-07-20T20:17:40.123Z")))
            .exec()
            .await
            .unwrap()),
        [1]
    );
    assert_eq!(
        ids(q()
            .filter(device::updated_at().gt(utc("2026-11-22T12:09:04.100Z")))
            .exec()
            .await
            .unwrap()),
        [5, 6]
    );
    assert_eq!(
        ids(q()
            .filter(device::enabled().equals(false))
            .exec()
            .await
            .unwrap()),
        [2]
    );
    assert_eq!(
        ids(q()
            .filter(device::firmware().equals(vec![0, 1, 2, 255]))
            .exec()
            .await
            .unwrap()),
        [1]
    );
    let r = c
        .reading()
        .find_many()
        .filter(reading::taken_at_ms().equals(i64::MIN))
        .exec()
        .await
        .unwrap();
    assert_eq!(r.len(), 1);
}

/// Quarry's binds store what Prisma's client stores (compared with `quote()` of the rows
/// Prisma wrote for the blog fixture below: `sqlite3 dev.db "SELECT quote(created_at) ..."`).
#[tokio::test]
async fn quarry_stores_sqlite_values_as_prisma_does() {
    let Some(f) = fixture(Backend::Sqlite).await else {
        return;
    };
    let raw = f.client.raw();
    assert_eq!(
        quoted(raw, r#"SELECT quote("id") || '|' || quote("email") || '|' || quote("name") || '|' || quote("role") || '|' || quote("verified") || '|' || quote("created_at") || '|' || quote("updated_at") FROM "users" WHERE "id" IN (1, 2) ORDER BY "id""#).await,
        [
            "1|'alice@example.com'|'Alice'|'ADMIN'|1|'2023-11-14T22:13:21.000+00:00'|'2023-11-14T22:13:20.000+00:00'",
            "2|'bob@example.org'|NULL|'AUTHOR'|0|'2023-11-14T22:13:22.000+00:00'|'2023-11-14T22:13:20.000+00:00'",
        ]
    );
    assert_eq!(
        quoted(raw, r#"SELECT quote("id") || '|' || quote("published") || '|' || quote("view_count") || '|' || quote("rating") || '|' || quote("published_at") || '|' || quote("created_at") FROM "posts" WHERE "id" IN (1, 2, 6, 7) ORDER BY "id""#).await,
        [
            "1|1|10|4.5|'2023-11-14T22:13:30.000+00:00'|'2023-11-14T22:14:20.000+00:00'",
            "2|0|5|NULL|NULL|'2023-11-14T22:15:20.000+00:00'",
            "6|1|7|5.0|'2023-11-14T22:14:00.000+00:00'|'2023-11-14T22:19:20.000+00:00'",
            "7|1|10|1.0|'2023-11-14T22:14:10.000+00:00'|'2023-11-14T22:20:20.000+00:00'",
        ]
    );
    assert_eq!(
        quoted(raw, r#"SELECT quote("id") || '|' || quote("created_at") || '|' || quote("author_id") FROM "comments" WHERE "id" IN ('c1', 'c2') ORDER BY "id""#).await,
        [
            "'c1'|'2023-11-14T22:13:20.001+00:00'|2",
            "'c2'|'2023-11-14T22:13:20.002+00:00'|3"
        ]
    );
}

/// The same for every scalar type of `native_sqlite.prisma`: device 1 and reading r1 of
/// [`PRISMA_WROTE`], seeded through Quarry's binds, are stored as Prisma stored them
/// (`sqlite3 dev.db "SELECT quote(enabled), quote(calibration), typeof(calibration) ..."`).
/// Json text may differ in key order only (Prisma keeps the object's order, `serde_json` sorts).
#[tokio::test]
async fn quarry_stores_every_sqlite_scalar_as_prisma_does() {
    let (_db, raw) = database_with("native_sqlite", Backend::Sqlite)
        .await
        .expect("SQLite is always available");
    let b = Backend::Sqlite;
    seed(
        &raw,
        b,
        r#"INSERT INTO "sites" ("id", "name") VALUES (?, ?)"#,
        vec![Value::Int(0), "unassigned".into()],
    )
    .await;
    seed(
        &raw,
        b,
        r#"INSERT INTO "devices" ("id", "serial", "name", "enabled", "latitude", "longitude", "calibration", "config", "firmware", "installed_at", "warranty_ends", "updated_at") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"#,
        vec![
            Value::Int(1),
            "9d55492a6d35218a".into(),
            "dev1".into(),
            Value::Bool(true),
            Value::Float(-12.5),
            Value::Float(1e-300),
            Value::Decimal(Decimal::from_str("12345678901234567890.123456789").unwrap()),
            Value::from(json(r#"{"a":1,"b":[1,2.5,"x",null,true],"c":{"d":"ü€😀"},"big":12345678901234567000}"#)),
            Value::Bytes(vec![0, 1, 2, 255]),
            Value::DateTime(utc("1969-07-20T20:17:40.123Z")),
            Value::DateTime(utc("2030-01-01T00:00:00.999Z")),
            Value::DateTime(utc("2026-11-22T11:59:56.722Z")),
        ],
    )
    .await;
    seed(&raw, b, r#"INSERT INTO "sensors" ("id", "kind", "unit", "device_id", "site_id") VALUES (?, ?, ?, ?, ?)"#, vec![Value::Int(1), Value::Enum("CO2".into()), "C".into(), Value::Int(1), Value::Int(0)]).await;
    seed(
        &raw,
        b,
        r#"INSERT INTO "readings" ("id", "sensor_id", "device_id", "taken_at_ms", "value", "raw", "received_at") VALUES (?, ?, ?, ?, ?, ?, ?)"#,
        vec![
            "r1".into(),
            Value::Int(1),
            Value::Int(1),
            Value::BigInt(i64::MAX),
            Value::Float(3.25),
            Value::Bytes(vec![]),
            Value::DateTime(utc("2026-11-22T11:59:56.938Z")),
        ],
    )
    .await;
    // Prisma's file: 1|-12.5|1.0e-300|1.23456789012345671677e+19|real|X'000102FF'|text|
    // (the REAL compared by value: `quote()` prints it differently across SQLite versions)
    // '1969-07-20T20:17:40.123+00:00'|'2030-01-01T00:00:00.999+00:00'|'2026-11-22T11:59:56.722+00:00'
    assert_eq!(
        quoted(&raw, r#"SELECT quote("enabled") || '|' || quote("latitude") || '|' || quote("longitude") || '|' || ("calibration" = 12345678901234567168.0) || '|' || typeof("calibration") || '|' || quote("firmware") || '|' || typeof("config") || '|' || quote("installed_at") || '|' || quote("warranty_ends") || '|' || quote("updated_at") FROM "devices""#).await,
        ["1|-12.5|1.0e-300|1|real|X'000102FF'|text|'1969-07-20T20:17:40.123+00:00'|'2030-01-01T00:00:00.999+00:00'|'2026-11-22T11:59:56.722+00:00'"]
    );
    assert_eq!(
        quoted(&raw, r#"SELECT json_type("config") || '|' || json_extract("config", '$.c.d') || '|' || (instr("config", '"big":12345678901234567000') > 0) || '|' || json_extract("config", '$.b[1]') || '|' || json_type("config", '$.b[3]') FROM "devices""#).await,
        ["object|ü€😀|1|2.5|null"]
    );
    // Prisma's file: 'CO2' | r1|9223372036854775807|3.25|X''|'2026-11-22T11:59:56.938+00:00'
    assert_eq!(
        quoted(&raw, r#"SELECT quote("kind") FROM "sensors""#).await,
        ["'CO2'"]
    );
    assert_eq!(
        quoted(&raw, r#"SELECT quote("taken_at_ms") || '|' || quote("value") || '|' || quote("raw") || '|' || quote("received_at") FROM "readings""#).await,
        ["9223372036854775807|3.25|X''|'2026-11-22T11:59:56.938+00:00'"]
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Read queries
// ---------------------------------------------------------------------------------------------

struct Fixture {
    _db: TestDb,
    client: db::Client,
}

/// The data `parity.ts` writes with Prisma's client:
///
/// users (id, email, name, role, verified; createdAt = T0 + id s, updatedAt = T0):
///   1 alice@example.com "Alice" ADMIN true · 2 bob@example.org NULL AUTHOR false ·
///   3 carol@example.com "carol" READER true · 4 dave@EXAMPLE.com "Dave" AUTHOR false ·
///   5 eve@example.net "alice" EDITOR true
/// profiles: 1 → user 1 "Writes about Rust", 2 → user 4 (bio NULL)
/// posts (id, slug, title, published, viewCount, rating, author, publishedAt - T0 in ms;
///   createdAt = T0 + id min):
///   1 hello "Hello, World" true 10 4.5 1 10000 · 2 draft "A draft" false 5 NULL 1 NULL ·
///   3 fast "Fast queries 100% of the time" true 100 3.0 2 20000 · 4 rust "Rust tips" true 10
///   NULL 4 30000 · 5 sql "SQL_tricks" false 0 2.25 2 NULL · 6 more "more hello" true 7 5 4
///   40000 · 7 old "Old news" true 10 1 5 50000
/// comments (createdAt = T0 + n ms): c1 "Nice" post 1 by 2 · c2 "Agreed" post 1 by 3 reply to
///   c1 · c3 "Thanks" post 3 by 1 · c4 "Hmm" post 1 anonymous · c5 "Great" post 6 by 1
/// tags: 1 rust, 2 db, 3 web; post 1: rust, db; post 3: rust; post 4: rust, web; post 6: web
async fn fixture(backend: Backend) -> Option<Fixture> {
    let (db, raw) = database_with("blog", backend).await?;
    for (id, email, name, role, verified) in [
        (1, "alice@example.com", Some("Alice"), "ADMIN", true),
        (2, "bob@example.org", None, "AUTHOR", false),
        (3, "carol@example.com", Some("carol"), "READER", true),
        (4, "dave@EXAMPLE.com", Some("Dave"), "AUTHOR", false),
        (5, "eve@example.net", Some("alice"), "EDITOR", true),
    ] {
        seed(
            &raw,
            backend,
            r#"INSERT INTO "users" ("id", "email", "name", "role", "verified", "created_at", "updated_at") VALUES (?, ?, ?, {enum:Role}, ?, ?, ?)"#,
            vec![
                Value::Int(id),
                email.into(),
                name.into(),
                Value::Enum(role.into()),
                Value::Bool(verified),
                Value::DateTime(at(i64::from(id) * 1000)),
                Value::DateTime(at(0)),
            ],
        )
        .await;
    }
    for (id, bio, user) in [(1, Some("Writes about Rust"), 1), (2, None, 4)] {
        seed(
            &raw,
            backend,
            r#"INSERT INTO "profiles" ("id", "bio", "user_id") VALUES (?, ?, ?)"#,
            vec![Value::Int(id), bio.into(), Value::Int(user)],
        )
        .await;
    }
    for (id, slug, title, published, views, rating, author, published_at) in [
        (
            1,
            "hello",
            "Hello, World",
            true,
            10,
            Some(4.5),
            1,
            Some(10_000),
        ),
        (2, "draft", "A draft", false, 5, None, 1, None),
        (
            3,
            "fast",
            "Fast queries 100% of the time",
            true,
            100,
            Some(3.0),
            2,
            Some(20_000),
        ),
        (4, "rust", "Rust tips", true, 10, None, 4, Some(30_000)),
        (5, "sql", "SQL_tricks", false, 0, Some(2.25), 2, None),
        (6, "more", "more hello", true, 7, Some(5.0), 4, Some(40_000)),
        (7, "old", "Old news", true, 10, Some(1.0), 5, Some(50_000)),
    ] {
        seed(
            &raw,
            backend,
            r#"INSERT INTO "posts" ("id", "slug", "title", "published", "view_count", "rating", "published_at", "created_at", "updated_at", "author_id") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"#,
            vec![
                Value::Int(id),
                slug.into(),
                title.into(),
                Value::Bool(published),
                Value::Int(views),
                rating.into(),
                published_at.map(at).into(),
                Value::DateTime(at(i64::from(id) * 60_000)),
                Value::DateTime(at(0)),
                Value::Int(author),
            ],
        )
        .await;
    }
    for (n, (id, body, post_id, author, parent)) in [
        ("c1", "Nice", 1, Some(2), None),
        ("c2", "Agreed", 1, Some(3), Some("c1")),
        ("c3", "Thanks", 3, Some(1), None),
        ("c4", "Hmm", 1, None, None),
        ("c5", "Great", 6, Some(1), None),
    ]
    .into_iter()
    .enumerate()
    {
        seed(
            &raw,
            backend,
            r#"INSERT INTO "comments" ("id", "body", "post_id", "author_id", "parent_id", "created_at") VALUES (?, ?, ?, ?, ?, ?)"#,
            vec![
                id.into(),
                body.into(),
                Value::Int(post_id),
                author.into(),
                parent.into(),
                Value::DateTime(at(n as i64 + 1)),
            ],
        )
        .await;
    }
    for (id, name) in [(1, "rust"), (2, "db"), (3, "web")] {
        seed(
            &raw,
            backend,
            r#"INSERT INTO "tags" ("id", "name") VALUES (?, ?)"#,
            vec![Value::Int(id), name.into()],
        )
        .await;
    }
    for (p, t) in [(1, 1), (1, 2), (3, 1), (4, 1), (4, 3), (6, 3)] {
        seed(
            &raw,
            backend,
            r#"INSERT INTO "_PostToTag" ("A", "B") VALUES (?, ?)"#,
            vec![Value::Int(p), Value::Int(t)],
        )
        .await;
    }
    Some(Fixture {
        _db: db,
        client: db::Client::from_client(raw),
    })
}

/// The reference ran on SQLite and PostgreSQL (its schema engine has no MySQL).
const ORACLE_BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

macro_rules! parity {
    ($name:ident, |$c:ident, $backend:ident| $body:block) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $name() {
            for $backend in ORACLE_BACKENDS {
                let Some(f) = fixture($backend).await else {
                    continue;
                };
                let $c = &f.client;
                let run = async { $body };
                run.await;
            }
        }
    };
}

/// Per-backend expectation.
fn by_db<T>(backend: Backend, sqlite: T, postgres: T) -> T {
    match backend {
        Backend::Sqlite => sqlite,
        _ => postgres,
    }
}

fn post_ids<R>(v: &[db::Post<R>]) -> Vec<i32>
where
    db::Post<R>: Clone,
{
    v.iter().map(|p| p.id).collect()
}

fn ids_of<T>(v: &[T], id: impl Fn(&T) -> i32) -> Vec<i32> {
    v.iter().map(id).collect()
}

parity!(string_filters, |c, backend| {
    let posts = |f| async move {
        ids_of(
            &c.post()
                .find_many()
                .filter(f)
                .order_by(post::id().asc())
                .exec()
                .await
                .unwrap(),
            |p| p.id,
        )
    };
    // post.findMany({ where: { title: { contains: "hello" } }, orderBy: { id: "asc" } })
    // SQLite [1, 6] (LIKE ignores ASCII case), PostgreSQL [6].
    assert_eq!(
        posts(post::title().contains("hello")).await,
        by_db(backend, vec![1, 6], vec![6]),
        "{backend:?}"
    );
    // post.findMany({ where: { title: { contains: "SQL_" } } }) → [5]
    assert_eq!(posts(post::title().contains("SQL_")).await, [5]);
    // post.findMany({ where: { title: { contains: "100%" } } }) → [3]
    assert_eq!(posts(post::title().contains("100%")).await, [3]);
    // post.findMany({ where: { title: { contains: "_" } } }) → Prisma [1, 2, 3, 4, 5, 6, 7]:
    // Prisma sends `LIKE ('%' || $1 || '%')` without escaping, so `_` and `%` are wildcards.
    // Quarry matches the text literally (a deliberate difference): only "SQL_tricks".
    assert_eq!(posts(post::title().contains("_")).await, [5], "{backend:?}");

    let users = |f| async move {
        ids_of(
            &c.user()
                .find_many()
                .filter(f)
                .order_by(user::id().asc())
                .exec()
                .await
                .unwrap(),
            |u| u.id,
        )
    };
    // user.findMany({ where: { email: { endsWith: "example.com" } } })
    // SQLite [1, 3, 4] ("dave@EXAMPLE.com" matches), PostgreSQL [1, 3].
    assert_eq!(
        users(user::email().ends_with("example.com")).await,
        by_db(backend, vec![1, 3, 4], vec![1, 3]),
        "{backend:?}"
    );
    // user.findMany({ where: { name: { startsWith: "a" } } }) → SQLite [1, 5], PostgreSQL [5]
    assert_eq!(
        users(user::name().starts_with("a")).await,
        by_db(backend, vec![1, 5], vec![5]),
        "{backend:?}"
    );
    // user.findMany({ where: { name: "alice" } }) → [5] on both (= is case-sensitive).
    assert_eq!(users(user::name().equals("alice")).await, [5]);
    // user.findMany({ where: { name: { in: ["ALICE", "carol"] } } }) → [3]
    assert_eq!(users(user::name().in_(["ALICE", "carol"])).await, [3]);
    // user.findMany({ where: { name: { gt: "a" } } }) → [3, 5]
    assert_eq!(users(user::name().gt("a")).await, [3, 5]);
    // PostgreSQL only (Prisma rejects `mode` on SQLite: "Unknown argument `mode`"; Quarry
    // accepts it everywhere and gives the same answer):
    // user.findMany({ where: { name: { equals: "ALICE", mode: "insensitive" } } }) → [1, 5]
    assert_eq!(
        users(user::name().equals("ALICE").insensitive()).await,
        [1, 5]
    );
    // user.findMany({ where: { email: { contains: "EXAMPLE.COM", mode: "insensitive" } } }) → [1, 3, 4]
    assert_eq!(
        users(user::email().contains("EXAMPLE.COM").insensitive()).await,
        [1, 3, 4]
    );
});

parity!(null_and_negation, |c, backend| {
    let users = |f| async move {
        ids_of(
            &c.user()
                .find_many()
                .filter(f)
                .order_by(user::id().asc())
                .exec()
                .await
                .unwrap(),
            |u| u.id,
        )
    };
    // user.findMany({ where: { name: { not: "Alice" } } }) → [3, 4, 5] (NULL excluded)
    assert_eq!(users(user::name().not("Alice")).await, [3, 4, 5]);
    // user.findMany({ where: { NOT: { name: "Alice" } } }) → [3, 4, 5]
    assert_eq!(users(not(user::name().equals("Alice"))).await, [3, 4, 5]);
    // user.findMany({ where: { name: { notIn: ["Alice"] } } }) → [3, 4, 5]
    assert_eq!(users(user::name().not_in(["Alice"])).await, [3, 4, 5]);
    // post.findMany({ where: { rating: { not: 4.5 } } }) → [3, 5, 6, 7]
    let p = c
        .post()
        .find_many()
        .filter(post::rating().not(4.5))
        .order_by(post::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(post_ids(&p), [3, 5, 6, 7], "{backend:?}");
});

parity!(ordering_and_nulls, |c, backend| {
    let posts = |o1: quarry::OrderBy<db::Post>| async move {
        post_ids(
            &c.post()
                .find_many()
                .order_by(o1)
                .order_by(post::id().asc())
                .exec()
                .await
                .unwrap(),
        )
    };
    // post.findMany({ orderBy: [{ rating: "asc" }, { id: "asc" }] })
    // Prisma keeps each database's NULL placement: SQLite puts NULLs first when ascending,
    // PostgreSQL last.
    assert_eq!(
        posts(post::rating().asc()).await,
        by_db(
            backend,
            vec![2, 4, 7, 5, 3, 1, 6],
            vec![7, 5, 3, 1, 6, 2, 4]
        ),
        "{backend:?}"
    );
    // post.findMany({ orderBy: [{ rating: "desc" }, { id: "asc" }] })
    assert_eq!(
        posts(post::rating().desc()).await,
        by_db(
            backend,
            vec![6, 1, 3, 5, 7, 2, 4],
            vec![2, 4, 6, 1, 3, 5, 7]
        ),
        "{backend:?}"
    );
    // post.findMany({ orderBy: [{ rating: { sort: "asc", nulls: "last" } }, { id: "asc" }] })
    assert_eq!(
        posts(post::rating().asc().nulls_last()).await,
        [7, 5, 3, 1, 6, 2, 4]
    );
    // post.findMany({ orderBy: [{ rating: { sort: "desc", nulls: "first" } }, { id: "asc" }] })
    assert_eq!(
        posts(post::rating().desc().nulls_first()).await,
        [2, 4, 6, 1, 3, 5, 7]
    );
    // user.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }] })
    // SQLite [2, 1, 4, 5, 3]: NULL first, then binary order ("Alice" "Dave" "alice" "carol").
    // PostgreSQL [1, 4, 5, 3, 2] with the test server's C collation, NULL last.
    let u = c
        .user()
        .find_many()
        .order_by(user::name().asc())
        .order_by(user::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        ids_of(&u, |u| u.id),
        by_db(backend, vec![2, 1, 4, 5, 3], vec![1, 4, 5, 3, 2]),
        "{backend:?}"
    );
    // user.findMany({ orderBy: [{ role: "desc" }, { id: "asc" }] })
    // SQLite orders the enum's text, PostgreSQL its declaration order (READER AUTHOR EDITOR ADMIN).
    let u = c
        .user()
        .find_many()
        .order_by(user::role().desc())
        .order_by(user::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        ids_of(&u, |u| u.id),
        by_db(backend, vec![3, 5, 2, 4, 1], vec![1, 5, 2, 4, 3]),
        "{backend:?}"
    );
    // post.findMany({ orderBy: [{ viewCount: "desc" }, { id: "asc" }], skip: 1, take: 3 }) → [1, 4, 7]
    let p = c
        .post()
        .find_many()
        .order_by(post::view_count().desc())
        .order_by(post::id().asc())
        .skip(1)
        .take(3)
        .exec()
        .await
        .unwrap();
    assert_eq!(post_ids(&p), [1, 4, 7]);
    // post.findMany({ orderBy: { viewCount: "desc" }, take: 4 }): ties keep no defined order.
    // Prisma returned SQLite [3, 1, 4, 7], PostgreSQL [3, 4, 1, 7]; neither adds a tiebreaker.
    let p = c
        .post()
        .find_many()
        .order_by(post::view_count().desc())
        .take(4)
        .exec()
        .await
        .unwrap();
    let mut ties = post_ids(&p)[1..].to_vec();
    ties.sort();
    assert_eq!((p[0].id, ties), (3, vec![1, 4, 7]), "{backend:?}");
    // user.findMany({ orderBy: [{ posts: { _count: "desc" } }, { id: "asc" }] }) → [1, 2, 4, 5, 3]
    let u = c
        .user()
        .find_many()
        .order_by(user::posts().count_desc())
        .order_by(user::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(ids_of(&u, |u| u.id), [1, 2, 4, 5, 3]);
    // post.findFirst({ where: { published: true }, orderBy: { createdAt: "desc" } }) → 7
    let first = c
        .post()
        .find_first()
        .filter(post::published().equals(true))
        .order_by(post::created_at().desc())
        .exec()
        .await
        .unwrap();
    assert_eq!(first.map(|p| p.id), Some(7));
});

parity!(cursor_and_distinct, |c, backend| {
    // post.findMany({ cursor: { id: 3 }, skip: 1, take: 2, orderBy: { id: "asc" } }) → [4, 5]
    let p = c
        .post()
        .find_many()
        .cursor(post::by_id(3))
        .skip(1)
        .take(2)
        .order_by(post::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(post_ids(&p), [4, 5]);
    // post.findMany({ cursor: { id: 5 }, take: -2, orderBy: { id: "asc" } }) → [4, 5]
    let p = c
        .post()
        .find_many()
        .cursor(post::by_id(5))
        .take(-2)
        .order_by(post::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(post_ids(&p), [4, 5]);
    // post.findMany({ cursor: { id: 4 }, orderBy: [{ viewCount: "desc" }, { id: "asc" }] })
    // → [4, 7, 6, 2, 5]
    let p = c
        .post()
        .find_many()
        .cursor(post::by_id(4))
        .order_by(post::view_count().desc())
        .order_by(post::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(post_ids(&p), [4, 7, 6, 2, 5], "{backend:?}");
    // post.findMany({ distinct: ["authorId"], orderBy: [{ viewCount: "desc" }, { id: "asc" }] })
    // → [3, 1, 4, 7]: the first row of each author in that order.
    let p = c
        .post()
        .find_many()
        .distinct([post::author_id()])
        .order_by(post::view_count().desc())
        .order_by(post::id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(post_ids(&p), [3, 1, 4, 7], "{backend:?}");
    // post.findMany({ distinct: ["authorId"], orderBy: { id: "asc" }, skip: 1, take: 2 }) → [3, 4]
    // (Prisma applies distinct, then skip/take, in memory).
    let p = c
        .post()
        .find_many()
        .distinct([post::author_id()])
        .order_by(post::id().asc())
        .skip(1)
        .take(2)
        .exec()
        .await
        .unwrap();
    assert_eq!(post_ids(&p), [3, 4], "{backend:?}");
});

parity!(includes, |c, backend| {
    // The same results with both relation-load strategies (one statement per include level,
    // or one statement with JSON-aggregated includes).
    for strategy in [
        quarry::RelationLoadStrategy::Query,
        quarry::RelationLoadStrategy::Join,
    ] {
        // user.findMany({ orderBy: { id: "asc" }, include: { posts: { where: { published: true },
        //   orderBy: [{ viewCount: "desc" }, { id: "asc" }], take: 1 } } })
        // → [[1, [1]], [2, [3]], [3, []], [4, [4]], [5, [7]]]
        let u = c
            .user()
            .find_many()
            .order_by(user::id().asc())
            .include(
                user::posts().with(
                    post::find()
                        .filter(post::published().equals(true))
                        .order_by(post::view_count().desc())
                        .order_by(post::id().asc())
                        .take(1),
                ),
            )
            .relation_load_strategy(strategy)
            .exec()
            .await
            .unwrap();
        assert_eq!(
            u.iter()
                .map(|u| (u.id, post_ids(&u.posts)))
                .collect::<Vec<_>>(),
            [
                (1, vec![1]),
                (2, vec![3]),
                (3, vec![]),
                (4, vec![4]),
                (5, vec![7])
            ],
            "{backend:?} {strategy:?}"
        );
        // user.findMany({ where: { id: { in: [1, 2, 4] } }, orderBy: { id: "desc" }, include: {
        //   profile: true, posts: { orderBy: { id: "asc" }, include: {
        //     comments: { where: { authorId: { not: null } }, orderBy: { id: "asc" } },
        //     tags: { orderBy: { name: "asc" } } } } } })
        // → [[4, null, [[4, [], ["rust", "web"]], [6, ["c5"], ["web"]]]],
        //    [2, null, [[3, ["c3"], ["rust"]], [5, [], []]]],
        //    [1, "Writes about Rust", [[1, ["c1", "c2"], ["db", "rust"]], [2, [], []]]]]
        let u = c
            .user()
            .find_many()
            .filter(user::id().in_([1, 2, 4]))
            .order_by(user::id().desc())
            .include(user::profile())
            .include(
                user::posts().with(
                    post::find()
                        .order_by(post::id().asc())
                        .include(
                            post::comments().with(
                                comment::find()
                                    .filter(comment::author_id().is_not_null())
                                    .order_by(comment::id().asc()),
                            ),
                        )
                        .include(post::tags().with(tag::find().order_by(tag::name().asc()))),
                ),
            )
            .relation_load_strategy(strategy)
            .exec()
            .await
            .unwrap();
        type Shape = (i32, Option<String>, Vec<(i32, Vec<String>, Vec<String>)>);
        let got: Vec<Shape> = u
            .iter()
            .map(|u| {
                (
                    u.id,
                    u.profile.as_ref().and_then(|p| p.bio.clone()),
                    u.posts
                        .iter()
                        .map(|p| {
                            (
                                p.id,
                                p.comments.iter().map(|c| c.id.clone()).collect(),
                                p.tags.iter().map(|t| t.name.clone()).collect(),
                            )
                        })
                        .collect(),
                )
            })
            .collect();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            got,
            vec![
                (
                    4,
                    None,
                    vec![
                        (4, s(&[]), s(&["rust", "web"])),
                        (6, s(&["c5"]), s(&["web"]))
                    ]
                ),
                (
                    2,
                    None,
                    vec![(3, s(&["c3"]), s(&["rust"])), (5, s(&[]), s(&[]))]
                ),
                (
                    1,
                    Some("Writes about Rust".to_string()),
                    vec![
                        (1, s(&["c1", "c2"]), s(&["db", "rust"])),
                        (2, s(&[]), s(&[]))
                    ]
                ),
            ],
            "{backend:?} {strategy:?}"
        );
        assert!(u[0].profile.is_some(), "user 4 has a profile without a bio");
        assert!(u[1].profile.is_none());
        // user.findMany({ where: { posts: { some: {} } }, orderBy: { id: "asc" },
        //   include: { posts: { orderBy: { id: "desc" }, skip: 1 } } })
        // → [[1, [1]], [2, [3]], [4, [4]], [5, []]]
        let u = c
            .user()
            .find_many()
            .filter(user::posts().some(quarry::and([])))
            .order_by(user::id().asc())
            .include(user::posts().with(post::find().order_by(post::id().desc()).skip(1)))
            .relation_load_strategy(strategy)
            .exec()
            .await
            .unwrap();
        assert_eq!(
            u.iter()
                .map(|u| (u.id, post_ids(&u.posts)))
                .collect::<Vec<_>>(),
            [(1, vec![1]), (2, vec![3]), (4, vec![4]), (5, vec![])],
            "{backend:?} {strategy:?}"
        );
    }
    // user.findUnique({ where: { id: 2 } }) → { id: 2, email: "bob@example.org", name: null,
    //   role: "AUTHOR", verified: false, createdAt: "2023-11-14T22:13:22.000Z",
    //   updatedAt: "2023-11-14T22:13:20.000Z" }
    let bob = c
        .user()
        .find_unique(user::by_id(2))
        .exec()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            bob.email.as_str(),
            bob.name.as_deref(),
            bob.role,
            bob.verified,
            bob.created_at,
            bob.updated_at
        ),
        (
            "bob@example.org",
            None,
            Role::Author,
            false,
            utc("2023-11-14T22:13:22.000Z"),
            utc("2023-11-14T22:13:20.000Z")
        )
    );
});

parity!(relation_and_datetime_filters, |c, backend| {
    let users = |f| async move {
        ids_of(
            &c.user()
                .find_many()
                .filter(f)
                .order_by(user::id().asc())
                .exec()
                .await
                .unwrap(),
            |u| u.id,
        )
    };
    let posts = |f| async move {
        post_ids(
            &c.post()
                .find_many()
                .filter(f)
                .order_by(post::id().asc())
                .exec()
                .await
                .unwrap(),
        )
    };
    // user.findMany({ where: { posts: { some: { published: false } } } }) → [1, 2]
    assert_eq!(
        users(user::posts().some(post::published().equals(false))).await,
        [1, 2]
    );
    // user.findMany({ where: { posts: { every: { published: true } } } }) → [3, 4, 5]
    assert_eq!(
        users(user::posts().every(post::published().equals(true))).await,
        [3, 4, 5]
    );
    // user.findMany({ where: { posts: { none: { viewCount: { gte: 10 } } } } }) → [3]
    assert_eq!(
        users(user::posts().none(post::view_count().gte(10))).await,
        [3]
    );
    // post.findMany({ where: { tags: { some: { name: "web" } } } }) → [4, 6]
    assert_eq!(
        posts(post::tags().some(tag::name().equals("web"))).await,
        [4, 6]
    );
    // post.findMany({ where: { author: { is: { profile: { isNot: null } } } } }) → [1, 2, 4, 6]
    assert_eq!(
        posts(post::author().is(not(user::profile().is_none()))).await,
        [1, 2, 4, 6],
        "{backend:?}"
    );
    // post.findMany({ where: { publishedAt: new Date(T0 + 20000) } }) → [3]
    assert_eq!(posts(post::published_at().equals(at(20_000))).await, [3]);
    // post.findMany({ where: { createdAt: { gt: new Date(T0 + 4 * 60000) } } }) → [5, 6, 7]
    assert_eq!(
        posts(post::created_at().gt(at(4 * 60_000))).await,
        [5, 6, 7]
    );
    // post.findMany({ where: { publishedAt: { lte: new Date(T0 + 30000) } } }) → [1, 3, 4]
    assert_eq!(posts(post::published_at().lte(at(30_000))).await, [1, 3, 4]);
});

parity!(count_and_aggregate, |c, backend| {
    // [post.count(), post.count({ where: { published: true } }),
    //  post.count({ where: { author: { role: "AUTHOR" } } }), post.count({ where: { rating: null } }),
    //  post.count({ orderBy: { id: "asc" }, skip: 2, take: 3 })] → [7, 5, 4, 2, 3]
    let counts = [
        c.post().count().exec().await.unwrap(),
        c.post()
            .count()
            .filter(post::published().equals(true))
            .exec()
            .await
            .unwrap(),
        c.post()
            .count()
            .filter(post::author().is(user::role().equals(Role::Author)))
            .exec()
            .await
            .unwrap(),
        c.post()
            .count()
            .filter(post::rating().is_null())
            .exec()
            .await
            .unwrap(),
        c.post()
            .count()
            .order_by(post::id().asc())
            .skip(2)
            .take(3)
            .exec()
            .await
            .unwrap(),
    ];
    assert_eq!(counts, [7, 5, 4, 2, 3], "{backend:?}");

    // post.aggregate({ where: { published: true }, _count: { _all: true, rating: true },
    //   _sum: { viewCount: true, rating: true }, _avg: { viewCount: true, rating: true },
    //   _min: { rating: true, createdAt: true, title: true },
    //   _max: { viewCount: true, publishedAt: true } })
    // → { _count: { _all: 5, rating: 4 }, _sum: { viewCount: 137, rating: 13.5 },
    //     _avg: { viewCount: 27.4, rating: 3.375 },
    //     _min: { rating: 1, createdAt: "2023-11-14T22:14:20.000Z", title: "Fast queries 100% of the time" },
    //     _max: { viewCount: 100, publishedAt: "2023-11-14T22:14:10.000Z" } }
    let got = c
        .post()
        .aggregate((
            post::count(),
            post::rating().count(),
            post::view_count().sum(),
            post::rating().sum(),
            post::view_count().avg(),
            post::rating().avg(),
            post::rating().min(),
            post::created_at().min(),
            post::title().min(),
            post::view_count().max(),
            post::published_at().max(),
        ))
        .filter(post::published().equals(true))
        .exec()
        .await
        .unwrap();
    assert_eq!(
        got,
        (
            5,
            4,
            Some(137),
            Some(13.5),
            Some(27.4),
            Some(3.375),
            Some(1.0),
            Some(utc("2023-11-14T22:14:20.000Z")),
            Some("Fast queries 100% of the time".to_string()),
            Some(100),
            Some(utc("2023-11-14T22:14:10.000Z")),
        ),
        "{backend:?}"
    );
    // post.aggregate({ where: { id: 99 }, _count: { _all: true }, _sum: { viewCount: true },
    //   _avg: { rating: true }, _min: { createdAt: true } })
    // → { _count: { _all: 0 }, _sum: { viewCount: null }, _avg: { rating: null }, _min: { createdAt: null } }
    let empty = c
        .post()
        .aggregate((
            post::count(),
            post::view_count().sum(),
            post::rating().avg(),
            post::created_at().min(),
        ))
        .filter(post::id().equals(99))
        .exec()
        .await
        .unwrap();
    assert_eq!(empty, (0, None, None, None), "{backend:?}");
    // post.aggregate({ _avg: { viewCount: true, rating: true }, _sum: { rating: true } })
    // → { _avg: { viewCount: 20.285714285714285, rating: 3.15 }, _sum: { rating: 15.75 } }
    // (PostgreSQL computes AVG(integer) as NUMERIC 20.2857142857142857; both clients return
    // the nearest double.)
    let avg = c
        .post()
        .aggregate((
            post::view_count().avg(),
            post::rating().avg(),
            post::rating().sum(),
        ))
        .exec()
        .await
        .unwrap();
    assert_eq!(
        avg,
        (Some(20.285714285714285), Some(3.15), Some(15.75)),
        "{backend:?}"
    );
});

parity!(group_by, |c, backend| {
    // post.groupBy({ by: ["authorId"], _count: { _all: true }, _sum: { viewCount: true },
    //   _avg: { rating: true }, having: { viewCount: { _sum: { gt: 10 } } }, orderBy: { authorId: "asc" } })
    // → [{ authorId: 1, _count: { _all: 2 }, _sum: { viewCount: 15 }, _avg: { rating: 4.5 } },
    //    { authorId: 2, _count: { _all: 2 }, _sum: { viewCount: 100 }, _avg: { rating: 2.625 } },
    //    { authorId: 4, _count: { _all: 2 }, _sum: { viewCount: 17 }, _avg: { rating: 5 } }]
    let g = c
        .post()
        .group_by(
            (post::author_id(),),
            (
                post::count(),
                post::view_count().sum(),
                post::rating().avg(),
            ),
        )
        .having(post::view_count().sum().gt(10))
        .order_by(post::author_id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        g,
        vec![
            ((1,), (2, Some(15), Some(4.5))),
            ((2,), (2, Some(100), Some(2.625))),
            ((4,), (2, Some(17), Some(5.0))),
        ],
        "{backend:?}"
    );
    // post.groupBy({ by: ["published", "authorId"], _count: { _all: true }, _max: { createdAt: true },
    //   orderBy: [{ published: "asc" }, { authorId: "asc" }] })
    let g = c
        .post()
        .group_by(
            (post::published(), post::author_id()),
            (post::count(), post::created_at().max()),
        )
        .order_by(post::published().asc())
        .order_by(post::author_id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        g,
        vec![
            ((false, 1), (1, Some(utc("2023-11-14T22:15:20.000Z")))),
            ((false, 2), (1, Some(utc("2023-11-14T22:18:20.000Z")))),
            ((true, 1), (1, Some(utc("2023-11-14T22:14:20.000Z")))),
            ((true, 2), (1, Some(utc("2023-11-14T22:16:20.000Z")))),
            ((true, 4), (2, Some(utc("2023-11-14T22:19:20.000Z")))),
            ((true, 5), (1, Some(utc("2023-11-14T22:20:20.000Z")))),
        ],
        "{backend:?}"
    );
    // post.groupBy({ by: ["authorId"], _sum: { viewCount: true },
    //   orderBy: [{ _sum: { viewCount: "desc" } }, { authorId: "asc" }], take: 2 })
    // → [{ authorId: 2, _sum: { viewCount: 100 } }, { authorId: 4, _sum: { viewCount: 17 } }]
    let g = c
        .post()
        .group_by((post::author_id(),), (post::view_count().sum(),))
        .order_by(post::view_count().sum().desc())
        .order_by(post::author_id().asc())
        .take(2)
        .exec()
        .await
        .unwrap();
    assert_eq!(
        g,
        vec![((2,), (Some(100),)), ((4,), (Some(17),))],
        "{backend:?}"
    );
    // user.groupBy({ by: ["role"], _count: { _all: true }, orderBy: { role: "asc" } })
    // SQLite: ADMIN 1, AUTHOR 2, EDITOR 1, READER 1 (text order);
    // PostgreSQL: READER 1, AUTHOR 2, EDITOR 1, ADMIN 1 (declaration order).
    let g = c
        .user()
        .group_by((user::role(),), (user::count(),))
        .order_by(user::role().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        g,
        by_db(
            backend,
            vec![
                ((Role::Admin,), (1,)),
                ((Role::Author,), (2,)),
                ((Role::Editor,), (1,)),
                ((Role::Reader,), (1,)),
            ],
            vec![
                ((Role::Reader,), (1,)),
                ((Role::Author,), (2,)),
                ((Role::Editor,), (1,)),
                ((Role::Admin,), (1,)),
            ]
        ),
        "{backend:?}"
    );
    // post.groupBy({ by: ["authorId"], where: { rating: { not: null } }, _count: { rating: true },
    //   _avg: { rating: true }, having: { rating: { _avg: { gte: 2 } } }, orderBy: { authorId: "asc" } })
    // → [{ authorId: 1, _count: { rating: 1 }, _avg: { rating: 4.5 } },
    //    { authorId: 2, _count: { rating: 2 }, _avg: { rating: 2.625 } },
    //    { authorId: 4, _count: { rating: 1 }, _avg: { rating: 5 } }]
    let g = c
        .post()
        .group_by(
            (post::author_id(),),
            (post::rating().count(), post::rating().avg()),
        )
        .filter(post::rating().is_not_null())
        .having(post::rating().avg().gte(2.0))
        .order_by(post::author_id().asc())
        .exec()
        .await
        .unwrap();
    assert_eq!(
        g,
        vec![
            ((1,), (1, Some(4.5))),
            ((2,), (2, Some(2.625))),
            ((4,), (1, Some(5.0))),
        ],
        "{backend:?}"
    );
});

/// Paging inside an include is per parent, and Prisma does it in memory: a negative take keeps
/// the last rows, `distinct` comes before skip/take, and a cursor yields nothing for a parent
/// whose rows do not include the cursor record. Prisma returned the same on SQLite and
/// PostgreSQL, with its query and (PostgreSQL, `relationJoins`) join strategies; the results do
/// not depend on the database, so MariaDB is held to them too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_paging() {
    use quarry::RelationLoadStrategy::{Join, Query};
    for backend in Backend::ALL {
        let Some(f) = fixture(backend).await else {
            continue;
        };
        let c = &f.client;
        for strategy in [Query, Join] {
            macro_rules! posts_per_user {
                ($find:expr) => {
                    c.user()
                        .find_many()
                        .order_by(user::id().asc())
                        .include(user::posts().with($find))
                        .relation_load_strategy(strategy)
                        .exec()
                        .await
                        .unwrap_or_else(|e| panic!("{backend:?} {strategy:?}: {e}"))
                        .iter()
                        .map(|u| (u.id, post_ids(&u.posts)))
                        .collect::<Vec<_>>()
                };
            }
            let at = format!("{backend:?} {strategy:?}");
            // include: { posts: { orderBy: { id: "asc" }, take: -1 } }
            assert_eq!(
                posts_per_user!(post::find().order_by(post::id().asc()).take(-1)),
                [
                    (1, vec![2]),
                    (2, vec![5]),
                    (3, vec![]),
                    (4, vec![6]),
                    (5, vec![7])
                ],
                "{at}"
            );
            // include: { posts: { orderBy: [{ viewCount: "desc" }, { id: "asc" }], skip: 1,
            //   take: -1 } }
            assert_eq!(
                posts_per_user!(post::find()
                    .order_by(post::view_count().desc())
                    .order_by(post::id().asc())
                    .skip(1)
                    .take(-1)),
                [
                    (1, vec![1]),
                    (2, vec![3]),
                    (3, vec![]),
                    (4, vec![4]),
                    (5, vec![])
                ],
                "{at}"
            );
            // include: { posts: { orderBy: { id: "asc" }, cursor: { id: 2 } } }
            assert_eq!(
                posts_per_user!(post::find()
                    .order_by(post::id().asc())
                    .cursor(post::by_id(2))),
                [
                    (1, vec![2]),
                    (2, vec![]),
                    (3, vec![]),
                    (4, vec![]),
                    (5, vec![])
                ],
                "{at}"
            );
            // include: { posts: { orderBy: { id: "asc" }, cursor: { id: 6 }, take: -2 } }
            assert_eq!(
                posts_per_user!(post::find()
                    .order_by(post::id().asc())
                    .cursor(post::by_id(6))
                    .take(-2)),
                [
                    (1, vec![]),
                    (2, vec![]),
                    (3, vec![]),
                    (4, vec![4, 6]),
                    (5, vec![])
                ],
                "{at}"
            );
            // include: { posts: { orderBy: { id: "asc" }, distinct: ["published"] } }
            assert_eq!(
                posts_per_user!(post::find()
                    .order_by(post::id().asc())
                    .distinct([post::published()])),
                [
                    (1, vec![1, 2]),
                    (2, vec![3, 5]),
                    (3, vec![]),
                    (4, vec![4]),
                    (5, vec![7])
                ],
                "{at}"
            );
            // include: { posts: { orderBy: { id: "desc" }, distinct: ["published"], skip: 1,
            //   take: 1 } }
            assert_eq!(
                posts_per_user!(post::find()
                    .order_by(post::id().desc())
                    .distinct([post::published()])
                    .skip(1)
                    .take(1)),
                [
                    (1, vec![1]),
                    (2, vec![3]),
                    (3, vec![]),
                    (4, vec![]),
                    (5, vec![])
                ],
                "{at}"
            );
            // include: { posts: { orderBy: { id: "asc" }, include: { comments: {
            //   orderBy: { id: "asc" }, take: -1 } } } }
            let u = c
                .user()
                .find_many()
                .order_by(user::id().asc())
                .include(
                    user::posts().with(
                        post::find().order_by(post::id().asc()).include(
                            post::comments()
                                .with(comment::find().order_by(comment::id().asc()).take(-1)),
                        ),
                    ),
                )
                .relation_load_strategy(strategy)
                .exec()
                .await
                .unwrap();
            type PostsWithComments = Vec<(i32, Vec<String>)>;
            let got: Vec<(i32, PostsWithComments)> = u
                .iter()
                .map(|u| {
                    let posts = u.posts.iter();
                    let posts =
                        posts.map(|p| (p.id, p.comments.iter().map(|c| c.id.clone()).collect()));
                    (u.id, posts.collect())
                })
                .collect();
            let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
            assert_eq!(
                got,
                vec![
                    (1, vec![(1, s(&["c4"])), (2, s(&[]))]),
                    (2, vec![(3, s(&["c3"])), (5, s(&[]))]),
                    (3, vec![]),
                    (4, vec![(4, s(&[])), (6, s(&["c5"]))]),
                    (5, vec![(7, s(&[]))]),
                ],
                "{at}"
            );
        }
        // post.findMany({ orderBy: { id: "asc" }, distinct: ["authorId"], take: -2 }) → [6, 7]:
        // de-duplicated in the order the rows are read (backwards), then put back in order.
        let p = c
            .post()
            .find_many()
            .order_by(post::id().asc())
            .distinct([post::author_id()])
            .take(-2)
            .exec()
            .await
            .unwrap();
        assert_eq!(post_ids(&p), [6, 7], "{backend:?}");
        // post.findMany({ orderBy: { id: "asc" }, distinct: ["published"], skip: 1, take: -1 })
        // → [5]
        let p = c
            .post()
            .find_many()
            .order_by(post::id().asc())
            .distinct([post::published()])
            .skip(1)
            .take(-1)
            .exec()
            .await
            .unwrap();
        assert_eq!(post_ids(&p), [5], "{backend:?}");
    }
}

// The oracle run: in a copy of /work/shared/oracle, `blog.prisma` copied to `blog-sqlite/` and
// `blog-pg/` (generator `provider = "prisma-client"`, `output = "./generated"`; the provider
// switched to postgresql for `blog-pg/`), `prisma db push` and `prisma generate` in each, then
//
//     DATABASE_URL=file:./blog-sqlite/dev.db npx tsx parity.ts sqlite
//     DATABASE_URL=postgresql://postgres@127.0.0.1:5432/prisma_parity npx tsx parity.ts pg
//
// with this `parity.ts` (it seeds the fixture with `prisma.*.create` and prints every result;
// `nested_paging`'s queries were run the same way, each quoted above its expectation):
//
// // Runs the read queries of Quarry's prisma_parity.rs with Prisma 7 on the same data.
// // Usage: DATABASE_URL=... npx tsx parity.ts sqlite|pg
// const target = process.argv[2] ?? "sqlite";
// const url = process.env.DATABASE_URL!;
// const log = process.env.LOG_QUERIES ? [{ emit: "stdout", level: "query" } as const] : [];
// let prisma: any;
// if (target === "sqlite") {
//   const { PrismaClient } = await import("./blog-sqlite/generated/client.ts");
//   const { PrismaBetterSqlite3 } = await import("@prisma/adapter-better-sqlite3");
//   prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url }), log });
// } else {
//   const { PrismaClient } = await import("./blog-pg/generated/client.ts");
//   const { PrismaPg } = await import("@prisma/adapter-pg");
//   prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }), log });
// }
// const T0 = 1_700_000_000_000;
// const at = (ms: number) => new Date(T0 + ms);
// await prisma.comment.deleteMany();
// await prisma.$executeRawUnsafe(target === "sqlite" ? 'DELETE FROM "_PostToTag"' : 'DELETE FROM "_PostToTag"');
// await prisma.post.deleteMany();
// await prisma.profile.deleteMany();
// await prisma.user.deleteMany();
// await prisma.tag.deleteMany();
// const users = [
//   [1, "alice@example.com", "Alice", "ADMIN", true],
//   [2, "bob@example.org", null, "AUTHOR", false],
//   [3, "carol@example.com", "carol", "READER", true],
//   [4, "dave@EXAMPLE.com", "Dave", "AUTHOR", false],
//   [5, "eve@example.net", "alice", "EDITOR", true],
// ];
// for (const [id, email, name, role, verified] of users as any[]) {
//   await prisma.user.create({ data: { id, email, name, role, verified, createdAt: at(id * 1000), updatedAt: at(0) } });
// }
// await prisma.profile.create({ data: { id: 1, bio: "Writes about Rust", userId: 1 } });
// await prisma.profile.create({ data: { id: 2, bio: null, userId: 4 } });
// const posts = [
//   [1, "hello", "Hello, World", true, 10, 4.5, 1, 10_000],
//   [2, "draft", "A draft", false, 5, null, 1, null],
//   [3, "fast", "Fast queries 100% of the time", true, 100, 3.0, 2, 20_000],
//   [4, "rust", "Rust tips", true, 10, null, 4, 30_000],
//   [5, "sql", "SQL_tricks", false, 0, 2.25, 2, null],
//   [6, "more", "more hello", true, 7, 5, 4, 40_000],
//   [7, "old", "Old news", true, 10, 1, 5, 50_000],
// ];
// for (const [id, slug, title, published, viewCount, rating, authorId, pub] of posts as any[]) {
//   await prisma.post.create({
//     data: { id, slug, title, published, viewCount, rating, authorId, publishedAt: pub === null ? null : at(pub), createdAt: at(id * 60_000), updatedAt: at(0) },
//   });
// }
// const comments = [
//   ["c1", "Nice", 1, 2, null],
//   ["c2", "Agreed", 1, 3, "c1"],
//   ["c3", "Thanks", 3, 1, null],
//   ["c4", "Hmm", 1, null, null],
//   ["c5", "Great", 6, 1, null],
// ];
// for (const [i, [id, body, postId, authorId, parentId]] of (comments as any[]).entries()) {
//   await prisma.comment.create({ data: { id, body, postId, authorId, parentId, createdAt: at(i + 1) } });
// }
// for (const [id, name] of [[1, "rust"], [2, "db"], [3, "web"]] as any[]) await prisma.tag.create({ data: { id, name } });
// for (const [postId, tags] of [[1, [1, 2]], [3, [1]], [4, [1, 3]], [6, [3]]] as any[]) {
//   await prisma.post.update({ where: { id: postId }, data: { tags: { connect: tags.map((id: number) => ({ id })) } } });
// }
//
// const ids = (rows: any[]) => rows.map((r) => r.id);
// const out: Record<string, unknown> = {};
// const q = async (label: string, f: () => Promise<unknown>) => {
//   try {
//     out[label] = await f();
//   } catch (e: any) {
//     out[label] = { error: String(e.message).split("\n").slice(-3).join(" ") };
//   }
// };
// await q("q01_contains", async () => ids(await prisma.post.findMany({ where: { title: { contains: "hello" } }, orderBy: { id: "asc" } })));
// await q("q02_contains_wildcards", async () => [
//   ids(await prisma.post.findMany({ where: { title: { contains: "SQL_" } }, orderBy: { id: "asc" } })),
//   ids(await prisma.post.findMany({ where: { title: { contains: "100%" } }, orderBy: { id: "asc" } })),
//   ids(await prisma.post.findMany({ where: { title: { contains: "_" } }, orderBy: { id: "asc" } })),
// ]);
// await q("q03_order_skip_take", async () => ids(await prisma.post.findMany({ orderBy: [{ viewCount: "desc" }, { id: "asc" }], skip: 1, take: 3 })));
// await q("q04_nulls_default_asc", async () => ids(await prisma.post.findMany({ orderBy: [{ rating: "asc" }, { id: "asc" }] })));
// await q("q05_nulls_default_desc", async () => ids(await prisma.post.findMany({ orderBy: [{ rating: "desc" }, { id: "asc" }] })));
// await q("q06_nulls_last_asc", async () => ids(await prisma.post.findMany({ orderBy: [{ rating: { sort: "asc", nulls: "last" } }, { id: "asc" }] })));
// await q("q07_nulls_first_desc", async () => ids(await prisma.post.findMany({ orderBy: [{ rating: { sort: "desc", nulls: "first" } }, { id: "asc" }] })));
// await q("q08_text_order", async () => ids(await prisma.user.findMany({ orderBy: [{ name: "asc" }, { id: "asc" }] })));
// await q("q09_cursor_skip_take", async () => ids(await prisma.post.findMany({ cursor: { id: 3 }, skip: 1, take: 2, orderBy: { id: "asc" } })));
// await q("q10_cursor_negative_take", async () => ids(await prisma.post.findMany({ cursor: { id: 5 }, take: -2, orderBy: { id: "asc" } })));
// await q("q11_cursor_other_order", async () => ids(await prisma.post.findMany({ cursor: { id: 4 }, orderBy: [{ viewCount: "desc" }, { id: "asc" }] })));
// await q("q12_distinct", async () => ids(await prisma.post.findMany({ distinct: ["authorId"], orderBy: [{ viewCount: "desc" }, { id: "asc" }] })));
// await q("q13_distinct_skip_take", async () => ids(await prisma.post.findMany({ distinct: ["authorId"], orderBy: { id: "asc" }, skip: 1, take: 2 })));
// await q("q14_include_where_order_take", async () =>
//   (await prisma.user.findMany({ orderBy: { id: "asc" }, include: { posts: { where: { published: true }, orderBy: [{ viewCount: "desc" }, { id: "asc" }], take: 1 } } })).map((u: any) => [u.id, ids(u.posts)]),
// );
// await q("q15_include_nested", async () =>
//   (await prisma.user.findMany({
//     where: { id: { in: [1, 2, 4] } },
//     orderBy: { id: "desc" },
//     include: { profile: true, posts: { orderBy: { id: "asc" }, include: { comments: { where: { authorId: { not: null } }, orderBy: { id: "asc" } }, tags: { orderBy: { name: "asc" } } } } },
//   })).map((u: any) => [u.id, u.profile?.bio ?? null, u.posts.map((p: any) => [p.id, p.comments.map((c: any) => c.id), p.tags.map((t: any) => t.name)])]),
// );
// await q("q16_include_skip", async () =>
//   (await prisma.user.findMany({ where: { posts: { some: {} } }, orderBy: { id: "asc" }, include: { posts: { orderBy: { id: "desc" }, skip: 1 } } })).map((u: any) => [u.id, ids(u.posts)]),
// );
// await q("q17_count", async () => [
//   await prisma.post.count(),
//   await prisma.post.count({ where: { published: true } }),
//   await prisma.post.count({ where: { author: { role: "AUTHOR" } } }),
//   await prisma.post.count({ where: { rating: null } }),
//   await prisma.post.count({ orderBy: { id: "asc" }, skip: 2, take: 3 }),
// ]);
// await q("q18_aggregate", async () =>
//   await prisma.post.aggregate({ where: { published: true }, _count: { _all: true, rating: true }, _sum: { viewCount: true, rating: true }, _avg: { viewCount: true, rating: true }, _min: { rating: true, createdAt: true, title: true }, _max: { viewCount: true, publishedAt: true } }),
// );
// await q("q19_aggregate_empty", async () => await prisma.post.aggregate({ where: { id: 99 }, _count: { _all: true }, _sum: { viewCount: true }, _avg: { rating: true }, _min: { createdAt: true } }));
// await q("q20_aggregate_avg_precision", async () => await prisma.post.aggregate({ _avg: { viewCount: true, rating: true }, _sum: { rating: true } }));
// await q("q21_group_by_having", async () =>
//   await prisma.post.groupBy({ by: ["authorId"], _count: { _all: true }, _sum: { viewCount: true }, _avg: { rating: true }, having: { viewCount: { _sum: { gt: 10 } } }, orderBy: { authorId: "asc" } }),
// );
// await q("q22_group_by_two_keys", async () =>
//   await prisma.post.groupBy({ by: ["published", "authorId"], _count: { _all: true }, _max: { createdAt: true }, orderBy: [{ published: "asc" }, { authorId: "asc" }] }),
// );
// await q("q23_group_by_order_by_aggregate", async () =>
//   await prisma.post.groupBy({ by: ["authorId"], _sum: { viewCount: true }, orderBy: [{ _sum: { viewCount: "desc" } }, { authorId: "asc" }], take: 2 }),
// );
// await q("q24_group_by_enum", async () => await prisma.user.groupBy({ by: ["role"], _count: { _all: true }, orderBy: { role: "asc" } }));
// await q("q25_order_by_enum", async () => ids(await prisma.user.findMany({ orderBy: [{ role: "desc" }, { id: "asc" }] })));
// await q("q26_relation_filters", async () => [
//   ids(await prisma.user.findMany({ where: { posts: { some: { published: false } } }, orderBy: { id: "asc" } })),
//   ids(await prisma.user.findMany({ where: { posts: { every: { published: true } } }, orderBy: { id: "asc" } })),
//   ids(await prisma.user.findMany({ where: { posts: { none: { viewCount: { gte: 10 } } } }, orderBy: { id: "asc" } })),
//   ids(await prisma.post.findMany({ where: { tags: { some: { name: "web" } } }, orderBy: { id: "asc" } })),
//   ids(await prisma.post.findMany({ where: { author: { is: { profile: { isNot: null } } } }, orderBy: { id: "asc" } })),
// ]);
// await q("q27_not_and_null", async () => [
//   ids(await prisma.user.findMany({ where: { name: { not: "Alice" } }, orderBy: { id: "asc" } })),
//   ids(await prisma.user.findMany({ where: { NOT: { name: "Alice" } }, orderBy: { id: "asc" } })),
//   ids(await prisma.user.findMany({ where: { name: { notIn: ["Alice"] } }, orderBy: { id: "asc" } })),
//   ids(await prisma.post.findMany({ where: { rating: { not: 4.5 } }, orderBy: { id: "asc" } })),
// ]);
// await q("q28_order_by_relation_count", async () => ids(await prisma.user.findMany({ orderBy: [{ posts: { _count: "desc" } }, { id: "asc" }] })));
// await q("q29_find_first", async () => (await prisma.post.findFirst({ where: { published: true }, orderBy: { createdAt: "desc" } }))?.id);
// await q("q30_datetime_filters", async () => [
//   ids(await prisma.post.findMany({ where: { publishedAt: at(20_000) }, orderBy: { id: "asc" } })),
//   ids(await prisma.post.findMany({ where: { createdAt: { gt: at(4 * 60_000) } }, orderBy: { id: "asc" } })),
//   ids(await prisma.post.findMany({ where: { publishedAt: { lte: at(30_000) } }, orderBy: { id: "asc" } })),
// ]);
// await q("q31_case_sensitivity", async () => [
//   ids(await prisma.user.findMany({ where: { email: { endsWith: "example.com" } }, orderBy: { id: "asc" } })),
//   ids(await prisma.user.findMany({ where: { name: { startsWith: "a" } }, orderBy: { id: "asc" } })),
//   ids(await prisma.user.findMany({ where: { name: "alice" }, orderBy: { id: "asc" } })),
//   ids(await prisma.user.findMany({ where: { name: { in: ["ALICE", "carol"] } }, orderBy: { id: "asc" } })),
//   ids(await prisma.user.findMany({ where: { name: { gt: "a" } }, orderBy: { id: "asc" } })),
// ]);
// await q("q32_insensitive", async () => [
//   ids(await prisma.user.findMany({ where: { name: { equals: "ALICE", mode: "insensitive" } }, orderBy: { id: "asc" } })),
//   ids(await prisma.user.findMany({ where: { email: { contains: "EXAMPLE.COM", mode: "insensitive" } }, orderBy: { id: "asc" } })),
// ]);
// await q("q33_ties_without_tiebreak", async () => ids(await prisma.post.findMany({ orderBy: { viewCount: "desc" }, take: 4 })));
// await q("q34_select_and_full_row", async () => await prisma.user.findUnique({ where: { id: 2 } }));
// await q("q35_group_by_count_field_having_avg", async () =>
//   await prisma.post.groupBy({ by: ["authorId"], where: { rating: { not: null } }, _count: { rating: true }, _avg: { rating: true }, having: { rating: { _avg: { gte: 2 } } }, orderBy: { authorId: "asc" } }),
// );
// console.log(JSON.stringify(out, null, 1));
// await prisma.$disconnect();
