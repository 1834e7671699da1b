//! What differs between two environments of a workspace (`stackpilot diff A B`), read from
//! Compose's resolved models of both (`docker compose config`, secrets as placeholders):
//! services present in one only, and per service its image, published ports, variables
//! (names and values; secrets by name only), resource limits and reservations, GPU needs,
//! healthcheck, profiles, replicas and volumes; and the project's named volumes. The
//! schema's `drift.allow` says which differences between which environments are intended.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{
    compose::{self, ComposeCli, ComposeError, GpuNeed, ProjectSpec},
    Env,
};

/// What about a service can differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// The service exists in one environment only.
    Presence,
    /// Its image (or that it is built).
    Image,
    /// Its published ports.
    Ports,
    /// An environment variable (name and value).
    Variable,
    /// A secret it gets (by name only, never a value).
    Secret,
    /// Its resource limits (memory, CPUs, processes).
    Limits,
    /// Its resource reservations.
    Reservations,
    /// Its GPU needs.
    Gpu,
    /// Its healthcheck.
    Healthcheck,
    /// The profiles it belongs to.
    Profiles,
    /// How many containers it runs.
    Replicas,
    /// What it mounts.
    Volumes,
    /// A named volume of the project.
    NamedVolume,
}

impl Aspect {
    /// The word a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Aspect::Presence => "service",
            Aspect::Image => "image",
            Aspect::Ports => "ports",
            Aspect::Variable => "variable",
            Aspect::Secret => "secret",
            Aspect::Limits => "limits",
            Aspect::Reservations => "reservations",
            Aspect::Gpu => "gpu",
            Aspect::Healthcheck => "healthcheck",
            Aspect::Profiles => "profiles",
            Aspect::Replicas => "replicas",
            Aspect::Volumes => "volumes",
            Aspect::NamedVolume => "named volume",
        }
    }
}

/// A difference the schema allows (`drift.allow`): these aspects may differ between these
/// two environments (in either order), for these services or all of them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedDrift {
    /// The two environments.
    pub between: [String; 2],
    /// What may differ.
    pub aspects: Vec<Aspect>,
    /// Only for these services (default: every service).
    #[serde(default)]
    pub services: Vec<String>,
}

/// The schema's `drift:` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftRules {
    /// Intended differences.
    #[serde(default)]
    pub allow: Vec<AllowedDrift>,
}

impl DriftRules {
    /// Whether `aspect` of `service` may differ between `a` and `b`.
    fn allows(&self, a: &str, b: &str, service: Option<&str>, aspect: Aspect) -> bool {
        self.allow.iter().any(|rule| {
            let pair = (rule.between[0] == a && rule.between[1] == b) || (rule.between[0] == b && rule.between[1] == a);
            pair && rule.aspects.contains(&aspect) && (rule.services.is_empty() || service.is_some_and(|s| rule.services.iter().any(|r| r == s)))
        })
    }
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    /// The service, or none for the project (a named volume).
    pub service: Option<String>,
    /// What differs.
    pub aspect: Aspect,
    /// Which one, where an aspect has several (a variable's or secret's name, a volume).
    pub name: Option<String>,
    /// In the first environment; none when it has none.
    pub left: Option<String>,
    /// In the second.
    pub right: Option<String>,
    /// Whether the schema's `drift.allow` allows it.
    pub allowed: bool,
}

/// The comparison of two environments.
#[derive(Debug, Clone, Serialize)]
pub struct DriftReport {
    /// The first environment.
    pub left: String,
    /// The second.
    pub right: String,
    /// Every difference, by service (the project's own last), then aspect.
    pub differences: Vec<Difference>,
    /// Whether they are the same but for allowed differences.
    pub equal: bool,
    /// One sentence for people: the same, different only where allowed, or how many differences.
    pub summary: String,
}

/// Compares environments `a` and `b` of a workspace from Compose's resolved models.
pub async fn compare(a: Env<'_>, b: Env<'_>) -> Result<DriftReport, ComposeError> {
    let cli = ComposeCli::locate().await?;
    let (left, right) = tokio::try_join!(resolved(&cli, a), resolved(&cli, b))?;
    let secrets: BTreeSet<&str> = a.workspace.schema.secret_names(a.environment).into_iter().chain(b.workspace.schema.secret_names(b.environment)).collect();
    let mut differences = differences(&left, &right, &secrets);
    let rules = &a.workspace.schema.drift;
    for d in &mut differences {
        d.allowed = rules.allows(a.name, b.name, d.service.as_deref(), d.aspect);
    }
    let equal = differences.iter().all(|d| d.allowed);
    let summary = summary(a.name, b.name, &differences);
    Ok(DriftReport { left: a.name.to_owned(), right: b.name.to_owned(), differences, equal, summary })
}

/// What a comparison of `a` and `b` found, in a sentence.
fn summary(a: &str, b: &str, differences: &[Difference]) -> String {
    let plural = |n: usize| format!("{n} difference{}", if n == 1 { "" } else { "s" });
    let allowed = differences.iter().filter(|d| d.allowed).count();
    let drift = differences.len() - allowed;
    match (drift, allowed) {
        (0, 0) => format!("{a} and {b} are the same."),
        (0, allowed) => format!("{a} and {b} differ only where the schema allows ({}).", plural(allowed)),
        (drift, 0) => format!("{} between {a} and {b}.", plural(drift)),
        (drift, allowed) => format!("{} between {a} and {b}, besides {allowed} allowed.", plural(drift)),
    }
}

/// The environment's model as Compose prints it, secrets as placeholders.
async fn resolved(cli: &ComposeCli, env: Env<'_>) -> Result<Value, ComposeError> {
    let spec = ProjectSpec::with_placeholder_secrets(env);
    let (stdout, _) = compose::config_output(cli, &spec).await?;
    serde_json::from_slice(&stdout).map_err(|source| ComposeError::Output { project: spec.label(), source })
}

/// The differences between two resolved models; variables named in `secrets` are compared
/// by presence only.
pub fn differences(left: &Value, right: &Value, secrets: &BTreeSet<&str>) -> Vec<Difference> {
    let services = |model: &Value| model.get("services").and_then(Value::as_object).cloned().unwrap_or_default();
    let (ls, rs) = (services(left), services(right));
    let mut out = Vec::new();
    let names: BTreeSet<&String> = ls.keys().chain(rs.keys()).collect();
    for name in names {
        let push = |out: &mut Vec<Difference>, aspect, item: Option<String>, l: Option<String>, r: Option<String>| {
            if l != r {
                out.push(Difference { service: Some(name.clone()), aspect, name: item, left: l, right: r, allowed: false });
            }
        };
        let (Some(l), Some(r)) = (ls.get(name).and_then(Value::as_object), rs.get(name).and_then(Value::as_object)) else {
            let here = |side: &serde_json::Map<String, Value>| side.contains_key(name).then(|| "present".to_owned());
            push(&mut out, Aspect::Presence, None, here(&ls), here(&rs));
            continue;
        };
        push(&mut out, Aspect::Image, None, image(l), image(r));
        push(&mut out, Aspect::Ports, None, joined(ports(l)), joined(ports(r)));
        let (lv, rv) = (variables(l), variables(r));
        for var in lv.keys().chain(rv.keys()).collect::<BTreeSet<_>>() {
            let secret = secrets.contains(var.as_str());
            let value = |vars: &BTreeMap<String, Option<String>>| vars.get(var).map(|v| if secret { "set (secret)".to_owned() } else { v.clone().unwrap_or_else(|| "(from the environment)".to_owned()) });
            push(&mut out, if secret { Aspect::Secret } else { Aspect::Variable }, Some(var.clone()), value(&lv), value(&rv));
        }
        let (ls_, rs_) = (compose_secrets(l), compose_secrets(r));
        for secret in ls_.union(&rs_) {
            let has = |set: &BTreeSet<String>| set.contains(secret).then(|| "granted".to_owned());
            push(&mut out, Aspect::Secret, Some(secret.clone()), has(&ls_), has(&rs_));
        }
        push(&mut out, Aspect::Limits, None, limits(l), limits(r));
        push(&mut out, Aspect::Reservations, None, reservations(l), reservations(r));
        push(&mut out, Aspect::Gpu, None, gpu(l), gpu(r));
        push(&mut out, Aspect::Healthcheck, None, healthcheck(l), healthcheck(r));
        push(&mut out, Aspect::Profiles, None, joined(strings(l.get("profiles"))), joined(strings(r.get("profiles"))));
        push(&mut out, Aspect::Replicas, None, replicas(l), replicas(r));
        push(&mut out, Aspect::Volumes, None, joined(mounts(l)), joined(mounts(r)));
    }
    let volumes = |model: &Value| model.get("volumes").and_then(Value::as_object).map(|v| v.keys().cloned().collect::<BTreeSet<_>>()).unwrap_or_default();
    let (lvol, rvol) = (volumes(left), volumes(right));
    for volume in lvol.union(&rvol) {
        let has = |set: &BTreeSet<String>| set.contains(volume).then(|| "present".to_owned());
        if has(&lvol) != has(&rvol) {
            out.push(Difference { service: None, aspect: Aspect::NamedVolume, name: Some(volume.clone()), left: has(&lvol), right: has(&rvol), allowed: false });
        }
    }
    out
}

/// A list as one comparable line; none when empty.
fn joined(items: Vec<String>) -> Option<String> {
    (!items.is_empty()).then(|| items.join(", "))
}

fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn strings(value: Option<&Value>) -> Vec<String> {
    let mut items: Vec<String> = value.and_then(Value::as_array).map(|a| a.iter().filter_map(|v| text(Some(v))).collect()).unwrap_or_default();
    items.sort();
    items
}

fn image(service: &serde_json::Map<String, Value>) -> Option<String> {
    match (text(service.get("image")), service.get("build")) {
        (Some(image), Some(_)) => Some(format!("{image} (built here)")),
        (Some(image), None) => Some(image),
        (None, Some(build)) => Some(format!("built from {}", text(build.get("context")).unwrap_or_else(|| ".".into()))),
        (None, None) => None,
    }
}

fn ports(service: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut ports: Vec<String> = service
        .get("ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|p| {
            let host = [text(p.get("host_ip")).filter(|h| !h.is_empty()), text(p.get("published"))].into_iter().flatten().collect::<Vec<_>>().join(":");
            let protocol = text(p.get("protocol")).filter(|p| p != "tcp").map(|p| format!("/{p}")).unwrap_or_default();
            format!("{}{}{protocol}", if host.is_empty() { String::new() } else { format!("{host}→") }, text(p.get("target")).unwrap_or_default())
        })
        .collect();
    ports.sort();
    ports
}

/// `environment:` as Compose prints it: a map, a value or null (taken from the shell).
fn variables(service: &serde_json::Map<String, Value>) -> BTreeMap<String, Option<String>> {
    service.get("environment").and_then(Value::as_object).map(|vars| vars.iter().map(|(k, v)| (k.clone(), text(Some(v)))).collect()).unwrap_or_default()
}

/// Compose `secrets:` a service is granted, by name.
fn compose_secrets(service: &serde_json::Map<String, Value>) -> BTreeSet<String> {
    service
        .get("secrets")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| text(s.get("source")).or_else(|| text(Some(s))))
        .collect()
}

/// Bytes as a person reads them, when Compose printed a byte count.
fn size(value: Option<&Value>) -> Option<String> {
    let raw = text(value)?;
    Some(raw.parse::<u64>().map(|n| crate::schema::ByteSize(n).to_string()).unwrap_or(raw))
}

fn described(parts: Vec<(&str, Option<String>)>) -> Option<String> {
    joined(parts.into_iter().filter_map(|(what, value)| value.map(|v| format!("{what} {v}"))).collect())
}

fn limits(service: &serde_json::Map<String, Value>) -> Option<String> {
    let limits = service.get("deploy").and_then(|d| d.pointer("/resources/limits"));
    described(vec![
        ("memory", size(limits.and_then(|l| l.get("memory"))).or_else(|| size(service.get("mem_limit")))),
        ("cpus", text(limits.and_then(|l| l.get("cpus"))).or_else(|| text(service.get("cpus")))),
        ("pids", text(limits.and_then(|l| l.get("pids"))).or_else(|| text(service.get("pids_limit")))),
    ])
}

fn reservations(service: &serde_json::Map<String, Value>) -> Option<String> {
    let reservations = service.get("deploy").and_then(|d| d.pointer("/resources/reservations"));
    described(vec![
        ("memory", size(reservations.and_then(|r| r.get("memory"))).or_else(|| size(service.get("mem_reservation")))),
        ("cpus", text(reservations.and_then(|r| r.get("cpus")))),
    ])
}

/// The service's GPU requests, read as everywhere else ([`GpuNeed::of_service`] on the typed
/// model): how many and where they are written.
fn gpu(service: &serde_json::Map<String, Value>) -> Option<String> {
    let typed: compose::Service = serde_json::from_value(Value::Object(service.clone())).ok()?;
    joined(GpuNeed::of_service("", &typed).iter().map(|need| format!("{} ({})", need.amount(), need.source.describe())).collect())
}

fn healthcheck(service: &serde_json::Map<String, Value>) -> Option<String> {
    let check = service.get("healthcheck")?;
    if check.get("disable").and_then(Value::as_bool) == Some(true) {
        return Some("disabled".into());
    }
    described(vec![
        ("test", joined(strings(check.get("test")).into_iter().collect()).map(|t| t.replace(", ", " "))),
        ("interval", text(check.get("interval"))),
        ("timeout", text(check.get("timeout"))),
        ("retries", text(check.get("retries"))),
        ("start_period", text(check.get("start_period"))),
    ])
}

fn replicas(service: &serde_json::Map<String, Value>) -> Option<String> {
    text(service.get("deploy").and_then(|d| d.get("replicas"))).or_else(|| text(service.get("scale")))
}

fn mounts(service: &serde_json::Map<String, Value>) -> Vec<String> {
    let mut mounts: Vec<String> = service
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|m| {
            let read_only = if m.get("read_only").and_then(Value::as_bool) == Some(true) { " (read-only)" } else { "" };
            format!("{} {}→{}{read_only}", text(m.get("type")).unwrap_or_default(), text(m.get("source")).unwrap_or_default(), text(m.get("target")).unwrap_or_default())
        })
        .collect();
    mounts.sort();
    mounts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(json: &str) -> Value {
        serde_json::from_str(json).expect("JSON")
    }

    #[test]
    fn every_aspect_that_differs_is_named_and_secrets_show_no_value() {
        let left = model(r#"{"services":{
            "api":{"image":"shop/api:1.2","ports":[{"target":8080,"published":"8080","protocol":"tcp"}],
                   "environment":{"LOG_LEVEL":"debug","DB_PASSWORD":"placeholder-a"},
                   "deploy":{"resources":{"limits":{"memory":"2147483648","cpus":"1"}}},
                   "healthcheck":{"test":["CMD","true"],"interval":"10s"},"volumes":[{"type":"volume","source":"data","target":"/data"}]},
            "debug":{"image":"busybox"}},
            "volumes":{"data":{}}}"#);
        let right = model(r#"{"services":{
            "api":{"image":"shop/api:1.3","ports":[{"target":8080,"published":"80","protocol":"tcp"}],
                   "environment":{"LOG_LEVEL":"info","DB_PASSWORD":"placeholder-b"},
                   "deploy":{"replicas":3,"resources":{"limits":{"memory":"4294967296","cpus":"2"},"reservations":{"devices":[{"capabilities":["gpu"],"driver":"nvidia","count":-1}]}}},
                   "healthcheck":{"test":["CMD","true"],"interval":"10s"},"volumes":[{"type":"volume","source":"data","target":"/data"}]}},
            "volumes":{"data":{},"backups":{}}}"#);
        let secrets = BTreeSet::from(["DB_PASSWORD"]);
        let found = differences(&left, &right, &secrets);
        let aspects: Vec<(Option<&str>, Aspect)> = found.iter().map(|d| (d.service.as_deref(), d.aspect)).collect();
        assert_eq!(
            aspects,
            [
                (Some("api"), Aspect::Image),
                (Some("api"), Aspect::Ports),
                (Some("api"), Aspect::Variable),
                (Some("api"), Aspect::Limits),
                (Some("api"), Aspect::Gpu),
                (Some("api"), Aspect::Replicas),
                (Some("debug"), Aspect::Presence),
                (None, Aspect::NamedVolume),
            ]
        );
        let limits = &found[3];
        assert_eq!((limits.left.as_deref(), limits.right.as_deref()), (Some("memory 2GiB, cpus 1"), Some("memory 4GiB, cpus 2")));
        assert_eq!(found[1].right.as_deref(), Some("80→8080"));
        assert!(!format!("{found:?}").contains("placeholder"), "a secret's value never shows: {found:?}");
        assert_eq!(found[6].left.as_deref(), Some("present"));
        assert_eq!(found[6].right, None);
    }

    #[test]
    fn the_same_model_has_no_difference_and_rules_allow_by_pair_aspect_and_service() {
        let m = model(r#"{"services":{"api":{"image":"x","environment":{"A":"1"}}}}"#);
        assert!(differences(&m, &m, &BTreeSet::new()).is_empty());
        let rules = DriftRules { allow: vec![AllowedDrift { between: ["staging".into(), "production".into()], aspects: vec![Aspect::Limits], services: vec!["api".into()] }] };
        assert!(rules.allows("production", "staging", Some("api"), Aspect::Limits));
        assert!(!rules.allows("production", "staging", Some("web"), Aspect::Limits));
        assert!(!rules.allows("production", "staging", Some("api"), Aspect::Image));
        assert!(!rules.allows("dev", "staging", Some("api"), Aspect::Limits));
    }
}
