//! [`ExemplarTable`]: the series of one instrument that have had a sampled recording, found
//! by attribute set without a lock.
//!
//! A fixed table of write-once slots, probed linearly from the attribute set's hash: a
//! series takes a slot on its first sampled recording and keeps it for the life of the
//! provider, as the SDK keeps a cumulative series. The table is sized for twice the
//! cardinality limit and allocated on the first sampled recording; when the probes find no
//! free slot (more series than the SDK itself keeps), the recording gets no exemplar.

use std::hash::BuildHasher;
use std::sync::{Arc, OnceLock};

use opentelemetry::KeyValue;

use super::{SeriesExemplars, TraceIds};

/// Slots looked at before giving up; at the table's load (at most one half) a probe run
/// this long does not happen by chance.
const MAX_PROBES: usize = 64;

struct Entry {
    hash: u64,
    attributes: Box<[KeyValue]>,
    series: Arc<SeriesExemplars>,
}

pub(crate) struct ExemplarTable {
    bounds: Arc<[f64]>,
    /// One hasher for the table's life, so a set hashes the same on every lookup.
    hasher: hashbrown::DefaultHashBuilder,
    /// A power of two.
    capacity: usize,
    slots: OnceLock<Box<[OnceLock<Box<Entry>>]>>,
}

impl std::fmt::Debug for ExemplarTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExemplarTable")
            .field("capacity", &self.capacity)
            .field("allocated", &self.slots.get().is_some())
            .finish_non_exhaustive()
    }
}

impl ExemplarTable {
    /// A table for a histogram with `bounds` that keeps at most `series` series.
    pub(super) fn new(bounds: &[f64], series: usize) -> Self {
        Self {
            bounds: Arc::from(bounds),
            hasher: hashbrown::DefaultHashBuilder::default(),
            capacity: (series.max(1) * 2).next_power_of_two(),
            slots: OnceLock::new(),
        }
    }

    /// Keeps `value` as an exemplar of the series `attributes` (any order).
    #[inline]
    pub(crate) fn offer(&self, attributes: &[KeyValue], value: f64, trace: TraceIds) {
        if let Some(series) = self.series(attributes) {
            series.offer(value, trace);
        }
    }

    /// The exemplars of the series `attributes` (any order), taking its slot on first use;
    /// `None` when the table has no room for it.
    pub(crate) fn series(&self, attributes: &[KeyValue]) -> Option<&Arc<SeriesExemplars>> {
        let slots = self
            .slots
            .get_or_init(|| (0..self.capacity).map(|_| OnceLock::new()).collect());
        let hash = self.hash(attributes.iter());
        for probe in 0..MAX_PROBES {
            let slot = &slots[(hash as usize).wrapping_add(probe) & (self.capacity - 1)];
            // Two threads may race for a free slot; the loser finds the winner's series
            // there and, unless it is its own, probes on.
            let entry = slot.get_or_init(|| {
                Box::new(Entry {
                    hash,
                    attributes: attributes.into(),
                    series: Arc::new(SeriesExemplars::new(self.bounds.clone())),
                })
            });
            if entry.hash == hash && same_set(&entry.attributes, attributes.iter()) {
                return Some(&entry.series);
            }
        }
        None
    }

    /// The exemplars of the series `attributes` (any order), if it has had a sampled
    /// recording.
    #[cfg_attr(not(feature = "prometheus"), allow(dead_code))]
    pub(crate) fn find<'a>(
        &self,
        attributes: impl Iterator<Item = &'a KeyValue> + Clone,
    ) -> Option<&SeriesExemplars> {
        let slots = self.slots.get()?;
        let hash = self.hash(attributes.clone());
        for probe in 0..MAX_PROBES {
            let slot = &slots[(hash as usize).wrapping_add(probe) & (self.capacity - 1)];
            let entry = slot.get()?;
            if entry.hash == hash && same_set(&entry.attributes, attributes.clone()) {
                return Some(&entry.series);
            }
        }
        None
    }
}

impl ExemplarTable {
    /// A hash of the attribute set that does not depend on the order of its attributes: the
    /// SDK hands them back sorted by key, the recording side has its own order.
    fn hash<'a>(&self, attributes: impl Iterator<Item = &'a KeyValue>) -> u64 {
        attributes.fold(0u64, |sum, attribute| {
            sum.wrapping_add(self.hasher.hash_one(attribute))
        })
    }
}

/// Whether `attributes` are the set `stored`: in the stored order (a recording side always
/// passes its attributes in one order), else in any.
fn same_set<'a>(
    stored: &[KeyValue],
    attributes: impl Iterator<Item = &'a KeyValue> + Clone,
) -> bool {
    let mut in_order = true;
    let mut count = 0;
    for (at, attribute) in attributes.clone().enumerate() {
        if stored.get(at) != Some(attribute) {
            in_order = false;
            break;
        }
        count = at + 1;
    }
    if in_order {
        return count == stored.len();
    }
    let mut count = 0;
    for attribute in attributes {
        if !stored.contains(attribute) {
            return false;
        }
        count += 1;
    }
    count == stored.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exemplars::test_trace as trace;

    #[test]
    fn a_series_is_found_whatever_the_order_of_its_attributes() {
        let table = ExemplarTable::new(&[1.0], 10);
        assert!(table.find([].iter()).is_none(), "nothing allocated yet");
        let recorded = [KeyValue::new("route", "/a"), KeyValue::new("status", 200)];
        table.offer(&recorded, 0.5, trace(1));
        let sorted = [KeyValue::new("status", 200), KeyValue::new("route", "/a")];
        let found = table.find(sorted.iter()).expect("the series recorded");
        assert_eq!(found.exemplars()[0].trace, trace(1));
        let other = [KeyValue::new("route", "/a")];
        assert!(
            table.find(other.iter()).is_none(),
            "a subset is another series"
        );
        let owned = [
            KeyValue::new("route", String::from("/a")),
            KeyValue::new("status", 200),
        ];
        assert!(
            table.find(owned.iter()).is_some(),
            "owned and static strings are equal"
        );
    }

    #[test]
    fn a_full_table_drops_exemplars_and_stays_bounded() {
        let table = ExemplarTable::new(&[1.0], 4); // 8 slots
        for n in 0..100 {
            table.offer(&[KeyValue::new("n", n)], 0.5, trace(1));
        }
        let kept = (0..100)
            .filter(|n| table.find([KeyValue::new("n", *n)].iter()).is_some())
            .count();
        assert_eq!(kept, 8, "one series per slot, the rest without exemplars");
    }
}
