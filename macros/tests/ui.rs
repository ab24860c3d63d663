//! The attributes' own error messages, pinned: one error at the mistake, and the function kept
//! (each case calls it from `main`, which would be a second error if it were dropped).
//! `TRYBUILD=overwrite cargo test -p tower-monitoring-macros --test ui` rewrites the
//! expected messages after a deliberate change.

#[test]
fn mistakes_are_one_error_and_keep_the_function() {
    trybuild::TestCases::new().compile_fail("tests/ui/*.rs");
}
