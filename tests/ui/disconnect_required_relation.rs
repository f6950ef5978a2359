// A post's author is required (`authorId Int`), so a post cannot be disconnected from its
// author: the relation has no removable link.
use quarry_tests::generated::blog::{post, user};

fn main() {
    let _ = user::create("a@example.com").disconnect(user::posts(), post::by_id(1));
}
