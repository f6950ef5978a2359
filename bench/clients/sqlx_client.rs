//! The workloads with hand-written sqlx: `sqlx::query` and `Row::get` into structs on a
//! `sqlx::Pool` with sqlx's default options (no compile-time macros: the project builds without
//! a database). The structs are the common ones, so its results need no conversion.

use quarry_bench::{CommentData, NewUser, PostData, UserData};
use quarry_bench::{UsersPostsComments, UsersWithPosts};
use sqlx::{PgPool, QueryBuilder, Row, SqlitePool};
use std::collections::HashMap;

/// A sqlx pool on one of the two databases.
pub enum Sqlx {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the pool, compiled once per database (sqlx's row and
/// argument types differ per database; a user of one database writes this once).
macro_rules! on_pool {
    ($self:expr, $pool:ident => $body:expr) => {
        match $self {
            Sqlx::Sqlite($pool) => $body,
            Sqlx::Postgres($pool) => $body,
        }
    };
}

macro_rules! user {
    ($r:expr) => {
        UserData {
            id: $r.get(0),
            name: $r.get(1),
            hair_color: $r.get(2),
        }
    };
}

macro_rules! post {
    ($r:expr, $from:expr) => {
        PostData {
            id: $r.get($from),
            user_id: $r.get($from + 1),
            title: $r.get($from + 2),
            body: $r.get($from + 3),
        }
    };
}

macro_rules! comment {
    ($r:expr) => {
        CommentData {
            id: $r.get(0),
            post_id: $r.get(1),
            text: $r.get(2),
        }
    };
}

const USERS: &str = "SELECT id, name, hair_color FROM users ORDER BY id";
const LEFT_JOIN_SQLITE: &str =
    "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body \
     FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE u.hair_color = ? ORDER BY u.id, p.id";
const LEFT_JOIN_PG: &str = "SELECT u.id, u.name, u.hair_color, p.id, p.user_id, p.title, p.body \
     FROM users u LEFT JOIN posts p ON p.user_id = u.id WHERE u.hair_color = $1 ORDER BY u.id, p.id";
const POSTS_PG: &str =
    "SELECT id, user_id, title, body FROM posts WHERE user_id = ANY($1) ORDER BY id";
const COMMENTS_PG: &str =
    "SELECT id, post_id, text FROM comments WHERE post_id = ANY($1) ORDER BY id";

impl Sqlx {
    pub async fn connect(url: &str) -> Sqlx {
        match url.strip_prefix("file:") {
            Some(path) => {
                let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
                Sqlx::Sqlite(SqlitePool::connect_with(options).await.unwrap())
            }
            None => Sqlx::Postgres(PgPool::connect(url).await.unwrap()),
        }
    }

    pub async fn trivial(&self) -> Vec<UserData> {
        on_pool!(self, pool => {
            let rows = sqlx::query(USERS).fetch_all(pool).await.unwrap();
            rows.iter().map(|r| user!(r)).collect()
        })
    }

    /// One LEFT JOIN; consecutive rows of a user are folded into its posts.
    pub async fn left_join(&self) -> UsersWithPosts {
        let mut out: UsersWithPosts = Vec::new();
        on_pool!(self, pool => {
            let sql = match self {
                Sqlx::Sqlite(_) => LEFT_JOIN_SQLITE,
                Sqlx::Postgres(_) => LEFT_JOIN_PG,
            };
            let rows = sqlx::query(sql).bind("black").fetch_all(pool).await.unwrap();
            for r in &rows {
                let id: i32 = r.get(0);
                if out.last().map(|(u, _)| u.id) != Some(id) {
                    out.push((user!(r), Vec::new()));
                }
                if r.get::<Option<i32>, _>(3).is_some() {
                    out.last_mut().unwrap().1.push(post!(r, 3));
                }
            }
        });
        out
    }

    /// Three statements: the users, their posts (`IN` list on SQLite, `= ANY($1)` with an
    /// array on PostgreSQL), the posts' comments; grouped by hand.
    pub async fn associations(&self) -> UsersPostsComments {
        let users = self.trivial().await;
        let user_ids: Vec<i32> = users.iter().map(|u| u.id).collect();
        let posts: Vec<PostData> = match self {
            Sqlx::Sqlite(pool) => {
                let mut q = QueryBuilder::new(
                    "SELECT id, user_id, title, body FROM posts WHERE user_id IN (",
                );
                let mut list = q.separated(", ");
                for id in &user_ids {
                    list.push_bind(id);
                }
                q.push(") ORDER BY id");
                let rows = q.build().fetch_all(pool).await.unwrap();
                rows.iter().map(|r| post!(r, 0)).collect()
            }
            Sqlx::Postgres(pool) => {
                let q = sqlx::query(POSTS_PG).bind(&user_ids);
                let rows = q.fetch_all(pool).await.unwrap();
                rows.iter().map(|r| post!(r, 0)).collect()
            }
        };
        let post_ids: Vec<i32> = posts.iter().map(|p| p.id).collect();
        let comments: Vec<CommentData> = match self {
            Sqlx::Sqlite(pool) => {
                let mut q =
                    QueryBuilder::new("SELECT id, post_id, text FROM comments WHERE post_id IN (");
                let mut list = q.separated(", ");
                for id in &post_ids {
                    list.push_bind(id);
                }
                q.push(") ORDER BY id");
                let rows = q.build().fetch_all(pool).await.unwrap();
                rows.iter().map(|r| comment!(r)).collect()
            }
            Sqlx::Postgres(pool) => {
                let q = sqlx::query(COMMENTS_PG).bind(&post_ids);
                let rows = q.fetch_all(pool).await.unwrap();
                rows.iter().map(|r| comment!(r)).collect()
            }
        };
        let mut comments_of: HashMap<i32, Vec<CommentData>> = HashMap::new();
        for c in comments {
            comments_of.entry(c.post_id).or_default().push(c);
        }
        let mut posts_of: HashMap<i32, Vec<(PostData, Vec<CommentData>)>> = HashMap::new();
        for p in posts {
            let cs = comments_of.remove(&p.id).unwrap_or_default();
            posts_of.entry(p.user_id).or_default().push((p, cs));
        }
        users
            .into_iter()
            .map(|u| {
                let ps = posts_of.remove(&u.id).unwrap_or_default();
                (u, ps)
            })
            .collect()
    }

    /// One INSERT: a fixed statement for one row, `QueryBuilder::push_values` for several.
    pub async fn insert(&self, rows: &[NewUser]) -> u64 {
        if let [r] = rows {
            let sql = match self {
                Sqlx::Sqlite(_) => "INSERT INTO users (name, hair_color) VALUES (?, ?)",
                Sqlx::Postgres(_) => "INSERT INTO users (name, hair_color) VALUES ($1, $2)",
            };
            return on_pool!(self, pool => {
                let q = sqlx::query(sql).bind(&r.name).bind(&r.hair_color);
                q.execute(pool).await.unwrap().rows_affected()
            });
        }
        on_pool!(self, pool => {
            let mut q = QueryBuilder::new("INSERT INTO users (name, hair_color) ");
            q.push_values(rows, |mut b, r| {
                b.push_bind(&r.name).push_bind(&r.hair_color);
            });
            q.build().execute(pool).await.unwrap().rows_affected()
        })
    }

    /// The name and hair colour of every user, in id order (to check the inserts).
    pub async fn inserted(&self) -> Vec<NewUser> {
        let sql = "SELECT name, hair_color FROM users ORDER BY id";
        on_pool!(self, pool => {
            let rows = sqlx::query(sql).fetch_all(pool).await.unwrap();
            rows.iter().map(|r| NewUser { name: r.get(0), hair_color: r.get(1) }).collect()
        })
    }

    /// Empties `users` (between the clients' inserts).
    pub async fn clear_users(&self) {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM users").execute(pool).await.unwrap();
        })
    }
}
