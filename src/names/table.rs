//! [`Metric`]: one row of the metric table. Each metric of the crate is declared once, in
//! `names/mod.rs`, with its OpenTelemetry name, kind, unit, default buckets, description and
//! semantic-convention counterpart; its Prometheus spelling is derived here, at compile
//! time, by the exporter's rules, and its instrument is built from the row.

#[cfg(any(feature = "system", feature = "certificates"))]
use opentelemetry::metrics::ObservableGauge;
use opentelemetry::metrics::{
    AsyncInstrumentBuilder, Counter, Gauge, Histogram, Meter, ObservableCounter,
    ObservableUpDownCounter, UpDownCounter,
};

/// What kind of instrument a metric is, as far as its name and aggregation go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetricKind {
    /// A distribution: Prometheus adds `_bucket`, `_sum` and `_count`.
    Histogram,
    /// A monotonic sum: Prometheus adds `_total`.
    Counter,
    /// A sum that goes up and down: a Prometheus gauge.
    UpDownCounter,
    /// A value as of the last recording or observation.
    Gauge,
}

/// One metric of the crate.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Metric {
    /// The OpenTelemetry name, such as `http.server.request.duration`.
    pub name: &'static str,
    /// The kind of instrument.
    pub kind: MetricKind,
    /// The UCUM unit, such as `s`, `By` or `{request}`.
    pub unit: &'static str,
    /// The default bucket bounds of a histogram.
    pub buckets: Option<&'static [f64]>,
    /// The name the OpenTelemetry semantic conventions give it, when they have one; it
    /// differs from [`name`](Self::name) where a convention's name cannot be used (a
    /// `.count` suffix that promtool rejects outside histograms).
    pub semconv: Option<&'static str>,
    /// What it measures, as the instrument describes itself.
    pub description: &'static str,
    /// The name as the Prometheus exporter renders it, without a namespace prefix.
    pub prometheus: &'static str,
}

impl Metric {
    /// Its instrument on `meter`, recording `f64`.
    pub(crate) fn f64_histogram(&self, meter: &Meter) -> Histogram<f64> {
        let builder = meter
            .f64_histogram(self.name)
            .with_unit(self.unit)
            .with_description(self.description);
        match self.buckets {
            Some(bounds) => builder.with_boundaries(bounds.to_vec()).build(),
            None => builder.build(),
        }
    }

    /// Its instrument on `meter`, recording `u64`.
    pub(crate) fn u64_histogram(&self, meter: &Meter) -> Histogram<u64> {
        let builder = meter
            .u64_histogram(self.name)
            .with_unit(self.unit)
            .with_description(self.description);
        match self.buckets {
            Some(bounds) => builder.with_boundaries(bounds.to_vec()).build(),
            None => builder.build(),
        }
    }

    /// Its instrument on `meter`.
    pub(crate) fn u64_counter(&self, meter: &Meter) -> Counter<u64> {
        meter
            .u64_counter(self.name)
            .with_unit(self.unit)
            .with_description(self.description)
            .build()
    }

    /// Its instrument on `meter`.
    pub(crate) fn i64_up_down_counter(&self, meter: &Meter) -> UpDownCounter<i64> {
        meter
            .i64_up_down_counter(self.name)
            .with_unit(self.unit)
            .with_description(self.description)
            .build()
    }

    /// Its instrument on `meter`.
    pub(crate) fn i64_gauge(&self, meter: &Meter) -> Gauge<i64> {
        meter
            .i64_gauge(self.name)
            .with_unit(self.unit)
            .with_description(self.description)
            .build()
    }

    /// Its observable instrument on `meter`, to give a callback and build.
    #[cfg(any(feature = "system", feature = "certificates"))]
    pub(crate) fn f64_observable_gauge<'a>(
        &self,
        meter: &'a Meter,
    ) -> AsyncInstrumentBuilder<'a, ObservableGauge<f64>, f64> {
        meter
            .f64_observable_gauge(self.name)
            .with_unit(self.unit)
            .with_description(self.description)
    }

    /// Its observable instrument on `meter`, to give a callback and build.
    #[cfg(feature = "certificates")]
    pub(crate) fn u64_observable_gauge<'a>(
        &self,
        meter: &'a Meter,
    ) -> AsyncInstrumentBuilder<'a, ObservableGauge<u64>, u64> {
        meter
            .u64_observable_gauge(self.name)
            .with_unit(self.unit)
            .with_description(self.description)
    }

    /// Its observable instrument on `meter`, to give a callback and build.
    pub(crate) fn u64_observable_counter<'a>(
        &self,
        meter: &'a Meter,
    ) -> AsyncInstrumentBuilder<'a, ObservableCounter<u64>, u64> {
        meter
            .u64_observable_counter(self.name)
            .with_unit(self.unit)
            .with_description(self.description)
    }

    /// Its observable instrument on `meter`, to give a callback and build.
    pub(crate) fn i64_observable_up_down_counter<'a>(
        &self,
        meter: &'a Meter,
    ) -> AsyncInstrumentBuilder<'a, ObservableUpDownCounter<i64>, i64> {
        meter
            .i64_observable_up_down_counter(self.name)
            .with_unit(self.unit)
            .with_description(self.description)
    }
}

/// The suffix the Prometheus exporter gives a unit: seconds, bytes and ratios are spelled
/// out, annotations (`{request}`) and the rest are dropped.
pub(crate) const fn unit_suffix(unit: &str) -> &'static str {
    match unit.as_bytes() {
        b"s" => "_seconds",
        b"By" => "_bytes",
        b"1" => "_ratio",
        _ => "",
    }
}

/// The suffix of a monotonic sum.
pub(crate) const fn total_suffix(kind: MetricKind) -> &'static str {
    match kind {
        MetricKind::Counter => "_total",
        _ => "",
    }
}

/// `name` with its dots as underscores, then `unit` and `total`: the Prometheus name.
pub(crate) const fn prometheus_bytes<const N: usize>(
    name: &str,
    unit: &str,
    total: &str,
) -> [u8; N] {
    let mut bytes = [0; N];
    let mut at = 0;
    let parts = [name.as_bytes(), unit.as_bytes(), total.as_bytes()];
    let mut part = 0;
    while part < parts.len() {
        let mut i = 0;
        while i < parts[part].len() {
            bytes[at] = match parts[part][i] {
                b'.' | b'-' => b'_',
                byte => byte,
            };
            at += 1;
            i += 1;
        }
        part += 1;
    }
    bytes
}

/// The Prometheus spelling of a metric, as a `&'static str` computed at compile time.
macro_rules! prometheus_name {
    ($name:expr, $kind:expr, $unit:expr) => {{
        const UNIT: &str = $crate::names::table::unit_suffix($unit);
        const TOTAL: &str = $crate::names::table::total_suffix($kind);
        const BYTES: [u8; $name.len() + UNIT.len() + TOTAL.len()] =
            $crate::names::table::prometheus_bytes($name, UNIT, TOTAL);
        match ::core::str::from_utf8(&BYTES) {
            Ok(name) => name,
            Err(_) => panic!("metric names are ASCII"),
        }
    }};
}

/// Declares the metric table: for each row, the name constant at `names::`, the row at
/// `names::metric::`, the Prometheus spelling at `names::prometheus::`, and the row in
/// `names::METRICS`.
macro_rules! metrics {
    ($(
        $(#[$doc:meta])*
        $id:ident: $name:literal, $kind:ident, $unit:ident, $buckets:expr, $semconv:expr,
            $description:literal;
    )*) => {
        $( $(#[$doc])* pub const $id: &str = $name; )*

        /// The row of each metric in the table, named as its constant in [`names`](super).
        pub mod metric {
            use super::*;
            $(
                #[doc = concat!("`", $name, "`.")]
                pub const $id: Metric = Metric {
                    name: $name,
                    kind: MetricKind::$kind,
                    unit: $unit,
                    buckets: $buckets,
                    semconv: $semconv,
                    description: $description,
                    prometheus: super::prometheus::$id,
                };
            )*
        }

        /// The names as the Prometheus exporter renders them (without a namespace prefix),
        /// derived from the table by the exporter's rules.
        pub mod prometheus {
            use super::*;
            $(
                #[doc = concat!("`", $name, "` as Prometheus sees it.")]
                pub const $id: &str = prometheus_name!($name, MetricKind::$kind, $unit);
            )*
            /// `otel.sdk.processor.span.processed`, the SDK's own count of spans handed on or
            /// dropped (not one of ours: the SDK records it).
            pub const OTEL_SDK_PROCESSOR_SPAN_PROCESSED: &str =
                "otel_sdk_processor_span_processed_total";
        }

        /// Every metric the crate records, one row each.
        pub const METRICS: &[Metric] = &[$(metric::$id),*];
    };
}

pub(crate) use {metrics, prometheus_name};
