//! The workloads with Diesel 2: `table!`, `Queryable`/`Insertable` structs and Diesel's
//! synchronous connections, written as Diesel's own benchmark writes them.

use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};
use quarry_bench::{CommentData, NewUser, Output, PostData, UserData};

diesel::table! {
    users (id) {
        id -> Integer,
        name -> Text,
        hair_color -> Nullable<Text>,
    }
}

diesel::table! {
    posts (id) {
        id -> Integer,
        user_id -> Integer,
        title -> Text,
        body -> Nullable<Text>,
    }
}

diesel::table! {
    comments (id) {
        id -> Integer,
        post_id -> Integer,
        text -> Text,
    }
}

diesel::joinable!(posts -> users (user_id));
diesel::joinable!(comments -> posts (post_id));
diesel::allow_tables_to_appear_in_same_query!(users, posts, comments);

#[derive(Debug, PartialEq, Queryable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub hair_color: Option<String>,
}

#[derive(Debug, PartialEq, Queryable, Identifiable, Associations)]
#[diesel(belongs_to(User), table_name = posts)]
pub struct Post {
    pub id: i32,
    pub user_id: i32,
    pub title: String,
    pub body: Option<String>,
}

#[derive(Debug, PartialEq, Queryable, Identifiable, Associations)]
#[diesel(belongs_to(Post), table_name = comments)]
pub struct Comment {
    pub id: i32,
    pub post_id: i32,
    pub text: String,
}

/// A row to insert; `None` is NULL (not DEFAULT), so that 100 rows are one INSERT on SQLite
/// as well.
#[derive(Insertable)]
#[diesel(table_name = users, treat_none_as_default_value = false)]
pub struct NewDieselUser<'a> {
    pub name: &'a str,
    pub hair_color: Option<&'a str>,
}

pub type UsersWithPosts = Vec<(User, Vec<Post>)>;
pub type UsersPostsComments = Vec<(User, Vec<(Post, Vec<Comment>)>)>;

/// Diesel's connection to one of the two databases.
pub enum Diesel {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

/// The workloads for one connection type: the same code, compiled once per database.
macro_rules! workloads {
    ($conn:ty) => {
        pub fn trivial(conn: &mut $conn) -> Vec<User> {
            users::table.order(users::id).load(conn).unwrap()
        }

        /// Diesel's "medium complex query": `users LEFT JOIN posts`, loaded as
        /// `(User, Option<Post>)`; consecutive rows of a user are folded into its posts.
        pub fn left_join(conn: &mut $conn) -> UsersWithPosts {
            let rows: Vec<(User, Option<Post>)> = users::table
                .left_join(posts::table)
                .filter(users::hair_color.eq("black"))
                .order((users::id, posts::id))
                .load(conn)
                .unwrap();
            super::fold(rows)
        }

        /// Diesel's "loading associations sequentially": `belonging_to` + `grouped_by`.
        pub fn associations(conn: &mut $conn) -> UsersPostsComments {
            let users: Vec<User> = users::table.order(users::id).load(conn).unwrap();
            let posts: Vec<Post> = Post::belonging_to(&users)
                .order(posts::id)
                .load(conn)
                .unwrap();
            let comments: Vec<Comment> = Comment::belonging_to(&posts)
                .order(comments::id)
                .load(conn)
                .unwrap();
            let comments = comments.grouped_by(&posts);
            let posts = posts.into_iter().zip(comments).grouped_by(&users);
            users.into_iter().zip(posts).collect()
        }

        pub fn insert(conn: &mut $conn, rows: &[NewUser]) -> usize {
            let new = super::new_user;
            if let [r] = rows {
                return diesel::insert_into(users::table)
                    .values(&new(r))
                    .execute(conn)
                    .unwrap();
            }
            let rows: Vec<NewDieselUser<'_>> = rows.iter().map(new).collect();
            diesel::insert_into(users::table)
                .values(&rows)
                .execute(conn)
                .unwrap()
        }
    };
}

mod sqlite {
    use super::*;
    workloads!(SqliteConnection);
}

mod pg {
    use super::*;
    workloads!(PgConnection);
}

fn new_user(r: &NewUser) -> NewDieselUser<'_> {
    NewDieselUser {
        name: &r.name,
        hair_color: r.hair_color.as_deref(),
    }
}

fn fold(rows: Vec<(User, Option<Post>)>) -> UsersWithPosts {
    let mut out: UsersWithPosts = Vec::new();
    for (user, post) in rows {
        if out.last().map(|(u, _)| u.id) != Some(user.id) {
            out.push((user, Vec::new()));
        }
        if let Some(p) = post {
            out.last_mut().unwrap().1.push(p);
        }
    }
    out
}

impl Diesel {
    pub fn connect(url: &str) -> Diesel {
        match url.strip_prefix("file:") {
            Some(path) => {
                let mut conn = SqliteConnection::establish(path).unwrap();
                // As the sqlx-based clients have it (Diesel leaves SQLite's default, off).
                diesel::sql_query("PRAGMA foreign_keys = ON")
                    .execute(&mut conn)
                    .unwrap();
                Diesel::Sqlite(conn)
            }
            // libpq would negotiate TLS (`sslmode=prefer`) where the server offers it; the
            // other clients are built without a TLS stack and talk in plain text.
            None if url.contains("sslmode=") => {
                Diesel::Postgres(PgConnection::establish(url).unwrap())
            }
            None => {
                let sep = if url.contains('?') { '&' } else { '?' };
                let url = format!("{url}{sep}sslmode=disable");
                Diesel::Postgres(PgConnection::establish(&url).unwrap())
            }
        }
    }

    pub fn trivial(&mut self) -> Vec<User> {
        match self {
            Diesel::Sqlite(c) => sqlite::trivial(c),
            Diesel::Postgres(c) => pg::trivial(c),
        }
    }

    pub fn left_join(&mut self) -> UsersWithPosts {
        match self {
            Diesel::Sqlite(c) => sqlite::left_join(c),
            Diesel::Postgres(c) => pg::left_join(c),
        }
    }

    pub fn associations(&mut self) -> UsersPostsComments {
        match self {
            Diesel::Sqlite(c) => sqlite::associations(c),
            Diesel::Postgres(c) => pg::associations(c),
        }
    }

    pub fn insert(&mut self, rows: &[NewUser]) -> usize {
        match self {
            Diesel::Sqlite(c) => sqlite::insert(c, rows),
            Diesel::Postgres(c) => pg::insert(c, rows),
        }
    }
}

fn user_data(u: &User) -> UserData {
    UserData {
        id: u.id,
        name: u.name.clone(),
        hair_color: u.hair_color.clone(),
    }
}

fn post_data(p: &Post) -> PostData {
    PostData {
        id: p.id,
        user_id: p.user_id,
        title: p.title.clone(),
        body: p.body.clone(),
    }
}

pub fn trivial_output(users: &[User]) -> Output {
    Output::Users(users.iter().map(user_data).collect())
}

pub fn left_join_output(rows: &UsersWithPosts) -> Output {
    let rows = rows
        .iter()
        .map(|(u, ps)| (user_data(u), ps.iter().map(post_data).collect()));
    Output::UsersWithPosts(rows.collect())
}

pub fn associations_output(rows: &UsersPostsComments) -> Output {
    let comment = |c: &Comment| CommentData {
        id: c.id,
        post_id: c.post_id,
        text: c.text.clone(),
    };
    let posts = |ps: &Vec<(Post, Vec<Comment>)>| {
        ps.iter()
            .map(|(p, cs)| (post_data(p), cs.iter().map(comment).collect()))
            .collect()
    };
    Output::UsersPostsComments(
        rows.iter()
            .map(|(u, ps)| (user_data(u), posts(ps)))
            .collect(),
    )
}
