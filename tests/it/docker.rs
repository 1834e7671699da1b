//! The Docker Engine through bollard: a scratch image built here, a container run through the API.

use std::{
    io::{Read, Write},
    net::TcpStream,
};

use bollard::{
    models::{ContainerCreateBody, HostConfig, PortBinding},
    query_parameters::{CreateContainerOptionsBuilder, LogsOptionsBuilder, RemoveContainerOptionsBuilder},
};
use futures_util::StreamExt;
use stackpilot_core::engine::Engine;

use crate::support::busybox_image;

async fn engine() -> Engine {
    Engine::connect().await.unwrap_or_else(|e| panic!("Docker must answer (scripts/test.sh starts it): {e}"))
}

async fn remove(engine: &Engine, name: &str) {
    let options = RemoveContainerOptionsBuilder::new().force(true).build();
    let _ = engine.docker().remove_container(name, Some(options)).await;
}

/// Creates and starts a container called `name`, removing an old one first.
async fn start(engine: &Engine, name: &str, body: ContainerCreateBody) {
    remove(engine, name).await;
    let docker = engine.docker();
    docker
        .create_container(Some(CreateContainerOptionsBuilder::new().name(name).build()), body)
        .await
        .expect("create");
    docker.start_container(name, None).await.expect("start");
}

#[tokio::test]
async fn the_engine_answers_with_a_negotiated_api_version() {
    let engine = engine().await;
    let version = engine.version().await.expect("version");
    assert!(!version.version.is_empty());
    let (major, minor) = version.api_version.split_once('.').expect("API version is MAJOR.MINOR");
    assert_eq!(major, "1");
    assert!(minor.parse::<u32>().expect("minor") >= 41, "API {} is at least 1.41 (engine 20.10)", version.api_version);
}

#[tokio::test]
async fn runs_a_busybox_container_through_the_api_and_reads_its_exit_code_and_logs() {
    let engine = engine().await;
    let image = busybox_image();
    let name = format!("stackpilot-it-run-{}", std::process::id());
    let body = ContainerCreateBody {
        image: Some(image.to_owned()),
        cmd: Some(vec!["sh".into(), "-c".into(), "echo hello from scratch; exit 3".into()]),
        ..Default::default()
    };
    start(&engine, &name, body).await;
    let docker = engine.docker();
    let waited = docker.wait_container(&name, None).next().await.expect("a wait result");
    let code = match waited {
        Ok(response) => response.status_code,
        Err(bollard::errors::Error::DockerContainerWaitError { code, .. }) => code,
        Err(other) => panic!("wait failed: {other}"),
    };
    assert_eq!(code, 3);
    let logs: Vec<String> = docker
        .logs(&name, Some(LogsOptionsBuilder::new().stdout(true).stderr(true).build()))
        .map(|chunk| chunk.expect("log chunk").to_string())
        .collect()
        .await;
    assert_eq!(logs.concat().trim(), "hello from scratch");
    remove(&engine, &name).await;
}

#[tokio::test]
async fn publishes_a_port_on_the_loopback() {
    let engine = engine().await;
    let image = busybox_image();
    let name = format!("stackpilot-it-port-{}", std::process::id());
    let body = ContainerCreateBody {
        image: Some(image.to_owned()),
        cmd: Some(vec!["sh".into(), "-c".into(), "echo published > /www/index.html && httpd -f -p 8080 -h /www".into()]),
        exposed_ports: Some(vec!["8080/tcp".to_owned()]),
        host_config: Some(HostConfig {
            port_bindings: Some(
                [("8080/tcp".to_owned(), Some(vec![PortBinding { host_ip: Some("127.0.0.1".into()), host_port: Some(String::new()) }]))]
                    .into_iter()
                    .collect(),
            ),
            ..Default::default()
        }),
        ..Default::default()
    };
    start(&engine, &name, body).await;
    let inspect = engine.docker().inspect_container(&name, None).await.expect("inspect");
    let port: u16 = inspect
        .network_settings
        .and_then(|n| n.ports)
        .and_then(|p| p.get("8080/tcp").cloned().flatten())
        .and_then(|b| b.first().and_then(|b| b.host_port.clone()))
        .and_then(|p| p.parse().ok())
        .expect("a published host port");
    let mut body = String::new();
    for _ in 0..50 {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            stream.write_all(b"GET / HTTP/1.0\r\n\r\n").expect("request");
            body.clear();
            let _ = stream.read_to_string(&mut body);
            if body.contains("published") {
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    remove(&engine, &name).await;
    assert!(body.contains("published"), "httpd answered through 127.0.0.1:{port}: {body:?}");
}
