//! The JSON Schema for editors (docs/environment_schema.json) agrees with the loader.

use crate::support::configs_dir;

fn validator() -> jsonschema::Validator {
    let path = configs_dir().join("../docs/environment_schema.json");
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).expect("JSON Schema")).expect("JSON");
    jsonschema::draft7::new(&schema).expect("a valid draft-07 schema")
}

fn as_json(yaml: &str) -> serde_json::Value {
    serde_yaml::from_str(yaml).expect("YAML")
}

#[test]
fn the_default_schema_validates_against_the_editor_schema() {
    let text = std::fs::read_to_string(configs_dir().join("environment_schema.yaml")).expect("schema");
    let errors: Vec<String> = validator().iter_errors(&as_json(&text)).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn the_editor_schema_rejects_what_the_loader_rejects() {
    let validator = validator();
    let base = "version: 1\nproject: demo\nsecrets:\n  DB: { length: 32 }\nenvironments:\n  dev:\n    title: Dev\n    compose: [a.yml]\n    requires: { memory: 2GiB }\n    timeout: 5m\n";
    assert!(validator.is_valid(&as_json(base)));
    for (from, to) in [
        ("title: Dev", "titel: Dev"),
        ("memory: 2GiB", "memory: 2 gigs"),
        ("timeout: 5m", "timeout: 5 minutes"),
        ("version: 1", "version: 2"),
        ("compose: [a.yml]", "compose: a.yml"),
        ("{ length: 32 }", "{ length: 32, bytes: 16 }"),
        ("  dev:", "  Dev Env:"),
    ] {
        let broken = base.replacen(from, to, 1);
        assert!(!validator.is_valid(&as_json(&broken)), "editor schema accepted `{to}`");
    }
}
