//! Bearer tokens on the monitoring endpoints: `Authorization: Bearer <token>`, the scheme
//! matched without regard to case (RFC 9110), exactly one such header, and every failed
//! attempt counted in `monitoring.auth.failures`. A browser on the live page sends the token
//! as the password of `Basic` credentials instead, which are accepted the same way.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use opentelemetry::KeyValue;

use crate::names::attr;
use crate::operations::Operations;
use crate::operations::token::Token;

/// What an operator route asks of a request before its handler runs; applied once per route
/// by the route table (`mod.rs`), never in a handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Guard {
    /// Nothing: the probes, which orchestrators call without credentials.
    Open,
    /// The metrics token, when one is configured: `/metrics` and the JSON views.
    Metrics,
    /// The metrics token, asked of a browser as Basic credentials: the live page.
    Browser,
    /// The admin token; the route does not exist (404) when none is configured.
    Admin,
}

/// Applies the route's [`Guard`] before its handler.
pub(super) async fn guard(
    State((operations, guard)): State<(Arc<Operations>, Guard)>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let refused = match guard {
        Guard::Open => None,
        Guard::Metrics => refusal(&operations, TokenKind::Metrics, headers),
        Guard::Browser => {
            refusal(&operations, TokenKind::Metrics, headers).map(|_| browser_challenge())
        }
        Guard::Admin => admin_refusal(&operations, headers),
    };
    match refused {
        Some(refused) => refused,
        None => next.run(request).await,
    }
}

/// Which token a request may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TokenKind {
    /// The metrics token.
    Metrics,
    /// The admin token.
    Admin,
}

impl TokenKind {
    fn token(self, operations: &Operations) -> Option<&Token> {
        match self {
            Self::Metrics => operations.metrics_token.as_ref(),
            Self::Admin => operations.admin_token.as_ref(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Metrics => "metrics",
            Self::Admin => "admin",
        }
    }
}

/// `None` when `guard` has no token configured (the endpoint is open) or the request carries
/// it; else the 401 to answer, the attempt counted.
fn refusal(operations: &Operations, guard: TokenKind, headers: &HeaderMap) -> Option<Response> {
    let token = guard.token(operations)?;
    if presents(token, headers) {
        return None;
    }
    count_failure(operations, guard);
    Some(unauthorized())
}

/// `None` for a request that carries the admin token; else 404 when none is configured (the
/// admin endpoints do not exist then), 401 for a missing or wrong one.
fn admin_refusal(operations: &Operations, headers: &HeaderMap) -> Option<Response> {
    if operations.admin_token.is_none() {
        return Some((StatusCode::NOT_FOUND, "no admin token is configured\n").into_response());
    }
    refusal(operations, TokenKind::Admin, headers)
}

/// Whether the request carries `token` (for optional detail; a wrong token is counted).
pub(super) fn holds(operations: &Operations, guard: TokenKind, headers: &HeaderMap) -> bool {
    let Some(token) = guard.token(operations) else {
        return false;
    };
    let held = presents(token, headers);
    if !held && headers.contains_key(header::AUTHORIZATION) {
        count_failure(operations, guard);
    }
    held
}

fn count_failure(operations: &Operations, guard: TokenKind) {
    operations
        .auth_failures
        .add(1, &[KeyValue::new(attr::MONITORING_TOKEN, guard.name())]);
}

/// Whether `headers` hold exactly one `Authorization` header, `Bearer <token>` or `Basic`
/// credentials whose password is the token.
fn presents(token: &Token, headers: &HeaderMap) -> bool {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let (Some(value), None) = (values.next(), values.next()) else {
        // None, or several: a proxy and a client disagreeing is not a credential.
        return false;
    };
    let value = value.as_bytes();
    let Some((scheme, credentials)) = value
        .iter()
        .position(|byte| *byte == b' ')
        .map(|space| value.split_at(space))
    else {
        return false;
    };
    let credentials = credentials.trim_ascii_start();
    if scheme.eq_ignore_ascii_case(b"bearer") {
        return token.matches(credentials);
    }
    if scheme.eq_ignore_ascii_case(b"basic") {
        // `user:password` in base64; the user is not checked.
        let Ok(decoded) = STANDARD.decode(credentials) else {
            return false;
        };
        return decoded
            .iter()
            .position(|byte| *byte == b':')
            .is_some_and(|colon| token.matches(&decoded[colon + 1..]));
    }
    false
}

/// The refusal of the live page: a browser prompts for the credentials.
fn browser_challenge() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(
            header::WWW_AUTHENTICATE,
            "Basic realm=\"tower-monitoring\", charset=\"UTF-8\"",
        )],
        "the metrics token is required: any user name, the token as the password\n",
    )
        .into_response()
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "a valid bearer token is required\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn tokens_must_match_exactly_with_any_case_of_the_scheme() {
        let token = Token::new("t", "s3cret").unwrap();
        for good in [
            "Bearer s3cret",
            "bearer s3cret",
            "BEARER s3cret",
            "Bearer   s3cret",
        ] {
            assert!(presents(&token, &with(&[good])), "{good}");
        }
        for wrong in [
            "Bearer s3cre",
            "Bearer s3cret2",
            "Basic s3cret",
            "s3cret",
            "Bearer ",
            "Bearers3cret",
        ] {
            assert!(!presents(&token, &with(&[wrong])), "{wrong}");
        }
        assert!(!presents(&token, &HeaderMap::new()));
    }

    #[test]
    fn basic_credentials_carry_the_token_as_their_password() {
        let token = Token::new("t", "s3cret").unwrap();
        let basic = |credentials: &str| format!("Basic {}", STANDARD.encode(credentials));
        for good in [basic("anyone:s3cret"), basic(":s3cret")] {
            assert!(presents(&token, &with(&[&good])), "{good}");
        }
        for wrong in [
            basic("anyone:s3cre"),
            basic("s3cret"),
            basic("s3cret:"),
            basic("anyone:s3cret:"),
            "Basic not-base64!".to_owned(),
        ] {
            assert!(!presents(&token, &with(&[&wrong])), "{wrong}");
        }
    }

    #[test]
    fn repeated_authorization_headers_are_refused() {
        let token = Token::new("t", "s3cret").unwrap();
        assert!(!presents(
            &token,
            &with(&["Bearer s3cret", "Bearer s3cret"])
        ));
        assert!(!presents(&token, &with(&["Bearer wrong", "Bearer s3cret"])));
    }
}
