//! The workloads with SeaORM 1: hand-written entities (what `sea-orm-cli generate entity`
//! would write for these tables) on a `DatabaseConnection` with SeaORM's default options.

use quarry_bench::{CommentData, NewUser, Output, PostData, UserData};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Database, DatabaseConnection, EntityTrait, LoaderTrait,
    QueryFilter, QueryOrder,
};

pub mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "users")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub name: String,
        pub hair_color: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(has_many = "super::post::Entity")]
        Post,
    }

    impl Related<super::post::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Post.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod post {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "posts")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub user_id: i32,
        pub title: String,
        pub body: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::user::Entity",
            from = "Column::UserId",
            to = "super::user::Column::Id"
        )]
        User,
        #[sea_orm(has_many = "super::comment::Entity")]
        Comment,
    }

    impl Related<super::user::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::User.def()
        }
    }

    impl Related<super::comment::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Comment.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub mod comment {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "comments")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i32,
        pub post_id: i32,
        pub text: String,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {
        #[sea_orm(
            belongs_to = "super::post::Entity",
            from = "Column::PostId",
            to = "super::post::Column::Id"
        )]
        Post,
    }

    impl Related<super::post::Entity> for Entity {
        fn to() -> RelationDef {
            Relation::Post.def()
        }
    }

    impl ActiveModelBehavior for ActiveModel {}
}

pub type UsersWithPosts = Vec<(user::Model, Vec<post::Model>)>;
pub type UsersPostsComments = Vec<(user::Model, Vec<(post::Model, Vec<comment::Model>)>)>;

pub struct SeaOrm(pub DatabaseConnection);

impl SeaOrm {
    pub async fn connect(url: &str) -> SeaOrm {
        let url = match url.strip_prefix("file:") {
            Some(path) => format!("sqlite://{path}"),
            None => url.to_string(),
        };
        SeaOrm(Database::connect(url).await.unwrap())
    }

    pub async fn trivial(&self) -> Vec<user::Model> {
        let users = user::Entity::find().order_by_asc(user::Column::Id);
        users.all(&self.0).await.unwrap()
    }

    /// `find_with_related`: one LEFT JOIN, consolidated by SeaORM.
    pub async fn left_join(&self) -> UsersWithPosts {
        user::Entity::find()
            .filter(user::Column::HairColor.eq("black"))
            .find_with_related(post::Entity)
            .order_by_asc(user::Column::Id)
            .order_by_asc(post::Column::Id)
            .all(&self.0)
            .await
            .unwrap()
    }

    /// The loader (`LoaderTrait::load_many`): one batched statement per level.
    pub async fn associations(&self) -> UsersPostsComments {
        let db = &self.0;
        let users = self.trivial().await;
        let posts_by_user = users
            .load_many(post::Entity::find().order_by_asc(post::Column::Id), db)
            .await
            .unwrap();
        let counts: Vec<usize> = posts_by_user.iter().map(Vec::len).collect();
        let posts: Vec<post::Model> = posts_by_user.into_iter().flatten().collect();
        let comments = posts
            .load_many(
                comment::Entity::find().order_by_asc(comment::Column::Id),
                db,
            )
            .await
            .unwrap();
        let mut posts = posts.into_iter().zip(comments);
        users
            .into_iter()
            .zip(counts)
            .map(|(u, n)| (u, posts.by_ref().take(n).collect()))
            .collect()
    }

    /// `insert` for one row, `insert_many` (one INSERT) for several.
    pub async fn insert(&self, rows: &[NewUser]) -> usize {
        let model = |r: &NewUser| user::ActiveModel {
            name: Set(r.name.clone()),
            hair_color: Set(r.hair_color.clone()),
            ..Default::default()
        };
        if let [r] = rows {
            user::Entity::insert(model(r)).exec(&self.0).await.unwrap();
            return 1;
        }
        let many = user::Entity::insert_many(rows.iter().map(model));
        many.exec(&self.0).await.unwrap();
        rows.len()
    }
}

fn user_data(u: &user::Model) -> UserData {
    UserData {
        id: u.id,
        name: u.name.clone(),
        hair_color: u.hair_color.clone(),
    }
}

fn post_data(p: &post::Model) -> PostData {
    PostData {
        id: p.id,
        user_id: p.user_id,
        title: p.title.clone(),
        body: p.body.clone(),
    }
}

pub fn trivial_output(users: &[user::Model]) -> Output {
    Output::Users(users.iter().map(user_data).collect())
}

pub fn left_join_output(rows: &UsersWithPosts) -> Output {
    let rows = rows
        .iter()
        .map(|(u, ps)| (user_data(u), ps.iter().map(post_data).collect()));
    Output::UsersWithPosts(rows.collect())
}

pub fn associations_output(rows: &UsersPostsComments) -> Output {
    let comment = |c: &comment::Model| CommentData {
        id: c.id,
        post_id: c.post_id,
        text: c.text.clone(),
    };
    let posts = |ps: &Vec<(post::Model, Vec<comment::Model>)>| {
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
