//! `install()` refuses, with a message saying what to do, when the application already set
//! a `tracing` subscriber, and works once told to leave the subscriber alone. Its own test
//! binary: it sets the process-wide subscriber.

use tower_monitoring::Monitoring;

#[tokio::test]
async fn an_existing_subscriber_is_an_error_until_opted_out() {
    tracing::subscriber::set_global_default(tracing::subscriber::NoSubscriber::default())
        .expect("first subscriber of this process");

    let err = Monitoring::builder()
        .service_name("twice")
        .install()
        .expect_err("a second global subscriber cannot be set");
    let message = err.to_string();
    assert!(
        message.contains("tracing subscriber is already set"),
        "{message}"
    );
    assert!(message.contains(".tracing_subscriber(false)"), "{message}");

    let monitoring = Monitoring::builder()
        .service_name("twice")
        .tracing_subscriber(false)
        .install()
        .expect("without the subscriber, install works");
    monitoring.shutdown().await.unwrap();
}
