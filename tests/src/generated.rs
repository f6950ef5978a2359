//! Clients generated from every schema-example and test-only schema (`tests/schemas/`) at
//! build time (see build.rs).
#![allow(missing_docs)]

macro_rules! generated {
    ($($name:ident),*) => {
        $(pub mod $name {
            include!(concat!(env!("OUT_DIR"), "/", stringify!($name), ".rs"));
        })*
    };
}

generated!(
    blog,
    ecommerce,
    saas,
    social,
    audit_log,
    native_postgres,
    native_mysql,
    native_sqlite,
    scalar_lists
);

/// The same code in private modules, where unused items would warn: generated code must
/// compile without a warning however little of it an app uses.
#[deny(warnings)]
mod private_blog {
    include!(concat!(env!("OUT_DIR"), "/blog.rs"));
}

#[deny(warnings)]
mod private_ecommerce {
    include!(concat!(env!("OUT_DIR"), "/ecommerce.rs"));
}
