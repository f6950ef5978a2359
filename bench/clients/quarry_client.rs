//! The workloads with Quarry's client, generated from `bench/schema.prisma`.

use quarry_bench::db::{self, comment, post, user};
use quarry_bench::{CommentData, PostData};
use quarry_bench::{NewUser, Output, UserData};

/// Users with their posts, as `include` types them.
pub type UsersWithPosts = Vec<db::User<Vec<db::Post>>>;
/// Users with their posts and the posts' comments.
pub type UsersPostsComments = Vec<db::User<Vec<db::Post<quarry::NotLoaded, Vec<db::Comment>>>>>;

/// Quarry's generated client, connected as an app connects it.
pub struct Quarry(pub db::Client);

impl Quarry {
    /// `QUARRY_BENCH_STRATEGY=join|query` forces a relation-load strategy (to measure the one
    /// Quarry would not choose here); unset, Quarry chooses, as apps leave it.
    pub async fn connect(url: &str) -> Quarry {
        let strategy = match std::env::var("QUARRY_BENCH_STRATEGY").as_deref() {
            Ok("join") => Some(quarry::RelationLoadStrategy::Join),
            Ok("query") => Some(quarry::RelationLoadStrategy::Query),
            Ok(other) => panic!("QUARRY_BENCH_STRATEGY={other}: join or query"),
            Err(_) => None,
        };
        let options = quarry::ConnectOptions {
            relation_load_strategy: strategy,
            ..Default::default()
        };
        let raw = quarry::Client::connect_with(url, options)
            .await
            .expect("Quarry connects");
        Quarry(db::Client::from_client(raw))
    }

    pub async fn trivial(&self) -> Vec<db::User> {
        let users = self.0.user().find_many().order_by(user::id().asc());
        users.exec().await.unwrap()
    }

    pub async fn left_join(&self) -> UsersWithPosts {
        self.0
            .user()
            .find_many()
            .filter(user::hair_color().equals("black"))
            .order_by(user::id().asc())
            .include(user::posts().with(post::find().order_by(post::id().asc())))
            .exec()
            .await
            .unwrap()
    }

    pub async fn associations(&self) -> UsersPostsComments {
        let comments = post::comments().with(comment::find().order_by(comment::id().asc()));
        let posts = post::find().order_by(post::id().asc()).include(comments);
        self.0
            .user()
            .find_many()
            .order_by(user::id().asc())
            .include(user::posts().with(posts))
            .exec()
            .await
            .unwrap()
    }

    /// `create_many`: one INSERT, the count back (as the other clients' inserts return no
    /// record; `create` would read the record back).
    pub async fn insert(&self, rows: &[NewUser]) -> u64 {
        let data = rows.iter().map(|r| {
            let d = user::create(r.name.as_str());
            match &r.hair_color {
                Some(c) => d.set(user::hair_color(), c.as_str()),
                None => d.set_null(user::hair_color()),
            }
        });
        self.0.user().create_many(data).exec().await.unwrap()
    }
}

pub fn user_data<P>(u: &db::User<P>) -> UserData {
    UserData {
        id: u.id,
        name: u.name.clone(),
        hair_color: u.hair_color.clone(),
    }
}

pub fn post_data<U, C>(p: &db::Post<U, C>) -> PostData {
    PostData {
        id: p.id,
        user_id: p.user_id,
        title: p.title.clone(),
        body: p.body.clone(),
    }
}

pub fn trivial_output(users: &[db::User]) -> Output {
    Output::Users(users.iter().map(user_data).collect())
}

pub fn left_join_output(users: &UsersWithPosts) -> Output {
    let rows = users
        .iter()
        .map(|u| (user_data(u), u.posts.iter().map(post_data).collect()));
    Output::UsersWithPosts(rows.collect())
}

pub fn associations_output(users: &UsersPostsComments) -> Output {
    let comment = |c: &db::Comment| CommentData {
        id: c.id,
        post_id: c.post_id,
        text: c.text.clone(),
    };
    let posts = |u: &db::User<Vec<db::Post<quarry::NotLoaded, Vec<db::Comment>>>>| {
        let p = u.posts.iter();
        p.map(|p| (post_data(p), p.comments.iter().map(comment).collect()))
            .collect()
    };
    Output::UsersPostsComments(users.iter().map(|u| (user_data(u), posts(u))).collect())
}
