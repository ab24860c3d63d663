//! `CertificateWatch` exports the seconds until a served certificate expires, follows a
//! renewal, and reports a missing or broken file by metric, without panicking.

use crate::support;

use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use rcgen::{CertificateParams, KeyPair};
use support::prometheus::sample;
use tower_monitoring::names::prometheus as names;
use tower_monitoring::{CertificateWatch, Monitoring};

const DAY: f64 = 86_400.0;

/// A self-signed certificate in PEM that expires `days` from now.
fn certificate(days: u64) -> String {
    let mut params = CertificateParams::new(vec!["service.test".to_owned()]).unwrap();
    params.not_after = (SystemTime::now() + Duration::from_secs(days * 86_400)).into();
    params
        .self_signed(&KeyPair::generate().unwrap())
        .unwrap()
        .pem()
}

fn file_label(path: &Path) -> String {
    format!("tls_certificate_file=\"{}\"", path.display())
}

/// Waits until `check` holds on the rendered metrics.
fn eventually(monitoring: &Monitoring, mut check: impl FnMut(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = monitoring.render_prometheus();
        if check(&text) {
            return text;
        }
        assert!(Instant::now() < deadline, "never held:\n{text}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn expiry_is_exported_and_follows_renewal_removal_and_garbage() {
    let dir = std::env::temp_dir().join(format!("certificate-watch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let served = dir.join("tls.crt");
    std::fs::write(&served, certificate(3)).unwrap();
    // A chain: the earliest expiry is what breaks first.
    let chain = dir.join("chain.pem");
    std::fs::write(&chain, certificate(200) + &certificate(40)).unwrap();

    let monitoring = Monitoring::builder().alert_thread(false).build().unwrap();
    let watch = CertificateWatch::start(
        monitoring.meter_provider(),
        [&served, &chain],
        Duration::from_millis(50),
    )
    .unwrap();
    let remaining = |text: &str, path: &Path| {
        sample(text, names::TLS_CERTIFICATE_REMAINING, &[&file_label(path)])
    };
    let unreadable = |text: &str, path: &Path| {
        sample(
            text,
            names::TLS_CERTIFICATE_UNREADABLE,
            &[&file_label(path)],
        )
    };

    // Read at start: the first scrape has figures.
    let text = monitoring.render_prometheus();
    let left = remaining(&text, &served).expect("tls_certificate_remaining_seconds");
    assert!((left / DAY - 3.0).abs() < 0.01, "{left} s, {text}");
    let left = remaining(&text, &chain).unwrap();
    assert!((left / DAY - 40.0).abs() < 0.01, "{left} s, {text}");
    assert_eq!(unreadable(&text, &served), Some(0.0));

    // Renewed in place: seen at the next refresh.
    std::fs::write(&served, certificate(90)).unwrap();
    eventually(&monitoring, |text| {
        remaining(text, &served).is_some_and(|left| (left / DAY - 90.0).abs() < 0.01)
    });

    // Removed: no expiry, and the metric says why.
    std::fs::remove_file(&served).unwrap();
    let text = eventually(&monitoring, |text| unreadable(text, &served) == Some(1.0));
    assert!(remaining(&text, &served).is_none(), "{text}");
    assert!(text.contains("error_type=\"missing\""), "{text}");

    // Garbage: invalid, and the other file is still watched.
    std::fs::write(
        &served,
        "-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let text = eventually(&monitoring, |text| text.contains("error_type=\"invalid\""));
    assert_eq!(unreadable(&text, &served), Some(1.0), "{text}");
    assert!(remaining(&text, &chain).is_some(), "{text}");

    // Dropped: the figures go with it.
    drop(watch);
    eventually(&monitoring, |text| {
        !text.contains(names::TLS_CERTIFICATE_REMAINING)
    });
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn an_expired_certificate_counts_below_zero_and_a_zero_interval_is_refused() {
    let dir = std::env::temp_dir().join(format!("certificate-expired-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("old.crt");
    let mut params = CertificateParams::new(vec!["old.test".to_owned()]).unwrap();
    params.not_before = (SystemTime::now() - Duration::from_secs(30 * 86_400)).into();
    params.not_after = (SystemTime::now() - Duration::from_secs(86_400)).into();
    let pem = params
        .self_signed(&KeyPair::generate().unwrap())
        .unwrap()
        .pem();
    std::fs::write(&path, pem).unwrap();

    let monitoring = Monitoring::builder().alert_thread(false).build().unwrap();
    let err =
        CertificateWatch::start(monitoring.meter_provider(), [&path], Duration::ZERO).unwrap_err();
    assert!(err.to_string().contains("above zero"), "{err}");
    let _watch = monitoring.watch_certificates([&path]).unwrap();
    let text = monitoring.render_prometheus();
    let left = sample(
        &text,
        names::TLS_CERTIFICATE_REMAINING,
        &[&file_label(&path)],
    )
    .unwrap();
    assert!((left / DAY + 1.0).abs() < 0.01, "{left} s");
    std::fs::remove_dir_all(dir).unwrap();
}
