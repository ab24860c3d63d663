//! The query string as a server span records it, when asked to: credentials redacted.

/// Parameter names (compared without case, as substrings) whose values never leave the
/// process: tokens, passwords, keys, signatures, session ids, OAuth codes.
const SENSITIVE: &[&str] = &[
    "token",
    "password",
    "passwd",
    "pwd",
    "secret",
    "key",
    "sig",
    "auth",
    "credential",
    "session",
    "code",
];

pub(crate) const REDACTED: &str = "REDACTED";

/// `query` with the value of every sensitive parameter replaced by `REDACTED`.
pub(crate) fn redacted(query: &str) -> String {
    let mut out = String::with_capacity(query.len());
    for (i, pair) in query.split('&').enumerate() {
        if i > 0 {
            out.push('&');
        }
        match pair.split_once('=') {
            Some((name, _)) if is_sensitive(name) => {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
    out
}

fn is_sensitive(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SENSITIVE.iter().any(|word| name.contains(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted_and_the_rest_kept() {
        assert_eq!(
            redacted("page=2&access_token=abc&sort=name&X-Goog-Signature=f00&Password=hunter2"),
            "page=2&access_token=REDACTED&sort=name&X-Goog-Signature=REDACTED&Password=REDACTED"
        );
        assert_eq!(redacted("api_key=1&flag"), "api_key=REDACTED&flag");
        assert_eq!(redacted("q=rust"), "q=rust");
        assert_eq!(redacted(""), "");
    }
}
