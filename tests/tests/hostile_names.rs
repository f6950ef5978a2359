//! Clients generated from schemas with hostile names compile without a warning: build.rs
//! generated one from every schema of `hostile_schemas.rs` the validator accepts, and this
//! file is the one crate that compiles them all.
#![deny(warnings)]
#![allow(missing_docs)]

mod clients {
    include!(concat!(env!("OUT_DIR"), "/hostile/clients.rs"));
}

#[test]
fn the_reported_schemas_are_valid_and_compile() {
    for name in [
        "model_option",
        "model_result",
        "enum_from",
        "colliding_fields",
        "pg_lists",
        "colliding_types",
        "odd_characters",
    ] {
        assert!(!clients::REFUSED.contains(&name), "{name} was refused");
    }
}

#[test]
fn most_drawn_schemas_are_valid() {
    // The generator aims at valid schemas; a refused one tests nothing here.
    let refused = clients::REFUSED.len();
    assert!(
        refused <= 10,
        "{refused} hostile schemas refused: {:?}",
        clients::REFUSED
    );
}

#[test]
fn colliding_names_are_numbered_in_schema_order() {
    use clients::colliding_fields::Event;
    use clients::colliding_types::{UserPost, UserPost2, UserPost3, UserPost4};
    let event = Event {
        id: 1,
        created_at: quarry::DateTime::default(),
        created_at_2: quarry::DateTime::default(),
        created_at_3: None,
    };
    assert_eq!(event.created_at_3, None);
    let _: Option<(UserPost, UserPost2, UserPost3)> = None;
    assert_eq!(UserPost4::ALL.len(), 4);
    assert_eq!(UserPost4::Active2.as_db_str(), "ACTIVE");
    assert_eq!(UserPost4::Self_.as_db_str(), "Self");
}
