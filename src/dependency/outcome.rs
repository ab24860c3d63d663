//! How the output of a call says whether it failed, and whether a cache lookup hit.

use std::borrow::Cow;

/// Whether a call's output is a failure, and which (`error.type`).
///
/// Implemented for `Result`: `Err(e)` fails with the type name of `e`, a stable,
/// low-cardinality value. Implement it for outputs of your own.
pub trait Outcome {
    /// `None` for success, else the `error.type` value.
    fn error_type(&self) -> Option<Cow<'static, str>>;
}

impl<T, E> Outcome for Result<T, E> {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        self.as_ref()
            .err()
            .map(|_| Cow::Borrowed(std::any::type_name::<E>()))
    }
}

/// Work that cannot fail, such as a fire-and-forget job.
impl Outcome for () {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        None
    }
}

/// A cache operation's output: whether it failed, and whether it found the entry.
pub trait CacheOutcome {
    /// `None` for success, else the `error.type` value.
    fn error_type(&self) -> Option<Cow<'static, str>>;
    /// `Some(true)` for a hit, `Some(false)` for a miss, `None` when not a lookup or failed.
    fn hit(&self) -> Option<bool>;
}

impl<T> CacheOutcome for Option<T> {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        None
    }

    fn hit(&self) -> Option<bool> {
        Some(self.is_some())
    }
}

impl<T, E> CacheOutcome for Result<Option<T>, E> {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        Outcome::error_type(self)
    }

    fn hit(&self) -> Option<bool> {
        self.as_ref().ok().map(Option::is_some)
    }
}

impl CacheOutcome for () {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        None
    }

    fn hit(&self) -> Option<bool> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_fail_with_the_error_type_name() {
        let ok: Result<u8, std::io::Error> = Ok(1);
        assert_eq!(Outcome::error_type(&ok), None);
        let err: Result<u8, std::io::Error> = Err(std::io::Error::other("x"));
        assert_eq!(
            Outcome::error_type(&err).as_deref(),
            Some("std::io::error::Error")
        );
    }

    #[test]
    fn lookups_hit_on_some() {
        assert_eq!(Some(1).hit(), Some(true));
        assert_eq!(None::<u8>.hit(), Some(false));
        let found: Result<Option<u8>, std::io::Error> = Ok(Some(1));
        assert_eq!(found.hit(), Some(true));
        let failed: Result<Option<u8>, std::io::Error> = Err(std::io::Error::other("x"));
        assert_eq!(
            (failed.hit(), CacheOutcome::error_type(&failed).is_some()),
            (None, true)
        );
        assert_eq!(().hit(), None);
    }
}
