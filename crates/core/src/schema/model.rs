//! The environment schema, version 1, as typed Rust.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize};

use super::{ByteSize, OrderedMap, Timeout};

/// The whole schema file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Format version; this Stackpilot reads version 1.
    pub version: u32,
    /// Project name; the Compose project of an environment is `<project>-<env>`.
    pub project: String,
    /// Non-secret variables every environment gets.
    #[serde(default)]
    pub variables: OrderedMap<Scalar>,
    /// Secrets Stackpilot generates and keeps in the OS keychain.
    #[serde(default)]
    pub secrets: OrderedMap<SecretRule>,
    /// The environments, in the order the file lists them.
    pub environments: OrderedMap<Environment>,
    /// Differences between environments that are intended (`stackpilot diff`).
    #[serde(default)]
    pub drift: crate::drift::DriftRules,
    /// Environments that cannot be used as written (a Compose file that does not
    /// exist), each with the problem at its line; the others work.
    #[serde(skip)]
    pub unavailable: Vec<(String, super::SchemaIssue)>,
}

/// One environment of the stack.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// Short name shown on cards, e.g. "Development".
    pub title: String,
    /// A sentence on what the environment is for.
    #[serde(default)]
    pub description: Option<String>,
    /// Compose files, relative to the schema file, in override order.
    pub compose: Vec<String>,
    /// The Compose project name; default `<project>-<env>`. An adopted project keeps the
    /// name `docker compose` used in its folder, so its volumes and networks stay its own.
    #[serde(default)]
    pub project_name: Option<String>,
    /// Compose profiles to activate.
    #[serde(default)]
    pub profiles: Vec<String>,
    /// What the workstation needs.
    #[serde(default)]
    pub requires: Requirements,
    /// Non-secret variables for this environment (override the shared ones).
    #[serde(default)]
    pub variables: OrderedMap<Scalar>,
    /// Which secrets the environment uses.
    #[serde(default)]
    pub secrets: SecretSelection,
    /// Per-service settings rendered into a generated Compose override.
    #[serde(default)]
    pub services: OrderedMap<ServiceSettings>,
    /// Services that must be ready; default: every service with a healthcheck.
    #[serde(default)]
    pub wait_for: Option<Vec<String>>,
    /// How long a start may take before it is reported as timed out.
    #[serde(default)]
    pub timeout: Option<Timeout>,
    /// Links shown once the environment is ready; `${VAR:-default}` is expanded.
    #[serde(default)]
    pub urls: OrderedMap<String>,
}

/// What the workstation needs for an environment.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Requirements {
    /// An NVIDIA GPU with a driver and the container runtime. When left out, the
    /// services' own GPU requests in the Compose files decide; `true` or `false`
    /// overrides them.
    #[serde(default)]
    pub gpu: Option<bool>,
    /// Memory the stack needs.
    #[serde(default)]
    pub memory: Option<ByteSize>,
    /// Free disk space on Docker's data root.
    #[serde(default)]
    pub disk: Option<ByteSize>,
}

/// Settings for one service, rendered into the generated override.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceSettings {
    /// Memory limit.
    #[serde(default)]
    pub memory: Option<ByteSize>,
    /// CPU limit.
    #[serde(default)]
    pub cpus: Option<f64>,
    /// Number of containers.
    #[serde(default)]
    pub replicas: Option<u32>,
}

/// A rule for generating one secret.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRule {
    /// Number of characters drawn from `charset` or `alphabet`.
    #[serde(default)]
    pub length: Option<u32>,
    /// Named character set for `length`.
    #[serde(default)]
    pub charset: Option<Charset>,
    /// Custom characters for `length`, instead of `charset`.
    #[serde(default)]
    pub alphabet: Option<String>,
    /// Number of random bytes, written with `encoding`.
    #[serde(default)]
    pub bytes: Option<u32>,
    /// Encoding of `bytes`.
    #[serde(default)]
    pub encoding: Option<Encoding>,
    /// Text put before the generated part, e.g. `sk-`.
    #[serde(default)]
    pub prefix: Option<String>,
    /// Shared by every environment, or one value per environment (default).
    #[serde(default)]
    pub scope: SecretScope,
    /// What the secret is for.
    #[serde(default)]
    pub description: Option<String>,
}

/// Named character sets for generated secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Charset {
    /// `A-Z a-z 0-9`
    Alphanumeric,
    /// `0-9 a-f`
    Hex,
    /// `A-Z a-z 0-9 - _`
    Base64url,
}

/// Encodings for random bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Encoding {
    /// Lowercase hexadecimal.
    Hex,
    /// Standard base64 with padding.
    Base64,
    /// URL-safe base64 without padding.
    Base64url,
}

/// Whether a secret has one value for all environments or one each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SecretScope {
    /// One value per environment.
    #[default]
    Environment,
    /// One value shared by every environment of the project.
    Shared,
}

/// The secrets an environment uses: `all` or a list of names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub enum SecretSelection {
    /// Every secret the schema defines.
    #[default]
    All,
    /// Only these.
    Names(Vec<String>),
}

impl<'de> Deserialize<'de> for SecretSelection {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = SecretSelection;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`all` or a list of secret names")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                match v {
                    "all" => Ok(SecretSelection::All),
                    other => Err(E::custom(format!(
                        "`{other}` is not a secret selection; write `all` or a list such as [POSTGRES_PASSWORD]"
                    ))),
                }
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut names = Vec::new();
                while let Some(name) = seq.next_element::<String>()? {
                    names.push(name);
                }
                Ok(SecretSelection::Names(names))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// A variable's value: YAML strings, numbers and booleans, kept as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Scalar(pub String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}
