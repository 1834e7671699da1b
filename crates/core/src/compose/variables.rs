//! `docker compose config --variables --format json`: the variables a project reads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ComposeCli, ComposeError, ProjectSpec};

/// One variable the Compose files reference.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ComposeVariable {
    /// Its name.
    pub name: String,
    /// The default written in the file (`${X:-default}`), empty when none.
    #[serde(default)]
    pub default_value: String,
    /// The value used when set (`${X:+value}`).
    #[serde(default)]
    pub presence_value: String,
    /// Whether the file demands a value (`${X:?message}`).
    #[serde(default)]
    pub required: bool,
}

/// Asks Compose which variables the project's files reference.
pub async fn variables(cli: &ComposeCli, spec: &ProjectSpec) -> Result<BTreeMap<String, ComposeVariable>, ComposeError> {
    let (output, _) = super::config::run(cli, spec, &["config", "--variables", "--format", "json"]).await?;
    serde_json::from_slice(&output).map_err(|source| ComposeError::Output { project: spec.label(), source })
}
