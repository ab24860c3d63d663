//! The one view every instrument of the provider goes through: the cardinality limit, the
//! bucket bounds the application chose for it (`buckets.rs`), and base-2 exponential
//! buckets for the histograms asked to push them.
//!
//! One view rather than one per setting: the SDK makes a stream for each view that matches
//! an instrument, so two matching views would export every metric twice.

use opentelemetry_sdk::metrics::{
    Aggregation, Instrument, InstrumentKind, MeterProviderBuilder, Stream,
};

use super::buckets::Buckets;
use crate::Error;

/// The series each instrument keeps by default: a service of 500 routes with 8 label sets
/// each (methods, status codes, operation names) stays well under it. The SDK's own default
/// is 2,000.
pub const DEFAULT_CARDINALITY_LIMIT: usize = 10_000;

/// The most series an instrument may be allowed. The SDK sizes each instrument's table for
/// its limit up front, so a limit in the millions would cost memory before any request.
pub(crate) const MAX_CARDINALITY_LIMIT: usize = 100_000;

/// Which histograms get base-2 exponential buckets instead of explicit ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Exponential {
    #[default]
    None,
    All,
    /// By OpenTelemetry name.
    Only(Vec<String>),
}

impl Exponential {
    fn covers(&self, instrument: &str) -> bool {
        match self {
            Self::None => false,
            Self::All => true,
            Self::Only(names) => names.iter().any(|name| name == instrument),
        }
    }
}

/// The buckets of an exponential histogram: the SDK's defaults (160 buckets, scale 20, which
/// it lowers as the range of values widens).
const EXPONENTIAL: Aggregation = Aggregation::Base2ExponentialHistogram {
    max_size: 160,
    max_scale: 20,
    record_min_max: true,
};

/// `provider` with the view, each bucket entry checked first. Exponential histograms are
/// refused with the scrape on: views apply to every reader, and the Prometheus exporter
/// drops exponential histograms without a word.
pub(crate) fn apply(
    provider: MeterProviderBuilder,
    buckets: &[Buckets],
    exponential: Exponential,
    scrape: bool,
    cardinality_limit: usize,
) -> Result<MeterProviderBuilder, Error> {
    check_limit(cardinality_limit)?;
    for entry in buckets {
        entry.check()?;
        if exponential.covers(&entry.instrument) {
            return Err(Error::config(format!(
                "histogram {:?} is given both explicit bucket bounds and exponential buckets: \
                 keep one",
                entry.instrument
            )));
        }
    }
    if scrape && exponential != Exponential::None {
        return Err(Error::config(
            "exponential histograms reach only an OTLP push: the Prometheus scrape cannot \
             render them (and the SDK's views apply to every reader), so switch the scrape off \
             (OTEL_METRICS_EXPORTER=otlp, metrics_export(MetricsExport::Push)) or keep \
             explicit buckets",
        ));
    }
    let buckets = buckets.to_vec();
    Ok(provider.with_view(move |instrument: &Instrument| {
        let mut stream = Stream::builder().with_cardinality_limit(cardinality_limit);
        if instrument.kind() == InstrumentKind::Histogram {
            if exponential.covers(instrument.name()) {
                stream = stream.with_aggregation(EXPONENTIAL);
            } else if let Some(chosen) = buckets.iter().find(|b| b.instrument == instrument.name())
            {
                stream = stream.with_aggregation(Aggregation::ExplicitBucketHistogram {
                    boundaries: chosen.bounds.clone(),
                    record_min_max: true,
                });
            }
        }
        stream.build().ok()
    }))
}

/// Fails naming the setting unless `limit` is within 1 and [`MAX_CARDINALITY_LIMIT`].
pub(crate) fn check_limit(limit: usize) -> Result<(), Error> {
    if (1..=MAX_CARDINALITY_LIMIT).contains(&limit) {
        Ok(())
    } else {
        Err(Error::config(format!(
            "cardinality limit {limit} must be between 1 and {MAX_CARDINALITY_LIMIT} series \
             per instrument"
        )))
    }
}
