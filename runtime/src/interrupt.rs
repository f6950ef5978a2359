//! Interrupting a statement that SQLite runs on another thread.
//!
//! Owns: the one `unsafe` call of the runtime. sqlx runs each SQLite connection on a worker
//! thread and offers no way to stop a statement from outside; SQLite's own
//! `sqlite3_interrupt` is made for exactly that.
#![allow(unsafe_code)]

use std::ptr::NonNull;

/// A SQLite connection's handle, kept to interrupt its statements from another thread.
#[derive(Debug, Clone)]
pub(crate) struct SqliteInterrupt(NonNull<libsqlite3_sys::sqlite3>);

// SAFETY: `sqlite3_interrupt` is documented as safe to call from any thread while the
// connection is open; the handle is used for nothing else.
unsafe impl Send for SqliteInterrupt {}
unsafe impl Sync for SqliteInterrupt {}

impl SqliteInterrupt {
    pub(crate) fn new(handle: NonNull<libsqlite3_sys::sqlite3>) -> Self {
        SqliteInterrupt(handle)
    }

    /// Makes the statement running on the connection stop with `SQLITE_INTERRUPT`; no effect
    /// when none runs.
    pub(crate) fn interrupt(&self) {
        // SAFETY: the handle comes from a connection that a transaction holds (`TxState`) for
        // as long as this value lives in it, so the connection is open; SQLite allows the call
        // from any thread.
        unsafe { libsqlite3_sys::sqlite3_interrupt(self.0.as_ptr()) }
    }
}
