//! Clients generated from every schema-example at build time (see build.rs).
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
    native_sqlite
);
