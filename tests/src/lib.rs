//! Shared helpers for Quarry's end-to-end tests.
