//! The environment schema (version 1): model, strict loader, and errors with positions.

mod duration;
pub mod limits;
mod error;
mod load;
mod locate;
mod model;
mod ordered_map;
mod secret_rule;
mod size;
mod unit_text;

pub use duration::{Timeout, MAX_DURATION};
pub use error::{SchemaError, SchemaIssue};
pub use load::{is_name, is_variable_name, load, parse, SCHEMA_VERSION};
pub use locate::{locate, Position};
pub use model::{
    Charset, Encoding, Environment, Requirements, Scalar, Schema, SecretRule, SecretScope, SecretSelection,
    ServiceSettings,
};
pub use ordered_map::OrderedMap;
pub use secret_rule::{charset_alphabet, SecretFormat, MIN_ENTROPY_BITS};
pub use size::ByteSize;

impl Schema {
    /// The Compose project name of an environment: its `project_name`, else `<project>-<env>`.
    pub fn compose_project(&self, environment: &str) -> String {
        self.environments
            .get(environment)
            .and_then(|e| e.project_name.clone())
            .unwrap_or_else(|| format!("{}-{environment}", self.project))
    }

    /// The problems that make an environment unusable (none for a usable one).
    pub fn problems_of<'a>(&'a self, environment: &'a str) -> impl Iterator<Item = &'a SchemaIssue> + 'a {
        self.unavailable.iter().filter(move |(env, _)| env == environment).map(|(_, issue)| issue)
    }

    /// Names of the secrets an environment uses, in schema order.
    pub fn secret_names<'a>(&'a self, environment: &'a Environment) -> Vec<&'a str> {
        match &environment.secrets {
            SecretSelection::All => self.secrets.keys().collect(),
            SecretSelection::Names(names) => names.iter().map(String::as_str).collect(),
        }
    }

    /// Non-secret variables of an environment: shared ones, overridden by its own.
    pub fn variables_for(&self, environment: &Environment) -> Vec<(String, String)> {
        let mut merged: Vec<(String, String)> =
            self.variables.iter().map(|(k, v)| (k.to_owned(), v.0.clone())).collect();
        for (key, value) in environment.variables.iter() {
            match merged.iter_mut().find(|(k, _)| k == key) {
                Some(slot) => slot.1 = value.0.clone(),
                None => merged.push((key.to_owned(), value.0.clone())),
            }
        }
        merged
    }
}
