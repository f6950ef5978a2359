//! The `quarry` command-line tool.
fn main() {}
