//! Bucket bounds per histogram, chosen by the application: they replace, through the view
//! (`views.rs`), the bounds the instrument was created with.
//!
//! The semantic-convention duration buckets start at 5 ms; a service answering in half a
//! millisecond needs finer ones before any quantile of it means anything.

use crate::Error;
use crate::names::METRICS;

/// The bounds asked for one instrument, by its OpenTelemetry name.
#[derive(Debug, Clone)]
pub(crate) struct Buckets {
    pub(crate) instrument: String,
    pub(crate) bounds: Vec<f64>,
}

impl Buckets {
    /// Fails naming the instrument when the bounds cannot make a histogram: empty, not
    /// finite, or not strictly increasing; or when the name is a Prometheus rendering.
    pub(super) fn check(&self) -> Result<(), Error> {
        let name = &self.instrument;
        // A Prometheus spelling of one of our metrics: a view on it would never match.
        if METRICS.iter().any(|metric| metric.prometheus == name) {
            return Err(Error::config(format!(
                "histogram buckets for {name:?}: name the instrument as OpenTelemetry does \
                 (`tower_monitoring::names`, such as \"http.server.request.duration\"), not as \
                 Prometheus renders it"
            )));
        }
        let increasing = self.bounds.windows(2).all(|pair| pair[0] < pair[1]);
        if self.bounds.is_empty() || !increasing || self.bounds.iter().any(|b| !b.is_finite()) {
            return Err(Error::config(format!(
                "histogram buckets for {name:?} must be finite and strictly increasing, \
                 at least one; got {:?}",
                self.bounds
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(instrument: &str, bounds: &[f64]) -> Result<(), Error> {
        Buckets {
            instrument: instrument.to_owned(),
            bounds: bounds.to_vec(),
        }
        .check()
    }

    #[test]
    fn bounds_must_make_a_histogram() {
        let name = crate::names::HTTP_SERVER_REQUEST_DURATION;
        assert!(check(name, &[0.0005, 0.001, 0.005]).is_ok());
        for bad in [
            &[][..],
            &[0.1, 0.1],
            &[0.5, 0.1],
            &[0.1, f64::NAN],
            &[f64::INFINITY],
        ] {
            let err = check(name, bad).unwrap_err();
            assert!(err.to_string().contains("strictly increasing"), "{err}");
        }
        let err = check(
            crate::names::prometheus::HTTP_SERVER_REQUEST_DURATION,
            &[0.1],
        )
        .unwrap_err();
        assert!(err.to_string().contains("as OpenTelemetry does"), "{err}");
    }
}
