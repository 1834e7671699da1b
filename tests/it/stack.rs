//! Start, watch and stop with the real engine and Compose: the fixture stacks of
//! tests/fixtures/stacks, each in a copy with a unique project name.

use std::{
    net::TcpListener,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use stackpilot_core::{
    engine::Engine,
    secrets::SecretStore,
    stack::{self, status::project_status, ServiceState, UpEvent, UpOptions, UpOutcome, UpReport},
    Workspace,
};
use tokio_util::sync::CancellationToken;

use crate::support::{built_binary, busybox_image, free_port, repo_root};

/// A copy of the fixture workspace whose project is unique to this test.
pub(crate) fn fixtures(tag: &str, env_file: &[(&str, &str, String)]) -> (tempfile::TempDir, Workspace) {
    busybox_image();
    let dir = tempfile::tempdir().expect("tempdir");
    let source = repo_root().join("tests/fixtures/stacks");
    for entry in std::fs::read_dir(&source).expect("fixtures").flatten() {
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    let schema = dir.path().join("stackpilot.yaml");
    let text = std::fs::read_to_string(&schema).expect("schema");
    std::fs::write(&schema, text.replace("project: fxstack", &format!("project: fx{}{tag}", std::process::id()))).expect("schema");
    for (env, key, value) in env_file {
        std::fs::write(dir.path().join(format!(".env.{env}")), format!("{key}={value}\n")).expect("env file");
    }
    let workspace = Workspace::open(dir.path()).expect("fixtures are valid");
    (dir, workspace)
}

async fn start(workspace: &Workspace, env: &str, timeout: Option<Duration>) -> (UpReport, Vec<UpEvent>) {
    let mut events = Vec::new();
    let report = stack::up(workspace.env(env).expect("environment"), &UpOptions { timeout, ..UpOptions::default() }, CancellationToken::new(), |e| events.push(e.clone()))
        .await
        .expect("up runs");
    (report, events)
}

async fn down(workspace: &Workspace, env: &str) {
    stack::down(workspace.env(env).expect("environment"), stackpilot_core::compose::DownOptions { volumes: true, ..Default::default() }).await.expect("down");
}

fn service<'a>(report: &'a UpReport, name: &str) -> &'a stack::ServiceReport {
    report.services.iter().find(|s| s.service == name).unwrap_or_else(|| panic!("{name} in report"))
}

#[tokio::test]
async fn a_healthy_stack_comes_up_in_order_with_its_urls_and_down_leaves_nothing() {
    let port = free_port();
    let (_dir, workspace) = fixtures("ok", &[("healthy", "WEB_PORT", port.to_string())]);
    SecretStore::open(&workspace).expect("keychain").generate_missing("healthy").expect("secrets");
    let (report, events) = start(&workspace, "healthy", None).await;
    assert!(matches!(report.outcome, UpOutcome::Ready), "{:?}", report.outcome);
    for (name, state) in [("db", ServiceState::Healthy), ("web", ServiceState::Healthy), ("app", ServiceState::Running)] {
        assert_eq!(service(&report, name).state, state, "{name}");
    }
    let order: Vec<(String, ServiceState)> = events
        .iter()
        .filter_map(|e| match e {
            UpEvent::State { service, state, .. } => Some((service.clone(), *state)),
            _ => None,
        })
        .collect();
    let position = |s: &str, st: ServiceState| order.iter().position(|(n, x)| n == s && *x == st).unwrap_or_else(|| panic!("{s} {st:?} in {order:?}"));
    assert!(position("db", ServiceState::Created) < position("db", ServiceState::Starting));
    assert!(position("db", ServiceState::Healthy) < position("app", ServiceState::Running), "app waits for db's health");
    assert_eq!(report.urls.len(), 1);
    assert_eq!(report.urls[0].url, format!("http://localhost:{port}"));
    let healthy = service(&report, "web");
    let delay_ms = (healthy.ready_seen_ns.expect("seen") - healthy.ready_event_ns.expect("event")) as f64 / 1e6;
    assert!(delay_ms < 1000.0, "the health event was reported {delay_ms} ms after the engine's event");

    let engine = Engine::connect().await.expect("Docker");
    assert_eq!(project_status(&engine, &report.project).await.expect("status").len(), 3);
    down(&workspace, "healthy").await;
    assert!(project_status(&engine, &report.project).await.expect("status").is_empty(), "no container left");
    let networks = Command::new("docker")
        .args(["network", "ls", "--filter", &format!("label=com.docker.compose.project={}", report.project), "-q"])
        .output()
        .expect("docker network ls");
    assert!(String::from_utf8_lossy(&networks.stdout).trim().is_empty(), "no network left");

    // Right after a `down`, the engine replays that second's `die` events: a new start ignores them.
    let (again, _) = start(&workspace, "healthy", None).await;
    down(&workspace, "healthy").await;
    assert!(matches!(again.outcome, UpOutcome::Ready), "{:?}", again.outcome);
}

#[tokio::test]
async fn a_service_that_exits_1_is_reported_with_its_exit_code_and_logs() {
    let (_dir, workspace) = fixtures("crash", &[]);
    let (report, _) = start(&workspace, "crash", None).await;
    down(&workspace, "crash").await;
    match &report.outcome {
        UpOutcome::Failed { service, reason } => {
            assert_eq!(service.as_deref(), Some("worker"));
            assert_eq!(reason, "worker exited with code 1");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    let worker = service(&report, "worker");
    assert_eq!(worker.state, ServiceState::Exited(1));
    assert!(worker.last_logs.iter().any(|l| l.contains("fatal: cannot open /etc/worker.conf")), "{:?}", worker.last_logs);
    assert!(worker.last_logs.iter().any(|l| l.contains("starting worker")));
}

#[tokio::test]
async fn an_image_that_cannot_be_pulled_names_its_registry_and_what_to_do() {
    let port = free_port(); // nothing listens there: the registry refuses connections
    let (_dir, workspace) = fixtures("pull", &[("unpullable", "REGISTRY_PORT", port.to_string())]);
    let (report, _) = start(&workspace, "unpullable", None).await;
    down(&workspace, "unpullable").await;
    match &report.outcome {
        UpOutcome::Failed { service, reason } => {
            assert_eq!(service.as_deref(), Some("app"), "{reason}");
            let registry = format!("127.0.0.1:{port}");
            assert!(reason.contains(&format!("could not be pulled from {registry}: {registry} refuses connections")), "{reason}");
            assert!(reason.contains("docker load -i image.tar"), "{reason}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// A pull from a real registry on loopback: the start reports the bytes of the image as
/// they come (per service and for all images), in core's events and in `stackpilot up`.
#[tokio::test]
async fn a_pull_reports_its_bytes_and_percent_from_a_real_registry() {
    let registry = crate::support::Registry::start();
    let size = 24 * 1024 * 1024;
    let image = registry.push_image(&format!("stackpilot-test/big{}:1", std::process::id()), size);
    let (dir, workspace) = fixtures("pull", &[("pullable", "PULL_IMAGE", image.clone())]);
    let (report, events) = start(&workspace, "pullable", None).await;
    down(&workspace, "pullable").await;
    assert!(matches!(report.outcome, UpOutcome::Ready), "{:?}", report.outcome);
    let pulls: Vec<(u64, u64, u64, String)> = events
        .iter()
        .filter_map(|e| match e {
            UpEvent::Pull { service, current, total, all_total, words, .. } if service == "app" => Some((*current, *total, *all_total, words.clone())),
            _ => None,
        })
        .collect();
    assert!(pulls.len() >= 2, "progress while pulling, not only at the end: {pulls:?}");
    let (current, total, all_total, words) = pulls.last().cloned().expect("a pull event");
    assert_eq!(current, total, "the last event has the whole image: {pulls:?}");
    assert!(total >= size as u64 && total < size as u64 * 2, "the layer's size: {total}");
    assert_eq!(all_total, total, "one image pulled in all");
    assert!(words.ends_with("(100 %)") && words.contains("MB of"), "{words}");
    assert!(pulls.windows(2).all(|w| w[0].0 <= w[1].0), "bytes only grow: {pulls:?}");

    // The same through the command line, the image removed again first.
    let _ = Command::new("docker").args(["rmi", &image]).output();
    let up = Command::new(built_binary("stackpilot"))
        .args(["--workspace", dir.path().to_str().expect("utf-8"), "up", "pullable", "--no-check"])
        .env_remove("STACKPILOT_WORKSPACE")
        .output()
        .expect("stackpilot up");
    let text = String::from_utf8_lossy(&up.stdout).into_owned();
    down(&workspace, "pullable").await;
    let _ = Command::new("docker").args(["rmi", &image]).output();
    assert!(up.status.success(), "{text}{}", String::from_utf8_lossy(&up.stderr));
    assert!(text.lines().any(|l| l.contains("app") && l.contains("pulled") && l.contains("(100 %); all images:")), "{text}");
}

/// What a log follow gives within `time`.
async fn read_for<S>(lines: &mut S, time: Duration) -> Vec<stack::logs::LogLine>
where
    S: futures_util::Stream<Item = Result<stack::logs::LogLine, stackpilot_core::engine::EngineError>> + Unpin,
{
    let until = tokio::time::Instant::now() + time;
    let mut got = Vec::new();
    while let Ok(Some(line)) = tokio::time::timeout_at(until, futures_util::StreamExt::next(lines)).await {
        got.push(line.expect("a line"));
    }
    got
}

/// Following a service's log goes on across a restart of its container: every line the
/// engine kept from the first one received is received once, in order, stdout and stderr
/// interleaved as written, and the follow never ends on its own.
#[tokio::test]
async fn a_followed_log_goes_on_across_a_restart_without_a_gap_or_a_duplicate() {
    let (_dir, workspace) = fixtures("chatty", &[]);
    let (report, _) = start(&workspace, "chatty", None).await;
    assert!(matches!(report.outcome, UpOutcome::Ready), "{:?}", report.outcome);
    let project = workspace.schema.compose_project("chatty");
    let engine = Engine::connect().await.expect("engine");
    let mut lines = Box::pin(stack::logs::follow(&engine, &project, None, 5).await.expect("follow"));
    let mut received: Vec<String> = Vec::new();
    received.extend(read_for(&mut lines, Duration::from_millis(1500)).await.into_iter().map(|l| l.text));
    let container = report.running.first().cloned().expect("a container");
    let restarted = Command::new("docker").args(["restart", "-t", "1", &container]).output().expect("docker restart");
    assert!(restarted.status.success());
    let after = read_for(&mut lines, Duration::from_millis(2500)).await;
    let warnings = after.iter().filter(|l| l.level == Some(stack::logs::Level::Warning)).count();
    received.extend(after.into_iter().map(|l| l.text));
    let kept = Command::new("docker").args(["logs", "--timestamps", &container]).output().expect("docker logs");
    down(&workspace, "chatty").await;
    let all: Vec<String> = String::from_utf8_lossy(&kept.stdout).lines().chain(String::from_utf8_lossy(&kept.stderr).lines()).map(str::to_owned).collect();
    let mut engine_order = all.clone();
    engine_order.sort(); // timestamps first: the order they were written in
    let first = engine_order.iter().position(|l| *l == received[0]).expect("the first received line is in the engine's log");
    let last = engine_order.iter().position(|l| Some(l) == received.last()).expect("the last one too");
    assert_eq!(received, engine_order[first..=last], "every line from the first to the last received, once, in order");
    let restarts = received.iter().filter(|l| l.ends_with(" line 1")).count();
    assert!(restarts >= 1 && received.len() > 20, "lines of the restarted container arrived: {} lines", received.len());
    assert!(warnings > 0, "stderr lines are read as warnings");
}

#[tokio::test]
async fn a_service_that_never_becomes_healthy_shows_its_healthcheck_output() {
    let (_dir, workspace) = fixtures("sick", &[]);
    let (report, _) = start(&workspace, "unhealthy", None).await;
    let running = report.running.clone();
    down(&workspace, "unhealthy").await;
    match &report.outcome {
        UpOutcome::Failed { service, reason } => {
            assert_eq!(service.as_deref(), Some("api"));
            assert!(reason.contains("unhealthy"), "{reason}");
        }
        other => panic!("expected a failure, got {other:?}"),
    }
    let api = service(&report, "api");
    assert!(api.health_log.iter().any(|l| l.contains("connection refused on :9999")), "{:?}", api.health_log);
    assert_eq!(running.len(), 1, "the report says what is still running: {running:?}");
}

#[tokio::test]
async fn a_slow_service_is_waited_for_and_a_short_timeout_names_it() {
    let (_dir, workspace) = fixtures("slow", &[]);
    let (report, _) = start(&workspace, "slow", Some(Duration::from_secs(2))).await;
    match &report.outcome {
        UpOutcome::TimedOut { after_s, not_ready } => {
            assert_eq!(*after_s, 2);
            assert_eq!(not_ready, &["search (starting)".to_owned()]);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    // Started again (containers already up), it is ready once the 5 s have passed.
    let (report, _) = start(&workspace, "slow", None).await;
    down(&workspace, "slow").await;
    assert!(matches!(report.outcome, UpOutcome::Ready), "{:?}", report.outcome);
    assert!(report.elapsed_ms >= 1000 || service(&report, "search").state == ServiceState::Healthy);
}

#[tokio::test]
async fn a_published_port_held_by_the_test_fails_the_start_naming_the_port() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (_dir, workspace) = fixtures("port", &[("port", "HELD_PORT", port.to_string())]);
    let (report, _) = start(&workspace, "port", None).await;
    down(&workspace, "port").await;
    drop(listener);
    match &report.outcome {
        UpOutcome::Failed { reason, .. } => assert!(reason.contains(&port.to_string()), "the reason names the port: {reason}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[tokio::test]
async fn a_second_start_is_refused_while_one_runs_and_the_cli_says_who() {
    let (dir, workspace) = fixtures("lock", &[]);
    let project = workspace.schema.compose_project("slow");
    let _held = stack::EnvLock::acquire(&project, "starting").expect("first lock");
    let err = stack::EnvLock::acquire(&project, "starting").expect_err("second lock refused");
    assert!(err.to_string().contains(&format!("is already starting (pid {}", std::process::id())), "{err}");
    let out = Command::new(built_binary("stackpilot"))
        .args(["up", "slow", "--no-check", "--workspace"])
        .arg(dir.path())
        .output()
        .expect("stackpilot up");
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("is already starting (pid") && text.contains("hint: wait for it to finish"), "{text}");
}

#[tokio::test]
async fn the_cli_reports_a_daemon_that_stops_mid_watch_within_2_seconds() {
    // A daemon of the test's own, on its own socket and folders, that the test stops.
    let mut daemon = crate::support::SecondEngine::start();
    let host = daemon.host.clone();
    let (dir, _) = fixtures("gone", &[]);
    let mut watch = Command::new(built_binary("stackpilot"))
        .args(["status", "slow", "--watch", "--workspace"])
        .arg(dir.path())
        .env("DOCKER_HOST", &host)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("stackpilot status --watch");
    std::thread::sleep(Duration::from_secs(1));
    assert!(watch.try_wait().expect("poll").is_none(), "the watcher runs while the daemon does");
    let _ = Command::new("kill").args(["-TERM", &daemon.pid().to_string()]).status();
    let stopped = Instant::now();
    let status = loop {
        if let Some(status) = watch.try_wait().expect("poll") {
            break status;
        }
        assert!(stopped.elapsed() < Duration::from_secs(10), "the watcher hangs after the daemon stopped");
        std::thread::sleep(Duration::from_millis(20));
    };
    let reported_after = stopped.elapsed();
    daemon.stop();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut watch.stderr.take().expect("stderr"), &mut stderr).expect("read");
    assert!(reported_after < Duration::from_secs(2), "reported after {reported_after:?}");
    assert!(stderr.contains("closed the event stream") || stderr.contains("does not answer") || !status.success(), "{stderr}");
}

#[tokio::test]
async fn restart_and_logs_name_services_that_do_not_exist_or_do_not_run() {
    let (dir, _workspace) = fixtures("names", &[]);
    let run = |args: &[&str]| {
        Command::new(built_binary("stackpilot"))
            .arg("--workspace")
            .arg(dir.path())
            .args(args)
            .env_remove("STACKPILOT_WORKSPACE")
            .output()
            .expect("stackpilot runs")
    };
    let text = |out: &std::process::Output| format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

    let not_running = run(&["restart", "crash", "worker"]);
    assert_eq!(not_running.status.code(), Some(1), "{}", text(&not_running));
    assert!(text(&not_running).contains("worker of crash is not running"), "{}", text(&not_running));
    assert!(!text(&not_running).contains("Restarted"), "{}", text(&not_running));

    let unknown = run(&["logs", "crash", "nosuch"]);
    assert_eq!(unknown.status.code(), Some(2), "{}", text(&unknown));
    assert!(text(&unknown).contains("crash has no service `nosuch`") && text(&unknown).contains("its services are: worker"), "{}", text(&unknown));

    let option = run(&["restart", "crash", "--", "--help"]);
    assert_eq!(option.status.code(), Some(2), "{}", text(&option));
    assert!(text(&option).contains("has no service `--help`"), "a name is never read as an option: {}", text(&option));
}

#[tokio::test]
async fn a_schema_memory_setting_over_a_files_mem_limit_checks_and_starts_as_one_project() {
    busybox_image();
    let dir = tempfile::tempdir().expect("tempdir");
    let project = format!("fx{}mem", std::process::id());
    std::fs::write(
        dir.path().join("stackpilot.yaml"),
        format!("version: 1\nproject: {project}\nenvironments:\n  dev:\n    title: Dev\n    compose: [compose.yaml]\n    timeout: 60s\n    services:\n      web: {{ memory: 48MiB }}\n"),
    )
    .expect("schema");
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  web:\n    image: stackpilot-test/busybox:1\n    command: [\"sleep\", \"3600\"]\n    mem_limit: 64m\n",
    )
    .expect("compose");
    let workspace = Workspace::open(dir.path()).expect("workspace");
    let cache = stackpilot_core::compose::ModelCache::default();
    let environment = workspace.environment("dev").expect("dev");
    let ctx = stackpilot_core::checks::CheckContext::new(stackpilot_core::Env { workspace: &workspace, name: "dev", environment: environment }, &cache);
    let report = stackpilot_core::checks::run_checks(&ctx, |_| {}).await;
    let files = report.get("compose.files").expect("compose.files");
    assert_eq!(files.status, stackpilot_core::checks::CheckStatus::Pass, "check reads the generated override too: {files:?}");
    let model = ctx.model_or_skip().await.ok().expect("model");
    assert_eq!(model.services["web"].memory_limit(), Some(48 * 1024 * 1024), "the schema's value wins");

    let (report, _) = start(&workspace, "dev", None).await;
    let engine = Engine::connect().await.expect("Docker");
    let containers = engine.project_containers(&report.project, Some("web"), true).await.expect("containers");
    let inspect = engine.docker().inspect_container(containers[0].id.as_deref().expect("id"), None).await.expect("inspect");
    down(&workspace, "dev").await;
    assert!(matches!(report.outcome, UpOutcome::Ready), "{:?}", report.outcome);
    assert_eq!(inspect.host_config.and_then(|h| h.memory), Some(48 * 1024 * 1024));
}

#[tokio::test]
async fn a_secret_printed_by_a_container_is_redacted_in_up_status_and_logs() {
    busybox_image();
    let dir = tempfile::tempdir().expect("tempdir");
    let project = format!("fx{}leak", std::process::id());
    std::fs::write(
        dir.path().join("stackpilot.yaml"),
        format!("version: 1\nproject: {project}\nsecrets:\n  APP_TOKEN: {{ length: 24 }}\nenvironments:\n  leak:\n    title: Leak\n    compose: [compose.yaml]\n    timeout: 40s\n"),
    )
    .expect("schema");
    std::fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  leaky:\n    image: stackpilot-test/busybox:1\n    command: [\"sh\", \"-c\", \"echo started with $$APP_TOKEN; printf %s $$APP_TOKEN | base64; exec sleep 3600\"]\n    environment:\n      APP_TOKEN: ${APP_TOKEN:?}\n    healthcheck:\n      test: [\"CMD\", \"sh\", \"-c\", \"echo token=$$APP_TOKEN; exit 1\"]\n      interval: 1s\n      retries: 2\n",
    )
    .expect("compose");
    let workspace = Workspace::open(dir.path()).expect("workspace");
    let store = SecretStore::open(&workspace).expect("keychain");
    store.generate_missing("leak").expect("secrets");
    let value = store.reveal("leak", "APP_TOKEN").expect("value").expose().clone();

    let (report, _) = start(&workspace, "leak", None).await;
    let health = service(&report, "leaky").health_log.join("\n");
    let cli = |args: &[&str]| {
        let out = Command::new(built_binary("stackpilot"))
            .arg("--workspace")
            .arg(dir.path())
            .args(args)
            .env_remove("STACKPILOT_WORKSPACE")
            .output()
            .expect("stackpilot runs");
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    };
    let status = cli(&["status", "leak", "--json"]);
    let logs = cli(&["logs", "leak"]);
    down(&workspace, "leak").await;
    assert!(matches!(report.outcome, UpOutcome::Failed { .. }), "{:?}", report.outcome);
    assert!(health.contains("token=<redacted>") && !health.contains(&value), "up: {health}");
    assert!(status.contains("token=<redacted>") && !status.contains(&value), "status --json: {status}");
    assert!(logs.contains("started with <redacted>") && !logs.contains(&value), "logs: {logs}");
    assert!(!logs.contains(&base64_of(&value)), "the base64 form is hidden too: {logs}");
}

fn base64_of(value: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(value)
}

#[tokio::test]
async fn an_adopted_project_starts_on_the_data_docker_compose_left_in_its_volumes() {
    busybox_image();
    let temp = tempfile::tempdir().expect("tempdir");
    let dir = temp.path().join(format!("adopt{}", std::process::id()));
    std::fs::create_dir(&dir).expect("mkdir");
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  store:\n    image: stackpilot-test/busybox:1\n    command: [\"sleep\", \"3600\"]\n    volumes: [\"data:/data\"]\nvolumes:\n  data: {}\n",
    )
    .expect("compose");
    let compose = |args: &[&str]| Command::new("docker").arg("compose").args(args).current_dir(&dir).output().expect("docker compose");
    // The user's own way, before Stackpilot: start, write data, remove the containers.
    assert!(compose(&["up", "-d"]).status.success());
    assert!(compose(&["exec", "-T", "store", "sh", "-c", "echo written-before-adoption > /data/hello"]).status.success());
    assert!(compose(&["down"]).status.success(), "down keeps the named volume");

    let stackpilot = |args: &[&str]| {
        Command::new(built_binary("stackpilot")).args(args).current_dir(&dir).env_remove("STACKPILOT_WORKSPACE").output().expect("stackpilot")
    };
    let refused = stackpilot(&["envs"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("run `stackpilot init`"), "{}", String::from_utf8_lossy(&refused.stderr));
    let init = stackpilot(&["init"]);
    assert!(init.status.success(), "{}{}", String::from_utf8_lossy(&init.stdout), String::from_utf8_lossy(&init.stderr));
    let again = stackpilot(&["init"]);
    assert_eq!(again.status.code(), Some(2), "an existing schema is never overwritten");
    let up = stackpilot(&["up", "default"]);
    let text = format!("{}{}", String::from_utf8_lossy(&up.stdout), String::from_utf8_lossy(&up.stderr));
    let read = compose(&["exec", "-T", "store", "cat", "/data/hello"]);
    let data = String::from_utf8_lossy(&read.stdout).into_owned();
    let _ = compose(&["down", "--volumes"]);
    assert!(up.status.success(), "{text}");
    assert_eq!(data.trim(), "written-before-adoption", "the same volume, the same data: {text}");
}

#[tokio::test]
async fn after_a_start_the_model_cache_holds_no_secret_value() {
    let (dir, workspace) = fixtures("cachegrep", &[("healthy", "WEB_PORT", crate::support::free_port().to_string())]);
    let cache = tempfile::tempdir().expect("cache");
    let up = Command::new(built_binary("stackpilot"))
        .args(["up", "healthy", "--workspace"])
        .arg(dir.path())
        .env("XDG_CACHE_HOME", cache.path())
        .env_remove("STACKPILOT_WORKSPACE")
        .output()
        .expect("stackpilot up");
    let secrets = SecretStore::open(&workspace).expect("keychain").load("healthy").expect("the start generated APP_TOKEN");
    down(&workspace, "healthy").await;
    assert!(up.status.success(), "{}{}", String::from_utf8_lossy(&up.stdout), String::from_utf8_lossy(&up.stderr));
    let stored: Vec<_> = std::fs::read_dir(cache.path().join("stackpilot/models")).expect("models stored").flatten().map(|e| e.path()).collect();
    assert!(!stored.is_empty(), "the checks' model was stored");
    for file in stored {
        let text = std::fs::read_to_string(&file).expect("read");
        for (name, value) in &secrets {
            assert!(!text.contains(value.expose()), "{name}'s value is in {}", file.display());
        }
    }
}

/// A new user's first start of the built-in stack in one command, as the seed's
/// `start-environment.sh first-run` was: the env file is completed and every secret is
/// generated into the keychain without asking, then the start runs and, with no public
/// registry reachable here, stops at the pull naming the registry and what to do.
#[test]
fn up_first_run_goes_from_nothing_to_the_start_in_one_command() {
    let home = tempfile::tempdir().expect("app dirs");
    let (data, cache) = (home.path().join("data"), home.path().join("cache"));
    let stackpilot = |args: &[&str]| {
        Command::new(built_binary("stackpilot"))
            .args(args)
            .env("XDG_DATA_HOME", &data)
            .env("XDG_CACHE_HOME", &cache)
            .env_remove("STACKPILOT_WORKSPACE")
            .current_dir(home.path()) // no project around: the built-in one
            .output()
            .expect("stackpilot runs")
    };
    let workspace = data.join("stackpilot/default-workspace");
    std::fs::create_dir_all(&workspace).expect("app data");
    // Ports of this machine may be taken by the person's own services: the person's env
    // file moves them, as it would on their machine; the rest of the file is missing.
    let ports: String = ["POSTGRES_PORT", "REDIS_PORT", "QDRANT_PORT", "LITELLM_PORT", "WEB_PORT"].iter().map(|k| format!("{k}={}\n", free_port())).collect();
    std::fs::write(workspace.join(".env.first-run"), &ports).expect("env file");

    let up = stackpilot(&["up", "first-run"]);
    let text = format!("{}{}", String::from_utf8_lossy(&up.stdout), String::from_utf8_lossy(&up.stderr));
    let down = stackpilot(&["down", "first-run"]);
    let status = stackpilot(&["secrets", "status", "first-run", "--json"]);
    assert!(text.contains("fixed: Wrote") && text.contains("(added "), "the env file is completed without asking:\n{text}");
    assert!(text.contains("fixed: Generated into the keychain: POSTGRES_PASSWORD"), "the secrets are generated without asking:\n{text}");
    assert!(text.contains("Starting first-run (First run)"), "the start runs after the fixes:\n{text}");
    assert!(text.contains("could not be pulled from") && text.contains("docker load -i image.tar"), "the pull failure says what to do:\n{text}");
    assert_ne!(up.status.code(), Some(0));
    assert_ne!(up.status.code(), Some(2), "not an input error:\n{text}");
    assert!(down.status.success(), "{}", String::from_utf8_lossy(&down.stderr));
    let secrets: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap_or_else(|e| panic!("secrets status --json: {e}: {}", String::from_utf8_lossy(&status.stderr)));
    let listed = secrets["secrets"].as_array().or(secrets.as_array()).cloned().unwrap_or_default();
    assert!(!listed.is_empty() && listed.iter().all(|s| s["present"] == true), "every secret is in the keychain: {secrets}");
    let env_file = std::fs::read_to_string(workspace.join(".env.first-run")).expect("env file");
    assert!(env_file.starts_with(&ports), "the person's lines are kept as they were:\n{env_file}");
}

/// Streaming outputs are NDJSON, one document a line and nothing else on stdout:
/// `logs --json` (a log line a line) and `status --watch --json` (the status, then each change).
#[tokio::test]
async fn streaming_outputs_are_one_json_document_a_line() {
    let (dir, workspace) = fixtures("ndjson", &[]);
    let (report, _) = start(&workspace, "chatty", None).await;
    assert!(matches!(report.outcome, UpOutcome::Ready), "{:?}", report.outcome);
    let cli = |args: &[&str]| {
        let mut command = Command::new(built_binary("stackpilot"));
        command.arg("--workspace").arg(dir.path()).args(args).env_remove("STACKPILOT_WORKSPACE");
        command
    };
    tokio::time::sleep(Duration::from_millis(1500)).await; // a line every tenth of a second
    let logs = cli(&["logs", "chatty", "--json", "--tail", "20"]).output().expect("logs runs");
    let parse = |line: &str| serde_json::from_str::<serde_json::Value>(line).unwrap_or_else(|e| panic!("not one JSON document: {e}: {line:?}"));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&logs.stdout).lines().map(parse).collect();

    let mut watch = cli(&["status", "chatty", "--watch", "--json"]).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("status --watch runs");
    let (sender, received) = std::sync::mpsc::channel();
    let stdout = watch.stdout.take().expect("stdout");
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let first = received.recv_timeout(Duration::from_secs(20)).expect("the status line");
    let container = report.running.first().cloned().expect("a container");
    let restarted = Command::new("docker").args(["restart", "-t", "1", &container]).output().expect("docker restart");
    let mut changes = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while changes.len() < 2 && Instant::now() < deadline {
        if let Ok(line) = received.recv_timeout(Duration::from_millis(500)) {
            changes.push(line);
        }
    }
    let _ = watch.kill();
    let _ = watch.wait();
    down(&workspace, "chatty").await;

    assert!(lines.len() >= 10, "{lines:?}");
    for line in &lines {
        assert_eq!(line["version"], 1, "{line}");
        assert_eq!(line["service"], "talker", "{line}");
        assert!(line["text"].as_str().is_some_and(|t| t.contains("line ") || t.contains("warn ")), "{line}");
    }
    assert!(lines.iter().any(|l| l["level"] == "warning"), "stderr's warnings are marked: {lines:?}");
    assert!(restarted.status.success());
    let first = parse(&first);
    assert_eq!((first["version"].as_u64(), first["kind"].as_str()), (Some(1), Some("status")), "{first}");
    assert_eq!(first["services"][0]["service"], "talker", "{first}");
    assert!(!changes.is_empty(), "a change after the restart");
    for change in changes.iter().map(|l| parse(l)) {
        assert_eq!((change["version"].as_u64(), change["kind"].as_str(), change["service"].as_str()), (Some(1), Some("event"), Some("talker")), "{change}");
        assert!(change["action"].is_string(), "{change}");
    }
}

/// On a terminal the start and the down draw their progress in place (a spinner and clock,
/// a row per service); into a pipe the same commands print plain lines without escape codes.
#[tokio::test]
async fn a_terminal_gets_progress_drawn_in_place_and_a_pipe_plain_lines() {
    let (dir, workspace) = fixtures("tty", &[("healthy", "WEB_PORT", free_port().to_string())]);
    let binary = built_binary("stackpilot");
    let on_terminal = |args: &str| {
        let command = format!("{} --workspace {} {args}", binary.display(), dir.path().display());
        let out = Command::new("script").args(["-qec", &command, "/dev/null"]).env_remove("STACKPILOT_WORKSPACE").env_remove("NO_COLOR").output().expect("script(1) runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let up = on_terminal("up healthy");
    let stop = Command::new(&binary).arg("--workspace").arg(dir.path()).args(["stop", "healthy"]).env_remove("STACKPILOT_WORKSPACE").output().expect("stop runs");
    let removed = on_terminal("down healthy");
    down(&workspace, "healthy").await;
    assert!(up.contains("\u{1b}[2K") && up.contains("Starting healthy (Healthy) as project"), "redrawn in place: {up:?}");
    for service in ["app", "db", "web"] {
        assert!(up.lines().any(|l| l.contains(service) && l.contains("✓") && l.contains(" after ")), "{service}'s row ends ready: {up:?}");
    }
    assert!(up.contains("ready in ") && up.contains("Healthy is ready"), "{up:?}");
    let stop = String::from_utf8_lossy(&stop.stdout).into_owned();
    assert!(!stop.contains('\u{1b}') && stop.starts_with("Stopping healthy…\n") && stop.contains("healthy is stopped"), "plain lines: {stop:?}");
    assert!(stop.lines().any(|l| l.trim_start().starts_with("web") && l.contains("stopped")), "a line per container: {stop:?}");
    assert!(removed.contains("Removing healthy's containers") && removed.contains("removed") && removed.contains("done in "), "{removed:?}");
}
