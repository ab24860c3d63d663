//! OTLP over TLS, against a local receiver whose certificate comes from an authority made for
//! the test: gRPC and HTTP/protobuf to `https://` endpoints, the authority named by the
//! builder or by `OTEL_EXPORTER_OTLP_CERTIFICATE` (through the quickstart binary, as a user
//! sets it), a client certificate for a receiver that demands one; and the refusals: a
//! collector signed by another authority, a missing client certificate, a file that is not
//! there. The handshake is real rustls on both sides, so a client that trusted anything would
//! fail the refusals.
#![cfg(all(unix, feature = "tls", feature = "otlp-http"))]

use crate::support;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use axum::routing::get;
use support::example::Running;
use support::otlp::Receiver;
use support::tls::Pki;
use tower_monitoring::{ErrorKind, Monitoring, MonitoringBuilder, OtlpProtocol};

const PROTOCOLS: [(&str, OtlpProtocol); 2] = [
    ("grpc", OtlpProtocol::Grpc),
    ("http", OtlpProtocol::HttpProtobuf),
];

/// Serves one request through a monitoring built by `builder`, then shuts it down, which
/// flushes the span; returns the names of the spans the receiver got.
async fn one_request(builder: MonitoringBuilder, receiver: &Receiver) -> Vec<String> {
    let monitoring = builder.build().unwrap();
    let app = Router::new()
        .route("/orders/{id}", get(|| async { "order" }))
        .layer(monitoring.layer());
    support::send(&app, Request::get("/orders/7").body(Body::empty()).unwrap()).await;
    // A refused handshake is the exporter's failure, counted and logged; not the caller's.
    let _ = monitoring.shutdown().await;
    receiver
        .received
        .spans()
        .into_iter()
        .map(|span| span.name)
        .collect()
}

fn builder(endpoint: String, protocol: OtlpProtocol) -> MonitoringBuilder {
    Monitoring::builder()
        .service_name("tls-test")
        .otlp_endpoint(endpoint)
        .otlp_protocol(protocol)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_reach_an_https_collector_that_the_named_authority_signed() {
    let pki = Pki::new("trusted");
    let receiver = Receiver::with_tls(&pki, false).await;
    for (name, protocol) in PROTOCOLS {
        receiver.received.clear();
        let trusting = || {
            builder(receiver.https_endpoint(name), protocol).otlp_certificate(pki.path("ca.pem"))
        };
        // A real authority that signed the collector's certificate: nothing to warn about.
        let logs = support::LogCapture::start();
        drop(trusting().build().unwrap());
        assert!(
            !logs.text().contains("CaUsedAsEndEntity"),
            "{}",
            logs.text()
        );
        drop(logs);
        let builder = trusting();
        let spans = one_request(builder, &receiver).await;
        assert_eq!(spans, ["GET /orders/{id}"], "over {name}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_signed_by_another_authority_gets_nothing() {
    let pki = Pki::new("untrusted");
    let other = Pki::new("other-authority");
    let receiver = Receiver::with_tls(&pki, false).await;
    for (name, protocol) in PROTOCOLS {
        let builder =
            builder(receiver.https_endpoint(name), protocol).otlp_certificate(other.path("ca.pem"));
        let spans = one_request(builder, &receiver).await;
        assert!(spans.is_empty(), "over {name}: {spans:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutual_tls_needs_the_client_certificate() {
    let pki = Pki::new("mutual");
    let receiver = Receiver::with_tls(&pki, true).await;
    for (name, protocol) in PROTOCOLS {
        receiver.received.clear();
        let without =
            builder(receiver.https_endpoint(name), protocol).otlp_certificate(pki.path("ca.pem"));
        let spans = one_request(without, &receiver).await;
        assert!(
            spans.is_empty(),
            "over {name} without a certificate: {spans:?}"
        );

        let with = builder(receiver.https_endpoint(name), protocol)
            .otlp_certificate(pki.path("ca.pem"))
            .otlp_client_certificate(pki.path("client.pem"), pki.path("client.key"));
        let spans = one_request(with, &receiver).await;
        assert_eq!(
            spans,
            ["GET /orders/{id}"],
            "over {name} with a certificate"
        );
    }
}

/// The certificate `openssl req -x509` makes by default, presented by the collector and
/// named as the authority, which verification refuses (`CaUsedAsEndEntity`). Over
/// HTTP/protobuf, whose TLS client is ours, that exact certificate is pinned and the spans
/// arrive; over gRPC (tonic's client) the failure the operator reads on `/ready` says how to
/// make a certificate that works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_self_signed_authority_as_the_collector_is_pinned_or_explained() {
    let pki = Pki::self_signed_authority("ca-as-server");
    let receiver = Receiver::with_tls(&pki, false).await;

    let pinned = builder(receiver.https_endpoint("http"), OtlpProtocol::HttpProtobuf)
        .otlp_certificate(pki.path("ca.pem"));
    assert_eq!(one_request(pinned, &receiver).await, ["GET /orders/{id}"]);

    // Pinning is that certificate only: another self-signed one is still refused.
    let stranger = Pki::self_signed_authority("ca-as-server-stranger");
    receiver.received.clear();
    let refused = builder(receiver.https_endpoint("http"), OtlpProtocol::HttpProtobuf)
        .otlp_certificate(stranger.path("ca.pem"));
    assert!(one_request(refused, &receiver).await.is_empty());

    // Over gRPC nothing can be pinned: building says at once what will fail and how to
    // make a certificate that works, and the failures say it again.
    let logs = support::LogCapture::start();
    let monitoring = builder(receiver.https_endpoint("grpc"), OtlpProtocol::Grpc)
        .otlp_certificate(pki.path("ca.pem"))
        .metrics_token("t0ken")
        .build()
        .unwrap();
    let told = logs.text();
    drop(logs);
    assert!(
        told.contains("WARN")
            && told.contains("trace export:")
            && told.contains("CaUsedAsEndEntity"),
        "{told}"
    );
    assert!(
        told.contains("basicConstraints=critical,CA:FALSE"),
        "{told}"
    );
    let app = Router::new()
        .route("/orders/{id}", get(|| async { "order" }))
        .layer(monitoring.layer())
        .merge(monitoring.routes());
    support::send(&app, Request::get("/orders/7").body(Body::empty()).unwrap()).await;
    let _ = monitoring.tracer_provider().unwrap().force_flush();
    let ready = Request::get("/ready")
        .header("authorization", "Bearer t0ken")
        .body(Body::empty())
        .unwrap();
    let (_, body) = support::send(&app, ready).await;
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let error = body["last_export_failure"]["error"]
        .as_str()
        .unwrap_or_else(|| panic!("no export failure in {body:#}"));
    assert!(error.contains("CaUsedAsEndEntity"), "{error}");
    assert!(
        error.contains("basicConstraints=critical,CA:FALSE"),
        "{error}"
    );
    assert!(receiver.received.spans().is_empty());
}

#[tokio::test]
async fn a_certificate_file_that_cannot_be_used_is_refused_at_start_naming_it() {
    let pki = Pki::new("bad-files");
    let missing = pki.path("missing.pem");
    let err = builder("https://127.0.0.1:4317".into(), OtlpProtocol::Grpc)
        .otlp_certificate(&missing)
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let message = err.to_string();
    assert!(message.contains("`otlp_certificate`"), "{message}");
    assert!(
        message.contains(&missing.display().to_string()),
        "{message}"
    );

    // A key is not a certificate; the message names the file, never its contents.
    let err = builder("https://127.0.0.1:4317".into(), OtlpProtocol::Grpc)
        .otlp_certificate(pki.path("client.key"))
        .build()
        .unwrap_err();
    let message = err.to_string();
    assert!(message.contains("holds no PEM certificate"), "{message}");
    assert!(!message.contains("PRIVATE KEY"), "{message}");
}

/// As a user configures it: the quickstart binary, `OTEL_EXPORTER_OTLP_ENDPOINT=https://...`
/// and `OTEL_EXPORTER_OTLP_CERTIFICATE`, stopped by SIGTERM, which flushes its spans.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quickstart_exports_over_tls_with_the_certificate_from_the_environment() {
    let pki = Pki::new("environment");
    let receiver = Receiver::with_tls(&pki, false).await;
    let ca = pki.path("ca.pem").display().to_string();
    for (name, protocol) in [("grpc", "grpc"), ("http", "http/protobuf")] {
        receiver.received.clear();
        let endpoint = receiver.https_endpoint(name);
        let (mut running, address) = Running::start_with(
            "quickstart",
            &[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol),
                ("OTEL_EXPORTER_OTLP_CERTIFICATE", &ca),
            ],
        );
        let status = reqwest::get(format!("http://{address}/users/1"))
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200);
        let (exit, _) = running.terminate();
        assert!(exit.success(), "{exit:?}\n{}", running.log.join("\n"));
        let names: Vec<String> = receiver
            .received
            .spans()
            .into_iter()
            .map(|span| span.name)
            .collect();
        assert!(
            names.iter().any(|name| name == "GET /users/{id}"),
            "over {protocol}: {names:?}\n{}",
            running.log.join("\n")
        );
    }
}
