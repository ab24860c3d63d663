//! Every name of the names table that has a semantic-convention counterpart equals the
//! constant `opentelemetry-semantic-conventions` publishes, so a rename on either side fails
//! the build's tests instead of drifting. The crate follows semconv 1.42 (the release the
//! 0.33 crate publishes), which the scope's schema URL says.

use opentelemetry_semantic_conventions as semconv;
use tower_monitoring::names::{self, METRICS, attr};

#[test]
fn the_schema_url_is_the_release_the_names_are_checked_against() {
    assert_eq!(names::SCHEMA_URL, semconv::SCHEMA_URL);
}

#[test]
fn every_metric_with_a_counterpart_is_spelled_as_the_conventions_spell_it() {
    use semconv::metric as m;
    let published = [
        m::HTTP_SERVER_REQUEST_DURATION,
        m::HTTP_SERVER_ACTIVE_REQUESTS,
        m::HTTP_SERVER_REQUEST_BODY_SIZE,
        m::HTTP_SERVER_RESPONSE_BODY_SIZE,
        m::HTTP_CLIENT_REQUEST_DURATION,
        m::DB_CLIENT_OPERATION_DURATION,
        m::DB_CLIENT_CONNECTION_COUNT,
        m::DB_CLIENT_CONNECTION_MAX,
        m::PROCESS_CPU_UTILIZATION,
        m::PROCESS_MEMORY_USAGE,
        m::PROCESS_MEMORY_VIRTUAL,
        m::PROCESS_THREAD_COUNT,
        m::PROCESS_UNIX_FILE_DESCRIPTOR_COUNT,
        m::PROCESS_UPTIME,
        m::SYSTEM_CPU_UTILIZATION,
        m::SYSTEM_CPU_LOGICAL_COUNT,
        m::SYSTEM_MEMORY_USAGE,
        m::SYSTEM_MEMORY_UTILIZATION,
        m::SYSTEM_FILESYSTEM_USAGE,
        m::SYSTEM_FILESYSTEM_UTILIZATION,
        m::OTEL_SDK_EXPORTER_SPAN_EXPORTED,
        m::OTEL_SDK_EXPORTER_METRIC_DATA_POINT_EXPORTED,
        m::RPC_SERVER_CALL_DURATION,
        m::RPC_CLIENT_CALL_DURATION,
    ];
    let claimed: Vec<&str> = METRICS.iter().filter_map(|metric| metric.semconv).collect();
    for name in &claimed {
        assert!(
            published.contains(name),
            "{name} is given as a semantic-convention name but is not one this test knows: \
             add its constant above, or fix the row"
        );
    }
    for name in published {
        assert!(claimed.contains(&name), "no row claims {name}");
    }
    // Where the row's own name differs from its counterpart, the README says why; every
    // other row uses the counterpart as its name.
    let renamed: Vec<(&str, &str)> = METRICS
        .iter()
        .filter_map(|metric| Some((metric.name, metric.semconv?)))
        .filter(|(name, semconv)| name != semconv)
        .collect();
    assert_eq!(
        renamed,
        [
            ("process.threads", m::PROCESS_THREAD_COUNT),
            (
                "process.open_file_descriptors",
                m::PROCESS_UNIX_FILE_DESCRIPTOR_COUNT
            ),
            ("system.cpu.logical_cpus", m::SYSTEM_CPU_LOGICAL_COUNT),
        ],
        "each rename is a `.count` name promtool rejects outside histograms"
    );
    assert_eq!(
        names::OTEL_SDK_PROCESSOR_SPAN_PROCESSED,
        m::OTEL_SDK_PROCESSOR_SPAN_PROCESSED
    );
}

#[test]
fn every_attribute_with_a_counterpart_is_spelled_as_the_conventions_spell_it() {
    use semconv::attribute as a;
    for (ours, published) in [
        (attr::HTTP_REQUEST_METHOD, a::HTTP_REQUEST_METHOD),
        (
            attr::HTTP_REQUEST_METHOD_ORIGINAL,
            a::HTTP_REQUEST_METHOD_ORIGINAL,
        ),
        (attr::HTTP_ROUTE, a::HTTP_ROUTE),
        (
            attr::HTTP_RESPONSE_STATUS_CODE,
            a::HTTP_RESPONSE_STATUS_CODE,
        ),
        (attr::URL_SCHEME, a::URL_SCHEME),
        (attr::NETWORK_PROTOCOL_VERSION, a::NETWORK_PROTOCOL_VERSION),
        (attr::ERROR_TYPE, a::ERROR_TYPE),
        (attr::SERVICE_NAME, a::SERVICE_NAME),
        (attr::URL_PATH, a::URL_PATH),
        (attr::URL_QUERY, a::URL_QUERY),
        (attr::URL_FULL, a::URL_FULL),
        (attr::USER_AGENT_ORIGINAL, a::USER_AGENT_ORIGINAL),
        (attr::CLIENT_ADDRESS, a::CLIENT_ADDRESS),
        (attr::CLIENT_PORT, a::CLIENT_PORT),
        (attr::SERVER_ADDRESS, a::SERVER_ADDRESS),
        (attr::SERVER_PORT, a::SERVER_PORT),
        (attr::NETWORK_PEER_ADDRESS, a::NETWORK_PEER_ADDRESS),
        (attr::NETWORK_PEER_PORT, a::NETWORK_PEER_PORT),
        (attr::DB_SYSTEM_NAME, a::DB_SYSTEM_NAME),
        (attr::DB_OPERATION_NAME, a::DB_OPERATION_NAME),
        (attr::DB_COLLECTION_NAME, a::DB_COLLECTION_NAME),
        (
            attr::DB_CLIENT_CONNECTION_POOL_NAME,
            a::DB_CLIENT_CONNECTION_POOL_NAME,
        ),
        (
            attr::DB_CLIENT_CONNECTION_STATE,
            a::DB_CLIENT_CONNECTION_STATE,
        ),
        (attr::SYSTEM_MEMORY_STATE, a::SYSTEM_MEMORY_STATE),
        (attr::SYSTEM_FILESYSTEM_STATE, a::SYSTEM_FILESYSTEM_STATE),
        (attr::RPC_SYSTEM_NAME, a::RPC_SYSTEM_NAME),
        (attr::RPC_METHOD, a::RPC_METHOD),
        (attr::RPC_RESPONSE_STATUS_CODE, a::RPC_RESPONSE_STATUS_CODE),
    ] {
        assert_eq!(ours, published);
    }
}

#[test]
#[allow(deprecated)]
fn the_rpc_names_are_the_stable_ones_not_their_predecessors() {
    // 1.45 made these stable under the names 1.42 published as candidates; the status code
    // was `rpc.grpc.status_code` (a number) and the system `rpc.system` before.
    assert_eq!(names::RPC_SEMCONV_VERSION, "1.45.0");
    assert_ne!(
        attr::RPC_RESPONSE_STATUS_CODE,
        semconv::attribute::RPC_GRPC_STATUS_CODE
    );
    assert_ne!(attr::RPC_SYSTEM_NAME, semconv::attribute::RPC_SYSTEM);
    let durations = [
        names::RPC_SERVER_CALL_DURATION,
        names::RPC_CLIENT_CALL_DURATION,
    ];
    assert_eq!(
        durations,
        [
            semconv::metric::RPC_SERVER_CALL_DURATION,
            semconv::metric::RPC_CLIENT_CALL_DURATION
        ]
    );
    assert_eq!(
        tower_monitoring::names::metric::RPC_SERVER_CALL_DURATION.buckets,
        Some(names::DURATION_BUCKETS),
        "the conventions' advice for rpc.server.call.duration is the HTTP one"
    );
}
