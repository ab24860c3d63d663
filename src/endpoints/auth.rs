//! Bearer tokens for the monitoring endpoints, compared in constant time.

use axum::http::{HeaderMap, StatusCode, header};

/// `Ok` when `required` is `None` (the endpoint is open) or the request carries
/// `Authorization: Bearer <required>`; else 401.
pub(super) fn check(required: Option<&str>, headers: &HeaderMap) -> Result<(), StatusCode> {
    let Some(required) = required else {
        return Ok(());
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .unwrap_or("");
    if constant_time_eq(presented.as_bytes(), required.as_bytes()) {
        Ok(())
    } else {
        Err(StatusCode::UNAUTHORIZED)
    }
}

/// Equal without an early exit on the first differing byte, so the time taken does not tell
/// how much of a guess was right. (The length is not secret.)
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(authorization: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, authorization.parse().unwrap());
        headers
    }

    #[test]
    fn tokens_must_match_exactly() {
        assert_eq!(check(None, &HeaderMap::new()), Ok(()));
        assert_eq!(check(Some("s3cret"), &with("Bearer s3cret")), Ok(()));
        for wrong in [
            "Bearer s3cre",
            "Bearer s3cret2",
            "bearer s3cret",
            "s3cret",
            "Bearer ",
        ] {
            assert_eq!(
                check(Some("s3cret"), &with(wrong)),
                Err(StatusCode::UNAUTHORIZED),
                "{wrong}"
            );
        }
        assert_eq!(
            check(Some("s3cret"), &HeaderMap::new()),
            Err(StatusCode::UNAUTHORIZED)
        );
    }
}
