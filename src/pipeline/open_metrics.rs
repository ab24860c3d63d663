//! The OpenMetrics text format of one collection, with the exemplars kept beside the
//! histograms: what `/metrics` answers a scraper that asks for
//! `application/openmetrics-text` (Prometheus does when exemplar storage is on).
//!
//! The classic text stays the Prometheus exporter's; it cannot carry exemplars, and the
//! `prometheus` crate has no OpenMetrics encoder. This renders the SDK's data itself, by
//! the exporter's naming rules (the same names, labels and values, so a Prometheus that
//! switches format keeps its series): dots to underscores, the unit's suffix, `_total` on
//! counters, `target_info` for the resource, attributes as labels sorted by name.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::UNIX_EPOCH;

use opentelemetry::{InstrumentationScope, KeyValue, Value};
use opentelemetry_sdk::metrics::data::{
    AggregatedMetrics, Gauge, Histogram, Metric, MetricData, ResourceMetrics, Sum,
};

use crate::exemplars::{Exemplar, ExemplarTable, Exemplars};

/// How names and labels are spelled: as the Prometheus exporter was configured.
#[derive(Debug, Clone, Default)]
pub(crate) struct Naming {
    /// Prefixes every name but `target_info`, with its `_`.
    pub(crate) namespace: Option<String>,
    /// `otel_scope_name` and the other scope labels on every series.
    pub(crate) scope_labels: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Gauge => "gauge",
            Self::Histogram => "histogram",
        }
    }
}

/// One metric family: its header and samples, written as its data points arrive. Points of
/// one name from several scopes join one family, as the classic registry merges them.
struct Family {
    kind: Kind,
    text: String,
}

/// `metrics` as OpenMetrics text, ending in `# EOF`, with the exemplars `exemplars` keeps
/// for its histograms.
pub(crate) fn render(
    metrics: &ResourceMetrics,
    exemplars: Option<&Exemplars>,
    naming: &Naming,
) -> String {
    let mut families: Vec<Family> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut out = String::new();
    let resource: Vec<KeyValue> = metrics
        .resource()
        .iter()
        .map(|(key, value)| KeyValue::new(key.clone(), value.clone()))
        .collect();
    if !resource.is_empty() {
        out.push_str("# HELP target_info Target metadata\n# TYPE target_info gauge\n");
        out.push_str("target_info");
        out.push_str(&labels(resource.iter(), &[]));
        out.push_str(" 1\n");
    }
    for scope in metrics.scope_metrics() {
        let extra = if naming.scope_labels {
            scope_labels(scope.scope())
        } else {
            Vec::new()
        };
        for metric in scope.metrics() {
            let Some(kind) = kind(metric) else { continue };
            let name = family_name(metric, naming.namespace.as_deref());
            let family = match by_name.get(&name) {
                Some(&at) => &mut families[at],
                None => {
                    by_name.insert(name.clone(), families.len());
                    let mut text = header(&name, kind, metric);
                    text.reserve(estimated_size(metric));
                    families.push(Family { kind, text });
                    families.last_mut().expect("just pushed")
                }
            };
            // A second instrument of one name with another kind is dropped, as the
            // classic exporter drops it.
            if family.kind != kind {
                continue;
            }
            let table = exemplars.and_then(|exemplars| exemplars.table(metric.name()));
            write_points(&mut family.text, &name, metric.data(), &extra, table);
        }
    }
    // One allocation for the whole text: at 10 000 series it is tens of megabytes, and
    // growing it by doubling would copy it several times.
    out.reserve(
        families
            .iter()
            .map(|family| family.text.len())
            .sum::<usize>()
            + 6,
    );
    for family in families {
        out.push_str(&family.text);
    }
    out.push_str("# EOF\n");
    out
}

fn kind(metric: &Metric) -> Option<Kind> {
    fn of<T>(data: &MetricData<T>) -> Option<Kind> {
        match data {
            MetricData::Histogram(_) => Some(Kind::Histogram),
            MetricData::Gauge(_) => Some(Kind::Gauge),
            MetricData::Sum(sum) if sum.is_monotonic() => Some(Kind::Counter),
            MetricData::Sum(_) => Some(Kind::Gauge),
            // Neither format has them (see `views.rs`).
            MetricData::ExponentialHistogram(_) => None,
        }
    }
    match metric.data() {
        AggregatedMetrics::F64(data) => of(data),
        AggregatedMetrics::U64(data) => of(data),
        AggregatedMetrics::I64(data) => of(data),
    }
}

/// About how many bytes `metric`'s samples take, so its text is allocated once: a line of
/// some 200 bytes per sample.
fn estimated_size(metric: &Metric) -> usize {
    fn lines<T>(data: &MetricData<T>) -> usize {
        match data {
            MetricData::Histogram(histogram) => histogram
                .data_points()
                .map(|point| point.bucket_counts().count() + 2)
                .sum(),
            MetricData::Gauge(gauge) => gauge.data_points().count(),
            MetricData::Sum(sum) => sum.data_points().count(),
            MetricData::ExponentialHistogram(_) => 0,
        }
    }
    let lines = match metric.data() {
        AggregatedMetrics::F64(data) => lines(data),
        AggregatedMetrics::U64(data) => lines(data),
        AggregatedMetrics::I64(data) => lines(data),
    };
    lines * 200
}

fn header(name: &str, kind: Kind, metric: &Metric) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "# HELP {name} {}",
        escape(metric.description(), false)
    );
    let _ = writeln!(text, "# TYPE {name} {}", kind.as_str());
    if let Some(unit) = unit_suffix(metric.unit()) {
        let _ = writeln!(text, "# UNIT {name} {unit}");
    }
    text
}

/// The family's name: the sample names add `_total` (counters) or `_bucket`, `_sum` and
/// `_count` (histograms) to it.
fn family_name(metric: &Metric, namespace: Option<&str>) -> String {
    let mut name = String::with_capacity(metric.name().len() + 16);
    if let Some(namespace) = namespace {
        name.push_str(namespace);
    }
    for (at, c) in metric.name().chars().enumerate() {
        if at == 0 && c.is_ascii_digit() && namespace.is_none() {
            name.push('_');
        }
        name.push(if c.is_ascii_alphanumeric() || c == '_' || c == ':' {
            c
        } else {
            '_'
        });
    }
    if let Some(unit) = unit_suffix(metric.unit()) {
        name.push('_');
        name.push_str(&unit);
    }
    name
}

/// The exporter's spelling of a UCUM unit; annotations (`{request}`) and units it does not
/// know add nothing.
fn unit_suffix(unit: &str) -> Option<String> {
    fn plain(unit: &str) -> Option<&'static str> {
        Some(match unit {
            "d" => "days",
            "h" => "hours",
            "min" => "minutes",
            "s" => "seconds",
            "ms" => "milliseconds",
            "us" => "microseconds",
            "ns" => "nanoseconds",
            "By" | "B" => "bytes",
            "KiBy" => "kibibytes",
            "MiBy" => "mebibytes",
            "GiBy" => "gibibytes",
            "TiBy" => "tibibytes",
            "KBy" | "KB" => "kilobytes",
            "MBy" | "MB" => "megabytes",
            "GBy" | "GB" => "gigabytes",
            "TBy" | "TB" => "terabytes",
            "m" => "meters",
            "V" => "volts",
            "A" => "amperes",
            "J" => "joules",
            "W" => "watts",
            "g" => "grams",
            "Cel" => "celsius",
            "Hz" => "hertz",
            "1" => "ratio",
            "%" => "percent",
            _ => return None,
        })
    }
    fn per(unit: &str) -> Option<&'static str> {
        Some(match unit {
            "s" => "second",
            "m" => "minute",
            "h" => "hour",
            "d" => "day",
            "w" => "week",
            "mo" => "month",
            "y" => "year",
            _ => return None,
        })
    }
    if let Some(unit) = plain(unit) {
        return Some(unit.to_owned());
    }
    let (first, second) = unit.split_once('/')?;
    let second = per(second)?;
    // A time or a ratio over a time reads "per second", as the exporter spells it.
    let dimensionless = ["1", "d", "h", "min", "s", "ms", "us", "ns"].contains(&first);
    match plain(first) {
        Some(first) if !dimensionless => Some(format!("{first}_per_{second}")),
        _ => Some(format!("per_{second}")),
    }
}

fn scope_labels(scope: &InstrumentationScope) -> Vec<(String, String)> {
    let mut labels = vec![("otel_scope_name".to_owned(), scope.name().to_owned())];
    if let Some(version) = scope.version() {
        labels.push(("otel_scope_version".to_owned(), version.to_owned()));
    }
    if let Some(schema_url) = scope.schema_url() {
        labels.push(("otel_scope_schema_url".to_owned(), schema_url.to_owned()));
    }
    for attribute in scope.attributes() {
        if !matches!(attribute.key.as_str(), "name" | "version" | "schema_url") {
            let key = format!("otel_scope_{}", attribute.key);
            labels.push((
                sanitize_label(&key).into_owned(),
                attribute.value.to_string(),
            ));
        }
    }
    labels
}

fn sanitize_label(key: &str) -> Cow<'_, str> {
    let valid = |c: char| c.is_ascii_alphanumeric() || c == ':' || c == '_';
    if key.chars().all(valid) {
        return key.into();
    }
    key.chars()
        .map(|c| if valid(c) { c } else { '_' })
        .collect::<String>()
        .into()
}

/// `{name="value",...}` with the attributes sorted by label name (attributes whose names
/// meet after sanitizing join their values with `;`, as the exporter does), then `extra`;
/// empty when there is nothing to write.
fn labels<'a>(
    attributes: impl Iterator<Item = &'a KeyValue>,
    extra: &[(String, String)],
) -> String {
    let mut pairs: Vec<(Cow<'a, str>, &str, Cow<'a, str>)> = attributes
        .map(|kv| {
            (
                sanitize_label(kv.key.as_str()),
                kv.key.as_str(),
                value(&kv.value),
            )
        })
        .collect();
    pairs.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let mut text = String::new();
    let mut previous: Option<&str> = None;
    for (name, _, value) in &pairs {
        if previous == Some(name) {
            // Same label after sanitizing: the values join, in order of original names.
            text.pop();
            text.push(';');
        } else {
            text.push(if text.is_empty() { '{' } else { ',' });
            text.push_str(name);
            text.push_str("=\"");
        }
        text.push_str(&escape(value, true));
        text.push('"');
        previous = Some(name);
    }
    for (name, value) in extra {
        text.push(if text.is_empty() { '{' } else { ',' });
        let _ = write!(text, "{name}=\"{}\"", escape(value, true));
    }
    if !text.is_empty() {
        text.push('}');
    }
    text
}

fn value(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(text) => text.as_str().into(),
        other => other.to_string().into(),
    }
}

/// `\`, newline and (in label values) `"` escaped.
fn escape(text: &str, quotes: bool) -> Cow<'_, str> {
    if !(text.contains(['\\', '\n']) || quotes && text.contains('"')) {
        return text.into();
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '\n' => escaped.push_str("\\n"),
            '"' if quotes => escaped.push_str("\\\""),
            c => escaped.push(c),
        }
    }
    escaped.into()
}

/// A number as the classic text writes it.
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        value.to_string()
    }
}

trait AsF64: Copy {
    fn as_f64(self) -> f64;
}
impl AsF64 for f64 {
    fn as_f64(self) -> f64 {
        self
    }
}
impl AsF64 for u64 {
    fn as_f64(self) -> f64 {
        self as f64
    }
}
impl AsF64 for i64 {
    fn as_f64(self) -> f64 {
        self as f64
    }
}

fn write_points(
    out: &mut String,
    name: &str,
    data: &AggregatedMetrics,
    extra: &[(String, String)],
    exemplars: Option<&std::sync::Arc<ExemplarTable>>,
) {
    match data {
        AggregatedMetrics::F64(data) => write_data(out, name, data, extra, exemplars),
        AggregatedMetrics::U64(data) => write_data(out, name, data, extra, exemplars),
        AggregatedMetrics::I64(data) => write_data(out, name, data, extra, exemplars),
    }
}

fn write_data<T: AsF64>(
    out: &mut String,
    name: &str,
    data: &MetricData<T>,
    extra: &[(String, String)],
    exemplars: Option<&std::sync::Arc<ExemplarTable>>,
) {
    match data {
        MetricData::Histogram(histogram) => {
            write_histogram(out, name, histogram, extra, exemplars.map(|t| &**t))
        }
        MetricData::Sum(sum) => write_sum(out, name, sum, extra),
        MetricData::Gauge(gauge) => write_gauge(out, name, gauge, extra),
        MetricData::ExponentialHistogram(_) => {}
    }
}

fn write_sum<T: AsF64>(out: &mut String, name: &str, sum: &Sum<T>, extra: &[(String, String)]) {
    let suffix = if sum.is_monotonic() { "_total" } else { "" };
    for point in sum.data_points() {
        let labels = labels(point.attributes(), extra);
        let _ = writeln!(
            out,
            "{name}{suffix}{labels} {}",
            number(point.value().as_f64())
        );
    }
}

fn write_gauge<T: AsF64>(
    out: &mut String,
    name: &str,
    gauge: &Gauge<T>,
    extra: &[(String, String)],
) {
    for point in gauge.data_points() {
        let labels = labels(point.attributes(), extra);
        let _ = writeln!(out, "{name}{labels} {}", number(point.value().as_f64()));
    }
}

fn write_histogram<T: AsF64>(
    out: &mut String,
    name: &str,
    histogram: &Histogram<T>,
    extra: &[(String, String)],
    exemplars: Option<&ExemplarTable>,
) {
    // The `le` values, spelled once per set of bounds (every point of an instrument shares
    // them).
    let mut bounds: Vec<f64> = Vec::new();
    let mut les: Vec<String> = vec!["+Inf".to_owned()];
    for point in histogram.data_points() {
        let labels = labels(point.attributes(), extra);
        // The bucket label goes inside the braces, after the others.
        let open = if labels.is_empty() {
            "{".to_owned()
        } else {
            format!("{},", &labels[..labels.len() - 1])
        };
        if !point.bounds().eq(bounds.iter().copied()) {
            bounds = point.bounds().collect();
            les = bounds.iter().map(|bound| number(*bound)).collect();
            les.push("+Inf".to_owned());
        }
        let kept = exemplars
            .and_then(|table| {
                let attributes: Vec<&KeyValue> = point.attributes().collect();
                table.find(attributes.iter().copied())
            })
            .map(|series| by_bucket(&series.exemplars(), &bounds))
            .unwrap_or_default();
        let mut cumulative = 0;
        let mut digits = itoa::Buffer::new();
        for (bucket, count) in point.bucket_counts().enumerate() {
            cumulative += count;
            let le = les.get(bucket).map_or("+Inf", String::as_str);
            for part in [
                name,
                "_bucket",
                &open,
                "le=\"",
                le,
                "\"} ",
                digits.format(cumulative),
            ] {
                out.push_str(part);
            }
            if let Some(exemplar) = kept.get(bucket).copied().flatten() {
                write_exemplar(out, &exemplar);
            }
            out.push('\n');
        }
        let _ = writeln!(out, "{name}_sum{labels} {}", number(point.sum().as_f64()));
        let _ = writeln!(out, "{name}_count{labels} {}", point.count());
    }
}

/// The latest exemplar of each bucket of a data point with `bounds`, placed by value: the
/// bounds an exemplar was kept with may differ from those the SDK counted with.
fn by_bucket(exemplars: &[Exemplar], bounds: &[f64]) -> Vec<Option<Exemplar>> {
    let mut buckets = vec![None; bounds.len() + 1];
    for exemplar in exemplars {
        let slot: &mut Option<Exemplar> =
            &mut buckets[bounds.partition_point(|&bound| bound < exemplar.value)];
        if slot.is_none_or(|kept| kept.time < exemplar.time) {
            *slot = Some(*exemplar);
        }
    }
    buckets
}

fn write_exemplar(out: &mut String, exemplar: &Exemplar) {
    let since = exemplar.time.duration_since(UNIX_EPOCH).unwrap_or_default();
    let _ = write!(
        out,
        " # {{trace_id=\"{}\",span_id=\"{}\"}} {} {}.{:03}",
        exemplar.trace.trace_id,
        exemplar.trace.span_id,
        number(exemplar.value),
        since.as_secs(),
        since.subsec_millis()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_spelled_as_the_exporter_spells_them() {
        let cases = [
            ("s", Some("seconds")),
            ("By", Some("bytes")),
            ("1", Some("ratio")),
            ("{request}", None),
            ("", None),
            ("By/s", Some("bytes_per_second")),
            ("1/s", Some("per_second")),
            ("{packet}/s", Some("per_second")),
            ("m/x", None),
        ];
        for (unit, expected) in cases {
            assert_eq!(unit_suffix(unit).as_deref(), expected, "{unit}");
        }
    }

    #[test]
    fn labels_are_sorted_escaped_and_joined_when_they_meet() {
        let attributes = [
            KeyValue::new("b.x", "say \"hi\"\n"),
            KeyValue::new("a", 1),
            KeyValue::new("b_x", "two"),
        ];
        assert_eq!(
            labels(attributes.iter(), &[("otel_scope_name".into(), "s".into())]),
            r#"{a="1",b_x="say \"hi\"\n;two",otel_scope_name="s"}"#
        );
        assert_eq!(labels([].iter(), &[]), "");
    }
}
