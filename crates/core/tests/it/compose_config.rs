//! The real Compose CLI accepts every environment of the default workspace.

use stackpilot_core::{
    compose::{self, ComposeCli, ComposeError, ProjectSpec},
    secrets::Sensitive,
    Workspace,
};

use crate::support::configs_dir;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

/// The spec of `name` with every secret it uses set to `value(secret)`.
fn spec_with_secrets(workspace: &Workspace, name: &str, value: impl Fn(&str) -> String) -> ProjectSpec {
    let environment = workspace.environment(name).expect("environment exists");
    let mut spec = ProjectSpec::of(stackpilot_core::Env { workspace: workspace, name: name, environment: environment });
    spec.secrets = workspace
        .schema
        .secret_names(environment)
        .into_iter()
        .map(|s| (s.to_owned(), Sensitive::new(value(s))))
        .collect();
    spec
}

#[test]
fn compose_config_passes_for_every_environment_of_configs() {
    runtime().block_on(async {
        let cli = ComposeCli::locate().await.expect("Compose v2 is installed by scripts/setup.sh");
        let workspace = Workspace::open(&configs_dir()).expect("configs/ is valid");
        assert_eq!(workspace.schema.environments.len(), 8);
        for (name, environment) in workspace.schema.environments.iter() {
            let spec = spec_with_secrets(&workspace, name, |s| format!("test-value-for-{s}"));
            let model = compose::config(&cli, &spec)
                .await
                .unwrap_or_else(|e| panic!("environment {name}: {e}"));
            assert_eq!(model.name, format!("multimodal-{name}"));
            assert!(!model.services.is_empty(), "environment {name} has no services");
            for service in model.services.values() {
                if name != "performance" {
                    assert!(service.has_healthcheck(), "every long-running service of {name} has a healthcheck");
                }
            }
            let gpu = !model.gpu_needs().is_empty();
            assert_eq!(Some(gpu), environment.requires.gpu, "the services of {name} ask for a GPU exactly when `requires.gpu` says so");
        }
    });
}

#[test]
fn the_seed_ports_are_published_by_the_full_stack() {
    runtime().block_on(async {
        let cli = ComposeCli::locate().await.expect("Compose v2");
        let workspace = Workspace::open(&configs_dir()).expect("configs/ is valid");
        let spec = spec_with_secrets(&workspace, "dev", |_| "x".repeat(32));
        let model = compose::config(&cli, &spec).await.expect("dev resolves");
        let mut ports: Vec<u16> = model.services.values().flat_map(|s| s.ports.iter().flat_map(|p| p.host_ports())).collect();
        ports.sort_unstable();
        let mut expected = vec![3030, 4000, 5432, 5678, 6333, 6379, 9000, 9002];
        expected.extend(8000..=8006);
        expected.sort_unstable();
        assert_eq!(ports, expected);
    });
}

#[test]
fn a_missing_secret_is_named_by_compose() {
    runtime().block_on(async {
        let cli = ComposeCli::locate().await.expect("Compose v2");
        let workspace = Workspace::open(&configs_dir()).expect("configs/ is valid");
        let environment = workspace.environment("first-run").expect("first-run");
        let spec = ProjectSpec::of(stackpilot_core::Env { workspace: &workspace, name: "first-run", environment: environment });
        match compose::config(&cli, &spec).await {
            Err(ComposeError::Rejected { project, message, .. }) => {
                assert_eq!(project, "multimodal-first-run");
                assert!(message.contains("is missing a value"), "{message}");
                assert!(message.contains("stackpilot secrets generate"), "{message}");
            }
            other => panic!("expected a rejection, got {other:?}"),
        }
    });
}
