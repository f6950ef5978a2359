// Reading a relation that was not included does not compile.
use quarry_tests::generated::blog as db;

async fn count_posts(client: &db::Client) -> usize {
    let users = client.user().find_many().exec().await.unwrap();
    users[0].posts.len()
}

fn main() {
    let _ = count_posts;
}
