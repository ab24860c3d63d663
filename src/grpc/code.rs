//! gRPC status codes: read from `grpc-status`, named as the semantic conventions name them
//! (`rpc.response.status_code="INVALID_ARGUMENT"`), and from an HTTP status when a proxy or a
//! broken server answered without gRPC's own header.

use http::{HeaderMap, StatusCode};

/// The seventeen codes of gRPC, in their numeric order.
const NAMES: [&str; 17] = [
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED",
];

/// One gRPC status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct GrpcCode(u8);

impl GrpcCode {
    pub(crate) const OK: Self = Self(0);
    pub(crate) const CANCELLED: Self = Self(1);
    pub(crate) const UNKNOWN: Self = Self(2);
    pub(crate) const DEADLINE_EXCEEDED: Self = Self(4);
    pub(crate) const UNIMPLEMENTED: Self = Self(12);
    pub(crate) const INTERNAL: Self = Self(13);
    pub(crate) const UNAVAILABLE: Self = Self(14);
    pub(crate) const PERMISSION_DENIED: Self = Self(7);
    pub(crate) const UNAUTHENTICATED: Self = Self(16);

    /// The code's name, as `rpc.response.status_code` and `error.type` carry it.
    pub(crate) fn name(self) -> &'static str {
        NAMES[usize::from(self.0)]
    }

    /// The `grpc-status` of a response head (a trailers-only response) or of trailers; a
    /// value outside the seventeen codes is `UNKNOWN`, as gRPC clients read it.
    pub(crate) fn of(headers: &HeaderMap) -> Option<Self> {
        let value = headers.get("grpc-status")?;
        let code = std::str::from_utf8(value.as_bytes())
            .ok()
            .and_then(|text| text.parse::<u8>().ok())
            .filter(|&code| usize::from(code) < NAMES.len());
        Some(code.map_or(Self::UNKNOWN, Self))
    }

    /// The code of a response that is not gRPC's own answer (no `grpc-status` anywhere):
    /// gRPC's mapping of HTTP statuses, so a proxy's `503` reads `UNAVAILABLE`.
    pub(crate) fn of_http(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => Self::INTERNAL,
            401 => Self::UNAUTHENTICATED,
            403 => Self::PERMISSION_DENIED,
            404 => Self::UNIMPLEMENTED,
            429 | 502..=504 => Self::UNAVAILABLE,
            _ => Self::UNKNOWN,
        }
    }

    /// Whether a server that answered with this code failed, as the conventions count it
    /// (the span status table of semconv 1.45): `UNKNOWN`, `DEADLINE_EXCEEDED`,
    /// `UNIMPLEMENTED`, `INTERNAL`, `UNAVAILABLE`, `DATA_LOSS`. The other codes are the
    /// client's own doing, as a 4xx is over HTTP.
    pub(crate) fn server_failed(self) -> bool {
        matches!(self.0, 2 | 4 | 12 | 13 | 14 | 15)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_by_number_and_named_as_the_conventions_spell_them() {
        let mut headers = HeaderMap::new();
        assert_eq!(GrpcCode::of(&headers), None);
        headers.insert("grpc-status", "3".parse().unwrap());
        assert_eq!(GrpcCode::of(&headers).unwrap().name(), "INVALID_ARGUMENT");
        headers.insert("grpc-status", "0".parse().unwrap());
        assert_eq!(GrpcCode::of(&headers), Some(GrpcCode::OK));
        for garbage in ["17", "-1", "OK", "", "300"] {
            headers.insert("grpc-status", garbage.parse().unwrap());
            assert_eq!(GrpcCode::of(&headers), Some(GrpcCode::UNKNOWN), "{garbage}");
        }
        assert_eq!(GrpcCode(16).name(), "UNAUTHENTICATED");
    }

    #[test]
    fn servers_fail_on_their_own_codes_only() {
        let failed: Vec<&str> = (0..17)
            .map(GrpcCode)
            .filter(|code| code.server_failed())
            .map(GrpcCode::name)
            .collect();
        assert_eq!(
            failed,
            [
                "UNKNOWN",
                "DEADLINE_EXCEEDED",
                "UNIMPLEMENTED",
                "INTERNAL",
                "UNAVAILABLE",
                "DATA_LOSS"
            ]
        );
        assert_eq!(
            GrpcCode::of_http(StatusCode::SERVICE_UNAVAILABLE),
            GrpcCode::UNAVAILABLE
        );
        assert_eq!(
            GrpcCode::of_http(StatusCode::NOT_FOUND),
            GrpcCode::UNIMPLEMENTED
        );
    }
}
