//! Reading configuration from the environment: the [`Vars`] lookup (the process
//! environment, or a map in tests) and parsers whose errors name the variable.
//!
//! A value that cannot be understood is an error naming the variable, never a silent
//! fallback to a default the user did not ask for; a value that may hold a credential
//! (headers, URLs, tokens) is never repeated in the error.

use crate::Error;

/// Where settings come from: the process environment, or a map in tests.
pub(crate) trait Vars {
    /// The variable's value as set, `None` when unset; an error naming it when its value is
    /// not UTF-8 (which would otherwise read as unset).
    fn raw(&self, name: &str) -> Result<Option<String>, Error>;

    /// The value, with unset and blank the same.
    fn get(&self, name: &str) -> Result<Option<String>, Error> {
        Ok(self.raw(name)?.filter(|value| !value.trim().is_empty()))
    }
}

/// The process environment.
pub(crate) struct ProcessEnv;

impl Vars for ProcessEnv {
    fn raw(&self, name: &str) -> Result<Option<String>, Error> {
        match std::env::var_os(name) {
            None => Ok(None),
            Some(value) => value
                .into_string()
                .map(Some)
                .map_err(|_| Error::config(format!("{name} is not valid UTF-8"))),
        }
    }
}

/// `name` read by `parse`; a value it refuses is an error quoting it and saying what was
/// `expected`.
pub(crate) fn parse<T>(
    vars: &impl Vars,
    name: &str,
    expected: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<Option<T>, Error> {
    match vars.get(name)? {
        None => Ok(None),
        Some(value) => parse(value.trim())
            .map(Some)
            .ok_or_else(|| Error::config(format!("{name}={value:?} {expected}"))),
    }
}

/// [`parse`] for a value that may hold a credential (headers, URLs): the error says what is
/// wrong without repeating it.
pub(crate) fn parse_secret<T>(
    vars: &impl Vars,
    name: &str,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Option<T>, Error> {
    match vars.get(name)? {
        None => Ok(None),
        Some(value) => parse(value.trim())
            .map(Some)
            .map_err(|problem| Error::config(format!("{name} {problem}"))),
    }
}

pub(crate) fn boolean(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

pub(crate) fn whole(value: &str) -> Option<u64> {
    value.parse().ok()
}

pub(crate) fn above_zero(value: &str) -> Option<u64> {
    whole(value).filter(|value| *value > 0)
}

/// `key=value,key=value` with percent-encoded values, the W3C Baggage form the
/// `OTEL_*_HEADERS` and `OTEL_RESOURCE_ATTRIBUTES` variables use. The problem, if any, names
/// the entry by position, never by its value.
pub(crate) fn key_values(list: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    for (index, entry) in list.split(',').enumerate() {
        let entry = entry.trim();
        if entry.is_empty() {
            continue;
        }
        let position = index + 1;
        let Some((key, value)) = entry.split_once('=') else {
            return Err(format!("entry {position} is not key=value"));
        };
        let key = key.trim();
        if key.is_empty() {
            return Err(format!("entry {position} has an empty key"));
        }
        let value = percent_decoded(value.trim())
            .ok_or_else(|| format!("entry {position} ({key}) has a broken %-escape"))?;
        pairs.push((key.to_owned(), value));
    }
    Ok(pairs)
}

/// `value` with its `%XX` escapes decoded, `None` when an escape is malformed or the result
/// is not UTF-8.
fn percent_decoded(value: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(value.len());
    let mut rest = value.bytes();
    while let Some(byte) = rest.next() {
        if byte == b'%' {
            let high = char::from(rest.next()?).to_digit(16)?;
            let low = char::from(rest.next()?).to_digit(16)?;
            bytes.push(u8::try_from(high * 16 + low).ok()?);
        } else {
            bytes.push(byte);
        }
    }
    String::from_utf8(bytes).ok()
}

/// An absolute `http` or `https` URL with a host.
pub(crate) fn http_url(value: &str) -> Result<http::Uri, String> {
    let uri: http::Uri = value
        .parse()
        .map_err(|err| format!("is not a URL ({err})"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(host)) if !host.is_empty() => Ok(uri),
        (Some(_), Some(_)) => Err("must be an http:// or https:// URL".to_owned()),
        _ => Err("must be an absolute URL with a host, such as http://collector:4318".to_owned()),
    }
}

/// A number from 0 to 1.
pub(crate) fn ratio(value: &str) -> Option<f64> {
    value
        .parse::<f64>()
        .ok()
        .filter(|ratio| (0.0..=1.0).contains(ratio))
}

/// Variables from a list, for tests.
#[cfg(test)]
pub(crate) struct MapVars(pub(crate) std::collections::HashMap<&'static str, &'static str>);

#[cfg(test)]
impl MapVars {
    pub(crate) fn of(pairs: &[(&'static str, &'static str)]) -> Self {
        Self(pairs.iter().copied().collect())
    }
}

#[cfg(test)]
impl Vars for MapVars {
    fn raw(&self, name: &str) -> Result<Option<String>, Error> {
        Ok(self.0.get(name).map(|value| (*value).to_owned()))
    }
}
