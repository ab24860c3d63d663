//! Certificates made on the spot for TLS tests: a certificate authority, a server certificate
//! for `127.0.0.1` and `localhost`, and a client certificate, each as PEM files in a
//! temporary directory; and HTTPS serving of an axum router with rustls.

use std::path::PathBuf;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// A certificate authority and what it signed, in PEM, with their files.
pub struct Pki {
    pub dir: PathBuf,
    pub ca_pem: String,
    pub server_pem: String,
    pub server_key_pem: String,
    pub client_pem: String,
    pub client_key_pem: String,
}

impl Pki {
    /// A fresh authority and certificates, written under a directory named after `test`.
    pub fn new(test: &str) -> Self {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "tower-monitoring test CA");
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();

        let signed = |names: Vec<String>, common_name: &str| {
            let key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::new(names).unwrap();
            params
                .distinguished_name
                .push(DnType::CommonName, common_name);
            let certificate = params.signed_by(&key, &ca).unwrap();
            (certificate.pem(), key.serialize_pem())
        };
        let (server_pem, server_key_pem) =
            signed(vec!["127.0.0.1".into(), "localhost".into()], "collector");
        let (client_pem, client_key_pem) = signed(vec!["client.test".into()], "client");

        let dir = std::env::temp_dir().join(format!(
            "tower-monitoring-tls-{test}-{}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let pki = Self {
            dir,
            ca_pem: ca.pem(),
            server_pem,
            server_key_pem,
            client_pem,
            client_key_pem,
        };
        for (name, pem) in [
            ("ca.pem", &pki.ca_pem),
            ("server.pem", &pki.server_pem),
            ("server.key", &pki.server_key_pem),
            ("client.pem", &pki.client_pem),
            ("client.key", &pki.client_key_pem),
        ] {
            std::fs::write(pki.dir.join(name), pem).unwrap();
        }
        pki
    }

    /// What `openssl req -x509` makes by default: one self-signed certificate marked as an
    /// authority, which the server presents as its own and the client is told to trust.
    pub fn self_signed_authority(test: &str) -> Self {
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()]).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "collector");
        let key = KeyPair::generate().unwrap();
        let certificate = params.self_signed(&key).unwrap();
        let mut pki = Self::new(test);
        pki.ca_pem = certificate.pem();
        pki.server_pem = certificate.pem();
        pki.server_key_pem = key.serialize_pem();
        for (name, pem) in [
            ("ca.pem", &pki.ca_pem),
            ("server.pem", &pki.server_pem),
            ("server.key", &pki.server_key_pem),
        ] {
            std::fs::write(pki.dir.join(name), pem).unwrap();
        }
        pki
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The server's rustls configuration; `require_client` asks for a client certificate
    /// signed by the authority.
    pub fn server_config(&self, require_client: bool) -> rustls::ServerConfig {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
            .with_safe_default_protocol_versions()
            .unwrap();
        let builder = if require_client {
            let mut roots = rustls::RootCertStore::empty();
            roots
                .add(CertificateDer::from_pem_slice(self.ca_pem.as_bytes()).unwrap())
                .unwrap();
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .unwrap();
            builder.with_client_cert_verifier(verifier)
        } else {
            builder.with_no_client_auth()
        };
        let chain = vec![CertificateDer::from_pem_slice(self.server_pem.as_bytes()).unwrap()];
        let key = PrivateKeyDer::from_pem_slice(self.server_key_pem.as_bytes()).unwrap();
        let mut config = builder.with_single_cert(chain, key).unwrap();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        config
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Serves `app` over HTTPS on `listener` until the runtime ends. A handshake that fails
/// (an untrusted client, a missing client certificate) closes that connection only.
pub async fn serve_https(listener: TcpListener, config: rustls::ServerConfig, app: axum::Router) {
    let acceptor = TlsAcceptor::from(Arc::new(config));
    while let Ok((tcp, _)) = listener.accept().await {
        let acceptor = acceptor.clone();
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else {
                return;
            };
            let builder =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            let _ = builder
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}
