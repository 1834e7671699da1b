//! A table of malformed schemas: each gives its own error, at the right place, with a hint.

use stackpilot_core::schema::{self, SchemaError};

use crate::support::workspace_with;

const VALID: &str = "\
version: 1
project: demo
secrets:
  DB_PASSWORD: { length: 32 }
environments:
  dev:
    title: Development
    compose: [docker-compose.yml]
    requires: { gpu: false, memory: 2GiB }
    secrets: [DB_PASSWORD]
    timeout: 5m
";

struct Case {
    name: &'static str,
    text: String,
    key_path: &'static str,
    line: usize,
    message: &'static str,
    hint: &'static str,
}

fn replaced(from: &str, to: &str) -> String {
    assert!(VALID.contains(from), "case base text must contain {from:?}");
    VALID.replacen(from, to, 1)
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "yaml syntax: unclosed flow sequence",
            text: replaced("compose: [docker-compose.yml]", "compose: [docker-compose.yml"),
            key_path: "environments.dev.compose",
            line: 9,
            message: "did not find expected",
            hint: "YAML syntax error",
        },
        Case {
            name: "tab used for indentation",
            text: replaced("    title: Development", "\ttitle: Development"),
            key_path: "environments.dev",
            line: 7,
            message: "",
            hint: "tabs",
        },
        Case {
            name: "duplicate top-level key",
            text: replaced("project: demo\n", "project: demo\nproject: other\n"),
            key_path: "",
            line: 3,
            message: "duplicate field `project`",
            hint: "remove one",
        },
        Case {
            name: "duplicate environment",
            text: format!("{VALID}  dev:\n    title: Again\n    compose: [docker-compose.yml]\n"),
            key_path: "environments",
            line: 12,
            message: "`dev` is defined twice",
            hint: "remove one",
        },
        Case {
            name: "unknown top-level key",
            text: format!("{VALID}enviroment: {{}}\n"),
            key_path: "enviroment",
            line: 12,
            message: "unknown field `enviroment`",
            hint: "spelling",
        },
        Case {
            name: "unknown key in requires",
            text: replaced("requires: { gpu: false, memory: 2GiB }", "requires: { gpus: 1, memory: 2GiB }"),
            key_path: "environments.dev.requires.gpus",
            line: 9,
            message: "unknown field `gpus`",
            hint: "spelling",
        },
        Case {
            name: "wrong type: version is text",
            text: replaced("version: 1", "version: one"),
            key_path: "version",
            line: 1,
            message: "invalid type: string \"one\"",
            hint: "type",
        },
        Case {
            name: "wrong type: compose is not a list",
            text: replaced("compose: [docker-compose.yml]", "compose: docker-compose.yml"),
            key_path: "environments.dev.compose",
            line: 8,
            message: "expected a sequence",
            hint: "type",
        },
        Case {
            name: "wrong type: gpu is text",
            text: replaced("gpu: false", "gpu: \"no\""),
            key_path: "environments.dev.requires.gpu",
            line: 9,
            message: "expected a boolean",
            hint: "type",
        },
        Case {
            name: "bad size unit",
            text: replaced("memory: 2GiB", "memory: 2 gigs"),
            key_path: "environments.dev.requires.memory",
            line: 9,
            message: "`gigs` in `2 gigs` is not a size unit",
            hint: "",
        },
        Case {
            name: "size without unit",
            text: replaced("memory: 2GiB", "memory: 2048"),
            key_path: "environments.dev.requires.memory",
            line: 9,
            message: "`2048` has no unit",
            hint: "",
        },
        Case {
            name: "bad duration unit",
            text: replaced("timeout: 5m", "timeout: 5 minutes"),
            key_path: "environments.dev.timeout",
            line: 11,
            message: "is not a duration unit",
            hint: "",
        },
        Case {
            name: "duration without unit",
            text: replaced("timeout: 5m", "timeout: 300"),
            key_path: "environments.dev.timeout",
            line: 11,
            message: "`300` has no unit",
            hint: "",
        },
        Case {
            name: "service name that would inject YAML into the generated override",
            text: replaced("timeout: 5m", "timeout: 5m\n    services:\n      \"web:\\n    privileged: true\\n  x\": { memory: 1GB }"),
            key_path: "environments.dev.services.web:\n    privileged: true\n  x",
            line: 0,
            message: "cannot be a Compose service name",
            hint: "letters, digits",
        },
        Case {
            name: "unknown secret",
            text: replaced("secrets: [DB_PASSWORD]", "secrets: [DB_PASSWORD, API_KEY]"),
            key_path: "environments.dev.secrets[1]",
            line: 10,
            message: "secret `API_KEY` is not defined",
            hint: "DB_PASSWORD",
        },
        Case {
            name: "empty environments",
            text: "version: 1\nproject: demo\nenvironments: {}\n".into(),
            key_path: "environments",
            line: 3,
            message: "no environments are defined",
            hint: "add at least one",
        },
        Case {
            name: "empty file",
            text: "\n# nothing here\n".into(),
            key_path: "",
            line: 0,
            message: "the file is empty",
            hint: "docs/schema.md",
        },
        Case {
            name: "missing title",
            text: replaced("    title: Development\n", ""),
            key_path: "environments.dev",
            line: 7,
            message: "missing field `title`",
            hint: "add the missing key",
        },
        Case {
            name: "unsupported version",
            text: replaced("version: 1", "version: 2"),
            key_path: "version",
            line: 1,
            message: "schema version 2 is not supported",
            hint: "version: 1",
        },
        Case {
            name: "weak secret rule",
            text: replaced("DB_PASSWORD: { length: 32 }", "DB_PASSWORD: { length: 4 }"),
            key_path: "secrets.DB_PASSWORD",
            line: 4,
            message: "bits of entropy",
            hint: "",
        },
        Case {
            name: "invalid environment name",
            text: replaced("  dev:\n", "  Dev Env:\n"),
            key_path: "environments.Dev Env",
            line: 6,
            message: "cannot be an environment name",
            hint: "lowercase",
        },
        Case {
            name: "unknown charset",
            text: replaced("{ length: 32 }", "{ length: 32, charset: emoji }"),
            key_path: "secrets.DB_PASSWORD.charset",
            line: 4,
            message: "unknown variant `emoji`",
            hint: "one of the values",
        },
    ]
}

#[test]
fn every_malformed_schema_gets_its_own_positioned_error() {
    let cases = cases();
    assert!(cases.len() >= 15);
    let mut failures = Vec::new();
    for case in &cases {
        let (_dir, path) = workspace_with(&case.text);
        let issues = match schema::load(&path) {
            Ok(_) => {
                failures.push(format!("{}: was accepted", case.name));
                continue;
            }
            Err(SchemaError::Invalid(issues)) => issues,
            Err(other) => {
                failures.push(format!("{}: unexpected error {other}", case.name));
                continue;
            }
        };
        let issue = &issues[0];
        let line = issue.position.map(|p| p.line).unwrap_or(0);
        let hint = issue.hint.clone().unwrap_or_default();
        let ok = issue.file == path
            && issue.key_path == case.key_path
            && (case.line == 0 || line == case.line)
            && issue.message.contains(case.message)
            && hint.contains(case.hint);
        if !ok {
            failures.push(format!(
                "{}: got {}:{} key `{}` message {:?} hint {:?}",
                case.name, path.display(), line, issue.key_path, issue.message, hint
            ));
        }
    }
    assert!(failures.is_empty(), "{} case(s) wrong:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn the_valid_base_is_accepted() {
    let (_dir, path) = workspace_with(VALID);
    let schema = schema::load(&path).expect("valid");
    assert_eq!(schema.environments.keys().collect::<Vec<_>>(), ["dev"]);
}

#[test]
fn an_error_prints_as_file_line_column_and_key_path() {
    let (_dir, path) = workspace_with(&replaced("memory: 2GiB", "memory: 2 gigs"));
    let error = schema::load(&path).expect_err("invalid");
    let text = error.to_string();
    let expected = format!("{}:9:", path.display());
    assert!(text.starts_with(&expected), "{text}");
    assert!(text.contains("environments.dev.requires.memory"), "{text}");
    assert!(text.contains("\n  hint: "), "{text}");
}

#[test]
fn semantic_errors_are_all_reported_together() {
    let text = replaced("secrets: [DB_PASSWORD]", "secrets: [NOPE]\n    variables: { 1BAD: x }");
    let (_dir, path) = workspace_with(&text);
    let error = schema::load(&path).expect_err("invalid");
    let paths: Vec<&str> = error.issues().iter().map(|i| i.key_path.as_str()).collect();
    assert_eq!(paths, ["environments.dev.secrets[0]", "environments.dev.variables.1BAD"]);
}

#[test]
fn a_missing_compose_file_makes_only_its_environment_unusable() {
    let text = format!(
        "{VALID}  broken:\n    title: Broken\n    compose: [docker-compose.yml, missing.override.yml]\n"
    );
    let (_dir, path) = workspace_with(&text);
    let schema = schema::load(&path).expect("the workspace still opens");
    assert_eq!(schema.environments.keys().collect::<Vec<_>>(), ["dev", "broken"]);
    assert_eq!(schema.problems_of("dev").count(), 0);
    let problems: Vec<_> = schema.problems_of("broken").collect();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].key_path, "environments.broken.compose[1]");
    assert_eq!(problems[0].position.map(|p| p.line), Some(14));
    assert!(problems[0].message.contains("`missing.override.yml` does not exist"), "{}", problems[0].message);
}

#[test]
fn variables_keep_the_text_as_written() {
    let text = format!("{VALID}    variables: {{ VERSION: 08.10, FLAG: True, QUOTED: \"007\" }}\nvariables:\n  SHARED: 1e3\n");
    let (_dir, path) = workspace_with(&text);
    let schema = schema::load(&path).expect("valid");
    let dev = schema.environments.get("dev").expect("dev");
    let value = |k: &str| dev.variables.get(k).map(|v| v.0.clone());
    assert_eq!(value("VERSION").as_deref(), Some("08.10"));
    assert_eq!(value("FLAG").as_deref(), Some("True"));
    assert_eq!(value("QUOTED").as_deref(), Some("007"));
    assert_eq!(schema.variables.get("SHARED").map(|v| v.0.as_str()), Some("1e3"));
}

#[test]
fn two_environments_that_would_share_a_compose_project_are_refused_at_the_line() {
    let text = format!("{VALID}    project_name: shared\n  other:\n    title: Other\n    compose: [docker-compose.yml]\n    project_name: shared\n");
    let (_dir, path) = workspace_with(&text);
    let error = schema::load(&path).expect_err("refused");
    let issue = &error.issues()[0];
    assert_eq!(issue.key_path, "environments.other.project_name");
    assert_eq!(issue.position.map(|p| p.line), Some(16));
    assert!(issue.message.contains("`shared`, which dev uses too"), "{}", issue.message);
}
