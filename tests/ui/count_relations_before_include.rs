// `count_relations` before `include`: the message says which order works.
use quarry_tests::generated::blog::{self as db, user};

async fn users(client: &db::Client) {
    let _ = client
        .user()
        .find_many()
        .count_relations((user::posts(),))
        .include(user::posts())
        .exec()
        .await;
}

fn main() {
    let _ = users;
}
