//! `Monitoring::listener` counts connections, not requests: a keep-alive connection that
//! carries several requests is one, and a connection is closed in the figures however it
//! ends (the client closes it, resets it, or leaves half a request behind).

use crate::support;

use std::future::IntoFuture;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use axum::routing::get;
use support::prometheus::sample;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower_monitoring::Monitoring;
use tower_monitoring::names::prometheus as names;

async fn serve(monitoring: &Monitoring) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let listener = monitoring.listener(listener);
    let address = axum::serve::Listener::local_addr(&listener).unwrap();
    let app = Router::new()
        .route("/", get(|| async { "hello" }))
        .layer(monitoring.layer());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    address
}

/// (open now, accepted, closed: the duration histogram's count).
fn figures(monitoring: &Monitoring) -> (f64, f64, f64) {
    let text = monitoring.render_prometheus();
    let read = |name: &str| sample(&text, name, &[]).unwrap_or(0.0);
    (
        read(names::HTTP_SERVER_OPEN_CONNECTIONS),
        read(names::HTTP_SERVER_CONNECTIONS),
        read(&format!("{}_count", names::HTTP_SERVER_CONNECTION_DURATION)),
    )
}

/// Waits until the figures are `wanted` (the server notices a close asynchronously).
async fn eventually(monitoring: &Monitoring, wanted: (f64, f64, f64)) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = figures(monitoring);
        if now == wanted {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "figures {now:?}, wanted {wanted:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// One HTTP/1.1 request on `stream`, keeping the connection open; returns the status line.
async fn get_on(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET / HTTP/1.1\r\nhost: test\r\n\r\n")
        .await
        .unwrap();
    let mut buffer = vec![0; 4096];
    let mut read = 0;
    // The body is "hello": read until it has arrived.
    while !buffer[..read].ends_with(b"hello") {
        let n = stream.read(&mut buffer[read..]).await.unwrap();
        assert!(n > 0, "the server closed the connection");
        read += n;
    }
    String::from_utf8_lossy(&buffer[..read])
        .lines()
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_requests_are_one_connection_and_a_close_ends_it() {
    let monitoring = Monitoring::builder().alert_thread(false).build().unwrap();
    let address = serve(&monitoring).await;

    let mut stream = TcpStream::connect(address).await.unwrap();
    for _ in 0..3 {
        assert_eq!(get_on(&mut stream).await, "HTTP/1.1 200 OK");
    }
    let text = monitoring.render_prometheus();
    let requests = sample(
        &text,
        &format!("{}_count", names::HTTP_SERVER_REQUEST_DURATION),
        &["http_route=\"/\""],
    );
    assert_eq!(requests, Some(3.0), "{text}");
    eventually(&monitoring, (1.0, 1.0, 0.0)).await;

    let second = TcpStream::connect(address).await.unwrap();
    eventually(&monitoring, (2.0, 2.0, 0.0)).await;

    let opened = Instant::now();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(stream);
    drop(second);
    eventually(&monitoring, (0.0, 2.0, 2.0)).await;

    // Both stayed open at least 0.3 s: neither falls in the 0.1 s bucket.
    let text = monitoring.render_prometheus();
    let quick = sample(
        &text,
        &format!("{}_bucket", names::HTTP_SERVER_CONNECTION_DURATION),
        &["le=\"0.1\""],
    );
    assert_eq!(quick, Some(0.0), "{text}");
    assert!(opened.elapsed() >= Duration::from_millis(300));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abrupt_ends_release_the_connection() {
    let monitoring = Monitoring::builder().alert_thread(false).build().unwrap();
    let address = serve(&monitoring).await;

    // A reset: SO_LINGER 0 makes the close send RST instead of FIN.
    let reset = TcpStream::connect(address).await.unwrap();
    reset.set_zero_linger().unwrap();
    // Half a request, then gone.
    let mut half = TcpStream::connect(address).await.unwrap();
    half.write_all(b"GET / HTTP/1.1\r\nhost: te").await.unwrap();
    // Connected, never sent a byte, then closed.
    let silent = TcpStream::connect(address).await.unwrap();
    eventually(&monitoring, (3.0, 3.0, 0.0)).await;

    drop(reset);
    drop(half);
    drop(silent);
    eventually(&monitoring, (0.0, 3.0, 3.0)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graceful_shutdown_closes_the_idle_connections_in_the_figures() {
    let monitoring = Monitoring::builder().alert_thread(false).build().unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = Router::new().route("/", get(|| async { "hello" }));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(monitoring.listener(listener), app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .into_future(),
    );
    let mut stream = TcpStream::connect(address).await.unwrap();
    assert_eq!(get_on(&mut stream).await, "HTTP/1.1 200 OK");
    eventually(&monitoring, (1.0, 1.0, 0.0)).await;

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    // The client still holds its end; the server's end is closed and counted.
    eventually(&monitoring, (0.0, 1.0, 1.0)).await;
    drop(stream);
}
