//! Every statement is a `quarry::query` DEBUG event with its SQL, row count and duration,
//! whenever a subscriber listens (and costs no clock read when none does).

use std::sync::{Arc, Mutex};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// Collects the fields of `quarry::query` events as text.
#[derive(Clone, Default)]
struct Events(Arc<Mutex<Vec<String>>>, bool);

struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!("{}={:?};", field.name(), value));
    }
}

impl Subscriber for Events {
    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        // The second field turns TRACE on (bound values in query events).
        self.1 || *meta.level() != tracing::Level::TRACE
    }
    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        if event.metadata().target() == "quarry::query" {
            let mut fields = Fields(String::new());
            event.record(&mut fields);
            self.0.lock().unwrap().push(fields.0);
        }
    }
    fn enter(&self, _: &Id) {}
    fn exit(&self, _: &Id) {}
}

/// The `quarry::query` event of the INSERT, when a table is created and `insert` run on a
/// fresh SQLite database under a subscriber that enables TRACE or not.
fn insert_event(trace: bool, insert: &'static str, binds: Vec<quarry::Value>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file:{}?mode=rwc", dir.path().join("log.db").display());
    let events = Events(Default::default(), trace);
    tracing::subscriber::with_default(events.clone(), || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let c = quarry::Client::connect(&url).await.unwrap();
                c.execute_raw("CREATE TABLE t (x)", vec![]).await.unwrap();
                c.execute_raw(insert, binds).await.unwrap();
            })
    });
    let events = events.0.lock().unwrap();
    events
        .iter()
        .find(|e| e.contains("INSERT INTO t"))
        .unwrap_or_else(|| panic!("no event for the insert in {events:?}"))
        .clone()
}

#[test]
fn statements_are_logged_with_sql_rows_and_duration() {
    let insert = insert_event(true, "INSERT INTO t VALUES (1), (2)", vec![]);
    assert!(insert.contains("rows=2"), "{insert}");
    assert!(insert.contains("duration_us="), "{insert}");
}

/// Bound values are logged only when the subscriber asks for TRACE on `quarry::query`.
#[test]
fn bound_values_are_logged_only_at_trace() {
    for trace in [false, true] {
        let insert = insert_event(trace, "INSERT INTO t VALUES (?)", vec!["secret-ish".into()]);
        assert_eq!(insert.contains("secret-ish"), trace, "{insert}");
    }
}
