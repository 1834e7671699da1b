//! Links to an environment's services: the schema's `urls`, else its published web ports.

use serde::Serialize;

use crate::{compose::ComposeModel, schema::OrderedMap};

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

/// `http://localhost:8080/x` with `localhost` (or 127.0.0.1) replaced by `host`, where the
/// engine publishes the ports (a remote engine's name).
fn at_host(url: String, host: &str) -> String {
    if host == "localhost" {
        return url;
    }
    for local in ["localhost", "127.0.0.1"] {
        for scheme in ["http://", "https://"] {
            let from = format!("{scheme}{local}");
            if let Some(rest) = url.strip_prefix(&from).filter(|r| r.is_empty() || r.starts_with([':', '/'])) {
                let host = if host.contains(':') { format!("[{host}]") } else { host.to_owned() };
                return format!("{scheme}{host}{rest}");
            }
        }
    }
    url
}

/// The schema's links expanded; without any, `http://HOST:PORT` for each published TCP
/// port. `host` is where the engine publishes ports: `localhost`, or a remote engine's name.
pub fn urls(schema_urls: &OrderedMap<String>, model: &ComposeModel, host: &str, lookup: impl Fn(&str) -> Option<String>) -> Vec<ServiceUrl> {
    if !schema_urls.is_empty() {
        return schema_urls.iter().map(|(label, t)| ServiceUrl { label: label.to_owned(), url: at_host(expand(t, &lookup), host) }).collect();
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
                .map(move |port| ServiceUrl { label: name.clone(), url: at_host(format!("http://localhost:{port}"), host) })
        })
        .collect()
}

/// The links of an environment for its dashboard: the schema's named `urls` expanded the
/// way Compose would (shell, then env files), else a link per published TCP port; at the
/// host where the engine publishes them. Reads the model through `cache` (no secrets needed).
pub async fn links(env: crate::Env<'_>, cache: &crate::compose::ModelCache) -> Result<Vec<ServiceUrl>, super::StackError> {
    let spec = crate::compose::ProjectSpec::with_placeholder_secrets(env);
    let cli = cache.cli().await?;
    let model = cache.model(&cli, &spec).await?;
    let host = crate::engine::endpoint::resolve().map(|e| e.published_host()).unwrap_or_else(|_| "localhost".into());
    let values = spec.values();
    Ok(urls(&env.environment.urls, &model, &host, |name| values(name)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn links_of_a_remote_engine_name_its_host() {
        use super::at_host;
        assert_eq!(at_host("http://localhost:3000/x".into(), "gpu-box"), "http://gpu-box:3000/x");
        assert_eq!(at_host("https://127.0.0.1".into(), "fd00::5"), "https://[fd00::5]");
        assert_eq!(at_host("http://localhost.example.com:3000".into(), "gpu-box"), "http://localhost.example.com:3000");
        assert_eq!(at_host("http://localhost:3000".into(), "localhost"), "http://localhost:3000");
    }

    use super::expand;

    #[test]
    fn expands_defaults_and_values() {
        let lookup = |n: &str| (n == "SET").then(|| "5433".to_owned());
        assert_eq!(expand("http://localhost:${SET:-5432}/x", lookup), "http://localhost:5433/x");
        assert_eq!(expand("http://localhost:${UNSET:-4000}", lookup), "http://localhost:4000");
        assert_eq!(expand("plain", lookup), "plain");
    }
}
