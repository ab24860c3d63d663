//! Streams kept apart from request latency: server-sent events, a route marked as streaming,
//! a WebSocket closed from either side, a stream the client abandons. Their time to first
//! byte is recorded like every request's; the request histograms see none of them; the
//! in-flight and open-stream gauges return to 0.

use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::response::Response;
use axum::response::sse::{Event, Sse};
use axum::routing::get;
use futures_util::{SinkExt, StreamExt};
use tower_monitoring::UpgradeGuard;
use tower_monitoring::names::{self, attr};

use crate::support::{HistogramPoint, TestMetrics};

const EVENTS: u64 = 5;
const EVENT_GAP: Duration = Duration::from_millis(40);

async fn events() -> Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>>
{
    Sse::new(futures_util::stream::unfold(0u64, |sent| async move {
        if sent == EVENTS {
            return None;
        }
        if sent > 0 {
            tokio::time::sleep(EVENT_GAP).await;
        }
        Some((Ok(Event::default().data(sent.to_string())), sent + 1))
    }))
}

/// A plain chunked body, streamed by a route the layer is told streams.
async fn feed() -> axum::body::Body {
    let chunks = futures_util::stream::unfold(0u8, |sent| async move {
        if sent == 3 {
            return None;
        }
        tokio::time::sleep(EVENT_GAP).await;
        Some((Ok::<_, std::convert::Infallible>(vec![b'x'; 10]), sent + 1))
    });
    axum::body::Body::from_stream(chunks)
}

async fn echo(upgrade: WebSocketUpgrade, guard: UpgradeGuard) -> Response {
    upgrade.on_upgrade(move |mut socket| async move {
        let _stream = guard;
        while let Some(Ok(message)) = socket.recv().await {
            match message {
                Message::Text(text) if text.as_str() == "bye" => {
                    let _ = socket.send(Message::Close(None)).await;
                    break;
                }
                Message::Close(_) => break,
                message => {
                    let _ = socket.send(message).await;
                }
            }
        }
    })
}

/// The app on loopback, served by `axum::serve` (hyper, upgrades included).
async fn serve(metrics: &TestMetrics) -> String {
    let app = Router::new()
        .route("/events", get(events))
        .route("/feed", get(feed))
        .route("/ws", get(echo))
        .route("/plain", get(|| async { "plain" }))
        .layer(metrics.layer().streaming_routes(["/feed"]));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("127.0.0.1:{}", addr.port())
}

fn of_route(points: Vec<HistogramPoint>, route: &str) -> Vec<HistogramPoint> {
    points
        .into_iter()
        .filter(|point| point.attributes.get(attr::HTTP_ROUTE).map(String::as_str) == Some(route))
        .collect()
}

fn streams_open(metrics: &TestMetrics) -> i64 {
    metrics
        .sum_i64(names::HTTP_SERVER_ACTIVE_STREAMS)
        .iter()
        .map(|(_, value)| value)
        .sum()
}

/// Waits until the server has recorded `streams` streams of `route` and every gauge is 0.
async fn settled(metrics: &TestMetrics, route: &str, streams: u64) {
    for _ in 0..300 {
        let done: u64 = of_route(metrics.histogram(names::HTTP_SERVER_STREAM_DURATION), route)
            .iter()
            .map(|point| point.count)
            .sum();
        if done >= streams && streams_open(metrics) == 0 && metrics.active_requests() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "{route}: {streams} streams not recorded; open {}, in flight {}",
        streams_open(metrics),
        metrics.active_requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_sent_events_are_a_stream_not_a_slow_request() {
    let metrics = TestMetrics::new();
    let addr = serve(&metrics).await;
    assert_eq!(
        reqwest::get(format!("http://{addr}/plain"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "plain"
    );

    let started = Instant::now();
    let mut response = reqwest::get(format!("http://{addr}/events")).await.unwrap();
    let mut body = Vec::new();
    let first = response.chunk().await.unwrap().unwrap();
    body.extend_from_slice(&first);
    // Past its head the stream is open, and no longer a request in flight.
    assert_eq!(streams_open(&metrics), 1);
    assert_eq!(metrics.active_requests(), 0);
    while let Some(chunk) = response.chunk().await.unwrap() {
        body.extend_from_slice(&chunk);
    }
    let open_for = started.elapsed();
    assert_eq!(
        String::from_utf8_lossy(&body).matches("data:").count(),
        EVENTS as usize
    );
    settled(&metrics, "/events", 1).await;

    let durations = metrics.histogram(names::HTTP_SERVER_REQUEST_DURATION);
    assert!(
        of_route(durations.clone(), "/events").is_empty(),
        "{durations:#?}"
    );
    assert_eq!(
        of_route(durations, "/plain")[0].count,
        1,
        "ordinary requests keep theirs"
    );
    let stream = &of_route(
        metrics.histogram(names::HTTP_SERVER_STREAM_DURATION),
        "/events",
    )[0];
    let gaps = EVENT_GAP.as_secs_f64() * (EVENTS - 1) as f64;
    assert!(
        stream.sum >= gaps * 0.9 && stream.sum <= open_for.as_secs_f64(),
        "{stream:?}"
    );
    assert_eq!(stream.attributes.get(attr::ERROR_TYPE), None);
    let sent = &of_route(
        metrics.histogram(names::HTTP_SERVER_STREAM_BODY_SIZE),
        "/events",
    )[0];
    assert_eq!(sent.sum, body.len() as f64);
    assert!(
        of_route(
            metrics.histogram(names::HTTP_SERVER_RESPONSE_BODY_SIZE),
            "/events"
        )
        .is_empty()
    );
    // Time to first byte: every request has one, the stream's is its head, well before its end.
    let first_byte = metrics.histogram(names::HTTP_SERVER_TIME_TO_FIRST_BYTE);
    assert_eq!(of_route(first_byte.clone(), "/plain")[0].count, 1);
    let head = &of_route(first_byte, "/events")[0];
    assert_eq!(head.count, 1);
    assert!(
        head.sum < stream.sum,
        "head {} s, stream {} s",
        head.sum,
        stream.sum
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_marked_as_streaming_is_one_whatever_its_content_type() {
    let metrics = TestMetrics::new();
    let addr = serve(&metrics).await;
    let body = reqwest::get(format!("http://{addr}/feed"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.len(), 30);
    settled(&metrics, "/feed", 1).await;
    assert!(
        of_route(
            metrics.histogram(names::HTTP_SERVER_REQUEST_DURATION),
            "/feed"
        )
        .is_empty()
    );
    let sent = &of_route(
        metrics.histogram(names::HTTP_SERVER_STREAM_BODY_SIZE),
        "/feed",
    )[0];
    assert_eq!(sent.sum, 30.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_the_client_abandons_ends_cancelled_and_releases_its_gauge() {
    let metrics = TestMetrics::new();
    let addr = serve(&metrics).await;
    let mut response = reqwest::get(format!("http://{addr}/events")).await.unwrap();
    response.chunk().await.unwrap().unwrap();
    assert_eq!(streams_open(&metrics), 1);
    drop(response);
    settled(&metrics, "/events", 1).await;
    let stream = &of_route(
        metrics.histogram(names::HTTP_SERVER_STREAM_DURATION),
        "/events",
    )[0];
    assert_eq!(
        stream.attributes.get(attr::ERROR_TYPE).map(String::as_str),
        Some("cancelled")
    );
    assert!(
        of_route(
            metrics.histogram(names::HTTP_SERVER_REQUEST_DURATION),
            "/events"
        )
        .is_empty()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_is_timed_to_its_close_from_either_side() {
    let metrics = TestMetrics::new();
    let addr = serve(&metrics).await;
    let hold = Duration::from_millis(150);

    // The client closes.
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .unwrap();
    socket.send("hello".into()).await.unwrap();
    let echoed = socket.next().await.unwrap().unwrap();
    assert_eq!(echoed.into_text().unwrap().as_str(), "hello");
    assert_eq!(streams_open(&metrics), 1, "open while the socket is");
    assert_eq!(metrics.active_requests(), 0);
    tokio::time::sleep(hold).await;
    socket.close(None).await.unwrap();
    while socket.next().await.is_some() {}
    settled(&metrics, "/ws", 1).await;

    // The server closes (on `bye`).
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .unwrap();
    tokio::time::sleep(hold).await;
    socket.send("bye".into()).await.unwrap();
    while socket.next().await.is_some() {}
    settled(&metrics, "/ws", 2).await;

    let stream = &of_route(metrics.histogram(names::HTTP_SERVER_STREAM_DURATION), "/ws")[0];
    assert_eq!(stream.count, 2);
    assert!(
        stream.sum >= 2.0 * hold.as_secs_f64(),
        "each socket is timed to its close: {} s",
        stream.sum
    );
    assert_eq!(
        stream
            .attributes
            .get(attr::HTTP_RESPONSE_STATUS_CODE)
            .map(String::as_str),
        Some("101")
    );
    assert!(
        of_route(
            metrics.histogram(names::HTTP_SERVER_REQUEST_DURATION),
            "/ws"
        )
        .is_empty()
    );
    assert_eq!(
        of_route(
            metrics.histogram(names::HTTP_SERVER_TIME_TO_FIRST_BYTE),
            "/ws"
        )[0]
        .count,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quickstart_streams_five_events_over_two_seconds_apart_from_its_requests() {
    let (mut running, address) = crate::support::example::Running::start_with(
        "quickstart",
        &[("OTEL_TRACES_EXPORTER", "none")],
    );
    let started = Instant::now();
    let text = reqwest::get(format!("http://{address}/events"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(text.matches("event: tick").count(), 5, "{text}");
    assert!(
        took >= Duration::from_millis(1900),
        "five events over two seconds: {took:?}"
    );
    let metrics = reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let line = |name: &str| {
        metrics
            .lines()
            .find(|line| line.starts_with(name) && line.contains("http_route=\"/events\""))
            .map(str::to_owned)
    };
    let streams = line("http_server_stream_duration_seconds_count").expect("a stream series");
    assert!(streams.ends_with(" 1"), "{streams}");
    assert_eq!(
        line("http_server_request_duration_seconds_count"),
        None,
        "no request series"
    );
    assert!(line("http_server_time_to_first_byte_seconds_count").is_some());
    let (status, _) = running.terminate();
    assert!(status.success(), "{status}");
}

#[cfg(feature = "operations")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_summary_shows_streams_apart_from_requests() {
    let monitoring = tower_monitoring::Monitoring::builder()
        .service_name("streams")
        .alert_thread(false)
        .build()
        .unwrap();
    let app = Router::new()
        .route("/events", get(events))
        .route("/plain", get(|| async { "plain" }))
        .layer(monitoring.layer());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });

    reqwest::get(format!("http://{addr}/plain"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut response = reqwest::get(format!("http://{addr}/events")).await.unwrap();
    response.chunk().await.unwrap().unwrap();
    let open = monitoring.summary();
    assert_eq!((open.streams.open, open.in_flight), (1.0, 0.0));
    while response.chunk().await.unwrap().is_some() {}
    let mut summary = monitoring.summary();
    for _ in 0..100 {
        if summary.streams.ended == 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        summary = monitoring.summary();
    }
    assert_eq!(summary.streams.ended, 1.0);
    assert_eq!(summary.streams.open, 0.0);
    assert_eq!(summary.streams.closed_by_client, 0.0);
    let average = summary.streams.average_seconds.unwrap();
    assert!(average >= EVENT_GAP.as_secs_f64() * 3.0, "{average}");
    assert_eq!(summary.requests.total, 1.0, "the stream is not a request");
}
