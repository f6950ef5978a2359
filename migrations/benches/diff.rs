//! Placeholder until the migrate-diff benchmark lands.
fn main() {}
