//! Links to an environment's services: the schema's `urls`, else its published web ports.

use serde::Serialize;

use crate::compose::ComposeModel;

/// A link shown once the environment is ready.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServiceUrl {
    /// Label, e.g. `LiteLLM`.
    pub label: String,
    /// The URL.
    pub url: String,
}

/// Expands `${VAR}`, `${VAR:-default}` and `${VAR-default}` with `lookup`.
pub fn expand(template: &str, lookup: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let inner = &rest[start + 2..start + end];
        let (name, default) = match inner.split_once(":-").or_else(|| inner.split_once('-')) {
            Some((n, d)) => (n, Some(d)),
            None => (inner, None),
        };
        out.push_str(&lookup(name).filter(|v| !v.is_empty()).or(default.map(str::to_owned)).unwrap_or_default());
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// The schema's links expanded; without any, `http://localhost:PORT` for each published TCP port.
pub fn urls(schema_urls: &[(String, String)], model: &ComposeModel, lookup: impl Fn(&str) -> Option<String>) -> Vec<ServiceUrl> {
    if !schema_urls.is_empty() {
        return schema_urls.iter().map(|(label, t)| ServiceUrl { label: label.clone(), url: expand(t, &lookup) }).collect();
    }
    model
        .services
        .iter()
        .flat_map(|(name, service)| {
            service
                .ports
                .iter()
                .filter(|p| p.protocol.as_deref().unwrap_or("tcp") == "tcp")
                .flat_map(|p| p.host_ports())
                .map(move |port| ServiceUrl { label: name.clone(), url: format!("http://localhost:{port}") })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::expand;

    #[test]
    fn expands_defaults_and_values() {
        let lookup = |n: &str| (n == "SET").then(|| "5433".to_owned());
        assert_eq!(expand("http://localhost:${SET:-5432}/x", lookup), "http://localhost:5433/x");
        assert_eq!(expand("http://localhost:${UNSET:-4000}", lookup), "http://localhost:4000");
        assert_eq!(expand("plain", lookup), "plain");
    }
}
