// `contains` exists only on text fields.
use quarry_tests::generated::blog::post;

fn main() {
    let _ = post::view_count().contains("1");
}
