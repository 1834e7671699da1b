//! Fidelity to Compose on real projects: every run of the shared corpus is opened as a
//! Stackpilot workspace (same folder, same files, same profiles), and what Compose
//! resolves through Stackpilot's project description must equal what the real Compose
//! CLI resolved in that folder (`expected/<run>/config.json`): the services, their
//! ports with protocol and host address, their GPU requests and the values the
//! project's own `.env` gives them. Then each env-file fix is applied for real and the
//! model must not move, except the one port a remap changes.
//! Runs when `../shared/compose-corpus` (or `$STACKPILOT_COMPOSE_CORPUS`) exists.

use std::{
    collections::BTreeMap,
    net::{TcpListener, UdpSocket},
    path::{Path, PathBuf},
};

use serde_json::Value;
use stackpilot_core::{
    checks::{self, CheckContext, Fix},
    compose::{self, ComposeCli, ComposeModel, ModelCache, ProjectSpec},
    envfiles, Workspace,
};

use crate::support::{copy_tree, corpus};

/// One run of a corpus case that Stackpilot's schema can express: Compose files and
/// profiles, the project's own `.env` (no `--env-file` flag, no variables from the shell).
struct Run {
    case: PathBuf,
    id: String,
    workdir: String,
    files: Vec<String>,
    profiles: Vec<String>,
    setup: Vec<Value>,
}

fn runs(corpus: &Path) -> (Vec<Run>, Vec<String>) {
    let mut runs = Vec::new();
    let mut skipped = Vec::new();
    let mut cases: Vec<PathBuf> = std::fs::read_dir(corpus).expect("corpus").flatten().map(|e| e.path()).collect();
    cases.sort();
    for case in cases {
        let Ok(text) = std::fs::read_to_string(case.join("case.json")) else { continue };
        let spec: Value = serde_json::from_str(&text).expect("case.json");
        for run in spec["runs"].as_array().into_iter().flatten() {
            let id = run["id"].as_str().unwrap_or_default().to_owned();
            let expected = case.join("expected").join(&id);
            let results: Value = match std::fs::read_to_string(expected.join("results.json")) {
                Ok(text) => serde_json::from_str(&text).expect("results.json"),
                Err(_) => continue,
            };
            if results["commands"]["config.json"]["exit_code"] != 0 {
                continue;
            }
            let args: Vec<String> =
                run["args"].as_array().into_iter().flatten().filter_map(|a| a.as_str().map(str::to_owned)).collect();
            let (mut files, mut profiles, mut other) = (Vec::new(), Vec::new(), Vec::new());
            let mut it = args.iter();
            while let Some(arg) = it.next() {
                match arg.as_str() {
                    "-f" | "--file" => files.extend(it.next().cloned()),
                    "--profile" => profiles.extend(it.next().cloned()),
                    other_arg => other.push(other_arg.to_owned()),
                }
            }
            let name = format!("{}/{id}", case.file_name().unwrap_or_default().to_string_lossy());
            if !other.is_empty() || run.get("env").is_some_and(|e| e.as_object().is_some_and(|o| !o.is_empty())) {
                skipped.push(format!("{name} ({})", if other.is_empty() { "shell variables".to_owned() } else { other.join(" ") }));
                continue;
            }
            let workdir = run["workdir"].as_str().or(spec["workdir"].as_str()).unwrap_or(".").to_owned();
            let setup = run["setup"].as_array().cloned().unwrap_or_default();
            runs.push(Run { case: case.clone(), id, workdir, files, profiles, setup });
        }
    }
    (runs, skipped)
}

/// The files `docker compose` picks in a folder without `-f`: `COMPOSE_FILE` from the
/// folder's `.env`, else the first standard name and its override.
fn default_files(dir: &Path) -> Vec<String> {
    let dot_env = envfiles::read(&dir.join(".env")).unwrap_or_default();
    if let Some((_, files)) = dot_env.iter().find(|(k, _)| k == "COMPOSE_FILE") {
        return files.split(':').map(str::to_owned).collect();
    }
    let first = ["compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"].into_iter().find(|f| dir.join(f).is_file());
    let overrides = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"]
        .into_iter()
        .find(|f| dir.join(f).is_file());
    first.into_iter().chain(overrides).map(str::to_owned).collect()
}

/// Prepares a run's folder with a Stackpilot schema beside its files; returns (root, workspace folder).
fn prepare(run: &Run) -> (tempfile::TempDir, PathBuf) {
    let root = tempfile::tempdir().expect("tempdir");
    copy_tree(&run.case, root.path());
    for step in &run.setup {
        let path = root.path().join(step["path"].as_str().or(step["to"].as_str()).expect("setup path"));
        match step["op"].as_str() {
            Some("write") => std::fs::write(&path, step["content"].as_str().unwrap_or_default()).expect("setup write"),
            Some("remove") => {
                let _ = std::fs::remove_file(&path);
            }
            Some("copy") => {
                let from = root.path().join(step["from"].as_str().expect("copy from"));
                std::fs::copy(from, &path).expect("setup copy");
            }
            other => panic!("unknown setup step {other:?}"),
        }
    }
    let dir = root.path().join(&run.workdir);
    let files = if run.files.is_empty() { default_files(&dir) } else { run.files.clone() };
    let quoted = |items: &[String]| items.iter().map(|f| serde_json::to_string(f).expect("JSON string")).collect::<Vec<_>>().join(", ");
    let schema = format!(
        "version: 1\nproject: fidelity\nvariables:\n  STACKPILOT_FIDELITY_PROBE: \"1\"\nenvironments:\n  local:\n    title: Local\n    compose: [{}]\n    profiles: [{}]\n",
        quoted(&files),
        quoted(&run.profiles)
    );
    std::fs::write(dir.join("stackpilot.yaml"), schema).expect("schema");
    (root, dir)
}

async fn config_json(cli: &ComposeCli, spec: &ProjectSpec) -> Result<Value, String> {
    let (stdout, _) = compose::run(cli, spec, &["config", "--format", "json"]).await.map_err(|e| e.to_string())?;
    serde_json::from_slice(&stdout).map_err(|e| e.to_string())
}

fn ports_of(service: &Value) -> Vec<String> {
    let mut ports: Vec<String> = service["ports"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            format!(
                "{}:{}->{}/{}",
                p["host_ip"].as_str().unwrap_or(""),
                p["published"].as_str().unwrap_or(""),
                p["target"],
                p["protocol"].as_str().unwrap_or("")
            )
        })
        .collect();
    ports.sort();
    ports
}

/// Compares what Stackpilot's description resolves to with the CLI's own answer.
fn compare(name: &str, ours: &Value, theirs: &Value, failures: &mut Vec<String>) -> usize {
    let services = |v: &Value| v["services"].as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
    if services(ours) != services(theirs) {
        failures.push(format!("{name}: services {:?}, Compose: {:?}", services(ours), services(theirs)));
        return 0;
    }
    let model = |v: &Value| serde_json::from_value::<ComposeModel>(v.clone()).expect("model parses");
    let (our_model, their_model) = (model(ours), model(theirs));
    if our_model.gpu_needs() != their_model.gpu_needs() {
        failures.push(format!("{name}: GPU needs {:?}, Compose: {:?}", our_model.gpu_needs(), their_model.gpu_needs()));
    }
    for service in services(theirs) {
        let (a, b) = (&ours["services"][&service], &theirs["services"][&service]);
        if ports_of(a) != ports_of(b) {
            failures.push(format!("{name} {service}: ports {:?}, Compose: {:?}", ports_of(a), ports_of(b)));
        }
        for key in ["environment", "image", "volumes", "command", "healthcheck", "deploy", "gpus", "devices", "runtime"] {
            if a[key] != b[key] {
                failures.push(format!("{name} {service}: `{key}` is {}, Compose: {}", a[key], b[key]));
            }
        }
    }
    services(theirs).len()
}

/// Paths where two JSON values differ.
fn differences(a: &Value, b: &Value, at: String, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                differences(x.get(key).unwrap_or(&Value::Null), y.get(key).unwrap_or(&Value::Null), format!("{at}.{key}"), out);
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(p, q, format!("{at}[{i}]"), out);
            }
        }
        _ if a != b => out.push(format!("{at}: {a} -> {b}")),
        _ => {}
    }
}

/// Holds a published port as another program would; `None` when it cannot (in use already).
enum Held {
    #[allow(dead_code)]
    Tcp(TcpListener),
    #[allow(dead_code)]
    Udp(UdpSocket),
}

fn hold(host_ip: &str, port: &str, protocol: &str) -> Option<Held> {
    let address = format!("{}:{port}", if host_ip.is_empty() { "0.0.0.0" } else { host_ip });
    match protocol {
        "udp" => UdpSocket::bind(&address).ok().map(Held::Udp),
        _ => TcpListener::bind(&address).ok().map(Held::Tcp),
    }
}

#[test]
fn stackpilot_resolves_every_corpus_project_as_compose_does_before_and_after_each_fix() {
    let Some(corpus) = corpus() else {
        eprintln!("compose corpus not present: fidelity test skipped");
        return;
    };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let cli = ComposeCli::locate().await.expect("Compose v2 is installed by scripts/setup.sh");
        let (runs, skipped) = runs(&corpus);
        assert!(runs.len() >= 40, "expected most corpus runs to be expressible, got {}", runs.len());
        let (mut failures, mut services, mut env_fixes, mut remaps) = (Vec::new(), 0, 0, 0);
        for run in &runs {
            let name = format!("{}/{}", run.case.file_name().unwrap_or_default().to_string_lossy(), run.id);
            let (root, dir) = prepare(run);
            let expected_text = std::fs::read_to_string(run.case.join("expected").join(&run.id).join("config.json"))
                .expect("config.json")
                .replace("@CASE_ROOT@", &root.path().to_string_lossy());
            let theirs: Value = serde_json::from_str(&expected_text).expect("config.json");
            let workspace = Workspace::open(&dir).unwrap_or_else(|e| panic!("{name}: {e}"));
            let environment = workspace.environment("local").expect("local");
            let spec = ProjectSpec::of(stackpilot_core::Env { workspace: &workspace, name: "local", environment: environment });
            let before = match config_json(&cli, &spec).await {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("{name}: Compose refused Stackpilot's description: {e}"));
                    continue;
                }
            };
            services += compare(&name, &before, &theirs, &mut failures);

            // env.file.generate: writes `.env.local` with the schema's variables; nothing moves.
            let update = envfiles::update(&workspace.env_file("local"), &workspace.schema.variables_for(environment), &[])
                .expect("env file written");
            assert!(update.added.contains(&"STACKPILOT_FIDELITY_PROBE".to_owned()));
            env_fixes += 1;
            let after_env = match config_json(&cli, &ProjectSpec::of(stackpilot_core::Env { workspace: &workspace, name: "local", environment: environment })).await {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("{name}: after writing .env.local, Compose refused the project: {e}"));
                    continue;
                }
            };
            let mut moved = Vec::new();
            differences(&before, &after_env, String::new(), &mut moved);
            if !moved.is_empty() {
                failures.push(format!("{name}: writing .env.local changed the model: {}", moved.join("; ")));
            }

            // ports.remap: hold the first published port whose value comes from a variable,
            // let the real check find it and offer the remap, apply it; only that port moves.
            let model: ComposeModel = serde_json::from_value(after_env.clone()).expect("model");
            let cache = ModelCache::default();
            'search: for (service, s) in &model.services {
                for port in &s.ports {
                    let Some(published) = port.published.clone() else { continue };
                    let protocol = port.protocol.clone().unwrap_or_else(|| "tcp".into());
                    let Some(_held) = hold(port.host_ip.as_deref().unwrap_or(""), &published, &protocol) else { continue };
                    let ctx = CheckContext::new(stackpilot_core::Env { workspace: &workspace, name: "local", environment: environment }, &cache);
                    let report = checks::run_checks(&ctx, |_| {}).await;
                    let ports = report.get("ports").expect("ports ran");
                    if !ports.details.iter().any(|d| d.contains(&format!("{published}/{protocol} ({service})"))) {
                        failures.push(format!("{name}: holding {published}/{protocol} of {service} was not reported: {:?}", ports.details));
                        break 'search;
                    }
                    let Some(fix @ Fix::RemapPort { from, to, .. }) = ports.fixes.iter().find(|f| f.id() == "ports.remap").cloned() else {
                        // A port written as a number in the file has no variable to remap.
                        continue;
                    };
                    checks::apply(&ctx, &fix, None).await.expect("remap applies");
                    remaps += 1;
                    let after_remap =
                        config_json(&cli, &ProjectSpec::of(stackpilot_core::Env { workspace: &workspace, name: "local", environment: environment })).await.expect("after the remap");
                    let mut moved = Vec::new();
                    differences(&after_env, &after_remap, String::new(), &mut moved);
                    let unexpected: Vec<&String> = moved
                        .iter()
                        .filter(|d| !(d.contains(&from.to_string()) && d.contains(&to.to_string())))
                        .collect();
                    if moved.is_empty() || !unexpected.is_empty() {
                        failures.push(format!("{name}: the remap {from} -> {to} changed {moved:?}"));
                    }
                    break 'search;
                }
            }
            drop(root);
        }
        eprintln!(
            "compose corpus fidelity: {} runs, {services} services compared, {env_fixes} env-file fixes and {remaps} remaps applied; skipped: {}",
            runs.len(),
            skipped.join(", ")
        );
        assert!(failures.is_empty(), "{} disagreement(s):\n{}", failures.len(), failures.join("\n"));
        assert!(services > 100 && remaps >= 3, "too little compared: {services} services, {remaps} remaps");
    });
}

#[test]
fn the_project_env_and_the_environment_env_file_reach_compose_in_order() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let cli = ComposeCli::locate().await.expect("Compose v2");
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        std::fs::create_dir_all(root.join("deploy")).expect("mkdir");
        std::fs::write(
            root.join("deploy/compose.yaml"),
            "services:\n  web:\n    image: busybox\n    environment:\n      FROM_DOT_ENV: ${ONLY_IN_DOT_ENV}\n      OVERRIDDEN: ${BOTH}\n      SCHEMA: ${FROM_SCHEMA}\n    ports: [\"${BIND:-0.0.0.0}:${WEB_PORT:-3000}:80\"]\n",
        )
        .expect("compose");
        std::fs::write(root.join("deploy/.env"), "ONLY_IN_DOT_ENV=kept\nBOTH=from-dot-env\nBIND=127.0.0.1\nWEB_PORT=8081\n").expect(".env");
        std::fs::write(
            root.join("stackpilot.yaml"),
            "version: 1\nproject: order\nvariables: { FROM_SCHEMA: schema }\nenvironments:\n  dev:\n    title: Dev\n    compose: [deploy/compose.yaml]\n",
        )
        .expect("schema");
        let workspace = Workspace::open(root).expect("workspace");
        let environment = workspace.environment("dev").expect("dev");
        let resolve = |spec: ProjectSpec| {
            let cli = cli.clone();
            async move { compose::config(&cli, &spec).await.expect("config") }
        };
        let before = resolve(ProjectSpec::of(stackpilot_core::Env { workspace: &workspace, name: "dev", environment: environment })).await;
        let web = &before.services["web"];
        assert_eq!(web.ports[0].host_ip.as_deref(), Some("127.0.0.1"), "the project's .env still binds loopback only");
        assert_eq!(web.ports[0].published.as_deref(), Some("8081"));

        std::fs::write(workspace.env_file("dev"), "BOTH=from-env-file\n").expect(".env.dev");
        let spec = ProjectSpec::of(stackpilot_core::Env { workspace: &workspace, name: "dev", environment: environment });
        assert_eq!(spec.env_files, [root.join("deploy/.env"), workspace.env_file("dev")]);
        let (stdout, _) = compose::run(&cli, &spec, &["config", "--format", "json"]).await.expect("config");
        let json: Value = serde_json::from_slice(&stdout).expect("JSON");
        let env: BTreeMap<String, String> = serde_json::from_value(json["services"]["web"]["environment"].clone()).expect("environment");
        assert_eq!(env["FROM_DOT_ENV"], "kept");
        assert_eq!(env["OVERRIDDEN"], "from-env-file", ".env.<env> overrides .env");
        assert_eq!(env["SCHEMA"], "schema");
        assert_eq!(json["services"]["web"]["ports"][0]["host_ip"], "127.0.0.1");
        // What Stackpilot reads for a variable is what Compose interpolated.
        assert_eq!(spec.value_of("BOTH").as_deref(), Some("from-env-file"));
        assert_eq!(spec.value_of("WEB_PORT").as_deref(), Some("8081"));
        assert_eq!(spec.value_of("FROM_SCHEMA").as_deref(), Some("schema"));
        assert_eq!(spec.value_of("NOWHERE"), None);
    });
}
