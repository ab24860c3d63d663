//! The resource every signal carries: who is talking.
//!
//! `service.name` (builder, else `OTEL_SERVICE_NAME`, else the binary's file name),
//! `service.version` when known, a `service.instance.id` unique to this process, and
//! whatever `OTEL_RESOURCE_ATTRIBUTES` adds.

use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;

pub(super) fn build(service_name: Option<&str>, service_version: Option<&str>) -> Resource {
    // `Resource::builder` reads OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES itself; the
    // name is set explicitly only when the builder or the binary's name must win.
    let from_env = std::env::var("OTEL_SERVICE_NAME").ok();
    let mut builder = Resource::builder();
    if let ServiceName::Explicit(name) =
        resolve_service_name(service_name, from_env.as_deref(), binary_name)
    {
        builder = builder.with_service_name(name);
    }
    if let Some(version) = service_version {
        builder = builder.with_attribute(KeyValue::new("service.version", version.to_owned()));
    }
    builder
        .with_attribute(KeyValue::new("service.instance.id", instance_id()))
        .build()
}

#[derive(Debug, PartialEq)]
enum ServiceName {
    Explicit(String),
    FromEnvironment,
}

/// `service.name` precedence: the builder, else a non-empty `OTEL_SERVICE_NAME`, else the
/// file name of the running binary (rather than the SDK's `unknown_service`).
fn resolve_service_name(
    configured: Option<&str>,
    environment: Option<&str>,
    binary: impl FnOnce() -> String,
) -> ServiceName {
    match (configured, environment) {
        (Some(name), _) => ServiceName::Explicit(name.to_owned()),
        (None, Some(name)) if !name.is_empty() => ServiceName::FromEnvironment,
        (None, _) => ServiceName::Explicit(binary()),
    }
}

fn binary_name() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|path| {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "unknown_service".to_owned())
}

/// A random version-4 UUID, drawn once per process so that every pipeline in it agrees.
fn instance_id() -> String {
    static ID: OnceLock<String> = OnceLock::new();
    ID.get_or_init(|| {
        // std's hasher keys are random per process; hashing the pid and the time into two
        // of them gives 128 unpredictable bits without another dependency.
        let random = |salt: u64| {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u32(std::process::id());
            hasher.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |elapsed| elapsed.as_nanos()),
            );
            hasher.write_u64(salt);
            hasher.finish()
        };
        let bits = (u128::from(random(1)) << 64) | u128::from(random(2));
        let bits = (bits & !(0xf << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
        let hex = format!("{bits:032x}");
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    })
    .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_name_prefers_builder_then_environment_then_binary() {
        let binary = || "orders-bin".to_owned();
        assert_eq!(
            resolve_service_name(Some("orders"), Some("env"), binary),
            ServiceName::Explicit("orders".into())
        );
        assert_eq!(
            resolve_service_name(None, Some("env"), binary),
            ServiceName::FromEnvironment
        );
        assert_eq!(
            resolve_service_name(None, Some(""), binary),
            ServiceName::Explicit("orders-bin".into())
        );
        assert_eq!(
            resolve_service_name(None, None, binary),
            ServiceName::Explicit("orders-bin".into())
        );
    }

    #[test]
    fn instance_id_is_a_stable_version_4_uuid() {
        let id = instance_id();
        assert_eq!(id, instance_id());
        let parts: Vec<&str> = id.split('-').collect();
        assert_eq!(
            parts.iter().map(|part| part.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12],
            "{id}"
        );
        assert!(parts[2].starts_with('4'), "{id}");
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{id}");
    }
}
