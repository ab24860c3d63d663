//! How the output of a call says whether it failed, and whether a cache lookup hit.

use std::borrow::Cow;

/// Whether a call's output is a failure, and which (`error.type`).
///
/// Implemented for `Result`: `Err(_)` fails with `error.type="_OTHER"`, the semantic
/// conventions' value for an error the instrumentation cannot name. A Rust type name would
/// change with the compiler version and break the dashboards keyed on it, so name your
/// errors with [`Instrumented::error_type`](super::Instrumented::error_type) (or the macros'
/// `error_type = ...` argument), or implement this trait for outputs of your own.
pub trait Outcome {
    /// `None` for success, else the `error.type` value.
    fn error_type(&self) -> Option<Cow<'static, str>>;
}

impl<T, E> Outcome for Result<T, E> {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        self.is_err()
            .then_some(Cow::Borrowed(crate::classify::UNNAMED_ERROR))
    }
}

/// Work that cannot fail, such as a fire-and-forget job.
impl Outcome for () {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        None
    }
}

/// A lookup that found nothing did not fail.
impl<T> Outcome for Option<T> {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        None
    }
}

/// A cache operation's output: whether it failed ([`Outcome`]), and whether it found the
/// entry.
pub trait CacheOutcome: Outcome {
    /// `Some(true)` for a hit, `Some(false)` for a miss, `None` when not a lookup or failed.
    fn hit(&self) -> Option<bool>;
}

impl<T> CacheOutcome for Option<T> {
    fn hit(&self) -> Option<bool> {
        Some(self.is_some())
    }
}

impl<T, E> CacheOutcome for Result<Option<T>, E> {
    fn hit(&self) -> Option<bool> {
        self.as_ref().ok().map(Option::is_some)
    }
}

impl CacheOutcome for () {
    fn hit(&self) -> Option<bool> {
        None
    }
}

/// How a wrapped call's output is turned into its `error.type`: [`FromOutcome`] by default,
/// [`MapErrors`] once [`Instrumented::error_type`](super::Instrumented::error_type) is set.
pub trait ErrorNames<O> {
    /// `None` for success, else the `error.type` value.
    fn name(&self, output: &O) -> Option<Cow<'static, str>>;
}

/// The default [`ErrorNames`]: what the output's [`Outcome`] says.
#[derive(Debug, Clone, Copy, Default)]
pub struct FromOutcome;

impl<O: Outcome> ErrorNames<O> for FromOutcome {
    fn name(&self, output: &O) -> Option<Cow<'static, str>> {
        output.error_type()
    }
}

/// [`ErrorNames`] from a function of the error: `Err(e)` is named `map(&e)`.
#[derive(Debug, Clone, Copy)]
pub struct MapErrors<M>(pub(super) M);

impl<T, E, M: Fn(&E) -> &'static str> ErrorNames<Result<T, E>> for MapErrors<M> {
    fn name(&self, output: &Result<T, E>) -> Option<Cow<'static, str>> {
        output
            .as_ref()
            .err()
            .map(|err| Cow::Borrowed((self.0)(err)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_fail_with_a_stable_error_type_unless_named() {
        let ok: Result<u8, std::io::Error> = Ok(1);
        assert_eq!(Outcome::error_type(&ok), None);
        let err: Result<u8, String> = Err("boom".to_owned());
        assert_eq!(Outcome::error_type(&err).as_deref(), Some("_OTHER"));
        assert_eq!(FromOutcome.name(&err).as_deref(), Some("_OTHER"));
        let named = MapErrors(|err: &String| if err.is_empty() { "empty" } else { "boom" });
        assert_eq!(named.name(&err).as_deref(), Some("boom"));
        assert_eq!(named.name(&Ok::<u8, String>(1)), None);
    }

    #[test]
    fn lookups_hit_on_some() {
        assert_eq!(Some(1).hit(), Some(true));
        assert_eq!(None::<u8>.hit(), Some(false));
        let found: Result<Option<u8>, std::io::Error> = Ok(Some(1));
        assert_eq!(found.hit(), Some(true));
        let failed: Result<Option<u8>, std::io::Error> = Err(std::io::Error::other("x"));
        assert_eq!(
            (failed.hit(), Outcome::error_type(&failed).is_some()),
            (None, true)
        );
        assert_eq!(().hit(), None);
    }
}
