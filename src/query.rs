//! Query strings as spans record them, server and client alike: credentials redacted.

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

/// An absolute URL as a client span records it (`url.full`): user and password removed from
/// its authority, and its query [`redacted`].
pub(crate) fn redacted_url(url: &str) -> String {
    let (before_query, query) = match url.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (url, None),
    };
    let (before_query, fragment) = match query {
        Some(_) => (before_query, None),
        None => match before_query.split_once('#') {
            Some((before, fragment)) => (before, Some(fragment)),
            None => (before_query, None),
        },
    };
    let mut out = match before_query.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            let host = authority
                .rsplit_once('@')
                .map_or(authority, |(_, host)| host);
            format!("{scheme}://{host}{path}")
        }
        None => before_query.to_owned(),
    };
    if let Some(query) = query {
        // The fragment, if any, rides in the last value; it never reaches the server anyway.
        out.push('?');
        out.push_str(&redacted(query));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

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

/// Whether `name` looks like a credential, read as a server decodes it: `%74oken` and
/// `pass+word` are `token` and `pass word` to the application, so they are to this check.
fn is_sensitive(name: &str) -> bool {
    let name = decoded(name).to_ascii_lowercase();
    SENSITIVE.iter().any(|word| name.contains(word))
}

/// `name` with `+` as a space and every valid `%XX` escape decoded (invalid ones kept).
fn decoded(name: &str) -> String {
    let bytes = name.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match (bytes[i], escaped) {
            (_, Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', None) => {
                out.push(b' ');
                i += 1;
            }
            (byte, None) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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

    #[test]
    fn full_urls_lose_their_credentials() {
        assert_eq!(
            redacted_url("https://user:pa55@api.example:8443/v1/x?api_key=k&q=1"),
            "https://api.example:8443/v1/x?api_key=REDACTED&q=1"
        );
        assert_eq!(
            redacted_url("http://api.example/v1"),
            "http://api.example/v1"
        );
        assert_eq!(redacted_url("http://a@b/c#frag"), "http://b/c#frag");
    }

    #[test]
    fn percent_encoded_names_are_read_as_the_server_reads_them() {
        assert_eq!(
            redacted("%74oken=abc&pass%57ord=x&api%5Fkey=k&q=%74oken"),
            "%74oken=REDACTED&pass%57ord=REDACTED&api%5Fkey=REDACTED&q=%74oken"
        );
        assert_eq!(redacted("%zz=1&%=2&%4=3"), "%zz=1&%=2&%4=3");
        assert_eq!(decoded("a+b%2Bc%e2%82%ac"), "a b+c\u{20ac}");
    }
}
