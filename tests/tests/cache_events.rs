//! The cache's warnings, in a test binary of their own: tracing's callsite cache is shared by
//! the whole process, and a test that installs a subscriber while others run beside it can
//! miss events.

use quarry::cache::{CacheOptions, CacheStatus, CacheStrategy};
use quarry_tests::db::Backend;
use quarry_tests::generated::blog as db;
use quarry_tests::redis::{redis_up, Cut};
use quarry_tests::setup::database_with;
use std::sync::Arc;
use std::time::Duration;

/// Counts the cache's warnings and its "answers again" notices.
struct Events {
    warnings: Arc<std::sync::atomic::AtomicUsize>,
    recoveries: Arc<std::sync::atomic::AtomicUsize>,
}

impl tracing::Subscriber for Events {
    fn enabled(&self, m: &tracing::Metadata<'_>) -> bool {
        m.target() == "quarry::cache"
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, e: &tracing::Event<'_>) {
        let counter = match *e.metadata().level() {
            tracing::Level::WARN => &self.warnings,
            tracing::Level::INFO => &self.recoveries,
            _ => return,
        };
        counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// One warning per outage, however many queries it touches; one notice when Redis is back.
/// A current-thread runtime: every event of the test is on this thread's subscriber.
#[tokio::test(flavor = "current_thread")]
async fn an_outage_is_warned_about_once() {
    if !redis_up().await {
        return;
    }
    let Some((test_db, _)) = database_with("blog", Backend::Sqlite).await else {
        return;
    };
    let warnings = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let recoveries = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let _guard = tracing::subscriber::set_default(Events {
        warnings: warnings.clone(),
        recoveries: recoveries.clone(),
    });
    let cut = Cut::new().await;
    let mut o = CacheOptions::redis(format!("redis://{}", cut.addr));
    o.timeout = Duration::from_millis(300);
    let c = db::Client::connect_with(
        &test_db.url,
        quarry::ConnectOptions {
            provider: Some(quarry_tests::db::provider_of(&test_db.url)),
            cache: Some(o),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let count = || {
        c.user()
            .count()
            .cache(CacheStrategy::ttl(Duration::from_secs(600)))
            .exec_with_info()
    };
    let n = |a: &Arc<std::sync::atomic::AtomicUsize>| a.load(std::sync::atomic::Ordering::SeqCst);
    for outage in 1..=2 {
        assert!(count().await.is_ok());
        cut.set(false);
        tokio::time::sleep(Duration::from_millis(50)).await;
        for _ in 0..5 {
            assert_eq!(count().await.unwrap().1.status, CacheStatus::None);
        }
        assert_eq!(n(&warnings), outage, "one warning for outage {outage}");
        cut.set(true);
        let mut back = false;
        for _ in 0..100 {
            if count().await.unwrap().1.status != CacheStatus::None {
                back = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(back);
        assert_eq!(n(&recoveries), outage);
    }
}
