//! `stackpilot init` on every project of the Compose corpus: the proposal writes a schema
//! that loads, and the default environment, as Stackpilot describes it, is the project
//! `docker compose` saw in that folder: the same project name, services and ports.

use std::path::PathBuf;

use serde_json::Value;
use stackpilot_core::{
    adopt,
    compose::{self, ComposeCli, ProjectSpec},
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
            let expected: Value = serde_json::from_str(
                &std::fs::read_to_string(expected_dir.join("config.json")).expect("config.json").replace("@CASE_ROOT@", &root.to_string_lossy()),
            )
            .expect("config.json");
            let environment = workspace.environment("default").expect("default");
            let spec = ProjectSpec::of(&workspace, "default", environment).with_placeholder_secrets(&workspace, environment);
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
        eprintln!("adopted {adopted} corpus projects ({environments} environments); propose took median {median:?}, max {max:?}");
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(adopted >= 20, "only {adopted} projects adopted");
    });
}
