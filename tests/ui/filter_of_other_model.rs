// A filter on Post cannot be used in a query on User.
use quarry_tests::generated::blog::{self as db, post};

async fn wrong(client: &db::Client) {
    let _ = client.user().find_many().filter(post::published().equals(true)).exec().await;
}

fn main() {
    let _ = wrong;
}
