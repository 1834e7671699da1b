//! The real app window, driven through WebDriver (tauri-driver + WebKitWebDriver under Xvfb).

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::support::{artifacts_dir, free_port, repo_root};

/// tauri-driver, stopped with SIGTERM so WebKitWebDriver releases its port.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Self {
        assert!(std::env::var_os("DISPLAY").is_some(), "DISPLAY must be set (scripts/test.sh starts Xvfb)");
        let port = free_port();
        let native_port = free_port();
        let log = std::fs::File::create(artifacts_dir().join("tauri-driver.log")).expect("log file");
        let child = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .env("STACKPILOT_WORKSPACE", repo_root().join("configs"))
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log))
            .spawn()
            .expect("tauri-driver is installed (scripts/setup.sh --tests)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
    }
}

fn app_binary() -> PathBuf {
    crate::support::built_binary("stackpilot-desktop")
}

async fn open_app(driver: &Driver) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        serde_json::json!({
            "application": app_binary(),
            "args": ["--workspace", repo_root().join("configs")],
        }),
    );
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("a WebDriver session with the app")
}

#[tokio::test]
async fn the_window_lists_the_eight_environments_of_configs() {
    let driver = Driver::start();
    let client = open_app(&driver).await;
    let result = async {
        client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(".environment-card"))
            .await
            .map_err(|e| format!("no environment cards appeared: {e}"))?;
        let cards = client.find_all(Locator::Css(".environment-card h2")).await.map_err(|e| e.to_string())?;
        let mut titles = Vec::new();
        for card in cards {
            titles.push(card.text().await.map_err(|e| e.to_string())?);
        }
        let names = client.find_all(Locator::Css(".environment-card .env-name")).await.map_err(|e| e.to_string())?;
        let mut env_names = Vec::new();
        for name in names {
            env_names.push(name.text().await.map_err(|e| e.to_string())?);
        }
        let heading = client.find(Locator::Css("main h1")).await.map_err(|e| e.to_string())?.text().await.map_err(|e| e.to_string())?;
        let dev_services = client
            .find(Locator::Css("[data-environment='dev'] .service-count"))
            .await
            .map_err(|e| e.to_string())?
            .text()
            .await
            .map_err(|e| e.to_string())?;
        let screenshot = client.screenshot().await.map_err(|e| e.to_string())?;
        std::fs::write(artifacts_dir().join("environments.png"), screenshot).map_err(|e| e.to_string())?;
        Ok::<_, String>((titles, env_names, heading, dev_services))
    }
    .await;
    let _ = client.close().await;
    drop(driver);
    let (titles, env_names, heading, dev_services) = result.expect("the window shows the environments");
    assert_eq!(heading, "Environments of multimodal");
    assert_eq!(env_names, ["dev", "staging", "production", "testing", "performance", "monitoring", "optimized", "first-run"]);
    assert_eq!(titles, ["Development", "Staging", "Production", "Testing", "Performance", "Monitoring", "Optimized", "First run"]);
    assert_eq!(dev_services, "15 services");
}
