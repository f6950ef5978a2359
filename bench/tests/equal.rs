//! Every client of the field benchmark returns the same data for every workload (SQLite, and
//! PostgreSQL when `QUARRY_TEST_POSTGRES_URL` is set; in CI it must be), so that a broken
//! client cannot look fast.

#[path = "../clients/mod.rs"]
mod clients;

use quarry_bench::{create_database, Dataset};
use quarry_tests::db::Backend;

async fn all_clients_agree(backend: Backend) {
    for dataset in Dataset::all() {
        let Some(db) = create_database(dataset, backend).await else {
            return;
        };
        let mut clients = clients::Clients::connect(&db.url).await;
        for workload in dataset.workloads() {
            clients.assert_equal(workload).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_clients_agree_on_sqlite() {
    all_clients_agree(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_clients_agree_on_postgres() {
    all_clients_agree(Backend::Postgres).await;
}
