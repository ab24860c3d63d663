//! [`Fold`]: the values a label of the HTTP metrics may take, so that no client can grow the
//! series count. A closed set keeps its values and folds every other into `_OTHER`; a cap
//! keeps the first distinct values a layer sees and folds the rest. Values too long to be a
//! label fold too. Operation names (`operation.rs`) and custom attributes (`custom.rs`) are
//! folded by it.

use std::sync::{Arc, PoisonError, RwLock};

use hashbrown::HashMap;

/// The value of a label past its cap, outside its closed set, or too long.
pub(crate) const OTHER: &str = "_OTHER";

/// Values longer than this fold into [`OTHER`]: a client-chosen string must not become a
/// large label value.
pub(crate) const MAX_VALUE_LEN: usize = 64;

/// Which values a label keeps. Indexes start at 0, in the order values were first kept.
pub(crate) enum Fold {
    OneOf(Box<[Box<str>]>),
    Capped {
        cap: usize,
        max_len: usize,
        kept: RwLock<Kept>,
    },
}

#[derive(Default)]
pub(crate) struct Kept {
    index: HashMap<Arc<str>, u16>,
    values: Vec<Arc<str>>,
}

impl Fold {
    pub(crate) fn one_of(values: impl IntoIterator<Item = impl Into<Box<str>>>) -> Self {
        Self::OneOf(values.into_iter().map(Into::into).collect())
    }

    /// At most `cap` values (and never more than a `u16` numbers).
    pub(crate) fn capped(cap: usize) -> Self {
        Self::capped_to_length(cap, MAX_VALUE_LEN)
    }

    /// At most `cap` values of at most `max_len` bytes each.
    pub(crate) fn capped_to_length(cap: usize, max_len: usize) -> Self {
        Self::Capped {
            cap: cap.min(usize::from(u16::MAX)),
            max_len,
            kept: RwLock::default(),
        }
    }

    /// The index of `value` among the values kept, keeping it if there is room; `None`
    /// when it folds into [`OTHER`] (as does `_OTHER` itself).
    pub(crate) fn index(&self, value: &str) -> Option<u16> {
        if value == OTHER {
            return None;
        }
        match self {
            Self::OneOf(values) => values
                .iter()
                .position(|kept| &**kept == value)
                .filter(|_| value.len() <= MAX_VALUE_LEN)
                .map(|at| at as u16),
            Self::Capped { max_len, .. } if value.len() > *max_len => None,
            Self::Capped { cap, kept, .. } => {
                if let Some(&at) = kept
                    .read()
                    .unwrap_or_else(PoisonError::into_inner)
                    .index
                    .get(value)
                {
                    return Some(at);
                }
                Self::keep(*cap, kept, value)
            }
        }
    }

    #[cold]
    fn keep(cap: usize, kept: &RwLock<Kept>, value: &str) -> Option<u16> {
        let mut kept = kept.write().unwrap_or_else(PoisonError::into_inner);
        if let Some(&at) = kept.index.get(value) {
            return Some(at);
        }
        if kept.values.len() >= cap {
            return None;
        }
        let at = kept.values.len() as u16;
        let value: Arc<str> = value.into();
        kept.values.push(value.clone());
        kept.index.insert(value, at);
        Some(at)
    }

    /// The value kept at `index`, or [`OTHER`] for `None`.
    pub(crate) fn value(&self, index: Option<u16>) -> Arc<str> {
        let Some(at) = index else {
            return OTHER.into();
        };
        match self {
            Self::OneOf(values) => values
                .get(usize::from(at))
                .map_or_else(|| OTHER.into(), |value| (&**value).into()),
            Self::Capped { kept, .. } => kept
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .values
                .get(usize::from(at))
                .cloned()
                .unwrap_or_else(|| OTHER.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_set_keeps_its_values_and_folds_the_rest() {
        let fold = Fold::one_of(["free", "pro"]);
        assert_eq!(fold.index("pro"), Some(1));
        assert_eq!(fold.index("enterprise"), None);
        assert_eq!(&*fold.value(Some(0)), "free");
        assert_eq!(&*fold.value(None), OTHER);
    }

    #[test]
    fn a_cap_keeps_the_first_values_seen() {
        let fold = Fold::capped(2);
        assert_eq!(fold.index("a"), Some(0));
        assert_eq!(fold.index("b"), Some(1));
        assert_eq!(fold.index("c"), None, "past the cap");
        assert_eq!(fold.index("a"), Some(0), "kept values stay");
        assert_eq!(fold.index(OTHER), None);
        assert_eq!(fold.index(&"x".repeat(MAX_VALUE_LEN + 1)), None, "too long");
        assert_eq!(&*fold.value(Some(1)), "b");
    }
}
