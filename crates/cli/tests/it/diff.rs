//! `stackpilot diff` and `stackpilot guide`, from Compose's resolved models.

use crate::support::{configs_dir, stackpilot, stderr, stdout};

/// Two environments of one base with an override that changes what drift looks like.
fn drifting_workspace(allow: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).expect(name);
    write(
        "stackpilot.yaml",
        &format!(
            "version: 1\nproject: drift\nsecrets:\n  DB_PASSWORD: {{ length: 24, description: the database's password }}\nenvironments:\n  staging:\n    title: Staging\n    compose: [base.yml]\n  production:\n    title: Production\n    compose: [base.yml, production.yml]\n{allow}"
        ),
    );
    write(
        "base.yml",
        "services:\n  api:\n    image: shop/api:1.2\n    ports: [\"8080:8080\"]\n    environment:\n      LOG_LEVEL: debug\n      DB_PASSWORD: ${DB_PASSWORD}\n    deploy:\n      resources:\n        limits: { memory: 1g }\n  debug:\n    image: busybox\n    profiles: [tools]\n  db:\n    image: postgres:16\n    volumes: [\"data:/var/lib/postgresql/data\"]\nvolumes:\n  data: {}\n",
    );
    write("production.yml", "services:\n  api:\n    image: shop/api:1.3\n    environment:\n      LOG_LEVEL: info\n    deploy:\n      resources:\n        limits: { memory: 4g }\n");
    dir
}

#[test]
fn diff_names_every_difference_by_service_and_exits_1() {
    let dir = drifting_workspace("");
    let out = stackpilot(dir.path(), &["diff", "staging", "production", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", stdout(&out), stderr(&out)));
    assert_eq!(report["version"], 1);
    assert_eq!(report["equal"], false);
    let found: Vec<(String, String, String, String)> = report["differences"]
        .as_array()
        .expect("differences")
        .iter()
        .map(|d| {
            let s = |k: &str| d[k].as_str().unwrap_or("-").to_owned();
            (s("service"), s("aspect"), s("left"), s("right"))
        })
        .collect();
    assert_eq!(
        found,
        [
            ("api".into(), "image".into(), "shop/api:1.2".into(), "shop/api:1.3".into()),
            ("api".into(), "variable".into(), "debug".into(), "info".into()),
            ("api".into(), "limits".into(), "memory 1GiB".into(), "memory 4GiB".into()),
        ],
        "{report}"
    );
    assert!(!stdout(&out).contains("placeholder"), "no secret value, not even a placeholder");
    // The text groups by service and says how many.
    let text = stackpilot(dir.path(), &["diff", "staging", "production"]);
    let text = stdout(&text);
    assert!(text.contains("api") && text.contains("shop/api:1.2  →  shop/api:1.3") && text.contains("3 differences between staging and production"), "{text}");
    // The same environment twice: equal, exit 0.
    let same = stackpilot(dir.path(), &["diff", "staging", "staging"]);
    assert_eq!(same.status.code(), Some(0), "{}", stdout(&same));
    assert!(stdout(&same).contains("are the same"));
}

#[test]
fn differences_the_schema_allows_pass_and_an_unknown_environment_in_the_rule_is_refused() {
    let dir = drifting_workspace("drift:\n  allow:\n    - between: [production, staging]\n      aspects: [image, variable, limits]\n      services: [api]\n");
    let out = stackpilot(dir.path(), &["diff", "staging", "production"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("differ only where the schema allows (3 differences)"), "{}", stdout(&out));
    let broken = drifting_workspace("drift:\n  allow:\n    - between: [staging, prod]\n      aspects: [limits]\n");
    let out = stackpilot(broken.path(), &["diff", "staging", "production"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`prod` is not an environment") && stderr(&out).contains("stackpilot.yaml:"), "{}", stderr(&out));
}

#[test]
fn configs_staging_and_production_are_compared_and_the_committed_guide_is_current() {
    let configs = configs_dir();
    let out = stackpilot(&configs, &["diff", "staging", "production", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stderr(&out)));
    assert_eq!(out.status.code(), Some(if report["equal"] == true { 0 } else { 1 }));
    let guide = stackpilot(&configs, &["guide"]);
    assert!(guide.status.success(), "{}", stderr(&guide));
    let committed = std::fs::read_to_string(configs.join("../docs/environments.md")).expect("docs/environments.md");
    assert!(
        stdout(&guide) == committed,
        "docs/environments.md is out of date: run `cargo run -p stackpilot-cli -- --workspace configs guide -o docs/environments.md`"
    );
}

#[test]
fn the_guide_has_every_environment_its_services_and_secret_names_but_no_value() {
    let dir = drifting_workspace("");
    let out = stackpilot(dir.path(), &["guide"]);
    let guide = stdout(&out);
    assert!(guide.starts_with("# Environments of drift"), "{guide}");
    assert!(guide.contains("| [`staging`](#staging--staging)") && guide.contains("## Production — `production`"), "{guide}");
    assert!(guide.contains("Start it: `stackpilot up production`"), "{guide}");
    assert!(guide.contains("| `api` | `shop/api:1.3` | 8080 |"), "{guide}");
    assert!(guide.contains("- `DB_PASSWORD`: the database's password"), "{guide}");
    assert!(!guide.contains("placeholder"), "{guide}");
    let file = dir.path().join("guide.md");
    let written = stackpilot(dir.path(), &["guide", "-o", file.to_str().expect("path")]);
    assert!(written.status.success());
    assert_eq!(std::fs::read_to_string(file).expect("written"), guide);
}
