//! Seconds until the certificates a service serves with expire (feature `certificates`), for
//! the `CertificateExpiringSoon` rule: an expired certificate is an outage that every
//! client sees at once, and the files are renewed by something else (cert-manager, certbot)
//! that can fail quietly.
//!
//! ```no_run
//! # fn run(monitoring: &tower_monitoring::Monitoring) -> Result<(), tower_monitoring::Error> {
//! // Keep the watch for as long as the service runs; dropping it stops the thread.
//! let certificates = monitoring.watch_certificates(["/etc/tls/tls.crt"])?;
//! # drop(certificates); Ok(())
//! # }
//! ```
//!
//! | OpenTelemetry name | Prometheus name | meaning |
//! |---|---|---|
//! | `tls.certificate.remaining` | `tls_certificate_remaining_seconds` | seconds until the first certificate of the file expires (below 0 once expired), by `tls.certificate.file` |
//! | `tls.certificate.unreadable` | `tls_certificate_unreadable` | 1 when the file could not be read as certificates at the last refresh, with `error.type` (`missing`, `unreadable`, `invalid`), else 0 |
//!
//! A thread of its own reads the files (PEM, a chain or one certificate, or DER) at start and
//! then once per interval, so a scrape only subtracts the clock from the expiry it holds and
//! a renewed file shows at the next refresh. A missing or bad file is logged once, with the
//! reason, and reported by the metric; it never panics and never stops the others.

use std::path::PathBuf;
use std::sync::{Arc, PoisonError, RwLock, Weak};
use std::time::{Duration, SystemTime};

use opentelemetry::KeyValue;
use opentelemetry::metrics::{MeterProvider, ObservableGauge};
use x509_cert::Certificate;

use crate::Error;
use crate::names::{attr, metric};

/// The default refresh interval: a renewal shows within the hour, far inside the 7 days the
/// rule warns ahead.
pub const DEFAULT_CERTIFICATE_REFRESH_INTERVAL: Duration = Duration::from_secs(3600);

/// What the last read of one file found.
#[derive(Debug, Clone, PartialEq)]
enum Reading {
    /// The earliest `notAfter` of the certificates in the file.
    Expires(SystemTime),
    /// Why the file could not be read: the `error.type`, and the message logged.
    Failed(&'static str, String),
}

/// The files and their latest readings, shared by the thread and the gauges' callbacks.
struct Files {
    paths: Vec<PathBuf>,
    readings: RwLock<Vec<Reading>>,
}

impl Files {
    /// Reads every file; logs each one whose outcome changed to a failure.
    fn refresh(&self) {
        let readings: Vec<Reading> = self.paths.iter().map(|path| read(path)).collect();
        let mut latest = self
            .readings
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        for (index, reading) in readings.iter().enumerate() {
            let before = latest.get(index);
            if let Reading::Failed(_, message) = reading
                && before != Some(reading)
            {
                tracing::warn!(file = %self.paths[index].display(), "certificate not read: {message}");
            }
        }
        *latest = readings;
    }

    fn each(&self, mut f: impl FnMut(String, &Reading)) {
        let readings = self.readings.read().unwrap_or_else(PoisonError::into_inner);
        for (path, reading) in self.paths.iter().zip(readings.iter()) {
            f(path.display().to_string(), reading);
        }
    }
}

/// Reads `path` as one or more certificates, PEM or DER, and returns the earliest expiry.
fn read(path: &std::path::Path) -> Reading {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Reading::Failed("missing", format!("{} does not exist", path.display()));
        }
        Err(err) => {
            return Reading::Failed(
                "unreadable",
                format!("{} cannot be read: {err}", path.display()),
            );
        }
    };
    let parsed = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        Certificate::load_pem_chain(&bytes)
    } else {
        x509_cert::der::Decode::from_der(&bytes).map(|certificate| vec![certificate])
    };
    let certificates = match parsed {
        Ok(certificates) => certificates,
        Err(err) => {
            return Reading::Failed(
                "invalid",
                format!("{} is not an X.509 certificate: {err}", path.display()),
            );
        }
    };
    certificates
        .iter()
        .map(|certificate| {
            certificate
                .tbs_certificate()
                .validity()
                .not_after
                .to_system_time()
        })
        .min()
        .map_or_else(
            || {
                Reading::Failed(
                    "invalid",
                    format!("{} holds no certificate", path.display()),
                )
            },
            Reading::Expires,
        )
}

/// Watches certificate files and exports the seconds until each expires. The thread and the
/// metrics stop when it is dropped.
#[must_use = "the watch stops when dropped: keep it for as long as the service runs"]
pub struct CertificateWatch {
    /// The only strong reference: the thread and the callbacks hold a `Weak`, so once this
    /// is dropped the thread exits and the gauges observe nothing.
    _files: Arc<Files>,
    _remaining: ObservableGauge<f64>,
    _unreadable: ObservableGauge<u64>,
}

impl std::fmt::Debug for CertificateWatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateWatch").finish_non_exhaustive()
    }
}

impl CertificateWatch {
    /// Reads `files` now (so the first scrape has figures and a bad file is logged at start),
    /// then every `interval`, recording into `provider`. An interval of zero is refused.
    pub fn start<P: Into<PathBuf>>(
        provider: &impl MeterProvider,
        files: impl IntoIterator<Item = P>,
        interval: Duration,
    ) -> Result<Self, Error> {
        if interval.is_zero() {
            return Err(Error::config(
                "the certificate refresh interval must be above zero",
            ));
        }
        let files = Arc::new(Files {
            paths: files.into_iter().map(Into::into).collect(),
            readings: RwLock::new(Vec::new()),
        });
        files.refresh();
        let meter = provider.meter_with_scope(crate::scope());
        let remaining = {
            let files = Arc::downgrade(&files);
            metric::TLS_CERTIFICATE_REMAINING
                .f64_observable_gauge(&meter)
                .with_callback(move |observer| {
                    let Some(files) = files.upgrade() else { return };
                    let now = SystemTime::now();
                    files.each(|file, reading| {
                        if let Reading::Expires(at) = reading {
                            let seconds = match at.duration_since(now) {
                                Ok(left) => left.as_secs_f64(),
                                Err(past) => -past.duration().as_secs_f64(),
                            };
                            observer.observe(
                                seconds,
                                &[KeyValue::new(attr::TLS_CERTIFICATE_FILE, file)],
                            );
                        }
                    });
                })
                .build()
        };
        let unreadable = {
            let files = Arc::downgrade(&files);
            metric::TLS_CERTIFICATE_UNREADABLE
                .u64_observable_gauge(&meter)
                .with_callback(move |observer| {
                    let Some(files) = files.upgrade() else { return };
                    files.each(|file, reading| {
                        let file = KeyValue::new(attr::TLS_CERTIFICATE_FILE, file);
                        match reading {
                            Reading::Expires(_) => observer.observe(0, &[file]),
                            Reading::Failed(error_type, _) => observer
                                .observe(1, &[file, KeyValue::new(attr::ERROR_TYPE, *error_type)]),
                        }
                    });
                })
                .build()
        };
        let reader: Weak<Files> = Arc::downgrade(&files);
        std::thread::Builder::new()
            .name("tower-monitoring-certificates".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(interval);
                    let Some(files) = reader.upgrade() else {
                        return;
                    };
                    files.refresh();
                }
            })
            .map_err(|err| Error::io("cannot start the certificate thread", err))?;
        Ok(Self {
            _files: files,
            _remaining: remaining,
            _unreadable: unreadable,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_and_garbage_are_failures_with_their_reason() {
        let missing = read(std::path::Path::new("/nonexistent/tls.crt"));
        assert!(
            matches!(missing, Reading::Failed("missing", _)),
            "{missing:?}"
        );
        let dir = std::env::temp_dir().join(format!("certs-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for (name, bytes) in [
            (
                "garbage.pem",
                &b"-----BEGIN CERTIFICATE-----\nnot base64\n"[..],
            ),
            ("garbage.der", &b"\x30\x03\x02\x01"[..]),
            ("empty.pem", &b""[..]),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            let reading = read(&path);
            assert!(
                matches!(reading, Reading::Failed("invalid", _)),
                "{name}: {reading:?}"
            );
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
