//! The least a metrics layer can do per request under `Router::layer`, as a yardstick.
//!
//! [`FloorLayer`] does only what the metrics cannot do without: it counts the request
//! in flight, reads the clock at arrival and at the end of the response body (so it wraps the
//! body, which axum then boxes again), and records the duration and the streamed size into
//! bound instruments of the same OpenTelemetry SDK. It knows one route, so it looks nothing
//! up; it has no method, status or error labels, no exclusions, no request body, no spans and
//! no cancellation handling beyond its guard. It is not a usable layer: it exists so the
//! bench can show how much of a layer's overhead is left once the unavoidable part is paid.
//! [`Parts`] leaves pieces out, so the bench can also show what each piece of the floor costs.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::Buf;
use http::{Request, Response};
use http_body::{Body, Frame, SizeHint};
use opentelemetry::KeyValue;
use opentelemetry::metrics::{BoundHistogram, BoundUpDownCounter, Meter};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

/// Which pieces of the floor run.
#[derive(Clone, Copy)]
pub(crate) struct Parts {
    pub(crate) in_flight: bool,
    pub(crate) clock: bool,
    pub(crate) histograms: bool,
}

impl Parts {
    pub(crate) const ALL: Self = Self {
        in_flight: true,
        clock: true,
        histograms: true,
    };
}

/// The bound series of the one route.
struct Series {
    active: BoundUpDownCounter<i64>,
    duration: BoundHistogram<f64>,
    response_size: BoundHistogram<u64>,
    clock: quanta::Clock,
    parts: Parts,
}

impl Series {
    fn now(&self) -> u64 {
        if self.parts.clock {
            self.clock.raw()
        } else {
            0
        }
    }
}

#[derive(Clone)]
pub(crate) struct FloorLayer(Arc<Series>);

impl FloorLayer {
    pub(crate) fn new(meter: &Meter, route: &'static str, parts: Parts) -> Self {
        let attributes = [
            KeyValue::new("http.request.method", "GET"),
            KeyValue::new("http.route", route),
        ];
        Self(Arc::new(Series {
            active: meter
                .i64_up_down_counter("floor.active_requests")
                .build()
                .bind(&attributes),
            duration: meter
                .f64_histogram("floor.request.duration")
                .build()
                .bind(&attributes),
            response_size: meter
                .u64_histogram("floor.response.body.size")
                .build()
                .bind(&attributes),
            clock: quanta::Clock::new(),
            parts,
        }))
    }
}

impl<S> Layer<S> for FloorLayer {
    type Service = FloorService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        FloorService {
            inner,
            series: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub(crate) struct FloorService<S> {
    inner: S,
    series: Arc<Series>,
}

/// Records when the body ends or is dropped.
struct Guard {
    series: Arc<Series>,
    start: u64,
    bytes: u64,
}

impl Drop for Guard {
    fn drop(&mut self) {
        let series = &self.series;
        if series.parts.in_flight {
            series.active.add(-1);
        }
        let nanos = series.clock.delta_as_nanos(self.start, series.now());
        if series.parts.histograms {
            series.duration.record(nanos as f64 * 1e-9);
            series.response_size.record(self.bytes);
        }
    }
}

impl<S, ReqBody, ResBody> Service<Request<ReqBody>> for FloorService<S>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    type Response = Response<FloorBody<ResBody>>;
    type Error = S::Error;
    type Future = FloorFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        if self.series.parts.in_flight {
            self.series.active.add(1);
        }
        let guard = Guard {
            series: self.series.clone(),
            start: self.series.now(),
            bytes: 0,
        };
        FloorFuture {
            inner: self.inner.call(request),
            guard: Some(guard),
        }
    }
}

pin_project! {
    pub(crate) struct FloorFuture<F> {
        #[pin]
        inner: F,
        guard: Option<Guard>,
    }
}

impl<F, B, E> Future for FloorFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<FloorBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        let guard = this.guard.take();
        Poll::Ready(result.map(|response| response.map(|inner| FloorBody { inner, guard })))
    }
}

pin_project! {
    pub(crate) struct FloorBody<B> {
        #[pin]
        inner: B,
        guard: Option<Guard>,
    }
}

impl<B: Body> Body for FloorBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let frame = ready!(this.inner.poll_frame(cx));
        match (&frame, this.guard.as_mut()) {
            (Some(Ok(frame)), Some(guard)) => {
                if let Some(data) = frame.data_ref() {
                    guard.bytes += data.remaining() as u64;
                }
            }
            _ => drop(this.guard.take()),
        }
        Poll::Ready(frame)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
