//! TLS for OTLP: which certificate authority to trust and which client certificate to
//! present, from the builder or the standard variables, read and checked at install.
//!
//! The files are named by the builder or by `OTEL_EXPORTER_OTLP_[TRACES_]CERTIFICATE`,
//! `..._CLIENT_CERTIFICATE` and `..._CLIENT_KEY`. Without a certificate authority, the
//! system's roots are trusted (and Mozilla's, with `tls-webpki-roots`); with one, only it,
//! as the OpenTelemetry specification words it ("the trusted certificate"). The handshake
//! itself is rustls with the aws-lc-rs provider (feature `tls`); without the feature, naming a
//! file or an `https://` endpoint fails `install()` naming the feature.

// The files are OTLP's; a build without it uses only the rustls configuration (webhooks).
#![cfg_attr(
    not(any(feature = "otlp-grpc", feature = "otlp-http")),
    allow(dead_code)
)]

use std::path::PathBuf;

#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
use super::vars::Vars;
use crate::Error;

/// The files as the builder named them.
#[derive(Debug, Clone, Default)]
pub(crate) struct TlsFiles {
    pub(crate) certificate: Option<PathBuf>,
    pub(crate) client_certificate: Option<PathBuf>,
    pub(crate) client_key: Option<PathBuf>,
}

/// A file and where it was named, for error messages.
#[derive(Debug, Clone)]
pub(crate) struct Named {
    #[cfg_attr(not(feature = "tls"), allow(dead_code))]
    pub(crate) path: PathBuf,
    pub(crate) by: String,
}

/// The files to use: each from the builder, else the signal's variable, else the generic one.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resolved {
    pub(crate) certificate: Option<Named>,
    pub(crate) client: Option<(Named, Named)>,
}

/// Resolves the files of `signal`; a client certificate without its key, or the reverse, is
/// an error.
#[cfg(any(feature = "otlp-grpc", feature = "otlp-http"))]
pub(crate) fn resolve(
    configured: &TlsFiles,
    signal: super::otlp::Signal,
    vars: &impl Vars,
) -> Result<Resolved, Error> {
    let pick = |builder: &Option<PathBuf>, setter: &str, suffix: &str| -> Result<_, Error> {
        if let Some(path) = builder {
            return Ok(Some(Named {
                path: path.clone(),
                by: format!("`{setter}`"),
            }));
        }
        for name in [
            signal.variable(suffix),
            format!("OTEL_EXPORTER_OTLP_{suffix}"),
        ] {
            if let Some(value) = vars.get(&name)? {
                return Ok(Some(Named {
                    path: PathBuf::from(value.trim()),
                    by: name,
                }));
            }
        }
        Ok(None)
    };
    let certificate = pick(&configured.certificate, "otlp_certificate", "CERTIFICATE")?;
    let client_certificate = pick(
        &configured.client_certificate,
        "otlp_client_certificate",
        "CLIENT_CERTIFICATE",
    )?;
    let client_key = pick(
        &configured.client_key,
        "otlp_client_certificate",
        "CLIENT_KEY",
    )?;
    let client = match (client_certificate, client_key) {
        (Some(certificate), Some(key)) => Some((certificate, key)),
        (None, None) => None,
        (Some(named), None) | (None, Some(named)) => {
            return Err(Error::config(format!(
                "{} is set without its pair: a client certificate needs both \
                 OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE and OTEL_EXPORTER_OTLP_CLIENT_KEY",
                named.by
            )));
        }
    };
    Ok(Resolved {
        certificate,
        client,
    })
}

/// Without the `tls` feature there is nothing to load, and a named file is a mistake to
/// report rather than a setting to ignore.
#[cfg(not(feature = "tls"))]
#[derive(Debug)]
pub(crate) struct Tls;

#[cfg(not(feature = "tls"))]
impl Tls {
    pub(crate) fn load(files: &Resolved) -> Result<Self, Error> {
        let named = files.certificate.as_ref();
        match named.or(files.client.as_ref().map(|(certificate, _)| certificate)) {
            Some(named) => Err(feature_missing(&format!("{}, which", named.by))),
            None => Ok(Self),
        }
    }
}

/// The error for TLS asked of a build without the `tls` feature.
#[cfg_attr(feature = "tls", allow(dead_code))]
pub(crate) fn feature_missing(what: &str) -> Error {
    Error::config(format!(
        "{what} needs TLS, and tower-monitoring was built without its `tls` feature: add \
         `features = [\"tls\"]` to its line in Cargo.toml"
    ))
}

#[cfg(feature = "tls")]
#[cfg_attr(
    not(any(feature = "otlp-grpc", feature = "otlp-http")),
    allow(unused_imports)
)]
pub(crate) use loaded::Tls;

#[cfg(feature = "tls")]
mod loaded {
    use std::sync::Arc;

    use rustls::client::WebPkiServerVerifier;
    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
    use rustls::{
        CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
    };

    use super::{Named, Resolved};
    use crate::Error;

    /// The files read and parsed: PEM as given (for tonic) and parsed (for rustls).
    #[derive(Debug)]
    pub(crate) struct Tls {
        authority: Option<(Vec<u8>, Vec<CertificateDer<'static>>)>,
        client: Option<Client>,
    }

    /// rustls needs the parsed chain and key: for HTTP/protobuf and the webhook only.
    #[derive(Debug)]
    #[cfg_attr(not(any(feature = "otlp-http", feature = "reqwest")), allow(dead_code))]
    struct Client {
        // As given, for tonic.
        #[cfg_attr(not(feature = "otlp-grpc"), allow(dead_code))]
        certificate_pem: Vec<u8>,
        #[cfg_attr(not(feature = "otlp-grpc"), allow(dead_code))]
        key_pem: Vec<u8>,
        chain: Vec<CertificateDer<'static>>,
        key: PrivateKeyDer<'static>,
    }

    impl Tls {
        /// Reads and parses the files; an error names the file, where it was named, and
        /// what is wrong, never the contents.
        pub(crate) fn load(files: &Resolved) -> Result<Self, Error> {
            let authority = match &files.certificate {
                Some(named) => {
                    let pem = read(named)?;
                    Some((pem.clone(), certificates(named, &pem)?))
                }
                None => None,
            };
            let client = match &files.client {
                Some((certificate, key)) => {
                    let certificate_pem = read(certificate)?;
                    let key_pem = read(key)?;
                    let chain = certificates(certificate, &certificate_pem)?;
                    let parsed = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|err| {
                        problem(key, &format!("holds no PEM private key ({err})"))
                    })?;
                    Some(Client {
                        certificate_pem,
                        key_pem,
                        chain,
                        key: parsed,
                    })
                }
                None => None,
            };
            Ok(Self { authority, client })
        }

        /// For tonic's gRPC channel.
        #[cfg(feature = "otlp-grpc")]
        pub(crate) fn grpc(&self) -> opentelemetry_otlp::tonic_types::transport::ClientTlsConfig {
            use opentelemetry_otlp::tonic_types::transport::{
                Certificate, ClientTlsConfig, Identity,
            };
            let config = match &self.authority {
                Some((pem, _)) => ClientTlsConfig::new().ca_certificate(Certificate::from_pem(pem)),
                None => ClientTlsConfig::new().with_enabled_roots(),
            };
            match &self.client {
                Some(client) => {
                    config.identity(Identity::from_pem(&client.certificate_pem, &client.key_pem))
                }
                None => config,
            }
        }

        /// What to tell the operator at start when gRPC (whose TLS takes no custom verifier,
        /// so nothing can be pinned) is to trust a certificate that looks like the
        /// collector's own, made by `openssl req -x509`: marked as an authority and valid for
        /// the collector's `host`. Presented by the collector, it fails every export with
        /// `CaUsedAsEndEntity`; the notice says how to make one that works. (A real
        /// authority is rarely valid for the collector's name, so this seldom speaks
        /// wrongly, and it only warns.)
        #[cfg(feature = "otlp-grpc")]
        pub(crate) fn grpc_notice(&self, host: &str) -> Option<String> {
            let (_, certificates) = self.authority.as_ref()?;
            let name = ServerName::try_from(host.to_owned()).ok()?;
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let suspect = certificates.iter().any(|certificate| {
                let valid_for_host = webpki::EndEntityCert::try_from(certificate)
                    .is_ok_and(|cert| cert.verify_is_valid_for_subject_name(&name).is_ok());
                let mut roots = RootCertStore::empty();
                roots.add_parsable_certificates([(*certificate).clone()]);
                let Ok(verifier) =
                    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .build()
                else {
                    return false;
                };
                let presented = verifier.verify_server_cert(
                    certificate,
                    &[],
                    &name,
                    &[],
                    UnixTime::now(),
                );
                valid_for_host
                    && matches!(presented, Err(rustls::Error::InvalidCertificate(CertificateError::Other(other)))
                        if format!("{other:?}").contains("CaUsedAsEndEntity"))
            });
            suspect.then(|| {
                format!(
                    "the certificate trusted for the collector at {host} is marked as a \
                 certificate authority and named for {host}: if the collector presents it as its \
                 own (what `openssl req -x509` makes unless told otherwise), every gRPC export \
                 fails with CaUsedAsEndEntity. Give the collector a server certificate signed by \
                 that authority, or make the self-signed one a leaf: `openssl req -x509 -newkey \
                 rsa:2048 -nodes -keyout collector.key -out collector.pem -subj /CN={host} \
                 -addext basicConstraints=critical,CA:FALSE -addext subjectAltName=DNS:{host}` \
                 (or use http/protobuf, which accepts that exact certificate)"
                )
            })
        }

        /// For rustls clients (HTTP/protobuf, the alert webhook). A named authority is
        /// trusted as such, and also pinned: a server presenting exactly that certificate as
        /// its own is accepted (see [`Pinned`]).
        #[cfg_attr(not(any(feature = "otlp-http", feature = "reqwest")), allow(dead_code))]
        pub(crate) fn rustls(&self) -> Result<ClientConfig, Error> {
            let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
            let builder = ClientConfig::builder_with_provider(provider.clone())
                .with_safe_default_protocol_versions()
                .map_err(|err| Error::config(format!("TLS: {err}")))?;
            let builder = match &self.authority {
                Some((_, certificates)) => {
                    let mut roots = RootCertStore::empty();
                    roots.add_parsable_certificates(certificates.iter().cloned());
                    let webpki =
                        WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                            .build()
                            .map_err(|err| Error::config(format!("TLS: {err}")))?;
                    builder
                        .dangerous()
                        .with_custom_certificate_verifier(Arc::new(Pinned {
                            webpki,
                            pinned: certificates.clone(),
                        }))
                }
                None => builder.with_root_certificates(default_roots()?),
            };
            match &self.client {
                Some(client) => builder
                    .with_client_auth_cert(client.chain.clone(), client.key.clone_key())
                    .map_err(|err| {
                        Error::config(format!("the OTLP client certificate and key: {err}"))
                    }),
                None => Ok(builder.with_no_client_auth()),
            }
        }

        /// No files: the default roots only (the alert webhook).
        #[cfg_attr(
            not(all(feature = "operations", feature = "reqwest")),
            allow(dead_code)
        )]
        pub(crate) fn system() -> Self {
            Self {
                authority: None,
                client: None,
            }
        }
    }

    /// The authority's verification, and one exception: the server presents, as its own,
    /// exactly a certificate the operator named as the authority. That is what
    /// `openssl req -x509` makes by default (a self-signed certificate marked as an
    /// authority), which verification refuses as `CaUsedAsEndEntity`; trusting the very
    /// certificate named is pinning it, as SSH trusts a known host key.
    #[derive(Debug)]
    struct Pinned {
        webpki: Arc<WebPkiServerVerifier>,
        pinned: Vec<CertificateDer<'static>>,
    }

    impl ServerCertVerifier for Pinned {
        fn verify_server_cert(
            &self,
            end_entity: &CertificateDer<'_>,
            intermediates: &[CertificateDer<'_>],
            server_name: &ServerName<'_>,
            ocsp_response: &[u8],
            now: UnixTime,
        ) -> Result<ServerCertVerified, rustls::Error> {
            let verified = self.webpki.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            );
            match verified {
                // webpki's error is only reachable through `Debug` without depending on it.
                Err(rustls::Error::InvalidCertificate(CertificateError::Other(other)))
                    if format!("{other:?}").contains("CaUsedAsEndEntity")
                        && self.pinned.iter().any(|pinned| pinned == end_entity) =>
                {
                    Ok(ServerCertVerified::assertion())
                }
                verified => verified,
            }
        }

        fn verify_tls12_signature(
            &self,
            message: &[u8],
            certificate: &CertificateDer<'_>,
            signature: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.webpki
                .verify_tls12_signature(message, certificate, signature)
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            certificate: &CertificateDer<'_>,
            signature: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, rustls::Error> {
            self.webpki
                .verify_tls13_signature(message, certificate, signature)
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.webpki.supported_verify_schemes()
        }
    }

    /// The system's roots (and Mozilla's with `tls-webpki-roots`).
    fn default_roots() -> Result<RootCertStore, Error> {
        let mut roots = RootCertStore::empty();
        #[cfg(feature = "tls-webpki-roots")]
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        let native = rustls_native_certs::load_native_certs();
        roots.add_parsable_certificates(native.certs);
        if roots.is_empty() {
            return Err(Error::config(
                "TLS: no trusted root certificate found on this system; install the CA \
                 certificates package, name one with OTEL_EXPORTER_OTLP_CERTIFICATE, or \
                 enable the `tls-webpki-roots` feature",
            ));
        }
        Ok(roots)
    }

    fn read(named: &Named) -> Result<Vec<u8>, Error> {
        std::fs::read(&named.path).map_err(|err| problem(named, &format!("cannot be read: {err}")))
    }

    fn certificates(named: &Named, pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, Error> {
        let certificates = CertificateDer::pem_slice_iter(pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| problem(named, &format!("is not PEM ({err})")))?;
        if certificates.is_empty() {
            return Err(problem(named, "holds no PEM certificate"));
        }
        Ok(certificates)
    }

    fn problem(named: &Named, what: &str) -> Error {
        Error::config(format!("{} ({}) {what}", named.by, named.path.display()))
    }
}

#[cfg(all(test, any(feature = "otlp-grpc", feature = "otlp-http")))]
mod tests {
    use super::*;
    use crate::pipeline::otlp::Signal::{Metrics, Traces};
    use crate::pipeline::vars::MapVars;

    #[test]
    fn the_builder_wins_then_the_signal_variable_then_the_generic_one() {
        let vars = MapVars::of(&[
            ("OTEL_EXPORTER_OTLP_CERTIFICATE", "/generic.pem"),
            ("OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE", "/traces.pem"),
        ]);
        let resolved = resolve(&TlsFiles::default(), Traces, &vars).unwrap();
        let certificate = resolved.certificate.unwrap();
        assert_eq!(certificate.path, PathBuf::from("/traces.pem"));
        assert_eq!(certificate.by, "OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE");
        let metrics = resolve(&TlsFiles::default(), Metrics, &vars).unwrap();
        assert_eq!(
            metrics.certificate.unwrap().path,
            PathBuf::from("/generic.pem")
        );

        let configured = TlsFiles {
            certificate: Some("/builder.pem".into()),
            ..TlsFiles::default()
        };
        let resolved = resolve(&configured, Traces, &vars).unwrap();
        assert_eq!(
            resolved.certificate.unwrap().path,
            PathBuf::from("/builder.pem")
        );
    }

    #[test]
    fn a_client_certificate_needs_its_key() {
        let vars = MapVars::of(&[("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "/client.pem")]);
        let err = resolve(&TlsFiles::default(), Traces, &vars).unwrap_err();
        assert!(err.to_string().contains("without its pair"), "{err}");
        let none = resolve(&TlsFiles::default(), Metrics, &MapVars::of(&[])).unwrap();
        assert!(none.certificate.is_none() && none.client.is_none());
    }
}
