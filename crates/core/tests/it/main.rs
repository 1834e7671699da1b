//! Integration tests of stackpilot-core: real files, the real Compose CLI.

mod adopt;
mod compose_config;
mod corpus;
mod corpus_fidelity;
mod dotenv_vectors;
mod hostile_schemas;
mod json_schema;
mod schema_errors;
mod support;
mod workspace;
