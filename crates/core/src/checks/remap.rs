//! The `ports.remap` fix, found by asking Compose: a variable is offered only when
//! setting it in `.env.<env>` moves the taken port, and nothing else, to a free one.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{ports::Published, CheckContext, Fix};
use crate::{
    compose::{self, ComposeCli, ProjectSpec},
    host::ports::{self, PortStatus},
};

/// How far above a taken port a free one is looked for.
const SEARCH_WIDTH: u16 = 100;

/// The remaps of one check run: each new port is given out once.
pub(super) struct Search {
    avoid: BTreeSet<u16>,
    base: Option<Value>,
    /// On a remote engine: the ports its containers publish, the only ones known taken
    /// there (this machine's listeners say nothing of that one's).
    remote_taken: Option<BTreeSet<u16>>,
}

/// Paths where two JSON values differ, with both values.
fn differences(a: &Value, b: &Value, at: &str, out: &mut Vec<(String, Value, Value)>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let (p, q) = (x.get(key).unwrap_or(&Value::Null), y.get(key).unwrap_or(&Value::Null));
                differences(p, q, &format!("{at}.{key}"), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(p, q, &format!("{at}[{i}]"), out);
            }
        }
        _ if a != b => out.push((at.trim_start_matches('.').to_owned(), a.clone(), b.clone())),
        _ => {}
    }
}

async fn config_json(cli: &ComposeCli, spec: &ProjectSpec) -> Result<Value, String> {
    let (stdout, _) = compose::run(cli, spec, &["config", "--no-env-resolution", "--format", "json"])
        .await
        .map_err(|e| e.to_string())?;
    serde_json::from_slice(&stdout).map_err(|e| e.to_string())
}

impl Search {
    /// A search that never hands out a port the environment already publishes.
    pub fn new(avoid: BTreeSet<u16>) -> Self {
        Self { avoid, base: None, remote_taken: None }
    }

    /// The same search for a remote engine whose containers publish `taken`.
    pub fn on_remote_engine(self, taken: BTreeSet<u16>) -> Self {
        Self { remote_taken: Some(taken), ..self }
    }

    /// Whether `port` can be handed out for `like`'s address and protocol.
    fn is_free(&self, like: &Published, port: u16) -> bool {
        !self.avoid.contains(&port)
            && match &self.remote_taken {
                Some(taken) => !taken.contains(&port),
                None => ports::status(&like.host_ip, port, like.protocol) == PortStatus::Free,
            }
    }

    /// The remap that frees `taken`, or why there is none.
    pub async fn offer(&mut self, ctx: &CheckContext<'_>, taken: &Published) -> Result<Fix, String> {
        if taken.in_range {
            return Err("the port is part of a range; change the range in the Compose file".into());
        }
        let cli = ctx.compose().await.as_ref().map_err(|e| e.to_string())?;
        let variables = ctx.variables().await.map_err(|e| e.to_string())?;
        let spec = ctx.spec();
        let from = taken.port.to_string();
        let value_of = spec.values();
        let mut candidates: Vec<&str> = variables
            .values()
            .filter(|v| value_of(&v.name).unwrap_or_else(|| v.default_value.clone()) == from)
            .map(|v| v.name.as_str())
            .collect();
        candidates.sort_by_key(|name| !name.to_ascii_uppercase().contains("PORT"));
        if candidates.is_empty() {
            return Err("no variable sets it (it is written as a number in the Compose file): change it there".into());
        }
        let to = (taken.port.saturating_add(1)..=taken.port.saturating_add(SEARCH_WIDTH))
            .find(|c| self.is_free(taken, *c))
            .ok_or_else(|| format!("none of the {SEARCH_WIDTH} ports above {from} is free"))?;
        if self.base.is_none() {
            self.base = Some(config_json(cli, &spec).await?);
        }
        let base = self.base.clone().unwrap_or(Value::Null);
        let published_at = format!("services.{}.ports[{}].published", taken.service, taken.index);
        let mut reasons = Vec::new();
        for name in candidates {
            if let Ok(value) = std::env::var(name) {
                reasons.push(format!("{name}={value} is set in your shell, which wins over env files: change or unset it there"));
                continue;
            }
            // Compose's answer with the variable set as `.env.<env>` would set it.
            let mut trial = spec.clone();
            trial.variables.retain(|(k, _)| k != name);
            trial.variables.push((name.to_owned(), to.to_string()));
            let moved = config_json(cli, &trial).await?;
            let mut changed = Vec::new();
            differences(&base, &moved, "", &mut changed);
            if !changed.iter().any(|(path, _, _)| *path == published_at) {
                continue;
            }
            let others: Vec<&str> = changed
                .iter()
                .filter(|(path, a, b)| !(path.ends_with(".published") && a.as_str() == Some(&from) && b.as_str() == Some(&to.to_string())))
                .map(|(path, _, _)| path.as_str())
                .collect();
            if others.is_empty() {
                self.avoid.insert(to);
                return Ok(Fix::RemapPort { variable: name.to_owned(), from: taken.port, to });
            }
            let shown: Vec<&str> = others.iter().take(4).copied().collect();
            let more = if others.len() > 4 { format!(" and {} more", others.len() - 4) } else { String::new() };
            reasons.push(format!("{name} also sets {}{more}, so changing it would change more than the port", shown.join(", ")));
        }
        if reasons.is_empty() {
            reasons.push("no variable that holds it decides this published port".into());
        }
        Err(reasons.join("; "))
    }
}
