// A filter takes the field's type: `id` is an Int, not a string.
use quarry_tests::generated::blog::user;

fn main() {
    let _ = user::id().equals("1");
}
