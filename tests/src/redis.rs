//! A Redis for the cache's tests: its URL, whether it answers, and a forwarder to it that a
//! test can cut and restore.

use crate::in_ci;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// `QUARRY_TEST_REDIS_URL`, or the local default.
pub fn redis_url() -> String {
    std::env::var("QUARRY_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// Whether Redis answers; under CI it must.
pub async fn redis_up() -> bool {
    let url = redis_url();
    let addr = url
        .trim_start_matches("redis://")
        .split('/')
        .next()
        .unwrap_or("127.0.0.1:6379")
        .to_string();
    let up = tokio::net::TcpStream::connect(&addr).await.is_ok();
    if !up {
        assert!(!in_ci(), "Redis must be reachable at {url} in CI");
        crate::note_skipped("Redis", &format!("nothing answers at {url}"));
    }
    up
}

/// A TCP forwarder to Redis that the test can cut and restore, as a Redis that stops and
/// comes back looks to its clients.
pub struct Cut {
    /// Where clients connect.
    pub addr: std::net::SocketAddr,
    up: Arc<AtomicBool>,
    generation: Arc<AtomicU64>,
}

impl Cut {
    /// Starts forwarding to [`redis_url`].
    pub async fn new() -> Cut {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let generation = Arc::new(AtomicU64::new(0));
        let target = redis_url()
            .trim_start_matches("redis://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let (u, g) = (up.clone(), generation.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !u.load(Ordering::SeqCst) {
                    let _ = inbound.shutdown().await;
                    continue;
                }
                let born = g.load(Ordering::SeqCst);
                let (g, target) = (g.clone(), target.clone());
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await else {
                        return;
                    };
                    let copy = tokio::io::copy_bidirectional(&mut inbound, &mut outbound);
                    let cut = async {
                        while g.load(Ordering::SeqCst) == born {
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                    };
                    tokio::select! { _ = copy => {}, _ = cut => {} }
                });
            }
        });
        Cut {
            addr,
            up,
            generation,
        }
    }

    /// Cuts every connection and refuses new ones (`false`), or lets them through (`true`).
    pub fn set(&self, up: bool) {
        self.up.store(up, Ordering::SeqCst);
        if !up {
            self.generation.fetch_add(1, Ordering::SeqCst);
        }
    }
}
