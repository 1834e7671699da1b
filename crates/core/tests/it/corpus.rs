//! Conformance with the real Compose CLI: every `config.json` of the shared corpus
//! (32 real projects, outputs of Compose 2.40.3) parses into the typed model and agrees
//! with the generator's `summary.json` on ports, memory, GPUs, healthchecks and depends_on.
//! Runs when `../shared/compose-corpus` (or `$STACKPILOT_COMPOSE_CORPUS`) exists.

use std::{collections::BTreeMap, path::PathBuf};

use serde_json::Value;
use stackpilot_core::compose::{ComposeModel, ComposeVariable};

use crate::support::corpus;

/// Every `expected/<run>/` folder whose `config` command succeeded.
fn runs(corpus: &PathBuf) -> Vec<PathBuf> {
    let mut runs = Vec::new();
    for case in std::fs::read_dir(corpus).expect("corpus").flatten() {
        let expected = case.path().join("expected");
        let Ok(entries) = std::fs::read_dir(&expected) else { continue };
        for run in entries.flatten() {
            let results: Value =
                serde_json::from_str(&std::fs::read_to_string(run.path().join("results.json")).expect("results.json")).expect("JSON");
            if results["commands"]["config.json"]["exit_code"] == 0 {
                runs.push(run.path());
            }
        }
    }
    runs.sort();
    runs
}

fn bytes(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

#[test]
fn the_model_agrees_with_the_real_compose_cli_on_the_corpus() {
    let Some(corpus) = corpus() else {
        eprintln!("compose corpus not present: conformance skipped");
        return;
    };
    let runs = runs(&corpus);
    assert!(runs.len() >= 30, "expected the corpus's successful runs, found {}", runs.len());
    let mut failures = Vec::new();
    let mut services_checked = 0;
    for run in &runs {
        let name = run.strip_prefix(&corpus).unwrap_or(run).display().to_string();
        let config = std::fs::read_to_string(run.join("config.json")).expect("config.json");
        let model: ComposeModel = match serde_json::from_str(&config) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!("{name}: config.json does not parse: {e}"));
                continue;
            }
        };
        let variables = std::fs::read_to_string(run.join("variables.json")).unwrap_or_else(|_| "{}".into());
        if let Err(e) = serde_json::from_str::<BTreeMap<String, ComposeVariable>>(&variables) {
            failures.push(format!("{name}: variables.json does not parse: {e}"));
        }
        let summary: BTreeMap<String, Value> =
            serde_json::from_str(&std::fs::read_to_string(run.join("summary.json")).expect("summary.json")).expect("JSON");
        for (service_name, expected) in &summary {
            let Some(service) = model.services.get(service_name) else {
                failures.push(format!("{name}: service {service_name} missing from the model"));
                continue;
            };
            services_checked += 1;
            let mut fail = |what: &str, got: String, want: String| {
                if got != want {
                    failures.push(format!("{name} {service_name} {what}: got {got}, want {want}"));
                }
            };
            let got_ports: Vec<String> = service
                .ports
                .iter()
                .map(|p| format!("{}:{}/{}@{}", p.published.clone().unwrap_or_default(), p.target, p.protocol.clone().unwrap_or_default(), p.host_ip.clone().unwrap_or_default()))
                .collect();
            let want_ports: Vec<String> = expected["ports"]
                .as_array()
                .expect("ports")
                .iter()
                .map(|p| format!("{}:{}/{}@{}", p["published"].as_str().unwrap_or(""), p["target"], p["protocol"].as_str().unwrap_or(""), p["host_ip"].as_str().unwrap_or("")))
                .collect();
            fail("ports", format!("{got_ports:?}"), format!("{want_ports:?}"));
            let limits = service.deploy.as_ref().and_then(|d| d.resources.limits.as_ref()).and_then(|l| l.memory).map(|b| b.0);
            fail("memory limit", format!("{limits:?}"), format!("{:?}", bytes(&expected["memory_limit"])));
            let reservation = service.deploy.as_ref().and_then(|d| d.resources.reservations.as_ref()).and_then(|r| r.memory).map(|b| b.0);
            fail("memory reservation", format!("{reservation:?}"), format!("{:?}", bytes(&expected["memory_reservation"])));
            fail("mem_limit", format!("{:?}", service.mem_limit.map(|b| b.0)), format!("{:?}", bytes(&expected["mem_limit"])));
            let gpus: Vec<String> = service
                .device_requests()
                .iter()
                .map(|d| format!("{:?} {:?} {:?}", d.capabilities, d.count, d.driver))
                .collect();
            let want_gpus: Vec<String> = expected["gpu_devices"]
                .as_array()
                .expect("gpu_devices")
                .iter()
                .map(|d| {
                    let caps: Vec<String> = d["capabilities"].as_array().map(|c| c.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect()).unwrap_or_default();
                    format!("{caps:?} {:?} {:?}", d["count"].as_i64(), d["driver"].as_str().map(str::to_owned))
                })
                .collect();
            fail("GPU devices", format!("{gpus:?}"), format!("{want_gpus:?}"));
            let want_gpu = !want_gpus.is_empty() || !expected["gpus"].is_null();
            fail("wants GPU", service.wants_gpu().to_string(), want_gpu.to_string());
            let test = service.healthcheck.as_ref().map(|h| h.test.clone());
            let want_test = expected["healthcheck"].get("test").and_then(|t| t.as_array()).map(|t| t.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect::<Vec<_>>());
            fail("healthcheck", format!("{test:?}"), format!("{want_test:?}"));
            let depends: BTreeMap<String, String> = service.depends_on.iter().map(|(k, v)| (k.clone(), v.condition.clone())).collect();
            let want_depends: BTreeMap<String, String> = expected["depends_on"]
                .as_object()
                .expect("depends_on")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_owned()))
                .collect();
            fail("depends_on", format!("{depends:?}"), format!("{want_depends:?}"));
        }
    }
    eprintln!("compose corpus: {services_checked} services in {} runs compared", runs.len());
    assert!(failures.is_empty(), "{} disagreement(s) over {services_checked} services:\n{}", failures.len(), failures.join("\n"));
    assert!(services_checked > 100, "checked only {services_checked} services");
}
