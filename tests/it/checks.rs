//! The preflight checks under real conditions: real listeners, real containers, real Compose.

use std::{net::TcpListener, path::Path, process::Command};

use bollard::{
    models::{ContainerCreateBody, HostConfig, PortBinding},
    query_parameters::{CreateContainerOptionsBuilder, RemoveContainerOptionsBuilder},
};
use stackpilot_core::{
    checks::{self, CheckContext, CheckReport, CheckStatus, Fix, FixOutcome},
    compose::ModelCache,
    engine::{disk, Engine},
    Workspace,
};

use crate::support::{busybox_image, free_port, BUSYBOX_IMAGE};

/// A workspace whose one service publishes `${WEB_PORT:-port}` and which needs `memory`.
fn fixture(port: u16, memory: &str, gpu: bool, compose_extra: &str) -> (tempfile::TempDir, Workspace) {
    fixture_requiring(port, &format!("gpu: {gpu}, memory: {memory}"), compose_extra)
}

/// The fixture with `requires: { <requires> }` as written.
fn fixture_requiring(port: u16, requires: &str, compose_extra: &str) -> (tempfile::TempDir, Workspace) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("stackpilot.yaml"),
        format!(
            "version: 1\nproject: sptest{pid}\nvariables:\n  GREETING: hello\nenvironments:\n  web:\n    title: Web\n    compose: [docker-compose.yml]\n    requires: {{ {requires} }}\n",
            pid = std::process::id()
        ),
    )
    .expect("schema");
    std::fs::write(
        dir.path().join("docker-compose.yml"),
        format!(
            "services:\n  web:\n    image: {BUSYBOX_IMAGE}\n    command: [\"httpd\", \"-f\", \"-p\", \"8080\"]\n    environment:\n      GREETING: ${{GREETING}}\n    ports:\n      - \"127.0.0.1:${{WEB_PORT:-{port}}}:8080\"\n    healthcheck:\n      test: [\"CMD\", \"true\"]\n{compose_extra}"
        ),
    )
    .expect("compose");
    let workspace = Workspace::open(dir.path()).expect("valid workspace");
    (dir, workspace)
}

async fn check(workspace: &Workspace, cache: &ModelCache) -> CheckReport {
    let environment = workspace.environment("web").expect("web");
    let ctx = CheckContext::new(stackpilot_core::Env { workspace: workspace, name: "web", environment: environment }, cache);
    checks::run_checks(&ctx, |_| {}).await
}

async fn apply(workspace: &Workspace, cache: &ModelCache, fix: &Fix) -> FixOutcome {
    let environment = workspace.environment("web").expect("web");
    let ctx = CheckContext::new(stackpilot_core::Env { workspace: workspace, name: "web", environment: environment }, cache);
    checks::apply(&ctx, fix, None).await.expect("fix applies")
}

fn status(report: &CheckReport, id: &str) -> CheckStatus {
    report.get(id).unwrap_or_else(|| panic!("{id} ran")).status
}

#[tokio::test]
async fn a_port_held_by_a_real_listener_names_it_and_the_remap_fix_frees_it() {
    busybox_image();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (_dir, workspace) = fixture(port, "64MB", false, "");
    let cache = ModelCache::default();
    let report = check(&workspace, &cache).await;
    let ports = report.get("ports").expect("ports ran");
    assert_eq!(ports.status, CheckStatus::Fail, "{ports:?}");
    let detail = ports.details.join("\n");
    assert!(detail.contains(&format!("127.0.0.1:{port}/tcp (web): held by process")), "{detail}");
    assert!(detail.contains(&format!(" on 127.0.0.1:{port}: ")), "the holder's own address is named: {detail}");
    assert!(detail.contains(&format!("(pid {})", std::process::id())), "the holder is this test process: {detail}");
    let remap = ports.fixes.iter().find(|f| f.id() == "ports.remap").expect("a remap fix").clone();
    let Fix::RemapPort { variable, from, to } = &remap else { unreachable!() };
    assert_eq!((variable.as_str(), *from), ("WEB_PORT", port));
    assert_ne!(*to, port);

    apply(&workspace, &cache, &remap).await;
    let env_file = std::fs::read_to_string(workspace.env_file("web")).expect("env file written");
    assert!(env_file.contains(&format!("WEB_PORT={to}")), "{env_file}");
    let again = check(&workspace, &cache).await;
    assert_eq!(status(&again, "ports"), CheckStatus::Pass, "{:?}", again.get("ports"));
    drop(listener);
}

async fn run_container(engine: &Engine, name: &str, port: u16, project: &str) {
    let body = ContainerCreateBody {
        image: Some(BUSYBOX_IMAGE.to_owned()),
        cmd: Some(vec!["httpd".into(), "-f".into(), "-p".into(), "8080".into()]),
        labels: Some([(checks::PROJECT_LABEL.to_owned(), project.to_owned())].into_iter().collect()),
        exposed_ports: Some(vec!["8080/tcp".to_owned()]),
        host_config: Some(HostConfig {
            port_bindings: Some(
                [("8080/tcp".to_owned(), Some(vec![PortBinding { host_ip: Some("127.0.0.1".into()), host_port: Some(port.to_string()) }]))]
                    .into_iter()
                    .collect(),
            ),
            ..Default::default()
        }),
        ..Default::default()
    };
    remove_container(engine, name).await;
    engine
        .docker()
        .create_container(Some(CreateContainerOptionsBuilder::new().name(name).build()), body)
        .await
        .expect("create");
    engine.docker().start_container(name, None).await.expect("start");
}

/// A created, never started busybox container: what a stopped container looks like to `df`.
async fn create_stopped(engine: &Engine, name: &str) {
    remove_container(engine, name).await;
    engine
        .docker()
        .create_container(
            Some(CreateContainerOptionsBuilder::new().name(name).build()),
            ContainerCreateBody { image: Some(BUSYBOX_IMAGE.to_owned()), cmd: Some(vec!["true".into()]), ..Default::default() },
        )
        .await
        .expect("create");
}

async fn remove_container(engine: &Engine, name: &str) {
    let _ = engine.docker().remove_container(name, Some(RemoveContainerOptionsBuilder::new().force(true).build())).await;
}

#[tokio::test]
async fn a_port_held_by_a_container_names_it_and_the_environments_own_container_passes() {
    busybox_image();
    let engine = Engine::connect().await.expect("Docker");
    let port = free_port();
    let (_dir, workspace) = fixture(port, "64MB", false, "");
    let cache = ModelCache::default();
    let other = format!("sptest{}-other-web", std::process::id());
    let sibling_project = format!("sptest{}-other", std::process::id());
    run_container(&engine, &other, port, &sibling_project).await;
    let report = check(&workspace, &cache).await;
    remove_container(&engine, &other).await;
    let ports = report.get("ports").expect("ports");
    assert_eq!(ports.status, CheckStatus::Fail);
    let detail = ports.details.join("\n");
    assert!(detail.contains(&format!("held by Docker container {other} of project {sibling_project}")), "{detail}");
    assert!(ports.fixes.iter().any(|f| matches!(f, Fix::StopContainer { container, .. } if *container == other)), "{:?}", ports.fixes);

    let own = format!("sptest{}-web-web-1", std::process::id());
    run_container(&engine, &own, port, &workspace.schema.compose_project("web")).await;
    let report = check(&workspace, &cache).await;
    remove_container(&engine, &own).await;
    let ports = report.get("ports").expect("ports");
    assert_eq!(ports.status, CheckStatus::Pass, "{ports:?}");
    assert!(ports.details.join("\n").contains("held by this environment's own container"), "{ports:?}");
}

#[tokio::test]
async fn a_missing_env_file_warns_and_the_fix_writes_it() {
    let (_dir, workspace) = fixture(free_port(), "64MB", false, "");
    let cache = ModelCache::default();
    let report = check(&workspace, &cache).await;
    let env = report.get("env.file").expect("env.file");
    assert_eq!(env.status, CheckStatus::Warn, "the file would only repeat the schema's values");
    assert_eq!(env.message, ".env.web does not exist");
    assert_eq!(env.fixes, [Fix::GenerateEnvFile]);
    let FixOutcome::EnvFileWritten(update) = apply(&workspace, &cache, &Fix::GenerateEnvFile).await else { panic!("env file") };
    assert_eq!(update.added, ["GREETING"]);
    assert!(update.backup.is_none());
    assert_eq!(status(&check(&workspace, &cache).await, "env.file"), CheckStatus::Pass);
}

#[tokio::test]
async fn a_compose_syntax_error_and_a_missing_required_variable_are_named() {
    let (dir, workspace) = fixture(free_port(), "64MB", false, "  broken: [unclosed\n");
    let report = check(&workspace, &ModelCache::default()).await;
    let files = report.get("compose.files").expect("compose.files");
    assert_eq!(files.status, CheckStatus::Fail);
    assert!(files.message.contains("docker-compose.yml"), "Compose names the file: {}", files.message);
    assert!(files.message.contains("line"), "and the line: {}", files.message);
    assert_eq!(status(&report, "ports"), CheckStatus::Skipped, "ports need the model");
    drop(dir);

    let extra = "  worker:\n    image: stackpilot-test/busybox:1\n    environment:\n      TOKEN: ${API_TOKEN:?set API_TOKEN}\n";
    let (_dir, workspace) = fixture(free_port(), "64MB", false, extra);
    let report = check(&workspace, &ModelCache::default()).await;
    let files = report.get("compose.files").expect("compose.files");
    assert_eq!(files.status, CheckStatus::Fail);
    assert!(files.message.contains("API_TOKEN"), "{files:?}");
}

#[tokio::test]
async fn the_gpu_check_fails_without_a_driver_for_a_gpu_environment_and_skips_otherwise() {
    let (_d1, needs_gpu) = fixture(free_port(), "64MB", true, "");
    let report = check(&needs_gpu, &ModelCache::default()).await;
    let gpu = report.get("gpu").expect("gpu");
    if Path::new("/proc/driver/nvidia").exists() {
        assert_eq!(gpu.status, CheckStatus::Pass, "{gpu:?}");
    } else {
        assert_eq!(gpu.status, CheckStatus::Fail, "{gpu:?}");
        assert_eq!(gpu.message, "Web need(s) an NVIDIA GPU, and no NVIDIA driver is installed");
        assert!(gpu.details.iter().any(|d| d.contains("libnvidia-ml")), "{gpu:?}");
        assert_eq!(status(&report, "gpu.runtime"), CheckStatus::Fail, "no nvidia runtime in this engine");
    }
    let (_d2, no_gpu) = fixture(free_port(), "64MB", false, "");
    let report = check(&no_gpu, &ModelCache::default()).await;
    assert_eq!(status(&report, "gpu"), CheckStatus::Skipped);
    assert_eq!(report.get("gpu").expect("gpu").message, "Web does not need a GPU (requires.gpu: false)");
    assert_eq!(status(&report, "gpu.runtime"), CheckStatus::Skipped);
}

#[tokio::test]
async fn gpu_needs_come_from_the_services_when_the_schema_says_nothing() {
    let extra = "  trainer:\n    image: stackpilot-test/busybox:1\n    deploy:\n      resources:\n        reservations:\n          devices:\n            - { driver: nvidia, count: 2, capabilities: [gpu] }\n  viewer:\n    image: stackpilot-test/busybox:1\n    devices: [\"nvidia.com/gpu=all\"]\n";
    let (_d1, derived) = fixture_requiring(free_port(), "memory: 64MB", extra);
    let report = check(&derived, &ModelCache::default()).await;
    let gpu = report.get("gpu").expect("gpu");
    assert_ne!(gpu.status, CheckStatus::Skipped, "the services ask for GPUs: {gpu:?}");
    let details = gpu.details.join("\n");
    assert!(details.contains("trainer: 2 GPUs (deploy.resources.reservations.devices)"), "{details}");
    assert!(details.contains("viewer: all GPUs (devices (CDI))"), "{details}");
    if !Path::new("/proc/driver/nvidia").exists() {
        assert_eq!(gpu.status, CheckStatus::Fail);
        assert!(gpu.message.starts_with("trainer, viewer need(s) an NVIDIA GPU"), "{}", gpu.message);
        let runtime = report.get("gpu.runtime").expect("gpu.runtime");
        assert_eq!(runtime.status, CheckStatus::Fail, "{runtime:?}");
    }

    let (_d2, overridden) = fixture_requiring(free_port(), "gpu: false, memory: 64MB", extra);
    let report = check(&overridden, &ModelCache::default()).await;
    let gpu = report.get("gpu").expect("gpu");
    assert_eq!(gpu.status, CheckStatus::Skipped, "requires.gpu: false overrides: {gpu:?}");
    assert!(gpu.message.contains("trainer, viewer reserve(s) a GPU"), "{}", gpu.message);
}

#[tokio::test]
async fn the_services_memory_reservations_are_the_stacks_need_and_the_largest_is_named() {
    let extra = "  cache:\n    image: stackpilot-test/busybox:1\n    deploy:\n      resources:\n        reservations: { memory: 64T }\n";
    let (_dir, workspace) = fixture_requiring(free_port(), "memory: 64MB", extra);
    let memory = check(&workspace, &ModelCache::default()).await.get("memory").cloned().expect("memory");
    assert_eq!(memory.status, CheckStatus::Fail, "{memory:?}");
    assert!(memory.message.contains("(the services' reservations)"), "{}", memory.message);
    assert!(memory.details.iter().any(|d| d.starts_with("largest: cache 70.4 TB")), "{:?}", memory.details);
}

#[tokio::test]
async fn a_port_held_on_the_ipv6_wildcard_blocks_a_publish_on_every_address() {
    let Ok(listener) = TcpListener::bind("[::]:0") else {
        eprintln!("no IPv6 on this machine: skipped");
        return;
    };
    let port = listener.local_addr().expect("addr").port();
    let extra = format!("  open:\n    image: stackpilot-test/busybox:1\n    ports: [\"{port}:80\"]\n");
    let (_dir, workspace) = fixture(free_port(), "64MB", false, &extra);
    let ports = check(&workspace, &ModelCache::default()).await.get("ports").cloned().expect("ports");
    assert_eq!(ports.status, CheckStatus::Fail, "{ports:?}");
    let detail = ports.details.join("\n");
    assert!(detail.contains(&format!("{port}/tcp (open): held by process")) && detail.contains(&format!("(pid {}) on [::]:{port}", std::process::id())), "{detail}");
}

#[tokio::test]
async fn a_memory_requirement_above_the_machine_fails_and_a_small_one_passes() {
    let (_d1, huge) = fixture(free_port(), "64TB", false, "");
    let memory = check(&huge, &ModelCache::default()).await.get("memory").cloned().expect("memory");
    assert_eq!(memory.status, CheckStatus::Fail);
    assert!(memory.message.starts_with("Web needs 64.0 TB of memory (requires.memory); the engine has"), "{}", memory.message);
    let (_d2, small) = fixture(free_port(), "64MB", false, "");
    assert_eq!(status(&check(&small, &ModelCache::default()).await, "memory"), CheckStatus::Pass);
}

#[tokio::test]
async fn the_reclaim_preview_lists_exactly_the_stopped_container_and_dangling_image_it_removes() {
    busybox_image();
    let engine = Engine::connect().await.expect("Docker");
    let tag = format!("stackpilot-test/dangling:{}", std::process::id());
    // Building the same tag twice leaves the first image dangling, as a real rebuild does.
    let build = |marker: &str| {
        let context = tempfile::tempdir().expect("tempdir");
        std::fs::write(context.path().join("Dockerfile"), format!("FROM {BUSYBOX_IMAGE}\nRUN echo {marker} > /tmp/marker\n"))
            .expect("Dockerfile");
        let built = std::process::Command::new("docker")
            .args(["build", "--quiet", "--tag", &tag])
            .arg(context.path())
            .env("DOCKER_BUILDKIT", "0")
            .output()
            .expect("docker build");
        assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
        String::from_utf8_lossy(&built.stdout).trim().to_owned()
    };
    let image_id = build(&format!("first-{}", std::process::id()));
    build(&format!("second-{}", std::process::id()));
    let stopped = format!("sptest{}-stopped", std::process::id());
    create_stopped(&engine, &stopped).await;

    let usage = disk::usage(&engine).await.expect("usage");
    let mine: Vec<_> = usage
        .plan
        .iter()
        .filter(|i| i.name == stopped || i.id == image_id)
        .cloned()
        .collect();
    assert_eq!(mine.len(), 2, "preview lists the test's container and image: {:?}", usage.plan);
    assert!(usage.plan.iter().all(|i| i.name != "stackpilot-test/busybox:1"), "tagged images are never in the plan");
    let freed = disk::reclaim(&engine, &mine).await.expect("reclaim");
    assert_eq!(freed, mine.iter().map(|i| i.size).sum::<u64>());
    let after = disk::usage(&engine).await.expect("usage");
    assert!(after.plan.iter().all(|i| i.name != stopped && i.id != image_id), "both are gone");
    assert!(engine.docker().inspect_image(BUSYBOX_IMAGE).await.is_ok(), "nothing else was touched");
    assert!(engine.docker().inspect_image(&tag).await.is_ok(), "the current build of the tag stays");
    let _ = std::process::Command::new("docker").args(["rmi", &tag]).output();
}

/// `1.2kB`, `3.4MB (50%)`, `0B` as `docker system df` prints sizes (decimal units).
fn human_size(text: &str) -> f64 {
    let number = text.split_whitespace().next().unwrap_or("0");
    let split = number.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(number.len());
    let (value, unit) = number.split_at(split);
    let scale = match unit {
        "kB" | "KB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        "TB" => 1e12,
        _ => 1.0,
    };
    value.parse::<f64>().unwrap_or(0.0) * scale
}

#[tokio::test]
async fn disk_usage_agrees_with_docker_system_df() {
    busybox_image();
    let engine = Engine::connect().await.expect("Docker");
    let stopped = format!("sptest{}-df", std::process::id());
    create_stopped(&engine, &stopped).await;
    // Other tests create and remove containers meanwhile: compare only a reading during
    // which the engine's lists did not change (ours before and after docker's are equal).
    let counts = || async {
        let images = engine
            .docker()
            .list_images(Some(bollard::query_parameters::ListImagesOptionsBuilder::new().all(false).build()))
            .await
            .expect("images")
            .len();
        (images, engine.containers(true, false).await.expect("containers").len())
    };
    let mut reading = None;
    for _ in 0..40 {
        let before = counts().await;
        let ours = disk::usage(&engine).await.expect("usage");
        let df = Command::new("docker").args(["system", "df", "--format", "{{json .}}"]).output().expect("docker system df");
        if counts().await == before {
            reading = Some((before, ours, df));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    remove_container(&engine, &stopped).await;
    let ((listed_images, listed_containers), ours, df) = reading.expect("a quiet moment to compare in");
    assert!(df.status.success(), "{}", String::from_utf8_lossy(&df.stderr));
    let rows: Vec<serde_json::Value> =
        String::from_utf8_lossy(&df.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON line")).collect();
    let row = |kind: &str| rows.iter().find(|r| r["Type"] == kind).unwrap_or_else(|| panic!("{kind} row in {rows:?}")).clone();
    let images = row("Images");
    let total_images: usize = images["TotalCount"].as_str().and_then(|c| c.parse().ok()).expect("count");
    assert_eq!(total_images, listed_images, "image count");
    let containers = row("Containers");
    let total: usize = containers["TotalCount"].as_str().and_then(|c| c.parse().ok()).expect("count");
    assert_eq!(total, listed_containers, "container count");
    // Docker's Size of all images counts shared layers once; ours sums image sizes (as `docker images`).
    let df_images = human_size(images["Size"].as_str().expect("size"));
    assert!(ours.images as f64 >= df_images * 0.95, "ours {} vs docker {df_images}", ours.images);
    let df_containers = human_size(containers["Size"].as_str().expect("size"));
    assert!((ours.containers as f64 - df_containers).abs() <= df_containers * 0.1 + 10_000.0, "containers: ours {} vs docker {df_containers}", ours.containers);
}

#[tokio::test]
async fn a_refusal_caused_by_the_schemas_service_settings_points_at_the_schema_line() {
    let (_dir, workspace) = fixture_requiring(free_port(), "memory: 64MB }\n    services: { ghost: { memory: 32MB }", "");
    let report = check(&workspace, &ModelCache::default()).await;
    let files = report.get("compose.files").expect("compose.files");
    assert_eq!(files.status, CheckStatus::Fail, "{files:?}");
    let details = files.details.join("\n");
    let at = format!("{}:10", workspace.schema_path.display());
    assert!(details.contains(&format!("caused by the schema's environments.web.services.ghost at {at}")), "{details}");
    assert!(details.contains("file at fault") || details.contains("files of this environment"), "{details}");
}

#[tokio::test]
async fn a_remap_is_offered_only_when_it_moves_the_taken_port_and_nothing_else() {
    busybox_image();
    let held: Vec<TcpListener> = (0..4).map(|_| TcpListener::bind("127.0.0.1:0").expect("bind")).collect();
    let [db, a, b, c] = [0, 1, 2, 3].map(|i| held[i].local_addr().expect("addr").port());
    let twice = free_port();
    let extra = format!(
        "  db:\n    image: {BUSYBOX_IMAGE}\n    environment: {{ PGPORT: \"${{DB_PORT:-{db}}}\" }}\n    ports: [\"127.0.0.1:${{DB_PORT:-{db}}}:5432\"]\n\
         \x20 a:\n    image: {BUSYBOX_IMAGE}\n    ports: [\"127.0.0.1:${{A_PORT:-{a}}}:80\", \"127.0.0.1:${{B_PORT:-{b}}}:81\"]\n\
         \x20 c:\n    image: {BUSYBOX_IMAGE}\n    environment: {{ UNRELATED: \"${{AAA_PORT:-{c}}}\" }}\n    ports: [\"127.0.0.1:${{C_PORT:-{c}}}:80\"]\n\
         \x20 one:\n    image: {BUSYBOX_IMAGE}\n    ports: [\"127.0.0.1:{twice}:80\"]\n\
         \x20 two:\n    image: {BUSYBOX_IMAGE}\n    ports: [\"{twice}:81\"]\n"
    );
    let (_dir, workspace) = fixture(free_port(), "64MB", false, &extra);
    let ports = check(&workspace, &ModelCache::default()).await.get("ports").cloned().expect("ports");
    drop(held);
    assert_eq!(ports.status, CheckStatus::Fail);
    let details = ports.details.join("\n");
    let remaps: Vec<(String, u16, u16)> = ports
        .fixes
        .iter()
        .filter_map(|f| match f {
            Fix::RemapPort { variable, from, to } => Some((variable.clone(), *from, *to)),
            _ => None,
        })
        .collect();
    let variables: Vec<&str> = remaps.iter().map(|(v, _, _)| v.as_str()).collect();
    assert!(!variables.contains(&"DB_PORT"), "DB_PORT also sets PGPORT: {remaps:?}");
    assert!(details.contains("DB_PORT also sets services.db.environment.PGPORT"), "{details}");
    assert!(variables.contains(&"A_PORT") && variables.contains(&"B_PORT"), "{remaps:?}");
    assert!(variables.contains(&"C_PORT") && !variables.contains(&"AAA_PORT"), "the variable that moves the port is offered: {remaps:?}");
    let targets: std::collections::BTreeSet<u16> = remaps.iter().map(|(_, _, to)| *to).collect();
    assert_eq!(targets.len(), remaps.len(), "each remap gets its own port: {remaps:?}");
    assert!(details.contains(&format!("{twice}/tcp is published twice: by two and by one")), "{details}");
}
