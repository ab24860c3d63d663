//! Bearer tokens that guard the monitoring endpoints: checked when configured, compared
//! without leaking anything through timing, and never printed.

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::Error;

/// A token the monitoring endpoints require. `Debug` never shows it.
#[derive(Clone)]
pub(crate) struct Token {
    /// Its SHA-256: a presented token is hashed and the digests compared in constant time,
    /// so the time taken says nothing about the token, not even its length.
    digest: [u8; 32],
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

impl Token {
    /// Checks `value`, naming it `source` in the error (a variable or a builder setting)
    /// without repeating the value: it must be non-empty visible ASCII, which is what a
    /// client can send in an `Authorization` header; a trailing newline from a secrets file
    /// could otherwise never match.
    pub(crate) fn new(source: &str, value: &str) -> Result<Self, Error> {
        if value.trim().is_empty() {
            return Err(Error::config(format!("{source} must not be empty")));
        }
        if let Some(position) = value.bytes().position(|byte| !byte.is_ascii_graphic()) {
            return Err(Error::config(format!(
                "{source} holds a character outside visible ASCII at byte {position} (a \
                 space, a control character such as a trailing newline, or non-ASCII); \
                 tokens must be visible ASCII"
            )));
        }
        Ok(Self {
            digest: Sha256::digest(value.as_bytes()).into(),
        })
    }

    /// Whether `presented` is this token, in time that depends only on `presented`.
    pub(crate) fn matches(&self, presented: &[u8]) -> bool {
        let digest: [u8; 32] = Sha256::digest(presented).into();
        digest.ct_eq(&self.digest).into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_visible_ascii_tokens_are_accepted() {
        assert!(Token::new("t", "s3cret-TOKEN_1.~+/=").is_ok());
        for bad in [
            "",
            "s3cret with space",
            "s3cret\n",
            "s3cret\tx",
            "s3crét",
            "s3cret\u{7f}",
        ] {
            let err = Token::new("MONITORING_METRICS_TOKEN", bad)
                .unwrap_err()
                .to_string();
            assert!(err.contains("MONITORING_METRICS_TOKEN"), "{bad:?}: {err}");
            assert!(!err.contains("s3cr"), "the value is not repeated: {err}");
        }
    }

    #[test]
    fn tokens_match_exactly_and_never_print() {
        let token = Token::new("t", "s3cret").unwrap();
        assert!(token.matches(b"s3cret"));
        for wrong in [&b"s3cre"[..], b"s3cret2", b"S3cret", b""] {
            assert!(!token.matches(wrong));
        }
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
    }
}
