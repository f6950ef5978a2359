//! The field benchmark (issue 10): Quarry against hand-written sqlx, Diesel 2 and SeaORM 1 on
//! Diesel's benchmark tables, on SQLite and PostgreSQL.
//!
//! This library holds what every client shares and what needs no other ORM: the generated
//! Quarry client, the data sets and their seeding, the workloads' names, and the common structs
//! that every client's results are normalized into, with the results the seed data must give.
//! The four clients' workloads are in `clients/`, compiled into the bench (`benches/field.rs`)
//! and the tests (`tests/equal.rs`), since Diesel and SeaORM are dev-dependencies only.
//! BENCHMARKS.md ("Field benchmark") has the method and the results.

use quarry_tests::db::{Backend, TestDb};
use quarry_tests::setup::SqlxPool;
use sqlx::QueryBuilder;

/// The Quarry client generated from `bench/schema.prisma` at build time.
#[allow(missing_docs)]
pub mod db {
    include!(concat!(env!("OUT_DIR"), "/field.rs"));
}

/// The Prisma schema of Diesel's benchmark tables.
pub const SCHEMA: &str = include_str!("../schema.prisma");

/// The schema with its datasource's provider set to `backend`'s.
pub fn schema_for(backend: Backend) -> String {
    SCHEMA.replacen(
        "provider = \"sqlite\"",
        &format!("provider = \"{}\"", backend.provider()),
        1,
    )
}

/// A user, as every client's results are compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserData {
    /// `users.id`.
    pub id: i32,
    /// `users.name`.
    pub name: String,
    /// `users.hair_color`.
    pub hair_color: Option<String>,
}

/// A post, as every client's results are compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostData {
    /// `posts.id`.
    pub id: i32,
    /// `posts.user_id`.
    pub user_id: i32,
    /// `posts.title`.
    pub title: String,
    /// `posts.body`.
    pub body: Option<String>,
}

/// A comment, as every client's results are compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentData {
    /// `comments.id`.
    pub id: i32,
    /// `comments.post_id`.
    pub post_id: i32,
    /// `comments.text`.
    pub text: String,
}

/// Users, each with their posts.
pub type UsersWithPosts = Vec<(UserData, Vec<PostData>)>;
/// Users, each with their posts, each with its comments.
pub type UsersPostsComments = Vec<(UserData, Vec<(PostData, Vec<CommentData>)>)>;

/// What one run of a workload returns, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    /// Trivial query.
    Users(Vec<UserData>),
    /// Users left join posts.
    UsersWithPosts(UsersWithPosts),
    /// Users, posts, comments.
    UsersPostsComments(UsersPostsComments),
    /// The rows of `users` after an insert into the empty table (name and hair colour).
    Inserted(Vec<NewUser>),
}

/// A row to insert into `users`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// `users.name`.
    pub name: String,
    /// `users.hair_color`.
    pub hair_color: Option<String>,
}

/// The four clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Client {
    /// Quarry's generated client.
    Quarry,
    /// Hand-written sqlx (`sqlx::query` and `Row::get` on a `sqlx::Pool`).
    Sqlx,
    /// Diesel 2 with its synchronous connection.
    Diesel,
    /// SeaORM 1 with hand-written entities.
    SeaOrm,
}

impl Client {
    /// All four, in the order of the tables.
    pub const ALL: [Client; 4] = [Client::Quarry, Client::Sqlx, Client::Diesel, Client::SeaOrm];

    /// The name in benchmark ids and `QUARRY_BENCH_LOOP`.
    pub fn name(self) -> &'static str {
        match self {
            Client::Quarry => "quarry",
            Client::Sqlx => "sqlx",
            Client::Diesel => "diesel",
            Client::SeaOrm => "seaorm",
        }
    }

    /// The client named `name`.
    pub fn parse(name: &str) -> Option<Client> {
        Client::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The workloads, after Diesel's benchmark suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Load every user of a table of 1 (`Trivial(1)`) or 10,000 users.
    Trivial(usize),
    /// Users with `hair_color = 'black'` and their posts (a left join), in a table of 1 or
    /// 10,000 users.
    LeftJoin(usize),
    /// 100 users, their 10 posts each, and the posts' 10 comments each (Diesel's "loading
    /// associations sequentially").
    Associations,
    /// Insert 1 or 100 users (one statement for the 100 where the library can).
    Insert(usize),
}

impl Workload {
    /// Every workload, in the order of the tables.
    pub const ALL: [Workload; 7] = [
        Workload::Trivial(1),
        Workload::Trivial(10_000),
        Workload::LeftJoin(1),
        Workload::LeftJoin(10_000),
        Workload::Associations,
        Workload::Insert(1),
        Workload::Insert(100),
    ];

    /// The name in benchmark ids and `QUARRY_BENCH_LOOP`.
    pub fn name(self) -> String {
        match self {
            Workload::Trivial(n) => format!("trivial_{n}"),
            Workload::LeftJoin(n) => format!("left_join_{n}"),
            Workload::Associations => "associations".into(),
            Workload::Insert(n) => format!("insert_{n}"),
        }
    }

    /// The workload named `name`.
    pub fn parse(name: &str) -> Option<Workload> {
        Workload::ALL.into_iter().find(|w| w.name() == name)
    }

    /// The data set it runs on.
    pub fn dataset(self) -> Dataset {
        match self {
            Workload::Trivial(n) | Workload::LeftJoin(n) => Dataset::Users(n),
            Workload::Associations => Dataset::Associations,
            Workload::Insert(_) => Dataset::Empty,
        }
    }

    /// The number of top-level records one run returns (or inserts).
    pub fn expected_len(self) -> usize {
        match self {
            Workload::Trivial(n) => n,
            Workload::LeftJoin(n) => n.div_ceil(3),
            Workload::Associations => ASSOCIATION_USERS,
            Workload::Insert(n) => n,
        }
    }

    /// What the workload must return on its data set.
    pub fn expected(self) -> Output {
        match self {
            Workload::Trivial(n) => Output::Users(users(n)),
            Workload::LeftJoin(n) => {
                let posts = posts_of_users(n);
                Output::UsersWithPosts(
                    users(n)
                        .into_iter()
                        .filter(|u| u.hair_color.as_deref() == Some("black"))
                        .map(|u| {
                            let mine = posts.iter().filter(|p| p.user_id == u.id).cloned();
                            let mine = mine.collect();
                            (u, mine)
                        })
                        .collect(),
                )
            }
            Workload::Associations => {
                let (posts, comments) = association_rows();
                Output::UsersPostsComments(
                    users(ASSOCIATION_USERS)
                        .into_iter()
                        .map(|u| {
                            let mine = posts
                                .iter()
                                .filter(|p| p.user_id == u.id)
                                .map(|p| {
                                    let cs = comments.iter().filter(|c| c.post_id == p.id);
                                    (p.clone(), cs.cloned().collect())
                                })
                                .collect();
                            (u, mine)
                        })
                        .collect(),
                )
            }
            Workload::Insert(n) => Output::Inserted(new_users(n)),
        }
    }
}

/// The data a workload reads: each is a database of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    /// `n` users (hair colours black, brown, NULL in turn); every user with an odd id has two
    /// posts, so the left join meets black users with and without posts. No comments.
    Users(usize),
    /// Diesel's association data: 100 users x 10 posts x 10 comments.
    Associations,
    /// Empty tables, for the inserts.
    Empty,
}

impl Dataset {
    /// The workloads that run on this data set.
    pub fn workloads(self) -> Vec<Workload> {
        Workload::ALL
            .into_iter()
            .filter(|w| w.dataset() == self)
            .collect()
    }

    /// Every data set, in the order of the workloads.
    pub fn all() -> Vec<Dataset> {
        let mut out: Vec<Dataset> = Vec::new();
        for w in Workload::ALL {
            if !out.contains(&w.dataset()) {
                out.push(w.dataset());
            }
        }
        out
    }
}

const ASSOCIATION_USERS: usize = 100;
const ASSOCIATION_POSTS: usize = 10;
const ASSOCIATION_COMMENTS: usize = 10;

/// Hair colours in turn, as in Diesel's benchmark data (which alternates two colours; NULL is
/// added so that nullable columns are read both ways).
fn hair_color(id: i32) -> Option<String> {
    match (id - 1) % 3 {
        0 => Some("black".into()),
        1 => Some("brown".into()),
        _ => None,
    }
}

/// Users 1..=n, named after Diesel's data ("User 0", "User 1", ...).
fn users(n: usize) -> Vec<UserData> {
    (1..=n as i32)
        .map(|id| UserData {
            id,
            name: format!("User {}", id - 1),
            hair_color: hair_color(id),
        })
        .collect()
}

/// The posts of [`Dataset::Users`]: two for each user with an odd id.
fn posts_of_users(n: usize) -> Vec<PostData> {
    let mut posts = Vec::new();
    for user in (1..=n as i32).filter(|id| id % 2 == 1) {
        for j in 0..2 {
            let id = posts.len() as i32 + 1;
            posts.push(PostData {
                id,
                user_id: user,
                title: format!("Post {j} by user {user}"),
                body: (j == 0).then(|| format!("Body of post {id}")),
            });
        }
    }
    posts
}

/// The posts and comments of [`Dataset::Associations`].
fn association_rows() -> (Vec<PostData>, Vec<CommentData>) {
    let mut posts = Vec::new();
    let mut comments = Vec::new();
    for user in 1..=ASSOCIATION_USERS as i32 {
        for j in 0..ASSOCIATION_POSTS {
            let id = posts.len() as i32 + 1;
            posts.push(PostData {
                id,
                user_id: user,
                title: format!("Post {j} by user {user}"),
                body: (j % 2 == 0).then(|| format!("Body of post {id}")),
            });
            for k in 0..ASSOCIATION_COMMENTS {
                comments.push(CommentData {
                    id: comments.len() as i32 + 1,
                    post_id: id,
                    text: format!("Comment {k} on post {id}"),
                });
            }
        }
    }
    (posts, comments)
}

/// The rows the insert workloads insert.
pub fn new_users(n: usize) -> Vec<NewUser> {
    (1..=n as i32)
        .map(|id| NewUser {
            name: format!("New user {id}"),
            hair_color: hair_color(id),
        })
        .collect()
}

/// Creates the tables and inserts the rows in multi-row INSERTs of 100 rows, every value bound
/// (the same code for each database's pool type).
macro_rules! seed {
    ($pool:expr, $backend:expr, $users:expr, $posts:expr, $comments:expr) => {{
        for stmt in quarry_tests::setup::create_statements(&schema_for($backend), $backend) {
            let done = sqlx::query(&stmt).execute($pool).await;
            done.unwrap_or_else(|e| panic!("{stmt}\n{e}"));
        }
        for chunk in $users.chunks(100) {
            let mut q = QueryBuilder::new("INSERT INTO users (id, name, hair_color) ");
            q.push_values(chunk, |mut b, u| {
                b.push_bind(u.id)
                    .push_bind(&u.name)
                    .push_bind(&u.hair_color);
            });
            q.build().execute($pool).await.expect("seeding users");
        }
        for chunk in $posts.chunks(100) {
            let mut q = QueryBuilder::new("INSERT INTO posts (id, user_id, title, body) ");
            q.push_values(chunk, |mut b, p| {
                b.push_bind(p.id).push_bind(p.user_id);
                b.push_bind(&p.title).push_bind(&p.body);
            });
            q.build().execute($pool).await.expect("seeding posts");
        }
        for chunk in $comments.chunks(100) {
            let mut q = QueryBuilder::new("INSERT INTO comments (id, post_id, text) ");
            q.push_values(chunk, |mut b, c| {
                b.push_bind(c.id).push_bind(c.post_id).push_bind(&c.text);
            });
            q.build().execute($pool).await.expect("seeding comments");
        }
        // Planner statistics now, not whenever autovacuum gets to the fresh tables: plans (and
        // timings) would otherwise change in the middle of a measurement.
        if $backend == Backend::Postgres {
            sqlx::query("ANALYZE").execute($pool).await.unwrap();
        }
        $pool.close().await;
    }};
}

/// A fresh database on `backend` with Diesel's tables, created from the Prisma schema
/// (`create_statements`, what `quarry migrate` would run), seeded with `dataset`. `None` when
/// the backend is unavailable outside CI. The set-up runs on a plain sqlx pool, so that it does
/// not depend on the runtime being measured.
pub async fn create_database(dataset: Dataset, backend: Backend) -> Option<TestDb> {
    let db = TestDb::new(backend).await?;
    if let Some(path) = db.url.strip_prefix("file:") {
        // The sqlx pool opens existing files only.
        std::fs::File::create(path).expect("the SQLite file can be created");
    }
    let pool = quarry_tests::setup::sqlx_pool(&db).await;
    let (users, posts, comments) = match dataset {
        Dataset::Users(n) => (users(n), posts_of_users(n), Vec::new()),
        Dataset::Associations => {
            let (posts, comments) = association_rows();
            (users(ASSOCIATION_USERS), posts, comments)
        }
        Dataset::Empty => Default::default(),
    };
    match &pool {
        SqlxPool::Sqlite(p) => seed!(p, backend, users, posts, comments),
        SqlxPool::Postgres(p) => seed!(p, backend, users, posts, comments),
    }
    Some(db)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workload_names_round_trip() {
        for w in Workload::ALL {
            assert_eq!(Workload::parse(&w.name()), Some(w));
            assert_eq!(w.expected_len(), expected_len_of(&w.expected()));
        }
        for c in Client::ALL {
            assert_eq!(Client::parse(c.name()), Some(c));
        }
    }

    fn expected_len_of(o: &Output) -> usize {
        match o {
            Output::Users(v) => v.len(),
            Output::UsersWithPosts(v) => v.len(),
            Output::UsersPostsComments(v) => v.len(),
            Output::Inserted(v) => v.len(),
        }
    }

    #[test]
    fn the_left_join_meets_black_users_with_and_without_posts() {
        let Output::UsersWithPosts(rows) = Workload::LeftJoin(10_000).expected() else {
            unreachable!()
        };
        assert!(rows.iter().any(|(_, p)| p.is_empty()));
        assert!(rows.iter().any(|(_, p)| p.len() == 2));
        let Output::UsersWithPosts(one) = Workload::LeftJoin(1).expected() else {
            unreachable!()
        };
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].1.len(), 2);
    }
}
