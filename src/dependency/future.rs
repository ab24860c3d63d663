//! [`Instrumented`]: a dependency call's future, measured and traced.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use opentelemetry::KeyValue;
use opentelemetry::trace::{SpanBuilder, SpanKind, TraceContextExt, Tracer as _};
use pin_project_lite::pin_project;

use std::sync::Arc;

use super::instruments::{DependencyInstruments, Kind};
use super::outcome::{ErrorNames, FromOutcome, MapErrors};
use crate::exemplars::TraceIds;
use crate::names::{attr, error_type};

/// What is being called.
#[derive(Debug, Clone, Copy)]
pub(super) enum Call {
    Db {
        system: &'static str,
        operation: &'static str,
        collection: &'static str,
    },
    Cache {
        name: &'static str,
        operation: &'static str,
    },
    Tool {
        name: &'static str,
    },
    Step {
        workflow: &'static str,
        step: &'static str,
    },
    Job {
        name: &'static str,
    },
    Client {
        name: &'static str,
        operation: &'static str,
        target: &'static str,
    },
}

impl Call {
    fn span_name(self) -> String {
        match self {
            Self::Db {
                operation,
                collection,
                ..
            } => format!("{operation} {collection}"),
            Self::Cache { name, operation } => format!("{operation} {name}"),
            Self::Tool { name } => format!("tool {name}"),
            Self::Step { workflow, step } => format!("{workflow} {step}"),
            Self::Job { name } => format!("job {name}"),
            Self::Client {
                operation, target, ..
            } => format!("{operation} {target}"),
        }
    }

    fn recorded_as(self) -> Kind {
        match self {
            Self::Db { .. } => Kind::Db,
            Self::Cache { .. } => Kind::Cache,
            Self::Tool { .. } => Kind::Tool,
            Self::Step { .. } => Kind::Step,
            Self::Job { .. } => Kind::Job,
            Self::Client { .. } => Kind::Client,
        }
    }

    fn span_kind(self) -> SpanKind {
        match self {
            Self::Db { .. } | Self::Client { .. } => SpanKind::Client,
            _ => SpanKind::Internal,
        }
    }

    fn attributes(self) -> Vec<KeyValue> {
        match self {
            Self::Db {
                system,
                operation,
                collection,
            } => vec![
                KeyValue::new(attr::DB_SYSTEM_NAME, system),
                KeyValue::new(attr::DB_OPERATION_NAME, operation),
                KeyValue::new(attr::DB_COLLECTION_NAME, collection),
            ],
            Self::Cache { name, operation } => vec![
                KeyValue::new(attr::CACHE_NAME, name),
                KeyValue::new(attr::CACHE_OPERATION, operation),
            ],
            Self::Tool { name } => vec![KeyValue::new(attr::TOOL_NAME, name)],
            Self::Step { workflow, step } => vec![
                KeyValue::new(attr::WORKFLOW_NAME, workflow),
                KeyValue::new(attr::WORKFLOW_STEP, step),
            ],
            Self::Job { name } => vec![KeyValue::new(attr::JOB_NAME, name)],
            Self::Client {
                name,
                operation,
                target,
            } => vec![
                KeyValue::new(attr::CLIENT_NAME, name),
                KeyValue::new(attr::CLIENT_OPERATION, operation),
                KeyValue::new(attr::CLIENT_TARGET, target),
            ],
        }
    }
}

/// Started on the first poll: the call's clock, span and route. It records the call exactly
/// once: when the output arrives, or as cancelled when it is dropped before.
struct Started {
    call: Call,
    /// The instruments it started with; the end records into the same ones.
    instruments: Arc<DependencyInstruments>,
    at: Instant,
    cx: Option<opentelemetry::Context>,
    route: Option<&'static str>,
    finished: bool,
}

pin_project! {
    /// A dependency call's future: measured from its first poll to its output, traced as a
    /// client span made current while it runs, and recorded as cancelled if dropped before
    /// its output. Made by [`db`](super::db), [`cache`](super::cache), [`tool`](super::tool),
    /// [`job`](super::job) and [`Workflow::step`](super::Workflow::step); `N` names the
    /// `error.type` of a failure (see [`error_type`](Self::error_type)).
    pub struct Instrumented<F: Future, N = FromOutcome> {
        #[pin]
        inner: F,
        call: Call,
        names: N,
        hit: fn(&F::Output) -> Option<bool>,
        // What the call records into, fixed when it is made.
        instruments: Arc<DependencyInstruments>,
        started: Option<Started>,
    }
}

impl<F: Future> Instrumented<F> {
    /// A call whose output says only whether it failed.
    pub(super) fn failing_on(
        inner: F,
        call: Call,
        instruments: Arc<DependencyInstruments>,
    ) -> Self {
        Self::new(inner, call, instruments, |_| None)
    }

    pub(super) fn new(
        inner: F,
        call: Call,
        instruments: Arc<DependencyInstruments>,
        hit: fn(&F::Output) -> Option<bool>,
    ) -> Self {
        Self {
            inner,
            call,
            names: FromOutcome,
            hit,
            instruments,
            started: None,
        }
    }
}

impl<F: Future, N> Instrumented<F, N> {
    /// Names the `error.type` of a failed call with `map`, instead of the default `_OTHER`.
    /// Keep its values a small fixed set: each is a label value of the duration histogram.
    ///
    /// ```no_run
    /// # async fn f() {
    /// use tower_monitoring::dependency;
    ///
    /// let row: Result<u8, std::io::Error> = dependency::db("sqlite", "select", "users", async {
    ///     Err(std::io::ErrorKind::TimedOut.into())
    /// })
    /// .error_type(|err: &std::io::Error| match err.kind() {
    ///     std::io::ErrorKind::TimedOut => "timeout",
    ///     _ => "io",
    /// })
    /// .await;
    /// # }
    /// ```
    pub fn error_type<T, E, M>(self, map: M) -> Instrumented<F, MapErrors<M>>
    where
        F: Future<Output = Result<T, E>>,
        M: Fn(&E) -> &'static str,
    {
        self.named_by(MapErrors(map))
    }

    pub(super) fn named_by<M>(self, names: M) -> Instrumented<F, M> {
        let Self {
            inner,
            call,
            hit,
            instruments,
            started,
            ..
        } = self;
        Instrumented {
            inner,
            call,
            names,
            hit,
            instruments,
            started,
        }
    }
}

impl<F: Future, N> std::fmt::Debug for Instrumented<F, N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instrumented")
            .field("call", &self.call)
            .field("started", &self.started.is_some())
            .finish()
    }
}

impl<F: Future, N: ErrorNames<F::Output>> Future for Instrumented<F, N> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let call = *this.call;
        let instruments = this.instruments;
        let started = this
            .started
            .get_or_insert_with(|| Started::new(call, instruments.clone()));
        let _entered = started.cx.as_ref().map(|cx| cx.clone().attach());
        let output = ready!(this.inner.poll(cx));
        if let Some(started) = this.started.take() {
            started.finish(this.names.name(&output), (this.hit)(&output));
        }
        Poll::Ready(output)
    }
}

/// Tools and jobs count what is in progress; other calls have no such figure.
fn count_active(instruments: &DependencyInstruments, call: Call, delta: i64) {
    match call {
        Call::Tool { name } => instruments.tool_active(name, delta),
        Call::Job { name } => instruments.job_active(name, delta),
        _ => {}
    }
}

impl Started {
    fn new(call: Call, instruments: Arc<DependencyInstruments>) -> Self {
        count_active(&instruments, call, 1);
        let span = instruments.tracer.as_ref().map(|tracer| {
            let parent = opentelemetry::Context::current();
            let builder = SpanBuilder::from_name(call.span_name())
                .with_kind(call.span_kind())
                .with_attributes(call.attributes());
            let span = tracer.build_with_context(builder, &parent);
            parent.with_span(span)
        });
        Self {
            call,
            instruments,
            at: Instant::now(),
            cx: span,
            route: super::request_scope::route(),
            finished: false,
        }
    }

    fn finish(mut self, error: Option<Cow<'static, str>>, hit: Option<bool>) {
        self.record(error, hit);
    }

    fn record(&mut self, error: Option<Cow<'static, str>>, hit: Option<bool>) {
        self.finished = true;
        let call = self.call;
        let seconds = self.at.elapsed().as_secs_f64();
        let mut trace = None;
        if let Some(cx) = &self.cx {
            trace = TraceIds::of(cx);
            let span = cx.span();
            if let Some(hit) = hit {
                span.set_attribute(KeyValue::new(
                    attr::CACHE_RESULT,
                    if hit { "hit" } else { "miss" },
                ));
            }
            crate::trace::span_end::end(span, error.clone());
        }
        let instruments = &self.instruments;
        count_active(instruments, call, -1);
        if let (Call::Cache { name, .. }, Some(hit)) = (call, hit) {
            instruments.record_lookup(name, hit, self.route);
        }
        instruments.record(
            call.recorded_as(),
            seconds,
            call.attributes(),
            self.route,
            error,
            trace,
        );
    }
}

impl Drop for Started {
    fn drop(&mut self) {
        if !self.finished {
            self.record(Some(Cow::Borrowed(error_type::CANCELLED)), None);
        }
    }
}
