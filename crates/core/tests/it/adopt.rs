//! `stackpilot init` on every project of the Compose corpus: the proposal writes a schema
//! that loads, and the default environment, as Stackpilot describes it, is the project
//! `docker compose` saw in that folder: the same project name, services and ports; and
//! `stackpilot check` passes on every adopted environment, but for what this machine lacks.

use std::path::PathBuf;

use serde_json::Value;
use stackpilot_core::{
    adopt,
    checks::{self, CheckContext, CheckStatus, Fix},
    compose::{self, ComposeCli, ModelCache, ProjectSpec},
    Workspace,
};

use crate::support::{copy_tree, corpus};

fn ports(service: &Value) -> Vec<String> {
    let mut out: Vec<String> = service["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| format!("{}:{}->{}/{}", p["host_ip"].as_str().unwrap_or(""), p["published"].as_str().unwrap_or(""), p["target"], p["protocol"].as_str().unwrap_or("")))
        .collect();
    out.sort();
    out
}

/// Runs the checks of every environment of an adopted project as `stackpilot check` does,
/// after the fixes `check --fix` applies without asking that stay in the folder (the env
/// file); returns each failure no person could fix on this machine by clicking a fix:
/// a failure is allowed only when it is the GPU this machine lacks, a port another
/// program holds now, or missing secrets
/// (generated into the keychain by `check --fix`, not done here so the person's keychain
/// stays untouched when the test runs outside scripts/test.sh).
async fn check_failures(name: &str, workspace: &Workspace, has_gpu: bool) -> (usize, Vec<String>) {
    let cache = ModelCache::default();
    let mut failures = Vec::new();
    let mut runs = 0;
    for (env, environment) in workspace.schema.environments.iter() {
        let ctx = CheckContext::new(stackpilot_core::Env { workspace: workspace, name: env, environment: environment }, &cache);
        let mut report = checks::run_checks(&ctx, |_| {}).await;
        if report.results.iter().any(|r| r.fixes.contains(&Fix::GenerateEnvFile)) {
            if let Err(e) = checks::apply(&ctx, &Fix::GenerateEnvFile, None).await {
                failures.push(format!("{name} {env}: the env file fix failed: {e}"));
            }
            report = checks::run_checks(&ctx, |_| {}).await;
        }
        runs += 1;
        for result in report.results.iter().filter(|r| r.status == CheckStatus::Fail) {
            // A port another program (another test) holds now is this machine's state; a
            // port the project publishes twice would be the proposal's fault.
            let held_elsewhere = result.id == "ports" && !result.details.iter().any(|d| d.contains("published twice"));
            let allowed = (result.id.starts_with("gpu") && !has_gpu) || result.fixes == [Fix::GenerateSecrets] || held_elsewhere;
            if !allowed {
                failures.push(format!("{name} {env}: {} failed: {} {:?}", result.id, result.message, result.details));
            }
        }
    }
    (runs, failures)
}

#[test]
fn init_adopts_every_corpus_project_as_docker_compose_sees_it() {
    let Some(corpus) = corpus() else {
        eprintln!("compose corpus not present: adoption test skipped");
        return;
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let cli = ComposeCli::locate().await.expect("Compose v2");
        let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus).expect("corpus").flatten().map(|e| e.path()).collect();
        cases.sort();
        let (mut adopted, mut environments, mut failures, mut timings) = (0, 0, Vec::new(), Vec::new());
        let has_gpu = std::path::Path::new("/dev/nvidiactl").exists();
        let mut checked = 0;
        for case in cases {
            let Ok(text) = std::fs::read_to_string(case.join("case.json")) else { continue };
            let spec: Value = serde_json::from_str(&text).expect("case.json");
            // The run `docker compose config` made in the folder as it is: no flags, no setup.
            let Some(run) = spec["runs"].as_array().into_iter().flatten().find(|r| {
                r["args"].as_array().is_none_or(|a| a.is_empty()) && r.get("setup").is_none() && r.get("env").is_none() && r.get("workdir").is_none()
            }) else {
                continue;
            };
            let id = run["id"].as_str().unwrap_or_default();
            let expected_dir = case.join("expected").join(id);
            let Ok(results) = std::fs::read_to_string(expected_dir.join("results.json")) else { continue };
            if serde_json::from_str::<Value>(&results).expect("results")["commands"]["config.json"]["exit_code"] != 0 {
                continue;
            }
            let name = format!("{}/{id}", case.file_name().unwrap_or_default().to_string_lossy());
            let temp = tempfile::tempdir().expect("tempdir");
            // The corpus ran Compose in a folder named after the run when the project sits
            // at the case's top: the folder's name is the project's default name.
            let workdir = spec["workdir"].as_str().unwrap_or(".");
            let case_root = if workdir == "." { temp.path().join(id) } else { temp.path().to_path_buf() };
            copy_tree(&case, &case_root);
            let root = &case_root;
            let dir = root.join(workdir);
            let started = std::time::Instant::now();
            let proposal = match adopt::propose(&dir).await {
                Ok(p) => p,
                Err(e) => {
                    failures.push(format!("{name}: {e}"));
                    continue;
                }
            };
            timings.push(started.elapsed());
            if let Err(e) = adopt::write(&proposal) {
                failures.push(format!("{name}: {e}"));
                continue;
            }
            let workspace = match Workspace::open(&dir) {
                Ok(w) => w,
                Err(e) => {
                    failures.push(format!("{name}: the written schema does not open: {e}"));
                    continue;
                }
            };
            adopted += 1;
            environments += workspace.schema.environments.len();
            let (runs, check_failures) = check_failures(&name, &workspace, has_gpu).await;
            checked += runs;
            failures.extend(check_failures);
            let expected: Value = serde_json::from_str(
                &std::fs::read_to_string(expected_dir.join("config.json")).expect("config.json").replace("@CASE_ROOT@", &root.to_string_lossy()),
            )
            .expect("config.json");
            let environment = workspace.environment("default").expect("default");
            let spec = ProjectSpec::with_placeholder_secrets(stackpilot_core::Env { workspace: &workspace, name: "default", environment });
            let (stdout, _) = match compose::run(&cli, &spec, &["config", "--format", "json"]).await {
                Ok(out) => out,
                Err(e) => {
                    failures.push(format!("{name}: Compose refuses the adopted default: {e}"));
                    continue;
                }
            };
            let ours: Value = serde_json::from_slice(&stdout).expect("JSON");
            if ours["name"] != expected["name"] {
                failures.push(format!("{name}: project name {} but docker compose used {}", ours["name"], expected["name"]));
            }
            let services = |v: &Value| v["services"].as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
            if services(&ours) != services(&expected) {
                failures.push(format!("{name}: services {:?}, docker compose: {:?}", services(&ours), services(&expected)));
                continue;
            }
            for service in services(&expected) {
                if ports(&ours["services"][&service]) != ports(&expected["services"][&service]) {
                    failures.push(format!("{name} {service}: ports differ"));
                }
                if ours["services"][&service]["volumes"] != expected["services"][&service]["volumes"] {
                    failures.push(format!("{name} {service}: volumes differ"));
                }
            }
            if ours["volumes"] != expected["volumes"] {
                failures.push(format!("{name}: named volumes {} vs {}", ours["volumes"], expected["volumes"]));
            }
        }
        timings.sort();
        let median = timings.get(timings.len() / 2).copied().unwrap_or_default();
        let max = timings.last().copied().unwrap_or_default();
        eprintln!("adopted {adopted} corpus projects ({environments} environments, {checked} checked); propose took median {median:?}, max {max:?}");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(adopted >= 20, "only {adopted} projects adopted");
    });
}

/// An environment-named file is merged over the main file, unless the merge would publish
/// a socket twice and Compose accepts the file alone: then it is its own whole project.
#[test]
fn a_named_file_is_an_override_unless_it_stands_alone() {
    let temp = tempfile::tempdir().expect("tempdir");
    let dir = temp.path().join("alone");
    std::fs::create_dir(&dir).expect("mkdir");
    let write = |name: &str, text: &str| std::fs::write(dir.join(name), text).expect("write");
    write("compose.yaml", "services:\n  web:\n    image: nginx\n    ports: [\"127.0.0.1:8080:80\"]\n");
    // Adds a service: an override.
    write("compose.monitoring.yaml", "services:\n  prometheus:\n    image: prom/prometheus\n");
    // Changes a field of web: an override.
    write("compose.debug.yaml", "services:\n  web:\n    environment: [DEBUG=1]\n");
    // Defines web again with its own port: merged, 8080 would be published twice.
    write("compose.build.yaml", "services:\n  web:\n    build: .\n    ports: [\"8080:80\"]\n");
    let proposal = tokio::runtime::Runtime::new().expect("runtime").block_on(adopt::propose(&dir)).expect("proposal");
    let files = |name: &str| proposal.environments.iter().find(|e| e.name == name).map(|e| e.compose.clone()).expect(name);
    assert_eq!(files("monitoring"), ["compose.yaml", "compose.monitoring.yaml"]);
    assert_eq!(files("debug"), ["compose.yaml", "compose.debug.yaml"]);
    assert_eq!(files("build"), ["compose.build.yaml"]);
    let build = proposal.environments.iter().find(|e| e.name == "build").expect("build");
    assert!(build.compose_source.contains("twice"), "{}", build.compose_source);
}
