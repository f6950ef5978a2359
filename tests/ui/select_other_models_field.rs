// A selection is a tuple of field handles of the model being read.
use quarry_tests::generated::blog::{self as db, post};

async fn emails(client: &db::Client) {
    let _ = client.user().find_many().select((post::title(),)).exec().await;
}

fn main() {
    let _ = emails;
}
