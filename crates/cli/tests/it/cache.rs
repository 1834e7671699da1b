//! The persistent Compose model cache: a new process checking unchanged files reads the
//! model from disk; editing any input (a Compose file, a file it includes, the env file,
//! a shell variable the files read, the profiles) makes it ask Compose again; the cache is
//! private and never holds a secret value.

use std::{os::unix::fs::PermissionsExt, path::Path, process::Command};

const HIT: &str = "Compose model read from the disk cache";

fn project(dir: &Path) {
    std::fs::write(
        dir.join("stackpilot.yaml"),
        "version: 1\nproject: cachetest\nsecrets:\n  DB_PASSWORD: { length: 24 }\nenvironments:\n  dev:\n    title: Dev\n    compose: [compose.yaml]\n    secrets: [DB_PASSWORD]\n",
    )
    .expect("schema");
    std::fs::write(
        dir.join("compose.yaml"),
        "include: [extra.yaml]\nservices:\n  web:\n    image: nginx\n    ports: [\"127.0.0.1:${WEB_PORT:-18080}:80\"]\n    environment: { DB_PASSWORD: \"${DB_PASSWORD}\", TOKEN: \"${API_TOKEN:-none}\" }\n  debug:\n    image: busybox\n    profiles: [debug]\n",
    )
    .expect("compose");
    std::fs::write(dir.join("extra.yaml"), "services:\n  extra:\n    image: busybox\n").expect("include");
    std::fs::write(dir.join(".env.dev"), "WEB_PORT=18081\n").expect("env file");
}

/// Runs `stackpilot check dev --json`; whether the model came from the disk cache.
fn check(dir: &Path, cache: &Path, env: &[(&str, &str)]) -> bool {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stackpilot"));
    command
        .args(["check", "dev", "--json", "--workspace"])
        .arg(dir)
        .env("XDG_CACHE_HOME", cache)
        .env("STACKPILOT_LOG", "stackpilot_core::compose=debug")
        .env_remove("STACKPILOT_WORKSPACE")
        .env_remove("WEB_PORT")
        .env_remove("API_TOKEN");
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().expect("stackpilot runs");
    String::from_utf8_lossy(&out.stderr).contains(HIT)
}

fn stored(cache: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(cache.join("stackpilot/models")).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default()
}

#[test]
fn a_new_process_reads_unchanged_models_from_disk_and_any_edit_invalidates_them() {
    let dir = tempfile::tempdir().expect("project");
    let cache = tempfile::tempdir().expect("cache");
    project(dir.path());
    assert!(!check(dir.path(), cache.path(), &[]), "the first run asks Compose");
    assert!(check(dir.path(), cache.path(), &[]), "an unchanged project is read from disk");
    let files = stored(cache.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(std::fs::metadata(&files[0]).expect("file").permissions().mode() & 0o777, 0o600);
    assert_eq!(std::fs::metadata(cache.path().join("stackpilot/models")).expect("dir").permissions().mode() & 0o777, 0o700);

    let edits: [(&str, Box<dyn Fn(&Path)>); 4] = [
        ("the Compose file", Box::new(|d: &Path| append(&d.join("compose.yaml"), "# edited\n"))),
        ("a file it includes", Box::new(|d: &Path| append(&d.join("extra.yaml"), "    command: [\"true\"]\n"))),
        ("the env file", Box::new(|d: &Path| std::fs::write(d.join(".env.dev"), "WEB_PORT=18082\n").expect("env"))),
        ("the profiles", Box::new(|d: &Path| {
            let schema = std::fs::read_to_string(d.join("stackpilot.yaml")).expect("schema");
            std::fs::write(d.join("stackpilot.yaml"), schema.replace("    secrets: [DB_PASSWORD]\n", "    secrets: [DB_PASSWORD]\n    profiles: [debug]\n")).expect("schema");
        })),
    ];
    for (what, edit) in edits {
        edit(dir.path());
        assert!(!check(dir.path(), cache.path(), &[]), "editing {what} asks Compose again");
        assert!(check(dir.path(), cache.path(), &[]), "and the new model is stored ({what})");
    }
    // A shell variable the files read.
    assert!(!check(dir.path(), cache.path(), &[("WEB_PORT", "18090")]), "a shell variable the files read asks Compose again");
    assert!(check(dir.path(), cache.path(), &[("WEB_PORT", "18090")]));
    assert!(check(dir.path(), cache.path(), &[]), "unset again: the model stored for that is still right");
}

#[test]
fn a_secret_from_the_shell_never_reaches_the_cache() {
    let dir = tempfile::tempdir().expect("project");
    let cache = tempfile::tempdir().expect("cache");
    project(dir.path());
    let value = "shell-secret-value-4711";
    check(dir.path(), cache.path(), &[("API_TOKEN", value), ("DB_PASSWORD", "shell-password-0815")]);
    assert!(!check(dir.path(), cache.path(), &[("API_TOKEN", value), ("DB_PASSWORD", "shell-password-0815")]), "not stored: the model would hold it");
    for file in stored(cache.path()) {
        let text = std::fs::read_to_string(&file).expect("read");
        assert!(!text.contains(value) && !text.contains("shell-password-0815"), "{}", file.display());
    }
    // The schema's secrets are placeholders in what is stored.
    check(dir.path(), cache.path(), &[]);
    let files = stored(cache.path());
    assert_eq!(files.len(), 1);
    assert!(std::fs::read_to_string(&files[0]).expect("read").contains("stackpilot-placeholder"));
}

fn append(path: &Path, text: &str) {
    let mut content = std::fs::read_to_string(path).expect("read");
    content.push_str(text);
    std::fs::write(path, content).expect("write");
}
