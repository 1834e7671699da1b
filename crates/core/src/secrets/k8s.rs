//! A Kubernetes `v1/Secret` manifest of an environment's secrets, made on demand.

use base64::{engine::general_purpose, Engine as _};

use super::Sensitive;

/// Whether `name` is a valid Kubernetes object name (DNS-1123 subdomain).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}

/// The manifest text; values base64-encoded as the `data` field requires.
pub fn secret_manifest(name: &str, namespace: &str, values: &[(String, Sensitive<String>)]) -> Sensitive<String> {
    let mut out = format!(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\n  namespace: {namespace}\n  labels:\n    app.kubernetes.io/managed-by: stackpilot\ntype: Opaque\ndata:\n"
    );
    for (key, value) in values {
        out.push_str(&format!("  {key}: {}\n", general_purpose::STANDARD.encode(value.expose())));
    }
    Sensitive::new(out)
}
