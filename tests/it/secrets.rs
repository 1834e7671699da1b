//! Secrets in the real keychain (gnome-keyring in the test's D-Bus session), and the
//! guarantee that no value ever lands in a file or a command line.

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
    time::Duration,
};

use base64::{engine::general_purpose, Engine as _};
use stackpilot_core::{
    compose::{self, ComposeCli, DownOptions, ProjectSpec, UpOptions},
    secrets::{SecretStore, Sensitive},
    Workspace,
};

use crate::support::{busybox_image, BUSYBOX_IMAGE};

/// A workspace with three secrets and one service that needs them in its environment.
fn workspace(tag: &str) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("tempdir");
    let project = format!("spsec{}{tag}", std::process::id());
    std::fs::write(
        dir.path().join("stackpilot.yaml"),
        format!(
            "version: 1\nproject: {project}\nsecrets:\n  DB_PASSWORD: {{ length: 32, charset: alphanumeric }}\n  API_KEY: {{ bytes: 24, encoding: hex, prefix: \"sk-\" }}\n  LEGACY_TOKEN: {{ length: 40 }}\nenvironments:\n  web:\n    title: Web\n    compose: [docker-compose.yml]\n  other:\n    title: Other\n    compose: [docker-compose.yml]\n    secrets: [DB_PASSWORD]\n"
        ),
    )
    .expect("schema");
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        format!(
            "services:\n  app:\n    image: {BUSYBOX_IMAGE}\n    command: [\"sh\", \"-c\", \"test -n \\\"$$DB_PASSWORD\\\" && exec httpd -f -p 8080\"]\n    environment:\n      DB_PASSWORD: ${{DB_PASSWORD:?}}\n      API_KEY: ${{API_KEY:?}}\n      LEGACY_TOKEN: ${{LEGACY_TOKEN:?}}\n    healthcheck:\n      test: [\"CMD-SHELL\", \"test -n \\\"$$API_KEY\\\"\"]\n      interval: 1s\n      retries: 20\n"
        ),
    )
    .expect("compose");
    let workspace = Workspace::open(dir.path()).expect("valid");
    (dir, workspace)
}

fn stackpilot(dir: &Path, args: &[&str]) -> Output {
    Command::new(crate::support::built_binary("stackpilot"))
        .args(args)
        .arg("--workspace")
        .arg(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("stackpilot runs")
}

#[test]
fn generate_reads_back_rotates_and_deletes_without_collisions() {
    let (_dir, workspace) = workspace("a");
    let store = SecretStore::open(&workspace).expect("keychain");
    let generated = store.generate_missing("web").expect("generate");
    assert_eq!(generated.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(), ["DB_PASSWORD", "API_KEY", "LEGACY_TOKEN"]);
    assert!(store.generate_missing("web").expect("again").is_empty(), "a second generate changes nothing");
    let db = store.reveal("web", "DB_PASSWORD").expect("reveal");
    assert_eq!(db.expose().len(), 32);
    assert!(db.expose().chars().all(|c| c.is_ascii_alphanumeric()));
    let key = store.reveal("web", "API_KEY").expect("reveal");
    assert!(key.expose().starts_with("sk-") && key.expose().len() == 3 + 48, "{}", key.expose().len());

    store.generate_missing("other").expect("generate other");
    let other = store.reveal("other", "DB_PASSWORD").expect("reveal other");
    assert_ne!(other, db, "two environments do not share a per-environment secret");

    let status = store.status("web").expect("status");
    assert!(status.iter().all(|s| s.present && s.rotated.is_none()));
    assert_eq!(status[0].service, format!("stackpilot:{}:web", workspace.schema.project));
    store.rotate("web", &["DB_PASSWORD".to_owned()]).expect("rotate");
    let rotated = store.reveal("web", "DB_PASSWORD").expect("reveal");
    assert_ne!(rotated, db);
    assert_eq!(store.reveal("web", "API_KEY").expect("reveal"), key, "rotating one leaves the others");
    assert!(store.status("web").expect("status")[0].rotated.is_some());

    assert_eq!(store.delete("web").expect("delete").len(), 3);
    assert!(store.status("web").expect("status").iter().all(|s| !s.present));
    assert_eq!(store.reveal("other", "DB_PASSWORD").expect("other is untouched"), other);
    store.delete("other").expect("clean up");
}

#[test]
fn the_keychain_unavailable_gives_the_documented_error() {
    let (dir, _workspace) = workspace("b");
    let run = |verb: &str| {
        Command::new(crate::support::built_binary("stackpilot"))
            .args(["secrets", verb, "web", "--workspace"])
            .arg(dir.path())
            .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
            .output()
            .expect("runs")
    };
    // Names need no keychain: they come from the manifest.
    let status = run("status");
    assert_eq!(status.status.code(), Some(0), "{}", String::from_utf8_lossy(&status.stderr));
    assert!(String::from_utf8_lossy(&status.stdout).contains("DB_PASSWORD"));
    assert!(String::from_utf8_lossy(&status.stderr).contains("no value was read"));
    let out = run("generate");
    assert_eq!(out.status.code(), Some(4));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the keychain cannot be reached: there is no D-Bus session bus"), "{err}");
    assert!(err.contains("hint: start Stackpilot from a desktop session"), "{err}");
    // The check says so before a start, in red, with no fix that would fail the same way.
    let check = Command::new(crate::support::built_binary("stackpilot"))
        .args(["check", "web", "--json", "--workspace"])
        .arg(dir.path())
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .output()
        .expect("runs");
    let report: serde_json::Value = serde_json::from_slice(&check.stdout).expect("JSON report");
    let secrets = report["results"].as_array().expect("results").iter().find(|r| r["id"] == "secrets").cloned().expect("secrets");
    assert_eq!(secrets["status"], "fail", "{secrets}");
    assert!(secrets["message"].as_str().unwrap_or_default().contains("the keychain cannot be reached"), "{secrets}");
    assert!(secrets["fixes"].as_array().is_some_and(|f| f.is_empty()), "no generate fix while the keychain is unreachable: {secrets}");
}

#[test]
fn import_of_a_seed_file_then_export_for_kubernetes_round_trips() {
    let (dir, workspace) = workspace("c");
    let seed = dir.path().join("secrets");
    std::fs::create_dir_all(&seed).expect("secrets/");
    let file = seed.join(".env.web.json");
    std::fs::write(&file, r#"{"DB_PASSWORD": "imported-db-password-0123456789", "LEGACY_TOKEN": "imported-legacy-token-abcdefghijklmnop", "NOT_A_SECRET": "x"}"#)
        .expect("seed file");
    let out = stackpilot(dir.path(), &["secrets", "import", "web", "--delete-plaintext", "--yes"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("Stored and verified 2 secret(s): DB_PASSWORD, LEGACY_TOKEN"), "{text}");
    assert!(text.contains("Ignored (not secrets of web): NOT_A_SECRET"), "{text}");
    assert!(!file.exists(), "the plaintext file is deleted after verification");

    assert!(stackpilot(dir.path(), &["secrets", "generate", "web"]).status.success());
    let out = stackpilot(dir.path(), &["secrets", "export-k8s", "web", "--namespace", "staging"]);
    assert!(out.status.success());
    let manifest: serde_yaml::Value = serde_yaml::from_slice(&out.stdout).expect("the export is YAML");
    assert_eq!(manifest["apiVersion"], "v1");
    assert_eq!(manifest["kind"], "Secret");
    assert_eq!(manifest["metadata"]["namespace"], "staging");
    let store = SecretStore::open(&workspace).expect("keychain");
    for name in ["DB_PASSWORD", "API_KEY", "LEGACY_TOKEN"] {
        let encoded = manifest["data"][name].as_str().expect("base64 value");
        let decoded = String::from_utf8(general_purpose::STANDARD.decode(encoded).expect("base64")).expect("utf-8");
        assert_eq!(&decoded, store.reveal("web", name).expect("stored").expose(), "{name}");
    }
    assert_eq!(store.reveal("web", "DB_PASSWORD").expect("imported").expose(), "imported-db-password-0123456789");

    let target = dir.path().join("secret.yaml");
    let out = stackpilot(dir.path(), &["secrets", "export-k8s", "web", "-o", target.to_str().expect("utf-8")]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("(mode 0600)"));
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&target).expect("written").permissions().mode() & 0o777, 0o600);
    std::fs::remove_file(&target).expect("remove");
    store.delete("web").expect("clean up");
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
        if meta.is_dir() {
            files_under(&path, out);
        } else if meta.is_file() && meta.len() < 8 * 1024 * 1024 {
            out.push(path);
        }
    }
}

#[tokio::test]
async fn no_secret_value_lands_in_a_file_or_a_command_line() {
    busybox_image();
    let (dir, workspace) = workspace("d");
    let seed = dir.path().join("legacy.env");
    // Made at run time: a literal would also sit in this test's compiled binary under target/.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_nanos();
    std::fs::write(&seed, format!("LEGACY_TOKEN=legacy-{}-{nanos:x}\n", std::process::id())).expect("seed");
    let run = |args: &[&str]| {
        let out = stackpilot(dir.path(), args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out
    };
    run(&["secrets", "import", "web", seed.to_str().expect("utf-8"), "--delete-plaintext", "--yes"]);
    run(&["secrets", "generate", "web"]);
    let exported = run(&["secrets", "export-k8s", "web"]);
    assert!(!exported.stdout.is_empty());
    let check = stackpilot(dir.path(), &["check", "web"]);
    assert!(String::from_utf8_lossy(&check.stdout).contains("all 3 secret(s) are in the"), "{}", String::from_utf8_lossy(&check.stdout));

    // Start a stack of the test's own that uses the secrets.
    let store = SecretStore::open(&workspace).expect("keychain");
    let values: Vec<(String, Sensitive<String>)> = store.load("web").expect("all secrets present");
    let environment = workspace.environment("web").expect("web");
    let mut spec = ProjectSpec::of(stackpilot_core::Env { workspace: &workspace, name: "web", environment: environment });
    spec.secrets = values.clone();
    let cli = ComposeCli::locate().await.expect("Compose");
    let started = compose::up(&cli, &spec, &UpOptions { wait: Some(Duration::from_secs(60)), build: false }).await;

    let mut leaks = Vec::new();
    if let Ok(procs) = std::fs::read_dir("/proc") {
        for p in procs.flatten() {
            if let Ok(cmdline) = std::fs::read(p.path().join("cmdline")) {
                let cmdline = String::from_utf8_lossy(&cmdline).into_owned();
                for (name, value) in &values {
                    if cmdline.contains(value.expose().as_str()) {
                        leaks.push(format!("{name} in /proc/{}/cmdline", p.file_name().to_string_lossy()));
                    }
                }
            }
        }
    }
    compose::down(&cli, &spec, DownOptions { volumes: true, ..DownOptions::default() }).await.expect("down");
    started.expect("the stack started with its secrets");

    let mut files = Vec::new();
    files_under(dir.path(), &mut files);
    files_under(&std::env::temp_dir(), &mut files);
    if let Some(data) = stackpilot_core::paths::app_data_dir() {
        files_under(&data, &mut files);
    }
    assert!(files.len() > 3, "the scan saw the workspace and data folders");
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else { continue };
        let text = String::from_utf8_lossy(&bytes);
        for (name, value) in &values {
            if text.contains(value.expose().as_str()) {
                leaks.push(format!("{name} in {}", file.display()));
            }
        }
    }
    store.delete("web").expect("clean up");
    assert!(leaks.is_empty(), "secret values found: {leaks:#?}");
}

#[tokio::test]
async fn a_secret_deleted_from_the_keychain_outside_stackpilot_fails_the_check_not_the_start() {
    let (_dir, workspace) = workspace("gone");
    let store = SecretStore::open(&workspace).expect("keychain");
    store.generate_missing("other").expect("generate");
    let service = format!("stackpilot:{}:other", workspace.schema.project);
    assert!(stackpilot_core::secrets::Keychain::open().expect("keychain").delete(&service, "DB_PASSWORD").expect("delete"));
    let cache = stackpilot_core::compose::ModelCache::default();
    let environment = workspace.environment("other").expect("other");
    let ctx = stackpilot_core::checks::CheckContext::new(stackpilot_core::Env { workspace: &workspace, name: "other", environment: environment }, &cache);
    let report = stackpilot_core::checks::run_checks(&ctx, |_| {}).await;
    let secrets = report.get("secrets").expect("secrets");
    assert_eq!(secrets.status, stackpilot_core::checks::CheckStatus::Fail, "{secrets:?}");
    assert!(secrets.message.contains("recorded but not in the") && secrets.message.contains("DB_PASSWORD"), "{}", secrets.message);
    assert_eq!(secrets.fixes, [stackpilot_core::checks::Fix::GenerateSecrets]);
    stackpilot_core::checks::apply(&ctx, &stackpilot_core::checks::Fix::GenerateSecrets, None).await.expect("the fix applies");
    let again = stackpilot_core::checks::run_checks(&ctx, |_| {}).await;
    assert_eq!(again.get("secrets").expect("secrets").status, stackpilot_core::checks::CheckStatus::Pass, "{:?}", again.get("secrets"));
}
