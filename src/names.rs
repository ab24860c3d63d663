//! Every metric name, unit, bucket layout and attribute key the crate uses, in one place.
//!
//! Dashboards, alert rules and tests refer to metrics through these constants, so a rename
//! here cannot leave them behind. Names follow the OpenTelemetry semantic conventions; the
//! Prometheus exporter renders `http.server.request.duration` with unit `s` as
//! `http_server_request_duration_seconds`, and the [`prometheus`] sub-module spells those out.

/// Instrumentation scope of every instrument this crate creates.
pub const SCOPE: &str = "tower-monitoring";

/// Duration of inbound HTTP requests, from arrival to the end of the response body (histogram, seconds).
pub const HTTP_SERVER_REQUEST_DURATION: &str = "http.server.request.duration";
/// Inbound HTTP requests currently being served (up-down counter).
pub const HTTP_SERVER_ACTIVE_REQUESTS: &str = "http.server.active_requests";
/// Bytes of request body that streamed through the service (histogram, bytes); observed only
/// for requests that carry a body.
pub const HTTP_SERVER_REQUEST_BODY_SIZE: &str = "http.server.request.body.size";
/// Bytes of response body that streamed through the service (histogram, bytes); observed only
/// for responses that carry a body.
pub const HTTP_SERVER_RESPONSE_BODY_SIZE: &str = "http.server.response.body.size";
/// Connections open now on a [`ConnectionListener`](crate::ConnectionListener) (up-down
/// counter). A request count is not a connection count: one keep-alive connection carries
/// many requests, and an idle one carries none.
pub const HTTP_SERVER_OPEN_CONNECTIONS: &str = "http.server.open_connections";
/// Connections accepted (counter).
pub const HTTP_SERVER_CONNECTIONS: &str = "http.server.connections";
/// How long connections stayed open, recorded when they close however they end (histogram,
/// seconds).
pub const HTTP_SERVER_CONNECTION_DURATION: &str = "http.server.connection.duration";

/// Duration of outbound HTTP requests to a platform, to the response headers (histogram, seconds).
pub const HTTP_CLIENT_REQUEST_DURATION: &str = "http.client.request.duration";
/// Duration of database operations (histogram, seconds).
pub const DB_CLIENT_OPERATION_DURATION: &str = "db.client.operation.duration";
/// Duration of cache operations (histogram, seconds). No semantic convention exists.
pub const CACHE_OPERATION_DURATION: &str = "cache.operation.duration";
/// Cache lookups by `cache.result` (`hit`, `miss`) (counter). The hit ratio is
/// `sum(rate(cache_lookups_total{cache_result="hit"}[5m])) / sum(rate(cache_lookups_total[5m]))`.
pub const CACHE_LOOKUPS: &str = "cache.lookups";

/// Duration of calls through a client service described by the application (histogram,
/// seconds), by `client.name`, `client.operation`, `client.target`.
pub const CLIENT_OPERATION_DURATION: &str = "client.operation.duration";
/// Duration of tool executions (histogram, seconds); its count is the executions by tool
/// and `error.type`.
pub const TOOL_EXECUTION_DURATION: &str = "tool.execution.duration";
/// Tool executions in progress (up-down counter).
pub const TOOL_EXECUTIONS_ACTIVE: &str = "tool.executions.active";
/// Tool executions waiting, set by the application (gauge).
pub const TOOL_QUEUE_SIZE: &str = "tool.queue.size";
/// Duration of workflow steps (histogram, seconds), by workflow, step and `error.type`.
pub const WORKFLOW_STEP_DURATION: &str = "workflow.step.duration";
/// Workflows in progress (up-down counter).
pub const WORKFLOW_ACTIVE: &str = "workflow.active";
/// Duration of background jobs (histogram, seconds), by job and `error.type`.
pub const JOB_DURATION: &str = "job.duration";
/// Background jobs in progress (up-down counter), by `job.name`.
pub const JOB_ACTIVE: &str = "job.active";
/// Background jobs waiting, set by the application (gauge).
pub const JOB_QUEUE_LENGTH: &str = "job.queue.length";
/// Connections of a pool by `db.client.connection.state` (`used`, `idle`), read at
/// collection time (up-down counter).
pub const DB_CLIENT_CONNECTION_COUNT: &str = "db.client.connection.count";
/// The most connections a pool may open (up-down counter).
pub const DB_CLIENT_CONNECTION_MAX: &str = "db.client.connection.max";

/// Share of all CPUs the process used over the last refresh (gauge, 0 to 1).
pub const PROCESS_CPU_UTILIZATION: &str = "process.cpu.utilization";
/// Resident memory of the process (bytes).
pub const PROCESS_MEMORY_USAGE: &str = "process.memory.usage";
/// Resident memory of the process over the memory it may use: its cgroup limit when it has
/// one, else the machine's memory (gauge, 0 to 1). No semantic convention exists.
pub const PROCESS_MEMORY_UTILIZATION: &str = "process.memory.utilization";
/// Virtual memory of the process (bytes).
pub const PROCESS_MEMORY_VIRTUAL: &str = "process.memory.virtual";
/// Threads of the process. The semantic conventions now say `process.thread.count`, which
/// Prometheus renders with a `_count` suffix that promtool rejects outside histograms; this
/// is their earlier name.
pub const PROCESS_THREAD_COUNT: &str = "process.threads";
/// Open file descriptors of the process (the earlier semantic-convention name, for the same
/// reason as [`PROCESS_THREAD_COUNT`]).
pub const PROCESS_OPEN_FILE_DESCRIPTOR_COUNT: &str = "process.open_file_descriptors";
/// Seconds since the process started (gauge).
pub const PROCESS_UPTIME: &str = "process.uptime";
/// Share of all CPUs the machine used over the last refresh (gauge, 0 to 1).
pub const SYSTEM_CPU_UTILIZATION: &str = "system.cpu.utilization";
/// Memory of the machine by `system.memory.state` (`used`, `free`) (bytes).
pub const SYSTEM_MEMORY_USAGE: &str = "system.memory.usage";
/// The machine's load average over 1, 5 and 15 minutes: runnable and waiting threads,
/// averaged (gauge). Linux and macOS; 0 where the system has none.
pub const SYSTEM_CPU_LOAD_AVERAGE_1M: &str = "system.cpu.load_average.1m";
/// See [`SYSTEM_CPU_LOAD_AVERAGE_1M`].
pub const SYSTEM_CPU_LOAD_AVERAGE_5M: &str = "system.cpu.load_average.5m";
/// See [`SYSTEM_CPU_LOAD_AVERAGE_1M`].
pub const SYSTEM_CPU_LOAD_AVERAGE_15M: &str = "system.cpu.load_average.15m";
/// Logical CPUs of the machine, to read the load average per CPU (gauge). Not the semantic
/// conventions' `system.cpu.logical.count`, whose `_count` suffix promtool rejects outside
/// histograms.
pub const SYSTEM_CPU_LOGICAL_CPUS: &str = "system.cpu.logical_cpus";
/// Share of the machine's memory in use (gauge, 0 to 1).
pub const SYSTEM_MEMORY_UTILIZATION: &str = "system.memory.utilization";
/// The working directory's filesystem by `system.filesystem.state` (`used`, `free`: available
/// to the service, `reserved`: free but kept for root) (bytes).
pub const SYSTEM_FILESYSTEM_USAGE: &str = "system.filesystem.usage";
/// Share of the working directory's filesystem in use, as `df` computes "Use%": used over
/// used plus available, so blocks reserved for root count in neither (gauge, 0 to 1).
pub const SYSTEM_FILESYSTEM_UTILIZATION: &str = "system.filesystem.utilization";
/// Worker threads of the tokio runtime.
pub const RUNTIME_TOKIO_WORKERS: &str = "runtime.tokio.workers";
/// Tasks alive in the tokio runtime.
pub const RUNTIME_TOKIO_ALIVE_TASKS: &str = "runtime.tokio.alive_tasks";
/// Tasks waiting in the tokio runtime's global queue.
pub const RUNTIME_TOKIO_GLOBAL_QUEUE_DEPTH: &str = "runtime.tokio.global_queue_depth";

/// Seconds until the first certificate of a watched file expires, below 0 once expired
/// (gauge), by `tls.certificate.file`; see [`CertificateWatch`](crate::CertificateWatch).
pub const TLS_CERTIFICATE_REMAINING: &str = "tls.certificate.remaining";
/// 1 when a watched certificate file could not be read at the last refresh, with
/// `error.type` (`missing`, `unreadable`, `invalid`), else 0 (gauge).
pub const TLS_CERTIFICATE_UNREADABLE: &str = "tls.certificate.unreadable";

/// In-process alerts firing now, by `alert.type` and `alert.severity` (gauge, 1 or 0).
pub const MONITORING_ALERTS_ACTIVE: &str = "monitoring.alerts.active";
/// Requests to a monitoring endpoint refused for a missing or wrong bearer token, by
/// `monitoring.token` (`metrics`, `admin`) (counter).
pub const MONITORING_AUTH_FAILURES: &str = "monitoring.auth.failures";
/// Callbacks of the application's that panicked and were caught, by `callback.kind`
/// (`pool_reader`, `readiness_check`) (counter).
pub const MONITORING_CALLBACK_PANICS: &str = "monitoring.callback.panics";

/// Spans the OTLP exporter failed to deliver (counter, `error.type` says why). Spans the
/// batch queue had no room for are counted by the SDK itself, as
/// `otel.sdk.processor.span.processed` with `error.type="queue_full"`.
pub const OTEL_SDK_EXPORTER_SPAN_EXPORTED: &str = "otel.sdk.exporter.span.exported";

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
/// Unit of a count of spans.
pub const UNIT_SPANS: &str = "{span}";
/// Unit of a count of refused requests.
pub const UNIT_ATTEMPTS: &str = "{attempt}";
/// Unit of a count of panics.
pub const UNIT_PANICS: &str = "{panic}";

/// Bucket bounds of `http.server.request.duration`: the semantic-convention advice.
pub const DURATION_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
];

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

/// Bucket bounds of the body-size histograms: powers of four from 64 B to 16 MiB, so bodies up
/// to 10 MiB land in a bucket of their own scale (the SDK default stops at 10 000).
pub const BODY_SIZE_BUCKETS: &[f64] = &[
    0.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0, 16777216.0,
];

/// Attribute keys, as the semantic conventions spell them.
pub mod attr {
    /// HTTP method, normalised: anything outside the standard methods is `_OTHER`.
    pub const HTTP_REQUEST_METHOD: &str = "http.request.method";
    /// Route template (axum `MatchedPath`), absent when no route matched.
    pub const HTTP_ROUTE: &str = "http.route";
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
    /// The `User-Agent` header (server spans only).
    pub const USER_AGENT_ORIGINAL: &str = "user_agent.original";
    /// Peer address of the connection, when the server provides it (server spans only).
    pub const CLIENT_ADDRESS: &str = "client.address";
    /// Peer port of the connection (server spans only).
    pub const CLIENT_PORT: &str = "client.port";
    /// Host of an outbound request.
    pub const SERVER_ADDRESS: &str = "server.address";
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

/// The names as the Prometheus exporter renders them (without a namespace prefix).
pub mod prometheus {
    /// `http.server.request.duration`.
    pub const HTTP_SERVER_REQUEST_DURATION: &str = "http_server_request_duration_seconds";
    /// `http.server.active_requests`.
    pub const HTTP_SERVER_ACTIVE_REQUESTS: &str = "http_server_active_requests";
    /// `http.server.request.body.size`.
    pub const HTTP_SERVER_REQUEST_BODY_SIZE: &str = "http_server_request_body_size_bytes";
    /// `http.server.response.body.size`.
    pub const HTTP_SERVER_RESPONSE_BODY_SIZE: &str = "http_server_response_body_size_bytes";
    /// `otel.sdk.exporter.span.exported`.
    pub const OTEL_SDK_EXPORTER_SPAN_EXPORTED: &str = "otel_sdk_exporter_span_exported_total";
    /// `http.server.open_connections`.
    pub const HTTP_SERVER_OPEN_CONNECTIONS: &str = "http_server_open_connections";
    /// `http.server.connections`.
    pub const HTTP_SERVER_CONNECTIONS: &str = "http_server_connections_total";
    /// `http.server.connection.duration`.
    pub const HTTP_SERVER_CONNECTION_DURATION: &str = "http_server_connection_duration_seconds";
    /// `http.client.request.duration`.
    pub const HTTP_CLIENT_REQUEST_DURATION: &str = "http_client_request_duration_seconds";
    /// `db.client.operation.duration`.
    pub const DB_CLIENT_OPERATION_DURATION: &str = "db_client_operation_duration_seconds";
    /// `cache.operation.duration`.
    pub const CACHE_OPERATION_DURATION: &str = "cache_operation_duration_seconds";
    /// `cache.lookups`.
    pub const CACHE_LOOKUPS: &str = "cache_lookups_total";
    /// `client.operation.duration`.
    pub const CLIENT_OPERATION_DURATION: &str = "client_operation_duration_seconds";
    /// `tool.execution.duration`.
    pub const TOOL_EXECUTION_DURATION: &str = "tool_execution_duration_seconds";
    /// `tool.executions.active`.
    pub const TOOL_EXECUTIONS_ACTIVE: &str = "tool_executions_active";
    /// `tool.queue.size`.
    pub const TOOL_QUEUE_SIZE: &str = "tool_queue_size";
    /// `workflow.step.duration`.
    pub const WORKFLOW_STEP_DURATION: &str = "workflow_step_duration_seconds";
    /// `workflow.active`.
    pub const WORKFLOW_ACTIVE: &str = "workflow_active";
    /// `job.duration`.
    pub const JOB_DURATION: &str = "job_duration_seconds";
    /// `job.queue.length`.
    pub const JOB_QUEUE_LENGTH: &str = "job_queue_length";
    /// `db.client.connection.count`.
    pub const DB_CLIENT_CONNECTION_COUNT: &str = "db_client_connection_count";
    /// `db.client.connection.max`.
    pub const DB_CLIENT_CONNECTION_MAX: &str = "db_client_connection_max";
    /// `process.cpu.utilization`.
    pub const PROCESS_CPU_UTILIZATION: &str = "process_cpu_utilization_ratio";
    /// `process.memory.usage`.
    pub const PROCESS_MEMORY_USAGE: &str = "process_memory_usage_bytes";
    /// `monitoring.alerts.active`.
    pub const MONITORING_ALERTS_ACTIVE: &str = "monitoring_alerts_active";
    /// `monitoring.auth.failures`.
    pub const MONITORING_AUTH_FAILURES: &str = "monitoring_auth_failures_total";
    /// `monitoring.callback.panics`.
    pub const MONITORING_CALLBACK_PANICS: &str = "monitoring_callback_panics_total";
    /// `process.memory.utilization`.
    pub const PROCESS_MEMORY_UTILIZATION: &str = "process_memory_utilization_ratio";
    /// `process.memory.virtual`.
    pub const PROCESS_MEMORY_VIRTUAL: &str = "process_memory_virtual_bytes";
    /// `process.threads`.
    pub const PROCESS_THREAD_COUNT: &str = "process_threads";
    /// `process.open_file_descriptors`.
    pub const PROCESS_OPEN_FILE_DESCRIPTOR_COUNT: &str = "process_open_file_descriptors";
    /// `process.uptime`.
    pub const PROCESS_UPTIME: &str = "process_uptime_seconds";
    /// `system.cpu.utilization`.
    pub const SYSTEM_CPU_UTILIZATION: &str = "system_cpu_utilization_ratio";
    /// `system.memory.usage`.
    pub const SYSTEM_MEMORY_USAGE: &str = "system_memory_usage_bytes";
    /// `system.memory.utilization`.
    pub const SYSTEM_MEMORY_UTILIZATION: &str = "system_memory_utilization_ratio";
    /// `system.filesystem.usage`.
    pub const SYSTEM_FILESYSTEM_USAGE: &str = "system_filesystem_usage_bytes";
    /// `system.filesystem.utilization`.
    pub const SYSTEM_FILESYSTEM_UTILIZATION: &str = "system_filesystem_utilization_ratio";
    /// `runtime.tokio.workers`.
    pub const RUNTIME_TOKIO_WORKERS: &str = "runtime_tokio_workers";
    /// `runtime.tokio.alive_tasks`.
    pub const RUNTIME_TOKIO_ALIVE_TASKS: &str = "runtime_tokio_alive_tasks";
    /// `runtime.tokio.global_queue_depth`.
    pub const RUNTIME_TOKIO_GLOBAL_QUEUE_DEPTH: &str = "runtime_tokio_global_queue_depth";
    /// `otel.sdk.processor.span.processed`, the SDK's count of spans handed on or dropped.
    pub const OTEL_SDK_PROCESSOR_SPAN_PROCESSED: &str = "otel_sdk_processor_span_processed_total";
    /// `system.cpu.load_average.1m`.
    pub const SYSTEM_CPU_LOAD_AVERAGE_1M: &str = "system_cpu_load_average_1m";
    /// `system.cpu.load_average.5m`.
    pub const SYSTEM_CPU_LOAD_AVERAGE_5M: &str = "system_cpu_load_average_5m";
    /// `system.cpu.load_average.15m`.
    pub const SYSTEM_CPU_LOAD_AVERAGE_15M: &str = "system_cpu_load_average_15m";
    /// `system.cpu.logical_cpus`.
    pub const SYSTEM_CPU_LOGICAL_CPUS: &str = "system_cpu_logical_cpus";
    /// `tls.certificate.remaining`.
    pub const TLS_CERTIFICATE_REMAINING: &str = "tls_certificate_remaining_seconds";
    /// `tls.certificate.unreadable`.
    pub const TLS_CERTIFICATE_UNREADABLE: &str = "tls_certificate_unreadable";
    /// `job.active`.
    pub const JOB_ACTIVE: &str = "job_active";
}
