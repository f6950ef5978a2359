//! The four clients' workloads, shared by the field benchmark (`benches/field.rs`) and its
//! tests (`tests/equal.rs`); not in the library, because Diesel and SeaORM are
//! dev-dependencies only.

#[path = "diesel_client.rs"]
pub mod diesel_client;
#[path = "quarry_client.rs"]
pub mod quarry_client;
#[path = "seaorm_client.rs"]
pub mod seaorm_client;
#[path = "sqlx_client.rs"]
pub mod sqlx_client;

use diesel_client::Diesel;
use quarry_bench::{Client, NewUser, Output, Workload};
use quarry_client::Quarry;
use seaorm_client::SeaOrm;
use sqlx_client::Sqlx;

/// The four clients on one database, each connected as its users connect it.
pub struct Clients {
    pub quarry: Quarry,
    pub sqlx: Sqlx,
    pub diesel: Diesel,
    pub seaorm: SeaOrm,
}

impl Clients {
    /// Connects all four to `url` (`file:<path>` or `postgresql://...`).
    pub async fn connect(url: &str) -> Clients {
        Clients {
            quarry: Quarry::connect(url).await,
            sqlx: Sqlx::connect(url).await,
            diesel: Diesel::connect(url),
            seaorm: SeaOrm::connect(url).await,
        }
    }

    /// Runs `workload` once on an async client (not Diesel); returns the number of top-level
    /// records read or inserted. `rows` are the users that an insert inserts.
    pub async fn run_async(&self, client: Client, workload: Workload, rows: &[NewUser]) -> usize {
        match (client, workload) {
            (Client::Quarry, Workload::Trivial(_)) => self.quarry.trivial().await.len(),
            (Client::Quarry, Workload::LeftJoin(_)) => self.quarry.left_join().await.len(),
            (Client::Quarry, Workload::Associations) => self.quarry.associations().await.len(),
            (Client::Quarry, Workload::Insert(_)) => self.quarry.insert(rows).await as usize,
            (Client::Sqlx, Workload::Trivial(_)) => self.sqlx.trivial().await.len(),
            (Client::Sqlx, Workload::LeftJoin(_)) => self.sqlx.left_join().await.len(),
            (Client::Sqlx, Workload::Associations) => self.sqlx.associations().await.len(),
            (Client::Sqlx, Workload::Insert(_)) => self.sqlx.insert(rows).await as usize,
            (Client::SeaOrm, Workload::Trivial(_)) => self.seaorm.trivial().await.len(),
            (Client::SeaOrm, Workload::LeftJoin(_)) => self.seaorm.left_join().await.len(),
            (Client::SeaOrm, Workload::Associations) => self.seaorm.associations().await.len(),
            (Client::SeaOrm, Workload::Insert(_)) => self.seaorm.insert(rows).await,
            (Client::Diesel, _) => unreachable!("Diesel is synchronous: run_diesel"),
        }
    }

    /// Runs `workload` once on Diesel's synchronous connection.
    pub fn run_diesel(&mut self, workload: Workload, rows: &[NewUser]) -> usize {
        let diesel = &mut self.diesel;
        match workload {
            Workload::Trivial(_) => diesel.trivial().len(),
            Workload::LeftJoin(_) => diesel.left_join().len(),
            Workload::Associations => diesel.associations().len(),
            Workload::Insert(_) => diesel.insert(rows),
        }
    }

    /// Runs `workload` once on any client.
    pub async fn run(&mut self, client: Client, workload: Workload, rows: &[NewUser]) -> usize {
        match client {
            Client::Diesel => self.run_diesel(workload, rows),
            _ => self.run_async(client, workload, rows).await,
        }
    }

    /// What `client` returns for `workload`, normalized. An insert inserts
    /// `workload.expected()`'s rows into the emptied table and returns the table's rows.
    pub async fn output(&mut self, client: Client, workload: Workload) -> Output {
        use diesel_client as d;
        use quarry_client as q;
        use seaorm_client as s;
        match (client, workload) {
            (Client::Quarry, Workload::Trivial(_)) => {
                q::trivial_output(&self.quarry.trivial().await)
            }
            (Client::Quarry, Workload::LeftJoin(_)) => {
                q::left_join_output(&self.quarry.left_join().await)
            }
            (Client::Quarry, Workload::Associations) => {
                q::associations_output(&self.quarry.associations().await)
            }
            (Client::Sqlx, Workload::Trivial(_)) => Output::Users(self.sqlx.trivial().await),
            (Client::Sqlx, Workload::LeftJoin(_)) => {
                Output::UsersWithPosts(self.sqlx.left_join().await)
            }
            (Client::Sqlx, Workload::Associations) => {
                Output::UsersPostsComments(self.sqlx.associations().await)
            }
            (Client::Diesel, Workload::Trivial(_)) => d::trivial_output(&self.diesel.trivial()),
            (Client::Diesel, Workload::LeftJoin(_)) => {
                d::left_join_output(&self.diesel.left_join())
            }
            (Client::Diesel, Workload::Associations) => {
                d::associations_output(&self.diesel.associations())
            }
            (Client::SeaOrm, Workload::Trivial(_)) => {
                s::trivial_output(&self.seaorm.trivial().await)
            }
            (Client::SeaOrm, Workload::LeftJoin(_)) => {
                s::left_join_output(&self.seaorm.left_join().await)
            }
            (Client::SeaOrm, Workload::Associations) => {
                s::associations_output(&self.seaorm.associations().await)
            }
            (_, Workload::Insert(n)) => {
                let rows = quarry_bench::new_users(n);
                self.sqlx.clear_users().await;
                let inserted = self.run(client, workload, &rows).await;
                assert_eq!(
                    inserted,
                    n,
                    "{} reports {inserted} rows inserted",
                    client.name()
                );
                let out = Output::Inserted(self.sqlx.inserted().await);
                self.sqlx.clear_users().await;
                out
            }
        }
    }

    /// Asserts that every client returns what `workload` must return on its data set.
    pub async fn assert_equal(&mut self, workload: Workload) {
        let expected = workload.expected();
        for client in Client::ALL {
            let got = self.output(client, workload).await;
            assert!(
                got == expected,
                "{} returns other data for {}:\n{got:?}\nexpected:\n{expected:?}",
                client.name(),
                workload.name()
            );
        }
    }
}
