//! Under load on a multi-threaded runtime, with `/metrics` and `/metrics/summary` scraped
//! while requests run, every count adds up exactly afterwards and nothing is left in flight.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use support::prometheus::samples;
use tower_monitoring::Monitoring;
use tower_monitoring::names::prometheus as prom;

const CALLERS: usize = 8;
const REQUESTS_EACH: usize = 1500;

#[test]
fn counts_add_up_exactly_under_concurrent_load_and_scrapes() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let monitoring = Monitoring::builder()
            .service_name("load")
            .system_metrics(false)
            .build()
            .unwrap();
        let app = Router::new()
            .route("/users/{id}", get(|| async { "user" }))
            .route(
                "/fail",
                get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "no") }),
            )
            .merge(monitoring.routes())
            .layer(monitoring.layer());

        let loading = Arc::new(AtomicBool::new(true));
        let scrapes = Arc::new(AtomicUsize::new(0));
        let scrapers: Vec<_> = ["/metrics", "/metrics/summary"]
            .into_iter()
            .map(|path| {
                let (app, loading, scrapes) = (app.clone(), loading.clone(), scrapes.clone());
                tokio::spawn(async move {
                    while loading.load(Ordering::Relaxed) {
                        let request = Request::get(path).body(Body::empty()).unwrap();
                        assert_eq!(support::send(&app, request).await.0, StatusCode::OK);
                        scrapes.fetch_add(1, Ordering::Relaxed);
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        // The scrapers are running before the load starts ...
        while scrapes.load(Ordering::Relaxed) < 2 {
            tokio::task::yield_now().await;
        }
        let at_start = scrapes.load(Ordering::Relaxed);
        let callers: Vec<_> = (0..CALLERS)
            .map(|caller| {
                let (app, scrapes) = (app.clone(), scrapes.clone());
                tokio::spawn(async move {
                    // At least REQUESTS_EACH, and on until a few scrapes ran meanwhile.
                    let mut sent = 0;
                    while sent < REQUESTS_EACH || scrapes.load(Ordering::Relaxed) < at_start + 6 {
                        // One request in ten fails.
                        let path = if sent % 10 == 0 {
                            "/fail".to_owned()
                        } else {
                            format!("/users/{caller}-{sent}")
                        };
                        let request = Request::get(path).body(Body::empty()).unwrap();
                        support::send(&app, request).await;
                        sent += 1;
                        // In-process calls never wait: let the scrapers in.
                        tokio::task::yield_now().await;
                    }
                    sent
                })
            })
            .collect();
        let mut sent = Vec::new();
        for caller in callers {
            sent.push(caller.await.unwrap());
        }
        // ... and scraped while it ran.
        let during = scrapes.load(Ordering::Relaxed) - at_start;
        loading.store(false, Ordering::Relaxed);
        for scraper in scrapers {
            scraper.await.unwrap();
        }
        assert!(during > 0, "no scrape ran during the load");

        let total = sent.iter().sum::<usize>() as f64;
        let failed = sent.iter().map(|sent| sent.div_ceil(10)).sum::<usize>() as f64;
        let text = monitoring.render_prometheus();
        let count = format!("{}_count", prom::HTTP_SERVER_REQUEST_DURATION);
        assert_eq!(samples(&text, &count, &[]).sum::<f64>(), total, "{text}");
        assert_eq!(
            samples(&text, &count, &["error_type=\"500\""]).sum::<f64>(),
            failed
        );
        assert_eq!(
            samples(&text, prom::HTTP_SERVER_ACTIVE_REQUESTS, &[]).sum::<f64>(),
            0.0,
            "nothing left in flight"
        );
        let summary = serde_json::to_value(monitoring.summary()).unwrap();
        assert_eq!(summary["requests"]["total"], total, "{summary}");
        assert_eq!(summary["requests"]["errors"], failed, "{summary}");
        assert_eq!(summary["in_flight"], 0.0, "{summary}");
    });
}
