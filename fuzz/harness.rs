//! One inbound request built from arbitrary bytes, sent through `MonitoringLayer` with server
//! spans and query recording on, so that the `traceparent`, `tracestate` and `baggage`
//! extraction and the query redaction parse whatever a client sends. Nothing may panic and
//! the request is never failed by the layer.
//!
//! Shared by the cargo-fuzz target (`fuzz/fuzz_targets/inbound_request.rs`) and the stable
//! test that replays the corpus (`tests/fuzz_corpus.rs`).

use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use opentelemetry_sdk::trace::{Sampler, SdkTracerProvider};
use tower::{Layer, Service, ServiceExt};
use tower_monitoring::{MonitoringLayer, TraceContextTrust};

/// The layers, built once: with the caller's context continued, and with a new trace.
pub(crate) struct Harness {
    layers: [MonitoringLayer; 2],
    _tracer_provider: SdkTracerProvider,
}

impl Default for Harness {
    fn default() -> Self {
        let tracer_provider = SdkTracerProvider::builder()
            .with_sampler(Sampler::AlwaysOn)
            .build();
        let meter_provider = opentelemetry_sdk::metrics::SdkMeterProvider::builder().build();
        let layer = MonitoringLayer::new()
            .with_meter_provider(&meter_provider)
            .with_tracer_provider(&tracer_provider)
            .record_url_query(true)
            .span_attribute_value_length_limit(64);
        Self {
            layers: [
                layer.clone(),
                layer
                    .inbound_trace_context(TraceContextTrust::NewTrace)
                    .inbound_baggage(false),
            ],
            _tracer_provider: tracer_provider,
        }
    }
}

/// The fields of a request, separated by NUL bytes in the input: method, path, query,
/// `traceparent`, `tracestate`, `baggage`, `user-agent`.
fn request(data: &[u8]) -> Option<Request<String>> {
    let mut fields = data.split(|byte| *byte == 0);
    let mut next = || fields.next().unwrap_or_default();
    let method = http::Method::from_bytes(next()).ok()?;
    let path = String::from_utf8_lossy(next()).into_owned();
    let query = String::from_utf8_lossy(next()).into_owned();
    let target = if query.is_empty() {
        format!("/{path}")
    } else {
        format!("/{path}?{query}")
    };
    let mut builder = Request::builder().method(method).uri(target);
    for name in ["traceparent", "tracestate", "baggage", "user-agent"] {
        let value = next();
        if let Ok(value) = http::HeaderValue::from_bytes(value) {
            builder = builder.header(name, value);
        }
    }
    builder.body(String::new()).ok()
}

/// Polls a future that needs no runtime to completion.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

impl Harness {
    /// Sends the request `data` describes, if it is a valid HTTP request, through both
    /// layers, and checks the inner service's answer comes back whole.
    pub(crate) fn run(&self, data: &[u8]) {
        for layer in &self.layers {
            let Some(request) = request(data) else {
                return;
            };
            let inner = tower::service_fn(|_: Request<String>| async {
                Ok::<_, Infallible>(Response::new(String::from("fine")))
            });
            let mut service = layer.layer(inner);
            let response = ready(async {
                let service = service.ready().await.expect("the layer never fails");
                service.call(request).await.expect("the layer never fails")
            });
            assert_eq!(response.status(), StatusCode::OK);
            let body = ready(response.into_body().collect()).expect("infallible");
            assert_eq!(body.to_bytes(), "fine");
        }
    }
}
