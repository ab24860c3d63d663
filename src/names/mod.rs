//! Every metric name, unit, bucket layout and attribute key the crate uses, in one place.
//!
//! Dashboards, alert rules and tests refer to metrics through these constants, so a rename
//! here cannot leave them behind. Names follow the OpenTelemetry semantic conventions; the
//! Prometheus exporter renders `http.server.request.duration` with unit `s` as
//! `http_server_request_duration_seconds`, and the [`prometheus`] sub-module spells those out.
//!
//! Each metric is one row of a table ([`METRICS`], [`metric`]): its name, kind, unit,
//! default buckets, description and semantic-convention counterpart. The instruments are
//! built from their rows and the Prometheus names are derived from them, so nothing about a
//! metric is written twice.

mod table;

pub use table::{Metric, MetricKind};
use table::{metrics, prometheus_name};

/// Instrumentation scope of every instrument this crate creates.
pub const SCOPE: &str = "tower-monitoring";

/// The semantic-convention release the names follow, as the scope's schema URL: 1.42, the
/// release `opentelemetry-semantic-conventions` 0.33 publishes, which a test compares every
/// name against. The deviations are written beside their rows (`.count` names that promtool
/// rejects outside histograms).
pub const SCHEMA_URL: &str = "https://opentelemetry.io/schemas/1.42.0";

metrics! {
    /// Duration of inbound HTTP requests, from arrival to the end of the response body (histogram, seconds).
    HTTP_SERVER_REQUEST_DURATION: "http.server.request.duration", Histogram, UNIT_SECONDS, Some(DURATION_BUCKETS), Some("http.server.request.duration"),
        "Duration of HTTP server requests, from arrival to the end of the response body.";
    /// Inbound HTTP requests currently being served (up-down counter).
    HTTP_SERVER_ACTIVE_REQUESTS: "http.server.active_requests", UpDownCounter, UNIT_REQUESTS, None, Some("http.server.active_requests"),
        "Number of active HTTP server requests.";
    /// Bytes of request body that streamed through the service (histogram, bytes); observed only
    /// for requests that carry a body.
    HTTP_SERVER_REQUEST_BODY_SIZE: "http.server.request.body.size", Histogram, UNIT_BYTES, Some(BODY_SIZE_BUCKETS), Some("http.server.request.body.size"),
        "Size of HTTP server request bodies, as streamed.";
    /// Bytes of response body that streamed through the service (histogram, bytes); observed only
    /// for responses that carry a body.
    HTTP_SERVER_RESPONSE_BODY_SIZE: "http.server.response.body.size", Histogram, UNIT_BYTES, Some(BODY_SIZE_BUCKETS), Some("http.server.response.body.size"),
        "Size of HTTP server response bodies, as streamed.";
    /// Connections open now on a [`ConnectionListener`](crate::ConnectionListener) (up-down
    /// counter). A request count is not a connection count: one keep-alive connection carries
    /// many requests, and an idle one carries none.
    HTTP_SERVER_OPEN_CONNECTIONS: "http.server.open_connections", UpDownCounter, UNIT_CONNECTIONS, None, None,
        "Connections open now";
    /// Connections accepted (counter).
    HTTP_SERVER_CONNECTIONS: "http.server.connections", Counter, UNIT_CONNECTIONS, None, None,
        "Connections accepted";
    /// How long connections stayed open, recorded when they close however they end (histogram,
    /// seconds).
    HTTP_SERVER_CONNECTION_DURATION: "http.server.connection.duration", Histogram, UNIT_SECONDS, Some(CONNECTION_DURATION_BUCKETS), None,
        "How long connections stayed open";
    /// Duration of gRPC calls a [`GrpcLayer`](crate::GrpcLayer) served, from the request's
    /// head to the end of the response stream (histogram, seconds). Semantic conventions
    /// 1.45, where the RPC conventions are stable ([`RPC_SEMCONV_VERSION`]).
    RPC_SERVER_CALL_DURATION: "rpc.server.call.duration", Histogram, UNIT_SECONDS, Some(DURATION_BUCKETS), Some("rpc.server.call.duration"),
        "Duration of incoming RPCs, to the end of the response stream.";
    /// gRPC calls being served now (up-down counter), by `rpc.system.name`. No semantic
    /// convention exists; the counterpart of `http.server.active_requests`.
    RPC_SERVER_ACTIVE_CALLS: "rpc.server.active_calls", UpDownCounter, UNIT_CALLS, None, None,
        "Incoming RPCs being served now";
    /// Messages received per served call (histogram): 1 for a unary call, the stream's
    /// length for a client stream. Owned: semconv 1.42 removed `rpc.server.requests_per_rpc`
    /// without a replacement.
    RPC_SERVER_CALL_RECEIVED_MESSAGES: "rpc.server.call.received_messages", Histogram, UNIT_MESSAGES, Some(MESSAGE_COUNT_BUCKETS), None,
        "Messages received per incoming RPC";
    /// Messages sent per served call (histogram).
    RPC_SERVER_CALL_SENT_MESSAGES: "rpc.server.call.sent_messages", Histogram, UNIT_MESSAGES, Some(MESSAGE_COUNT_BUCKETS), None,
        "Messages sent per incoming RPC";
    /// Duration of gRPC calls made through a [`GrpcClientLayer`](crate::GrpcClientLayer), to
    /// the end of the response stream (histogram, seconds). Semantic conventions 1.45.
    RPC_CLIENT_CALL_DURATION: "rpc.client.call.duration", Histogram, UNIT_SECONDS, Some(DURATION_BUCKETS), Some("rpc.client.call.duration"),
        "Duration of outgoing RPCs, to the end of the response stream.";
    /// gRPC calls in progress through a client (up-down counter).
    RPC_CLIENT_ACTIVE_CALLS: "rpc.client.active_calls", UpDownCounter, UNIT_CALLS, None, None,
        "Outgoing RPCs in progress";
    /// Messages sent per outgoing call (histogram).
    RPC_CLIENT_CALL_SENT_MESSAGES: "rpc.client.call.sent_messages", Histogram, UNIT_MESSAGES, Some(MESSAGE_COUNT_BUCKETS), None,
        "Messages sent per outgoing RPC";
    /// Messages received per outgoing call (histogram).
    RPC_CLIENT_CALL_RECEIVED_MESSAGES: "rpc.client.call.received_messages", Histogram, UNIT_MESSAGES, Some(MESSAGE_COUNT_BUCKETS), None,
        "Messages received per outgoing RPC";
    /// Time from a request's arrival to its response head (histogram, seconds), for every
    /// request: for a stream, the latency its client waits for; for an ordinary response,
    /// the part of its duration before the body. Owned (no convention exists; Apollo's
    /// time to first response is the precedent).
    HTTP_SERVER_TIME_TO_FIRST_BYTE: "http.server.time_to_first_byte", Histogram, UNIT_SECONDS, Some(DURATION_BUCKETS), None,
        "Time from a request's arrival to its response head";
    /// How long streamed responses (server-sent events, upgrades such as WebSocket, routes
    /// marked as streaming) stayed open, from their head to their end (histogram, seconds).
    /// They are kept out of `http.server.request.duration`. Owned, after Kestrel's and
    /// SignalR's connection durations.
    HTTP_SERVER_STREAM_DURATION: "http.server.stream.duration", Histogram, UNIT_SECONDS, Some(CONNECTION_DURATION_BUCKETS), None,
        "How long streamed responses stayed open, from their head to their end";
    /// Streamed responses open now (up-down counter), by method and scheme; a request
    /// moves from `http.server.active_requests` to here when its streaming head is sent.
    HTTP_SERVER_ACTIVE_STREAMS: "http.server.active_streams", UpDownCounter, UNIT_STREAMS, None, None,
        "Streamed responses open now";
    /// Bytes sent per streamed response (histogram, bytes).
    HTTP_SERVER_STREAM_BODY_SIZE: "http.server.stream.body.size", Histogram, UNIT_BYTES, Some(BODY_SIZE_BUCKETS), None,
        "Bytes sent per streamed response";
    /// Duration of outbound HTTP requests to a platform, to the response headers (histogram, seconds).
    HTTP_CLIENT_REQUEST_DURATION: "http.client.request.duration", Histogram, UNIT_SECONDS, Some(DURATION_BUCKETS), Some("http.client.request.duration"),
        "Duration of requests to third-party platforms";
    /// Duration of database operations (histogram, seconds).
    DB_CLIENT_OPERATION_DURATION: "db.client.operation.duration", Histogram, UNIT_SECONDS, Some(DB_DURATION_BUCKETS), Some("db.client.operation.duration"),
        "Duration of database operations";
    /// Duration of cache operations (histogram, seconds). No semantic convention exists.
    CACHE_OPERATION_DURATION: "cache.operation.duration", Histogram, UNIT_SECONDS, Some(CACHE_DURATION_BUCKETS), None,
        "Duration of cache operations";
    /// Cache lookups by `cache.result` (`hit`, `miss`) (counter). The hit ratio is
    /// `sum(rate(cache_lookups_total{cache_result="hit"}[5m])) / sum(rate(cache_lookups_total[5m]))`.
    CACHE_LOOKUPS: "cache.lookups", Counter, UNIT_LOOKUPS, None, None,
        "Cache lookups, by result (hit or miss)";
    /// Duration of calls through a client service described by the application (histogram,
    /// seconds), by `client.name`, `client.operation`, `client.target`.
    CLIENT_OPERATION_DURATION: "client.operation.duration", Histogram, UNIT_SECONDS, Some(DURATION_BUCKETS), None,
        "Duration of calls through client services";
    /// Duration of tool executions (histogram, seconds); its count is the executions by tool
    /// and `error.type`.
    TOOL_EXECUTION_DURATION: "tool.execution.duration", Histogram, UNIT_SECONDS, Some(TASK_DURATION_BUCKETS), None,
        "Duration of tool executions";
    /// Tool executions in progress (up-down counter).
    TOOL_EXECUTIONS_ACTIVE: "tool.executions.active", UpDownCounter, UNIT_EXECUTIONS, None, None,
        "Tool executions in progress";
    /// Tool executions waiting, set by the application (gauge).
    TOOL_QUEUE_SIZE: "tool.queue.size", Gauge, UNIT_EXECUTIONS, None, None,
        "Tool executions waiting, as the application reports it";
    /// Duration of workflow steps (histogram, seconds), by workflow, step and `error.type`.
    WORKFLOW_STEP_DURATION: "workflow.step.duration", Histogram, UNIT_SECONDS, Some(TASK_DURATION_BUCKETS), None,
        "Duration of workflow steps";
    /// Workflows in progress (up-down counter).
    WORKFLOW_ACTIVE: "workflow.active", UpDownCounter, UNIT_WORKFLOWS, None, None,
        "Workflows in progress";
    /// Duration of background jobs (histogram, seconds), by job and `error.type`.
    JOB_DURATION: "job.duration", Histogram, UNIT_SECONDS, Some(TASK_DURATION_BUCKETS), None,
        "Duration of background jobs";
    /// Background jobs in progress (up-down counter), by `job.name`.
    JOB_ACTIVE: "job.active", UpDownCounter, UNIT_JOBS, None, None,
        "Background jobs in progress";
    /// Background jobs waiting, set by the application (gauge).
    JOB_QUEUE_LENGTH: "job.queue.length", Gauge, UNIT_JOBS, None, None,
        "Background jobs waiting, as the application reports it";
    /// Connections of a pool by `db.client.connection.state` (`used`, `idle`), read at
    /// collection time (up-down counter).
    DB_CLIENT_CONNECTION_COUNT: "db.client.connection.count", UpDownCounter, UNIT_CONNECTIONS, None, Some("db.client.connection.count"),
        "Connections of a pool, by state";
    /// The most connections a pool may open (up-down counter).
    DB_CLIENT_CONNECTION_MAX: "db.client.connection.max", UpDownCounter, UNIT_CONNECTIONS, None, Some("db.client.connection.max"),
        "The most connections a pool may open";
    /// Share of all CPUs the process used over the last refresh (gauge, 0 to 1).
    PROCESS_CPU_UTILIZATION: "process.cpu.utilization", Gauge, UNIT_RATIO, None, Some("process.cpu.utilization"),
        "Share of all CPUs this process used over the last refresh interval";
    /// Resident memory of the process (bytes).
    PROCESS_MEMORY_USAGE: "process.memory.usage", UpDownCounter, UNIT_BYTES, None, Some("process.memory.usage"),
        "Resident memory of this process";
    /// Resident memory of the process over the memory it may use: its cgroup limit when it has
    /// one, else the machine's memory (gauge, 0 to 1). No semantic convention exists.
    PROCESS_MEMORY_UTILIZATION: "process.memory.utilization", Gauge, UNIT_RATIO, None, None,
        "Resident memory of this process over its limit (the cgroup's, else the machine's)";
    /// Virtual memory of the process (bytes).
    PROCESS_MEMORY_VIRTUAL: "process.memory.virtual", UpDownCounter, UNIT_BYTES, None, Some("process.memory.virtual"),
        "Virtual memory of this process";
    /// Threads of the process. The semantic conventions now say `process.thread.count`, which
    /// Prometheus renders with a `_count` suffix that promtool rejects outside histograms; this
    /// is their earlier name.
    PROCESS_THREAD_COUNT: "process.threads", UpDownCounter, UNIT_THREADS, None, Some("process.thread.count"),
        "Threads of this process";
    /// Open file descriptors of the process (the earlier semantic-convention name, for the same
    /// reason as [`PROCESS_THREAD_COUNT`]).
    PROCESS_OPEN_FILE_DESCRIPTOR_COUNT: "process.open_file_descriptors", UpDownCounter, UNIT_FILE_DESCRIPTORS, None, Some("process.unix.file_descriptor.count"),
        "Open file descriptors of this process";
    /// Seconds since the process started (gauge).
    PROCESS_UPTIME: "process.uptime", Gauge, UNIT_SECONDS, None, Some("process.uptime"),
        "Seconds since the process started";
    /// Share of all CPUs the machine used over the last refresh (gauge, 0 to 1).
    SYSTEM_CPU_UTILIZATION: "system.cpu.utilization", Gauge, UNIT_RATIO, None, Some("system.cpu.utilization"),
        "Share of all CPUs the machine used over the last refresh interval";
    /// Memory of the machine by `system.memory.state` (`used`, `free`) (bytes).
    SYSTEM_MEMORY_USAGE: "system.memory.usage", UpDownCounter, UNIT_BYTES, None, Some("system.memory.usage"),
        "Memory of the machine by state (used, free)";
    /// The machine's load average over 1, 5 and 15 minutes: runnable and waiting threads,
    /// averaged (gauge). Linux and macOS; 0 where the system has none.
    SYSTEM_CPU_LOAD_AVERAGE_1M: "system.cpu.load_average.1m", Gauge, UNIT_THREADS, None, None,
        "The machine's load average over 1 minute";
    /// See [`SYSTEM_CPU_LOAD_AVERAGE_1M`].
    SYSTEM_CPU_LOAD_AVERAGE_5M: "system.cpu.load_average.5m", Gauge, UNIT_THREADS, None, None,
        "The machine's load average over 5 minutes";
    /// See [`SYSTEM_CPU_LOAD_AVERAGE_1M`].
    SYSTEM_CPU_LOAD_AVERAGE_15M: "system.cpu.load_average.15m", Gauge, UNIT_THREADS, None, None,
        "The machine's load average over 15 minutes";
    /// Logical CPUs of the machine, to read the load average per CPU (gauge). Not the semantic
    /// conventions' `system.cpu.logical.count`, whose `_count` suffix promtool rejects outside
    /// histograms.
    SYSTEM_CPU_LOGICAL_CPUS: "system.cpu.logical_cpus", Gauge, UNIT_CPUS, None, Some("system.cpu.logical.count"),
        "Logical CPUs of the machine";
    /// Share of the machine's memory in use (gauge, 0 to 1).
    SYSTEM_MEMORY_UTILIZATION: "system.memory.utilization", Gauge, UNIT_RATIO, None, Some("system.memory.utilization"),
        "Share of the machine's memory in use";
    /// The working directory's filesystem by `system.filesystem.state` (`used`, `free`: available
    /// to the service, `reserved`: free but kept for root) (bytes).
    SYSTEM_FILESYSTEM_USAGE: "system.filesystem.usage", UpDownCounter, UNIT_BYTES, None, Some("system.filesystem.usage"),
        "The working directory's filesystem by state (used, free, reserved)";
    /// Share of the working directory's filesystem in use, as `df` computes "Use%": used over
    /// used plus available, so blocks reserved for root count in neither (gauge, 0 to 1).
    SYSTEM_FILESYSTEM_UTILIZATION: "system.filesystem.utilization", Gauge, UNIT_RATIO, None, Some("system.filesystem.utilization"),
        "Share of the working directory's filesystem in use, as df computes it: used over used plus available";
    /// Worker threads of the tokio runtime.
    RUNTIME_TOKIO_WORKERS: "runtime.tokio.workers", UpDownCounter, UNIT_THREADS, None, None,
        "Worker threads of the tokio runtime";
    /// Tasks alive in the tokio runtime.
    RUNTIME_TOKIO_ALIVE_TASKS: "runtime.tokio.alive_tasks", UpDownCounter, UNIT_TASKS, None, None,
        "Tasks alive in the tokio runtime";
    /// Tasks waiting in the tokio runtime's global queue.
    RUNTIME_TOKIO_GLOBAL_QUEUE_DEPTH: "runtime.tokio.global_queue_depth", UpDownCounter, UNIT_TASKS, None, None,
        "Tasks waiting in the runtime's global queue";
    /// Seconds until the first certificate of a watched file expires, below 0 once expired
    /// (gauge), by `tls.certificate.file`; see [`CertificateWatch`](crate::CertificateWatch).
    TLS_CERTIFICATE_REMAINING: "tls.certificate.remaining", Gauge, UNIT_SECONDS, None, None,
        "Seconds until the first certificate of the file expires";
    /// 1 when a watched certificate file could not be read at the last refresh, with
    /// `error.type` (`missing`, `unreadable`, `invalid`), else 0 (gauge).
    TLS_CERTIFICATE_UNREADABLE: "tls.certificate.unreadable", Gauge, UNIT_NONE, None, None,
        "1 when the file could not be read as certificates";
    /// In-process alerts firing now, by `alert.type` and `alert.severity` (gauge, 1 or 0).
    MONITORING_ALERTS_ACTIVE: "monitoring.alerts.active", Gauge, UNIT_ALERTS, None, None,
        "In-process alerts firing now, by alert.type";
    /// Requests to a monitoring endpoint refused for a missing or wrong bearer token, by
    /// `monitoring.token` (`metrics`, `admin`) (counter).
    MONITORING_AUTH_FAILURES: "monitoring.auth.failures", Counter, UNIT_ATTEMPTS, None, None,
        "Requests to a monitoring endpoint refused for a missing or wrong token";
    /// Callbacks of the application's that panicked and were caught, by `callback.kind`
    /// (`pool_reader`, `readiness_check`) (counter).
    MONITORING_CALLBACK_PANICS: "monitoring.callback.panics", Counter, UNIT_PANICS, None, None,
        "Callbacks of the application's that panicked and were caught";
    /// Metric data points the OTLP push delivered and, with `error.type="export_failed"`,
    /// failed to deliver (counter); only when metrics are pushed.
    OTEL_SDK_EXPORTER_METRIC_DATA_POINT_EXPORTED: "otel.sdk.exporter.metric_data_point.exported", Counter, UNIT_DATA_POINTS, None, Some("otel.sdk.exporter.metric_data_point.exported"),
        "Metric data points handed to the exporter, by outcome";
    /// Recordings folded into an instrument's overflow series past the cardinality limit, by
    /// `metric.name` (counter). Counted for histograms, whose overflow series holds a count;
    /// a sum or gauge past its limit appears at 0. Read from each collection and reported at
    /// the next.
    MONITORING_METRIC_OVERFLOW: "monitoring.metric.overflow", Counter, UNIT_MEASUREMENTS, None, None,
        "Recordings folded into an instrument's overflow series past its cardinality limit";
    /// Spans the OTLP exporter failed to deliver (counter, `error.type` says why). Spans the
    /// batch queue had no room for are counted by the SDK itself, as
    /// `otel.sdk.processor.span.processed` with `error.type="queue_full"`.
    OTEL_SDK_EXPORTER_SPAN_EXPORTED: "otel.sdk.exporter.span.exported", Counter, UNIT_SPANS, None, Some("otel.sdk.exporter.span.exported"),
        "Spans handed to the exporter, by outcome";
}

/// Spans the SDK's batch processor handed on or dropped, `error.type="queue_full"` for
/// those the queue had no room for (counter). The SDK records it, through the global meter
/// provider: not a row of [`METRICS`].
pub const OTEL_SDK_PROCESSOR_SPAN_PROCESSED: &str = "otel.sdk.processor.span.processed";

/// Unit of durations (UCUM seconds).
pub const UNIT_SECONDS: &str = "s";
/// Unit of sizes (UCUM bytes).
pub const UNIT_BYTES: &str = "By";
/// Unit of a count of things in flight.
pub const UNIT_REQUESTS: &str = "{request}";
/// Unit of a ratio from 0 to 1.
pub const UNIT_RATIO: &str = "1";
/// Unit of a count of threads.
pub const UNIT_THREADS: &str = "{thread}";
/// Unit of a count of file descriptors.
pub const UNIT_FILE_DESCRIPTORS: &str = "{file_descriptor}";
/// Unit of a count of CPUs.
pub const UNIT_CPUS: &str = "{cpu}";
/// Unit of a count of tasks.
pub const UNIT_TASKS: &str = "{task}";
/// Unit of a count of tool executions.
pub const UNIT_EXECUTIONS: &str = "{execution}";
/// Unit of a count of workflows.
pub const UNIT_WORKFLOWS: &str = "{workflow}";
/// Unit of a count of jobs.
pub const UNIT_JOBS: &str = "{job}";
/// Unit of a count of connections.
pub const UNIT_CONNECTIONS: &str = "{connection}";
/// Unit of a count of cache lookups.
pub const UNIT_LOOKUPS: &str = "{lookup}";
/// Unit of a count of RPCs.
pub const UNIT_CALLS: &str = "{call}";
/// Unit of a count of RPC messages.
pub const UNIT_MESSAGES: &str = "{message}";
/// Unit of a count of streamed responses.
pub const UNIT_STREAMS: &str = "{stream}";
/// Unit of a count of spans.
pub const UNIT_SPANS: &str = "{span}";
/// Unit of a count of refused requests.
pub const UNIT_ATTEMPTS: &str = "{attempt}";
/// Unit of a count of panics.
pub const UNIT_PANICS: &str = "{panic}";
/// Unit of a count of alerts.
pub const UNIT_ALERTS: &str = "{alert}";
/// Recordings of an instrument.
pub const UNIT_MEASUREMENTS: &str = "{measurement}";
/// Data points of an export.
pub const UNIT_DATA_POINTS: &str = "{data_point}";
/// No unit: a flag (0 or 1).
pub const UNIT_NONE: &str = "";

/// Bucket bounds of `http.server.request.duration`: the semantic-convention advice.
pub const DURATION_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

/// Bucket bounds of the messages per RPC: one for unary calls, then streams of any length.
pub const MESSAGE_COUNT_BUCKETS: &[f64] = &[0.0, 1.0, 2.0, 5.0, 10.0, 100.0, 1000.0, 10000.0];

/// The semantic-convention release the RPC rows and attributes follow: 1.45, where the RPC
/// conventions became stable. Their names are those of 1.42 (which the schema URL names),
/// released then as candidates; the status code attribute is `rpc.response.status_code`
/// (`rpc.grpc.status_code` before 1.38).
pub const RPC_SEMCONV_VERSION: &str = "1.45.0";

/// Bucket bounds of `db.client.operation.duration`: the semantic-convention advice.
pub const DB_DURATION_BUCKETS: &[f64] = &[0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0];

/// Bucket bounds of `cache.operation.duration`: from 10 µs, since in-process caches answer in
/// microseconds, to 1 s for remote ones.
pub const CACHE_DURATION_BUCKETS: &[f64] = &[
    0.00001, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0,
];

/// Bucket bounds of tool, workflow-step and job durations: 5 ms to 10 minutes.
pub const TASK_DURATION_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];

/// Bucket bounds of `http.server.connection.duration`: from a quick request to an hour-long
/// keep-alive or stream.
pub const CONNECTION_DURATION_BUCKETS: &[f64] =
    &[0.01, 0.1, 0.5, 1.0, 5.0, 30.0, 60.0, 300.0, 900.0, 3600.0];

/// Bucket bounds of the body-size histograms: powers of four from 64 B to 16 MiB, so bodies up
/// to 10 MiB land in a bucket of their own scale (the SDK default stops at 10 000).
pub const BODY_SIZE_BUCKETS: &[f64] = &[
    0.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0,
];

/// `db.system.name` values (semantic conventions 1.33+), for [`dependency::db`](crate::dependency::db)
/// and `#[monitor_db(system = ..)]`.
pub mod db_system {
    /// PostgreSQL.
    pub const POSTGRESQL: &str = "postgresql";
    /// MySQL.
    pub const MYSQL: &str = "mysql";
    /// MariaDB.
    pub const MARIADB: &str = "mariadb";
    /// SQLite.
    pub const SQLITE: &str = "sqlite";
    /// Microsoft SQL Server.
    pub const MICROSOFT_SQL_SERVER: &str = "microsoft.sql_server";
    /// Redis.
    pub const REDIS: &str = "redis";
    /// MongoDB.
    pub const MONGODB: &str = "mongodb";
    /// A SQL database the conventions do not list.
    pub const OTHER_SQL: &str = "other_sql";
}

/// Attribute keys, as the semantic conventions spell them.
pub mod attr {
    /// HTTP method, normalised: anything outside the standard methods is `_OTHER`.
    pub const HTTP_REQUEST_METHOD: &str = "http.request.method";
    /// The method as the client sent it, on the span only, when `http.request.method` is
    /// `_OTHER`.
    pub const HTTP_REQUEST_METHOD_ORIGINAL: &str = "http.request.method_original";
    /// Route template (axum `MatchedPath`), absent when no route matched.
    pub const HTTP_ROUTE: &str = "http.route";
    /// The operation a handler named with `OperationName`, on a route that serves many
    /// (no semantic convention covers it; owned by this crate, like `tool.name`).
    pub const OPERATION_NAME: &str = "operation.name";
    /// Response status code, absent when the request ended before a response.
    pub const HTTP_RESPONSE_STATUS_CODE: &str = "http.response.status_code";
    /// `http` or `https`.
    pub const URL_SCHEME: &str = "url.scheme";
    /// `1.0`, `1.1`, `2`, `3`.
    pub const NETWORK_PROTOCOL_VERSION: &str = "network.protocol.version";
    /// Why the request failed: a 5xx status code, `cancelled`, `body_error` or `_OTHER`.
    pub const ERROR_TYPE: &str = "error.type";
    /// The certificate file a `tls.certificate.*` figure is about, as it was given.
    pub const TLS_CERTIFICATE_FILE: &str = "tls.certificate.file";
    /// `service.name` resource attribute.
    pub const SERVICE_NAME: &str = "service.name";
    /// Path of the request URI (server spans only: never a metric label).
    pub const URL_PATH: &str = "url.path";
    /// Query of the request URI, credentials redacted (server spans, when enabled).
    pub const URL_QUERY: &str = "url.query";
    /// The absolute URL of a client call, credentials removed, on client spans only.
    pub const URL_FULL: &str = "url.full";
    /// The `User-Agent` header (server spans only).
    pub const USER_AGENT_ORIGINAL: &str = "user_agent.original";
    /// Peer address of the connection, when the server provides it (server spans only).
    pub const CLIENT_ADDRESS: &str = "client.address";
    /// Peer port of the connection (server spans only).
    pub const CLIENT_PORT: &str = "client.port";
    /// The RPC system: `grpc` (semconv 1.45, stable).
    pub const RPC_SYSTEM_NAME: &str = "rpc.system.name";
    /// The fully qualified method, `package.Service/Method`, or `_OTHER` for a method the
    /// server does not serve (semconv 1.45, stable).
    pub const RPC_METHOD: &str = "rpc.method";
    /// The status code's name, such as `OK` or `INVALID_ARGUMENT` (semconv 1.45, stable;
    /// `rpc.grpc.status_code`, a number, before).
    pub const RPC_RESPONSE_STATUS_CODE: &str = "rpc.response.status_code";
    /// Host of an outbound request.
    pub const SERVER_ADDRESS: &str = "server.address";
    /// The port the client addressed, when it named one.
    pub const SERVER_PORT: &str = "server.port";
    /// The socket peer's address, on server spans.
    pub const NETWORK_PEER_ADDRESS: &str = "network.peer.address";
    /// The socket peer's port, on server spans.
    pub const NETWORK_PEER_PORT: &str = "network.peer.port";
    /// The third-party platform an outbound request goes to, named by the application.
    pub const PLATFORM_NAME: &str = "platform.name";
    /// The platform endpoint, named by the application (never the raw URL).
    pub const PLATFORM_ENDPOINT: &str = "platform.endpoint";
    /// Database system: `sqlite`, `postgresql`, ...
    pub const DB_SYSTEM_NAME: &str = "db.system.name";
    /// Database operation: `select`, `insert`, ...
    pub const DB_OPERATION_NAME: &str = "db.operation.name";
    /// Table or collection.
    pub const DB_COLLECTION_NAME: &str = "db.collection.name";
    /// Name of a cache, chosen by the application.
    pub const CACHE_NAME: &str = "cache.name";
    /// Cache operation: `get`, `set`, ...
    pub const CACHE_OPERATION: &str = "cache.operation";
    /// `hit` or `miss`.
    pub const CACHE_RESULT: &str = "cache.result";
    /// Name of a client service wrapped by `ClientLayer`.
    pub const CLIENT_NAME: &str = "client.name";
    /// Operation of a client call, as the application describes it.
    pub const CLIENT_OPERATION: &str = "client.operation";
    /// Target (service, resource) of a client call, as the application describes it.
    pub const CLIENT_TARGET: &str = "client.target";
    /// Name of a tool, chosen by the application.
    pub const TOOL_NAME: &str = "tool.name";
    /// Name of a workflow.
    pub const WORKFLOW_NAME: &str = "workflow.name";
    /// Name of a workflow step.
    pub const WORKFLOW_STEP: &str = "workflow.step";
    /// Name of a background job.
    pub const JOB_NAME: &str = "job.name";
    /// Name of a connection pool.
    pub const DB_CLIENT_CONNECTION_POOL_NAME: &str = "db.client.connection.pool.name";
    /// `used` or `idle`.
    pub const DB_CLIENT_CONNECTION_STATE: &str = "db.client.connection.state";
    /// An in-process alert, one of [`alert`](super::alert): `HighErrorRate`, ...
    pub const ALERT_TYPE: &str = "alert.type";
    /// `warning` or `critical`.
    pub const ALERT_SEVERITY: &str = "alert.severity";
    /// Which token a refused request lacked: `metrics` or `admin`.
    pub const MONITORING_TOKEN: &str = "monitoring.token";
    /// Which of the application's callbacks panicked: `pool_reader`, `readiness_check`.
    pub const CALLBACK_KIND: &str = "callback.kind";
    /// The OpenTelemetry name of an instrument, on `monitoring.metric.overflow`.
    pub const METRIC_NAME: &str = "metric.name";
    /// `used` or `free`.
    pub const SYSTEM_MEMORY_STATE: &str = "system.memory.state";
    /// `used`, `free` or `reserved`.
    pub const SYSTEM_FILESYSTEM_STATE: &str = "system.filesystem.state";
}

/// Values of `error.type` the crate sets besides 5xx status codes.
pub mod error_type {
    /// The request future or the response body was dropped before the response ended
    /// (client disconnect, timeout).
    pub const CANCELLED: &str = "cancelled";
    /// The response body returned an error while streaming.
    pub const BODY_ERROR: &str = "body_error";
    /// The inner service returned an error instead of a response.
    pub const OTHER: &str = "_OTHER";
    /// An outbound call timed out.
    pub const TIMEOUT: &str = "timeout";
    /// An outbound call could not connect, or lost its connection.
    pub const CONNECTION: &str = "connection";
    /// The exporter could not deliver a batch of spans (collector down, timeout, rejected).
    pub const EXPORT_FAILED: &str = "export_failed";
}

/// Alert names. The in-process alerts and the shipped Prometheus rules that watch the same
/// condition share a name (the `alert.type` of `monitoring.alerts.active`, the `alert:` of
/// `alerts/alert_rules.yml`), so an operator searching for one finds the other.
pub mod alert {
    /// The share of failed requests is above its threshold.
    pub const HIGH_ERROR_RATE: &str = "HighErrorRate";
    /// The 95th percentile of request duration is above its threshold.
    pub const HIGH_LATENCY_P95: &str = "HighLatencyP95";
    /// The process uses most of its memory limit.
    pub const HIGH_MEMORY_USAGE: &str = "HighMemoryUsage";
    /// The process uses most of the CPUs.
    pub const HIGH_CPU_USAGE: &str = "HighCpuUsage";
    /// A cache answers too few lookups.
    pub const LOW_CACHE_HIT_RATE: &str = "LowCacheHitRate";
    /// A connection pool has almost no idle connection left.
    pub const HIGH_DB_POOL_UTILIZATION: &str = "HighDbPoolUtilization";
    /// The machine's 5-minute load average per logical CPU is above its threshold.
    pub const HIGH_SYSTEM_LOAD: &str = "HighSystemLoad";
}
