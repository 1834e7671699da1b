//! The real app window, driven through WebDriver (tauri-driver + WebKitWebDriver under Xvfb),
//! against the real engine and keychain. Screenshots of every screen go to
//! target/test-artifacts/ (the test command prints the folder).

use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

use crate::support::{artifacts_dir, built_binary, busybox_image, free_port, repo_root};

/// One app window at a time: parallel tauri-driver/WebKitWebDriver sessions under one
/// display interfere (a session request is cut off mid-way).
static ONE_WINDOW: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// tauri-driver, stopped with SIGTERM so WebKitWebDriver releases its port.
struct Driver {
    child: Child,
    port: u16,
    /// Marks the apps this driver launches (an environment variable they inherit), so that
    /// none outlives it: a leftover app would hold the single-instance name and turn every
    /// later launch into a hand-over.
    marker: String,
    /// The app's own settings folder (the remembered projects), unless the test gives one.
    _settings: Option<tempfile::TempDir>,
}

impl Driver {
    /// Starts tauri-driver; the app it launches inherits `env`.
    fn start(name: &str, env: &[(&str, &Path)], remove: &[&str]) -> Self {
        assert!(std::env::var_os("DISPLAY").is_some(), "DISPLAY must be set (scripts/test.sh starts Xvfb)");
        let port = free_port();
        let native_port = free_port();
        let log = std::fs::File::create(artifacts_dir().join(format!("tauri-driver-{name}.log"))).expect("log file");
        let marker = format!("{name}-{}-{port}", std::process::id());
        let mut command = Command::new("tauri-driver");
        command
            .env("STACKPILOT_TEST_DRIVER", &marker)
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .stdout(Stdio::from(log.try_clone().expect("log")))
            .stderr(Stdio::from(log));
        for (key, value) in env {
            command.env(key, value);
        }
        // Never the person's own list of projects: a fresh one unless the test keeps its own.
        let settings = (!env.iter().any(|(k, _)| *k == "XDG_CONFIG_HOME")).then(|| tempfile::tempdir().expect("settings"));
        if let Some(dir) = &settings {
            command.env("XDG_CONFIG_HOME", dir.path());
        }
        for key in remove {
            command.env_remove(key);
        }
        let child = command.spawn().expect("tauri-driver is installed (scripts/setup.sh --tests)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not listen on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        Self { child, port, marker, _settings: settings }
    }

    /// Launches the app this build made.
    async fn open(&self, args: &[String]) -> Client {
        self.open_program(&built_binary("stackpilot-desktop"), args).await
    }

    /// Launches `program` (e.g. the one a package installed).
    async fn open_program(&self, program: &Path, args: &[String]) -> Client {
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), serde_json::json!({ "application": program, "args": args }));
        let mut last = None;
        for _ in 0..3 {
            // Bounded: an app that exits at once (another instance took over) never answers.
            let (mut builder, url) = (ClientBuilder::new(HttpConnector::new()), format!("http://127.0.0.1:{}", self.port));
            match tokio::time::timeout(Duration::from_secs(60), builder.capabilities(caps.clone()).connect(&url)).await {
                Ok(Ok(client)) => return client,
                Ok(Err(e)) => last = Some(e.to_string()),
                Err(_) => last = Some("no answer within 60 s (did the app exit at once?)".into()),
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
        panic!("no WebDriver session with the app after 3 tries: {last:?}")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let _ = self.child.wait();
        // Any app it launched that is still there goes too, and is waited for.
        let wanted = format!("STACKPILOT_TEST_DRIVER={}", self.marker);
        let launched = || -> Vec<String> {
            std::fs::read_dir("/proc")
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().chars().all(|c| c.is_ascii_digit()))
                .filter(|e| std::fs::read(e.path().join("environ")).is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == wanted.as_bytes())))
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let left = launched();
            if left.is_empty() || Instant::now() > deadline {
                break;
            }
            let _ = Command::new("kill").arg("-KILL").args(&left).status();
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

type Step<T> = Result<T, String>;

async fn find(client: &Client, css: &str, within: Duration) -> Step<Element> {
    client.wait().at_most(within).for_element(Locator::Css(css)).await.map_err(|e| format!("`{css}` did not appear: {e}"))
}

async fn text(client: &Client, css: &str) -> Step<String> {
    client.find(Locator::Css(css)).await.map_err(|e| format!("`{css}`: {e}"))?.text().await.map_err(|e| e.to_string())
}

/// The text of `css` as the page holds it (WebDriver's visible text is empty for text
/// that CSS may clip with an ellipsis).
async fn content(client: &Client, css: &str) -> Step<String> {
    let value = client
        .execute("return document.querySelector(arguments[0])?.textContent ?? null", vec![serde_json::json!(css)])
        .await
        .map_err(|e| format!("`{css}`: {e}"))?;
    value.as_str().map(str::to_owned).ok_or_else(|| format!("`{css}` is not on the page"))
}

async fn click(client: &Client, css: &str) -> Step<()> {
    // A live screen may draw the element again between finding and clicking it: find it again.
    let mut tries = 0;
    loop {
        let result = find(client, css, Duration::from_secs(20)).await?.click().await;
        match result {
            Ok(()) => return Ok(()),
            Err(e) if tries < 5 && (e.to_string().contains("was not found") || e.to_string().contains("stale")) => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => return Err(format!("click `{css}`: {e}")),
        }
    }
}

/// Accepts the confirmation the window shows (its modal dialog), returning its text.
async fn accept_confirmation(client: &Client, within: Duration) -> Step<String> {
    let dialog = find(client, "dialog.confirm[open]", within).await?;
    let shown = dialog.text().await.map_err(|e| e.to_string())?;
    click(client, "dialog.confirm[open] button.confirm").await?;
    Ok(shown)
}

/// Chooses `folder` in the platform's folder dialog (GTK's, on the test display), the way
/// a person does: the dialog is found by its title, the path typed into its location field.
async fn choose_in_folder_dialog(folder: &Path, within: Duration) -> Step<()> {
    let deadline = Instant::now() + within;
    let window = loop {
        let found = Command::new("xdotool").args(["search", "--name", "Open a Compose project"]).output().map_err(|e| format!("xdotool: {e}"))?;
        if let Some(id) = String::from_utf8_lossy(&found.stdout).lines().last().map(str::to_owned) {
            break id;
        }
        if Instant::now() > deadline {
            return Err("the folder dialog did not open".into());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    tokio::time::sleep(Duration::from_millis(700)).await; // let GTK draw and focus it
    let xdotool = |args: &[&str]| -> Step<()> {
        let status = Command::new("xdotool").args(args).status().map_err(|e| format!("xdotool: {e}"))?;
        status.success().then_some(()).ok_or_else(|| format!("xdotool {args:?} failed"))
    };
    xdotool(&["windowfocus", "--sync", &window])?;
    xdotool(&["key", "--window", &window, "ctrl+l"])?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    xdotool(&["type", "--window", &window, "--delay", "20", &format!("{}/", folder.display())])?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    xdotool(&["key", "--window", &window, "Return"])?;
    // A folder typed with its slash is entered first; Return again selects it.
    tokio::time::sleep(Duration::from_millis(800)).await;
    let still = Command::new("xdotool").args(["search", "--name", "Open a Compose project"]).output().map_err(|e| e.to_string())?;
    if !String::from_utf8_lossy(&still.stdout).trim().is_empty() {
        xdotool(&["key", "--window", &window, "Return"])?;
    }
    Ok(())
}

async fn shot(client: &Client, name: &str) -> Step<()> {
    let png = client.screenshot().await.map_err(|e| e.to_string())?;
    std::fs::write(artifacts_dir().join(format!("{name}.png")), png).map_err(|e| e.to_string())
}

/// Waits until the page text (textContent) of `css` contains `wanted`.
async fn wait_content(client: &Client, css: &str, wanted: &str, within: Duration) -> Step<String> {
    let deadline = Instant::now() + within;
    loop {
        let found = content(client, css).await.unwrap_or_default();
        if found.contains(wanted) {
            return Ok(found);
        }
        if Instant::now() > deadline {
            return Err(format!("`{css}` says {found:?}, not {wanted:?}"));
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Waits until the text of `css` contains `wanted`.
async fn wait_text(client: &Client, css: &str, wanted: &str, within: Duration) -> Step<String> {
    let deadline = Instant::now() + within;
    loop {
        if let Ok(found) = text(client, css).await {
            if found.contains(wanted) {
                return Ok(found);
            }
            if Instant::now() > deadline {
                return Err(format!("`{css}` says {found:?}, not {wanted:?}"));
            }
        } else if Instant::now() > deadline {
            return Err(format!("`{css}` never appeared (waiting for {wanted:?})"));
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

#[tokio::test]
async fn the_window_lists_the_eight_environments_of_configs() {
    let _turn = ONE_WINDOW.lock().await;
    let configs = repo_root().join("configs");
    let driver = Driver::start("configs", &[("STACKPILOT_WORKSPACE", &configs)], &[]);
    let client = driver.open(&["--workspace".into(), configs.display().to_string()]).await;
    let result = async {
        find(&client, ".environment-card", Duration::from_secs(30)).await?;
        let mut titles = Vec::new();
        for card in client.find_all(Locator::Css(".environment-card h2")).await.map_err(|e| e.to_string())? {
            titles.push(card.text().await.map_err(|e| e.to_string())?);
        }
        let mut names = Vec::new();
        for name in client.find_all(Locator::Css(".environment-card .env-name")).await.map_err(|e| e.to_string())? {
            names.push(name.text().await.map_err(|e| e.to_string())?);
        }
        let heading = text(&client, "main h1").await?;
        let dev_services = text(&client, "[data-environment='dev'] .service-count").await?;
        shot(&client, "1-environments").await?;
        // Staging and production side by side: only differences the schema allows.
        click(&client, ".compare-link button").await?;
        let compared = wait_text(&client, ".compare-status", "differ only where the schema allows", Duration::from_secs(60)).await?;
        let limits = text(&client, "tr[data-service='postgres'][data-aspect='limits']").await?;
        shot(&client, "16-compare").await?;
        Ok::<_, String>((titles, names, heading, dev_services, compared, limits))
    }
    .await;
    if result.is_err() {
        let _ = shot(&client, "FAILED-configs").await;
    }
    let _ = client.close().await;
    drop(driver);
    let (titles, names, heading, dev_services, compared, limits) = result.expect("the window shows the environments");
    assert!(compared.contains("staging and production"), "{compared}");
    assert!(limits.contains("memory 2GiB") && limits.contains("memory 4GiB") && limits.to_lowercase().contains("allowed"), "{limits}");
    assert_eq!(heading, "Environments of multimodal");
    assert_eq!(names, ["dev", "staging", "production", "testing", "performance", "monitoring", "optimized", "first-run"]);
    assert_eq!(titles, ["Development", "Staging", "Production", "Testing", "Performance", "Monitoring", "Optimized", "First run"]);
    assert_eq!(dev_services, "15 services");
}

/// A copy of the fixture stacks with a unique project; WEB_PORT of `healthy` is `port`.
fn fixture_workspace(port: u16) -> tempfile::TempDir {
    busybox_image();
    let dir = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(repo_root().join("tests/fixtures/stacks")).expect("fixtures").flatten() {
        std::fs::copy(entry.path(), dir.path().join(entry.file_name())).expect("copy");
    }
    let schema = dir.path().join("stackpilot.yaml");
    let text = std::fs::read_to_string(&schema).expect("schema");
    std::fs::write(&schema, text.replace("project: fxstack", &format!("project: fxui{}", std::process::id()))).expect("schema");
    std::fs::write(dir.path().join(".env.healthy"), format!("WEB_PORT={port}\n")).expect("env file");
    dir
}

#[tokio::test]
async fn a_new_user_fixes_a_port_generates_secrets_launches_and_watches_the_dashboard() {
    let _turn = ONE_WINDOW.lock().await;
    let held = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = held.local_addr().expect("addr").port();
    let workspace = fixture_workspace(port);
    let data = tempfile::tempdir().expect("app data");
    let driver = Driver::start("flow", &[("XDG_DATA_HOME", data.path())], &["STACKPILOT_WORKSPACE"]);
    let client = driver.open(&[]).await;
    let path = workspace.path().display().to_string();
    let result = async {
        // 1. First run: the welcome screen; open the fixture folder.
        find(&client, ".welcome", Duration::from_secs(30)).await?;
        shot(&client, "0-welcome").await?;
        let input = find(&client, ".open-folder input", Duration::from_secs(5)).await?;
        input.send_keys(&path).await.map_err(|e| e.to_string())?;
        click(&client, ".open-folder button").await?;
        // 2. Pick the healthy environment.
        click(&client, "[data-environment='healthy'] .card-button").await?;
        // 3. The port the test holds fails the ports check, naming this process.
        let ports = wait_text(&client, "[data-check='ports'] .check-message", "taken", Duration::from_secs(30)).await?;
        let details = text(&client, "[data-check='ports'] .check-details").await?;
        shot(&client, "2-checks-failing").await?;
        // A page that sends a fix the checks did not offer is refused by the app.
        let forged = client
            .execute_async(
                "const done = arguments[arguments.length - 1];\n\
                 window.__TAURI__.core.invoke('apply_fix', {env: 'healthy', fix: {kind: 'stopContainer', container: 'anything', project: 'other'}, confirmed: null})\n\
                 .then(() => done('applied'), (e) => done(JSON.stringify(e)));",
                vec![],
            )
            .await
            .map_err(|e| format!("forged invoke: {e}"))?;
        if !forged.to_string().contains("FixNotOffered") {
            return Err(format!("a fix that was not offered must be refused: {forged}"));
        }
        click(&client, "[data-check='ports'] button.fix").await?;
        // The change to the env file is shown before it is written.
        let preview = accept_confirmation(&client, Duration::from_secs(10)).await?;
        if !preview.contains("+ WEB_PORT=") {
            return Err(format!("the confirmation shows the change: {preview}"));
        }
        wait_text(&client, "[data-check='ports'] .check-message", "free", Duration::from_secs(30)).await?;
        let fixed = text(&client, ".fix-message").await?;
        wait_text(&client, ".run-status", "", Duration::from_secs(10)).await?;
        find(&client, ".checks-view button.continue:not([disabled])", Duration::from_secs(30)).await?;
        shot(&client, "3-checks-fixed").await?;
        click(&client, ".checks-view button.continue").await?;
        // 4. Secrets: APP_TOKEN is missing; generate it.
        wait_text(&client, "[data-secret='APP_TOKEN'] .secret-value", "missing", Duration::from_secs(20)).await?;
        click(&client, "button.generate").await?;
        wait_text(&client, "[data-secret='APP_TOKEN'] .secret-value", "in the keychain", Duration::from_secs(20)).await?;
        let keychain = text(&client, ".keychain-name").await?;
        shot(&client, "4-secrets").await?;
        click(&client, ".secrets-view button.continue:not([disabled])").await?;
        // 5. Launch: every service ready on the timeline.
        let status = wait_text(&client, ".launch-view .run-status", "is ready", Duration::from_secs(90)).await?;
        let web = text(&client, ".timeline [data-service='web'] .state-chip").await?;
        let app = text(&client, ".timeline [data-service='app'] .state-chip").await?;
        shot(&client, "5-launch").await?;
        click(&client, ".launch-view button.primary").await?;
        // 6. Dashboard: states, and the log line the fixture's db printed.
        wait_text(&client, ".log-view", "db: ready to accept connections", Duration::from_secs(30)).await?;
        // The container printed colour codes: rendered as colour, never shown raw.
        let raw = content(&client, ".log-view").await?;
        if raw.contains('\u{1b}') || raw.contains("[32m") {
            return Err(format!("ANSI codes shown raw: {raw:?}"));
        }
        find(&client, ".log-view .ansi-green", Duration::from_secs(5)).await?;
        // The schema's named link, expanded with the env file's WEB_PORT.
        let link = find(&client, ".env-links .env-link", Duration::from_secs(10)).await?;
        let link_url = link.attr("data-url").await.map_err(|e| e.to_string())?.unwrap_or_default();
        let env_file = std::fs::read_to_string(workspace.path().join(".env.healthy")).map_err(|e| e.to_string())?;
        let web_port = env_file.lines().filter_map(|l| l.strip_prefix("WEB_PORT=")).last().unwrap_or_default().to_owned();
        if link_url != format!("http://localhost:{web_port}") || !content(&client, ".env-links").await?.contains("Web") {
            return Err(format!("the dashboard's link: {link_url}"));
        }
        let db = text(&client, "tr[data-service='db'] .state-chip").await?;
        tokio::time::sleep(Duration::from_millis(2500)).await; // let the graphs draw a few samples
        shot(&client, "6-dashboard").await?;
        // The environment's graphs have axes (the scale's top and 0, 60 s ago and now) and
        // read the value under the pointer.
        let axes = content(&client, ".env-graphs").await?;
        if !(axes.contains("200 %") || axes.contains("100 %")) || !axes.contains("60 s ago") || !axes.contains("now") {
            return Err(format!("the environment's graphs lack their axes: {axes}"));
        }
        let reading = client
            .execute(
                "const g = document.querySelector('.env-graph .sparkline'); const b = g.getBoundingClientRect(); \
                 g.dispatchEvent(new PointerEvent('pointermove', {clientX: b.right - 2, clientY: b.top + 5, bubbles: true})); \
                 return document.querySelector('.env-graph .graph-tip').textContent;",
                vec![],
            )
            .await
            .map_err(|e| e.to_string())?;
        if !reading.as_str().unwrap_or_default().contains('%') {
            return Err(format!("no reading under the pointer: {reading}"));
        }
        // Stopped outside the app: the row follows within a second or two, from the engine's events.
        Command::new("docker")
            .args(["compose", "-p", &format!("fxui{}-healthy", std::process::id()), "stop", "-t", "1", "web"])
            .output()
            .map_err(|e| e.to_string())?;
        let stopped_at = Instant::now();
        wait_text(&client, "tr[data-service='web'] .state-chip", "stopped", Duration::from_secs(15)).await?;
        let followed_after = stopped_at.elapsed();
        shot(&client, "6b-dashboard-after-outside-stop").await?;
        // Start again from the dashboard, through the start flow, without the wizard.
        click(&client, ".dashboard-view button.start").await?;
        wait_text(&client, ".dashboard-view .fix-message", "is ready", Duration::from_secs(60)).await?;
        wait_text(&client, "tr[data-service='web'] .state-chip", "healthy", Duration::from_secs(10)).await?;
        // A restart of db is followed in the same log pane: it says it is ready once more.
        let ready_lines = |text: String| text.matches("db: ready to accept connections").count();
        let before = ready_lines(content(&client, ".log-view").await?);
        click(&client, "tr[data-service='db'] button[aria-label='Restart db']:not([disabled])").await?;
        let deadline = Instant::now() + Duration::from_secs(30);
        while ready_lines(content(&client, ".log-view").await?) <= before {
            if Instant::now() > deadline {
                return Err("the log pane did not follow db across its restart".into());
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        // Reading older lines pauses following: new lines do not pull the view down, a control
        // offers them. (The pane is made short so that these few lines overflow it, as a long log does.)
        client
            .execute("const v = document.querySelector('.log-view'); v.style.height = '1em'; v.style.minHeight = '0'; v.scrollTop = 0; v.dispatchEvent(new Event('scroll'));", vec![])
            .await
            .map_err(|e| e.to_string())?;
        tokio::time::sleep(Duration::from_secs(1)).await; // the rows re-rendered after the first restart
        click(&client, "tr[data-service='db'] button[aria-label='Restart db']:not([disabled])").await?;
        let jump = wait_text(&client, ".jump-latest", "jump to the latest", Duration::from_secs(30)).await?;
        let top = client.execute("return document.querySelector('.log-view').scrollTop", vec![]).await.map_err(|e| e.to_string())?;
        if top.as_f64().unwrap_or(1.0) > 0.0 {
            return Err(format!("the pane moved while paused: scrollTop {top}"));
        }
        shot(&client, "6c-dashboard-logs-paused").await?;
        eprintln!("paused pane offers: {jump}");
        click(&client, ".dashboard-view button.danger").await?;
        wait_text(&client, ".dashboard-view .fix-message", "Removed", Duration::from_secs(60)).await?;
        Ok::<_, String>((ports, details, fixed, keychain, status, web, app, db, followed_after))
    }
    .await;
    if result.is_err() {
        let _ = shot(&client, "FAILED-flow").await;
    }
    let _ = client.close().await;
    drop(driver);
    drop(held);
    let _ = Command::new("docker")
        .args(["compose", "-p", &format!("fxui{}-healthy", std::process::id()), "down", "--remove-orphans"])
        .output();
    let (ports, details, fixed, keychain, status, web, app, db, followed_after) = result.expect("the whole flow works in the window");
    eprintln!("the dashboard showed the outside stop {followed_after:?} after `docker compose stop` returned");
    assert!(followed_after < Duration::from_secs(3), "the dashboard followed the engine after {followed_after:?}");
    assert!(ports.contains(&port.to_string()), "{ports}");
    assert!(details.contains(&format!("(pid {})", std::process::id())), "the holder is named: {details}");
    assert!(fixed.contains("WEB_PORT"), "the fix says what it did: {fixed}");
    assert!(keychain.contains("Secret Service"), "{keychain}");
    assert!(status.contains("Healthy is ready"), "{status}");
    assert_eq!((web.as_str(), app.as_str(), db.as_str()), ("healthy", "running", "healthy"));
}

#[tokio::test]
async fn a_crashing_service_shows_its_exit_code_and_log_lines_in_the_window() {
    let _turn = ONE_WINDOW.lock().await;
    let workspace = fixture_workspace(free_port());
    let data = tempfile::tempdir().expect("app data");
    let driver = Driver::start("crash", &[("XDG_DATA_HOME", data.path())], &[]);
    let client = driver.open(&["--workspace".into(), workspace.path().display().to_string()]).await;
    let result = async {
        click(&client, "[data-environment='crash'] .card-button").await?;
        click(&client, ".checks-view button.continue:not([disabled])").await?;
        wait_text(&client, ".secrets-view caption", "uses no secrets", Duration::from_secs(30)).await?;
        click(&client, ".secrets-view button.continue:not([disabled])").await?;
        let status = wait_text(&client, ".launch-view .run-status", "did not start", Duration::from_secs(60)).await?;
        let logs = text(&client, ".failure[data-service='worker'] .log-tail").await?;
        let state = text(&client, ".timeline [data-service='worker'] .state-chip").await?;
        shot(&client, "7-launch-failed").await?;
        Ok::<_, String>((status, logs, state))
    }
    .await;
    if result.is_err() {
        let _ = shot(&client, "FAILED-crash").await;
    }
    let _ = client.close().await;
    drop(driver);
    let _ = Command::new("docker")
        .args(["compose", "-p", &format!("fxui{}-crash", std::process::id()), "down"])
        .output();
    let (status, logs, state) = result.expect("the failure is shown in the window");
    assert!(status.contains("worker exited with code 1"), "{status}");
    assert!(logs.contains("fatal: cannot open /etc/worker.conf"), "{logs}");
    assert_eq!(state, "exited (1)");
}


#[tokio::test]
async fn a_plain_compose_folder_is_adopted_started_and_reopened_after_a_relaunch() {
    let _turn = ONE_WINDOW.lock().await;
    busybox_image();
    let temp = tempfile::tempdir().expect("tempdir");
    let folder = temp.path().join(format!("fxadopt{}", std::process::id()));
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(
        folder.join("compose.yaml"),
        format!(
            "services:\n  web:\n    image: stackpilot-test/busybox:1\n    command: [\"sh\", \"-c\", \"echo adopted web up; echo ok > /www/index.html && exec httpd -f -p 8080 -h /www\"]\n    ports: [\"127.0.0.1:{}:8080\"]\n    healthcheck: {{ test: [\"CMD\", \"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://127.0.0.1:8080/\"], interval: 1s, retries: 30 }}\n",
            free_port()
        ),
    )
    .expect("compose");
    let home = tempfile::tempdir().expect("app dirs");
    let (data, config) = (home.path().join("data"), home.path().join("config"));
    let env: [(&str, &Path); 2] = [("XDG_DATA_HOME", &data), ("XDG_CONFIG_HOME", &config)];
    let path = folder.display().to_string();

    let driver = Driver::start("adopt", &env, &["STACKPILOT_WORKSPACE"]);
    let client = driver.open(&[]).await;
    let result = async {
        find(&client, ".welcome", Duration::from_secs(30)).await?;
        click(&client, "#pick-folder").await?; // 1: open the folder, in the platform's dialog
        choose_in_folder_dialog(&folder, Duration::from_secs(15)).await?;
        let proposal = wait_text(&client, ".adopt-view", "Adopt this project", Duration::from_secs(30)).await?;
        shot(&client, "8-adopt").await?;
        click(&client, ".adopt-view button.create").await?; // 2: write the schema
        click(&client, "[data-environment='default'] .card-button").await?; // 3: pick it
        find(&client, ".checks-view button.continue:not([disabled])", Duration::from_secs(30)).await?;
        click(&client, ".checks-view button.continue").await?;
        wait_text(&client, ".secrets-view caption", "uses no secrets", Duration::from_secs(30)).await?;
        click(&client, ".secrets-view button.continue:not([disabled])").await?;
        wait_text(&client, ".launch-view .run-status", "is ready", Duration::from_secs(90)).await?;
        click(&client, ".launch-view button.primary").await?;
        wait_text(&client, ".log-view", "adopted web up", Duration::from_secs(30)).await?;
        shot(&client, "9-adopted-dashboard").await?;
        Ok::<_, String>(proposal)
    }
    .await;
    if result.is_err() {
        let _ = shot(&client, "FAILED-adopt").await;
    }
    let _ = client.close().await;
    drop(driver);
    let proposal = result.expect("the folder is adopted and started in the window");
    assert!(proposal.contains(&format!("fxadopt{}", std::process::id())), "the project keeps its name: {proposal}");
    assert!(folder.join("stackpilot.yaml").is_file());

    // Relaunched with no folder: the app returns to the project open last, and to the
    // dashboard of its environment that runs.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let driver = Driver::start("relaunch", &env, &["STACKPILOT_WORKSPACE"]);
    let client = driver.open(&[]).await;
    let relaunched = async {
        find(&client, ".dashboard-view", Duration::from_secs(30)).await?;
        wait_text(&client, ".dashboard-view", "Default dashboard", Duration::from_secs(10)).await?;
        let shown = content(&client, ".switcher-path").await?;
        if !shown.contains(&path) {
            return Err(format!("the header names {shown:?}, not {path}"));
        }
        let name = content(&client, "#project-switcher").await?;
        shot(&client, "10-relaunch").await?;
        // The switcher in the header lists it, with its running environment, and the
        // built-in stack; choosing that one and then this project again switches back and forth.
        click(&client, "#project-switcher").await?;
        let listed = wait_text(&client, ".switcher-menu", "running: default", Duration::from_secs(15)).await?;
        shot(&client, "11-switcher").await?;
        click(&client, ".switcher-menu [data-action='builtin']").await?;
        let builtin = wait_text(&client, "main h1", "Environments of multimodal", Duration::from_secs(60)).await?;
        click(&client, "#project-switcher").await?;
        click(&client, &format!(".switcher-menu [data-root='{path}']")).await?;
        wait_text(&client, "main h1", &format!("Environments of fxadopt{}", std::process::id()), Duration::from_secs(30)).await?;
        let running_card = text(&client, "[data-environment='default']").await?;
        Ok::<_, String>((shown, name, listed, builtin, running_card))
    }
    .await;
    if relaunched.is_err() {
        let _ = shot(&client, "FAILED-relaunch").await;
    }
    let _ = client.close().await;
    drop(driver);
    let _ = Command::new("docker").args(["compose", "down"]).current_dir(&folder).output();
    let (_, name, listed, builtin, _) = relaunched.expect("a relaunch returns to the last project, and the switcher switches");
    assert!(name.contains(&format!("fxadopt{}", std::process::id())), "{name}");
    assert!(listed.contains(&path) && listed.contains("Open folder"), "{listed}");
    assert!(builtin.contains("multimodal"), "{builtin}");
}

#[tokio::test]
async fn the_engine_menu_moves_the_start_to_another_docker_context() {
    let _turn = ONE_WINDOW.lock().await;
    let engine = crate::support::SecondEngine::start();
    engine.load_busybox();
    let config = crate::engines::config_with_context(&engine.host);
    // The docker CLI's current context stays the default: the person picks `second` in the app.
    Command::new("docker").args(["context", "use", "default"]).env("DOCKER_CONFIG", config.path()).output().expect("context use");
    let workspace = fixture_workspace(free_port());
    let project = format!("fxui{}-slow", std::process::id());
    let data = tempfile::tempdir().expect("app data");
    let settings = tempfile::tempdir().expect("app settings");
    let env = [("XDG_DATA_HOME", data.path()), ("XDG_CONFIG_HOME", settings.path()), ("DOCKER_CONFIG", config.path())];
    let driver = Driver::start("engine", &env, &["DOCKER_HOST", "DOCKER_CONTEXT"]);
    let client = driver.open(&["--workspace".into(), workspace.path().display().to_string()]).await;
    let result = async {
        wait_content(&client, ".engine-status", "Docker", Duration::from_secs(30)).await?;
        let before = client
            .execute("return document.getElementById('engine-context').value", vec![])
            .await
            .map_err(|e| e.to_string())?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        client
            .execute("const s = document.getElementById('engine-context'); s.value = 'second'; s.dispatchEvent(new Event('change'));", vec![])
            .await
            .map_err(|e| e.to_string())?;
        find(&client, "[data-environment='slow'] .card-button", Duration::from_secs(30)).await?;
        let status = wait_content(&client, ".engine-status", "Docker", Duration::from_secs(30)).await?;
        let title = client
            .execute("return document.querySelector('.engine-status').title", vec![])
            .await
            .map_err(|e| e.to_string())?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        shot(&client, "12-engine-menu").await?;
        click(&client, "[data-environment='slow'] .card-button").await?;
        click(&client, ".checks-view button.continue:not([disabled])").await?;
        wait_text(&client, ".secrets-view caption", "uses no secrets", Duration::from_secs(30)).await?;
        click(&client, ".secrets-view button.continue:not([disabled])").await?;
        wait_text(&client, ".launch-view .run-status", "is ready", Duration::from_secs(90)).await?;
        Ok::<_, String>((before, status, title))
    }
    .await;
    if result.is_err() {
        let _ = shot(&client, "FAILED-engine").await;
    }
    let _ = client.close().await;
    drop(driver);
    // Relaunched: the app stays on the engine chosen last time.
    let driver = Driver::start("engine-relaunch", &env, &["DOCKER_HOST", "DOCKER_CONTEXT"]);
    let client = driver.open(&["--workspace".into(), workspace.path().display().to_string()]).await;
    let relaunched = async {
        wait_content(&client, ".engine-status", "Docker", Duration::from_secs(30)).await?;
        let title = client.execute("return document.querySelector('.engine-status').title", vec![]).await.map_err(|e| e.to_string())?;
        Ok::<_, String>(title.as_str().unwrap_or_default().to_owned())
    }
    .await;
    let _ = client.close().await;
    drop(driver);
    let on_second = engine.docker(&["ps", "-q", "--filter", &format!("label=com.docker.compose.project={project}")]);
    let on_default = Command::new("docker")
        .args(["ps", "-q", "--filter", &format!("label=com.docker.compose.project={project}")])
        .env_remove("DOCKER_HOST")
        .output()
        .expect("docker ps");
    let _ = Command::new("docker").args(["-H", &engine.host, "compose", "-p", &project, "down"]).output();
    let (before, status, title) = result.expect("the app starts the environment on the chosen engine");
    assert_eq!(before, "default");
    assert!(title.starts_with(&format!("second ({})", engine.host)), "{title} / {status}");
    let relaunched = relaunched.expect("the relaunched app shows its engine");
    assert!(relaunched.starts_with(&format!("second ({})", engine.host)), "the choice is remembered: {relaunched}");
    assert!(!String::from_utf8_lossy(&on_second.stdout).trim().is_empty(), "the container runs on the chosen engine");
    assert!(String::from_utf8_lossy(&on_default.stdout).trim().is_empty(), "and not on the default one");
}

/// The same first start through both front ends: nothing generated yet (the secret
/// APP_TOKEN is missing), and a port another program holds. Both start the first by
/// generating the secret without asking, and both stop on the second, naming the port.
#[tokio::test]
async fn the_cli_and_the_app_start_the_same_way() {
    let _turn = ONE_WINDOW.lock().await;
    let cli_copy = fixture_workspace(free_port());
    let cli = |args: &[&str]| {
        Command::new(built_binary("stackpilot"))
            .arg("--workspace")
            .arg(cli_copy.path())
            .args(args)
            .env_remove("STACKPILOT_WORKSPACE")
            .output()
            .expect("stackpilot")
    };
    let cli_up = cli(&["up", "healthy"]);
    let cli_text = format!("{}{}", String::from_utf8_lossy(&cli_up.stdout), String::from_utf8_lossy(&cli_up.stderr));
    let _ = cli(&["down", "healthy"]);
    let held = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = held.local_addr().expect("addr").port();
    std::fs::write(cli_copy.path().join(".env.healthy"), format!("WEB_PORT={port}\n")).expect("env file");
    let cli_blocked = cli(&["up", "healthy"]);
    let cli_blocked_text = String::from_utf8_lossy(&cli_blocked.stderr).into_owned();

    let app_copy = fixture_workspace(free_port());
    let data = tempfile::tempdir().expect("app data");
    let driver = Driver::start("same-start", &[("XDG_DATA_HOME", data.path())], &[]);
    let client = driver.open(&["--workspace".into(), app_copy.path().display().to_string()]).await;
    let result = async {
        click(&client, "[data-environment='healthy'] .card-button").await?;
        let checks = wait_text(&client, ".checks-view .run-status", "added when you launch", Duration::from_secs(30)).await?;
        click(&client, ".checks-view button.continue:not([disabled])").await?;
        wait_text(&client, "[data-secret='APP_TOKEN'] .secret-value", "missing", Duration::from_secs(20)).await?;
        click(&client, ".secrets-view button.continue:not([disabled])").await?;
        let status = wait_text(&client, ".launch-view .run-status", "is ready", Duration::from_secs(90)).await?;
        let applied = text(&client, ".applied-fixes").await?;
        shot(&client, "13-launch-generates-secrets").await?;
        // The port held: the checks screen names it and holds the start.
        let down = Command::new(built_binary("stackpilot")).arg("--workspace").arg(app_copy.path()).args(["down", "healthy"]).output().map_err(|e| e.to_string())?;
        if !down.status.success() {
            return Err(format!("down: {}", String::from_utf8_lossy(&down.stderr)));
        }
        std::fs::write(app_copy.path().join(".env.healthy"), format!("WEB_PORT={port}\n")).map_err(|e| e.to_string())?;
        click(&client, ".launch-view button.primary").await?;
        click(&client, ".dashboard-view .actions button:first-of-type").await?;
        click(&client, "[data-environment='healthy'] .card-button").await?;
        let blocked = wait_text(&client, ".checks-view .run-status", "1 problem to fix before starting", Duration::from_secs(30)).await?;
        let ports = text(&client, "[data-check='ports'] .check-message").await?;
        let held_back = find(&client, ".checks-view button.continue[disabled]", Duration::from_secs(5)).await.is_ok();
        Ok::<_, String>((checks, status, applied, blocked, ports, held_back))
    }
    .await;
    if result.is_err() {
        let _ = shot(&client, "FAILED-same-start").await;
    }
    let _ = client.close().await;
    drop(driver);
    let _ = Command::new(built_binary("stackpilot")).arg("--workspace").arg(app_copy.path()).args(["down", "healthy"]).output();
    let (checks, status, applied, blocked, ports, held_back) = result.expect("the app starts it, then holds it");

    // The same outcome and the same words, from core, in both.
    assert!(cli_up.status.success(), "{cli_text}");
    assert!(cli_text.contains("fixed: Generated into the keychain: APP_TOKEN."), "{cli_text}");
    assert!(cli_text.contains("Healthy is ready"), "{cli_text}");
    assert!(applied.contains("Generated into the keychain: APP_TOKEN."), "{applied}");
    assert!(status.contains("Healthy is ready"), "{status}");
    assert!(checks.contains("added when you launch"), "{checks}");
    assert_eq!(cli_blocked.status.code(), Some(1), "{cli_blocked_text}");
    assert!(cli_blocked_text.contains("healthy cannot start: 1 check(s) failed (ports)") && cli_blocked_text.contains(&port.to_string()), "{cli_blocked_text}");
    assert!(blocked.contains("1 problem"), "{blocked}");
    assert!(ports.contains(&port.to_string()) && ports.contains("taken"), "{ports}");
    assert!(held_back, "Continue stays disabled while the port is held");
    drop(held);
}

/// Pull progress in the window: an image pulled from a real registry on loopback shows a
/// bar and its bytes on its service's row and the total for all images, ending at 100 %;
/// the header's steps lead back to the checks.
#[tokio::test]
async fn the_launch_shows_each_pull_with_its_bytes_and_a_total() {
    let _turn = ONE_WINDOW.lock().await;
    let registry = crate::support::Registry::start();
    let image = registry.push_image(&format!("stackpilot-test/pull-ui{}:1", std::process::id()), 48 * 1024 * 1024);
    let workspace = fixture_workspace(free_port());
    std::fs::write(workspace.path().join(".env.pullable"), format!("PULL_IMAGE={image}\n")).expect("env file");
    let project = format!("fxui{}-pullable", std::process::id());
    let data = tempfile::tempdir().expect("app data");
    let driver = Driver::start("pull", &[("XDG_DATA_HOME", data.path())], &["STACKPILOT_WORKSPACE"]);
    let client = driver.open(&["--workspace".into(), workspace.path().display().to_string()]).await;
    let result = async {
        click(&client, "[data-environment='pullable'] .card-button").await?;
        click(&client, ".checks-view button.continue:not([disabled])").await?;
        wait_text(&client, ".secrets-view caption", "uses no secrets", Duration::from_secs(30)).await?;
        // The header leads back to the checks of this environment, and forward again.
        click(&client, "#steps button[data-go='checks']").await?;
        click(&client, ".checks-view button.continue:not([disabled])").await?;
        click(&client, ".secrets-view button.continue:not([disabled])").await?;
        let total = wait_text(&client, ".launch-view .pull-total", "(100 %)", Duration::from_secs(60)).await?;
        let row = text(&client, ".timeline [data-service='app'] .pull-words").await?;
        shot(&client, "13-pull-progress").await?;
        wait_text(&client, ".launch-view .run-status", "is ready", Duration::from_secs(60)).await?;
        Ok::<_, String>((total, row))
    }
    .await;
    if result.is_err() {
        let _ = shot(&client, "FAILED-pull").await;
    }
    let _ = client.close().await;
    drop(driver);
    let _ = Command::new("docker").args(["compose", "-p", &project, "down"]).output();
    let _ = Command::new("docker").args(["rmi", &image]).output();
    let (total, row) = result.expect("the launch shows the pull");
    assert!(total.starts_with("Pulling images: ") && total.contains("MB of"), "{total}");
    assert!(row.ends_with("(100 %)"), "{row}");
}

/// Runs a command as root (directly when the tests run as root, else through `sudo -n`).
fn as_root(program: &str, args: &[&str]) -> std::process::Output {
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    let mut command = if root { Command::new(program) } else { Command::new("sudo") };
    if !root {
        command.args(["-n", program]);
    }
    command.args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"))
}

/// The .deb `scripts/package.sh --debug` built (the test command builds it before the tests),
/// installed with dpkg: the installed CLI answers, the app started from its desktop entry's
/// Exec line opens its window, and `dpkg -r` leaves none of the package's files in /usr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deb_package_installs_runs_and_is_removed_without_a_trace() {
    let _turn = ONE_WINDOW.lock().await;
    let folder = repo_root().join("target/debug/bundle/deb");
    let deb = std::fs::read_dir(&folder)
        .ok()
        .and_then(|entries| entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "deb")).max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok()))
        .unwrap_or_else(|| panic!("no .deb in {}: `scripts/package.sh --debug` builds it (scripts/test.sh does)", folder.display()));
    let _ = as_root("dpkg", &["-r", "stackpilot"]); // a previous run that stopped half-way
    let installed = as_root("dpkg", &["-i", &deb.display().to_string()]);
    assert!(installed.status.success(), "dpkg -i {}: {}", deb.display(), String::from_utf8_lossy(&installed.stderr));
    let listed = Command::new("dpkg").args(["-L", "stackpilot"]).output().expect("dpkg -L");
    let files: Vec<std::path::PathBuf> = String::from_utf8_lossy(&listed.stdout).lines().map(std::path::PathBuf::from).filter(|p| p.is_file()).collect();
    let result = async {
        for wanted in ["/usr/bin/stackpilot", "/usr/bin/stackpilot-desktop", "/usr/share/man/man1/stackpilot.1.gz", "/usr/share/bash-completion/completions/stackpilot", "/usr/share/icons/hicolor/128x128/apps/stackpilot-desktop.png"] {
            if !files.iter().any(|f| f == Path::new(wanted)) {
                return Err(format!("the package lacks {wanted}: {files:?}"));
            }
        }
        let version = Command::new("/usr/bin/stackpilot").arg("--version").output().map_err(|e| e.to_string())?;
        let version = String::from_utf8_lossy(&version.stdout).trim().to_owned();
        let envs = Command::new("/usr/bin/stackpilot").args(["--workspace", &repo_root().join("configs").display().to_string(), "envs"]).output().map_err(|e| e.to_string())?;
        let envs = String::from_utf8_lossy(&envs.stdout).into_owned();
        // The desktop entry's Exec line, as a desktop environment runs it.
        let entry = std::fs::read_to_string("/usr/share/applications/Stackpilot.desktop").map_err(|e| format!("the desktop entry: {e}"))?;
        let exec = entry.lines().find_map(|l| l.strip_prefix("Exec=")).ok_or("the desktop entry has no Exec line")?.to_owned();
        let icon = entry.lines().find_map(|l| l.strip_prefix("Icon=")).unwrap_or_default().to_owned();
        let program = exec.split_whitespace().next().unwrap_or_default();
        let program = if program.starts_with('/') { program.into() } else { Path::new("/usr/bin").join(program) };
        let data = tempfile::tempdir().map_err(|e| e.to_string())?;
        let driver = Driver::start("installed", &[("XDG_DATA_HOME", data.path())], &["STACKPILOT_WORKSPACE"]);
        let client = driver.open_program(&program, &[]).await;
        let window = async {
            let welcome = wait_text(&client, "main h1", "Welcome to Stackpilot", Duration::from_secs(30)).await?;
            let title = client.title().await.map_err(|e| e.to_string())?;
            shot(&client, "14-installed-app").await?;
            Ok::<_, String>((welcome, title))
        }
        .await;
        if window.is_err() {
            let _ = shot(&client, "FAILED-installed").await;
        }
        let _ = client.close().await;
        drop(driver);
        let (_, title) = window?;
        Ok::<_, String>((version, envs, exec, icon, title))
    }
    .await;
    let removed = as_root("dpkg", &["-r", "stackpilot"]);
    let (version, envs, exec, icon, title) = result.expect("the installed package works");
    assert!(removed.status.success(), "dpkg -r: {}", String::from_utf8_lossy(&removed.stderr));
    assert_eq!(version, format!("stackpilot {}", env!("CARGO_PKG_VERSION")));
    assert!(envs.contains("dev") && envs.contains("first-run"), "{envs}");
    assert_eq!((exec.as_str(), icon.as_str(), title.as_str()), ("stackpilot-desktop", "stackpilot-desktop", "Stackpilot"));
    let left: Vec<_> = files.iter().filter(|f| f.exists()).collect();
    assert!(left.is_empty(), "dpkg -r left these behind: {left:?}");
    assert!(!files.is_empty());
}

/// The usual plugins, for real: a second launch hands its folder to the running window and
/// exits (single-instance), Help shows the log file the log plugin writes, and the window
/// comes back at the size it was closed at (window-state).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_launch_opens_its_folder_in_the_running_window_which_logs_and_keeps_its_size() {
    let _turn = ONE_WINDOW.lock().await;
    let configs = repo_root().join("configs");
    let other = fixture_workspace(free_port());
    let (data, settings) = (tempfile::tempdir().expect("data"), tempfile::tempdir().expect("settings"));
    let env = [("XDG_DATA_HOME", data.path()), ("XDG_CONFIG_HOME", settings.path())];
    let driver = Driver::start("single", &env, &["STACKPILOT_WORKSPACE"]);
    let client = driver.open(&["--workspace".into(), configs.display().to_string()]).await;
    let result = async {
        wait_text(&client, "main h1", "Environments of multimodal", Duration::from_secs(30)).await?;
        // A second launch, as a file manager or a shell starts it, with a folder.
        let mut second = Command::new(built_binary("stackpilot-desktop"))
            .arg(other.path())
            .envs(env)
            .env_remove("STACKPILOT_WORKSPACE")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let deadline = Instant::now() + Duration::from_secs(20);
        let exited = loop {
            if let Some(status) = second.try_wait().map_err(|e| e.to_string())? {
                break status;
            }
            if Instant::now() > deadline {
                let _ = second.kill();
                return Err("the second launch did not hand over and exit".into());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let project = format!("fxui{}", std::process::id());
        wait_text(&client, "main h1", &format!("Environments of {project}"), Duration::from_secs(30)).await?;
        // Help: the version and the log file, which says what happened.
        click(&client, "#help .help-button").await?;
        let log_file = wait_text(&client, "dialog.help .log-file", ".log", Duration::from_secs(10)).await?;
        let about = text(&client, "dialog.help").await?;
        shot(&client, "15-help").await?;
        click(&client, "dialog.help button.primary").await?;
        // The size the window is closed at comes back on the next launch.
        client.set_window_size(900, 640).await.map_err(|e| e.to_string())?;
        tokio::time::sleep(Duration::from_millis(1500)).await; // written half a second after
        Ok::<_, String>((exited, log_file, about))
    }
    .await;
    if result.is_err() {
        let _ = shot(&client, "FAILED-single").await;
    }
    let _ = client.close().await;
    drop(driver);
    let (exited, log_file, about) = result.expect("a second launch hands over its folder");
    assert!(exited.success(), "the second launch exited with {exited}");
    assert!(about.contains(&format!("Version {}", env!("CARGO_PKG_VERSION"))), "{about}");
    assert!(log_file.starts_with(&data.path().display().to_string()), "the log file is in the platform's log folder: {log_file}");
    let logged = std::fs::read_to_string(&log_file).unwrap_or_else(|e| panic!("{log_file}: {e}"));
    assert!(logged.contains("a second launch asked to open a folder"), "{logged}");

    let driver = Driver::start("single-again", &env, &["STACKPILOT_WORKSPACE"]);
    let client = driver.open(&["--workspace".into(), configs.display().to_string()]).await;
    let size = async {
        find(&client, "main h1", Duration::from_secs(30)).await?;
        client.get_window_size().await.map_err(|e| e.to_string())
    }
    .await;
    let _ = client.close().await;
    drop(driver);
    assert_eq!(size.expect("the window's size after a relaunch"), (900, 640));
}

#[tokio::test]
async fn the_dashboard_backs_up_restores_and_offers_a_backup_before_deleting_volumes() {
    let _turn = ONE_WINDOW.lock().await;
    let workspace = fixture_workspace(free_port());
    let opened = stackpilot_core::Workspace::open(workspace.path()).expect("fixtures");
    stackpilot_core::secrets::SecretStore::open(&opened).expect("keychain").generate_missing("data").expect("secrets");
    let project = format!("fxui{}-data", std::process::id());
    let db = format!("{project}-db-1");
    let in_db = |script: &str| -> Step<String> {
        let out = Command::new("docker").args(["exec", &db, "sh", "-c", script]).output().map_err(|e| e.to_string())?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned()).ok_or_else(|| String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let data = tempfile::tempdir().expect("app data");
    let driver = Driver::start("backups", &[("XDG_DATA_HOME", data.path())], &[]);
    let client = driver.open(&["--workspace".into(), workspace.path().display().to_string()]).await;
    let result = async {
        click(&client, "[data-environment='data'] .card-button").await?;
        click(&client, ".checks-view button.continue:not([disabled])").await?;
        click(&client, ".secrets-view button.continue:not([disabled])").await?;
        wait_text(&client, ".launch-view .run-status", "is ready", Duration::from_secs(90)).await?;
        click(&client, ".launch-view button.primary").await?;
        find(&client, ".dashboard-view", Duration::from_secs(20)).await?;
        in_db("echo v1 > /var/lib/db/a.txt && head -c 500000 /dev/urandom > /var/lib/db/b.bin")?;
        let sum = in_db("md5sum /var/lib/db/b.bin")?;

        // Back up now, from the dashboard's Backups dialog.
        click(&client, ".dashboard-view button.backups").await?;
        find(&client, "dialog.backups[open]", Duration::from_secs(10)).await?;
        click(&client, "dialog.backups button.backup-now:not([disabled])").await?;
        let backed_up = wait_text(&client, "dialog.backups .backup-status", "Backed up", Duration::from_secs(60)).await?;
        find(&client, "dialog.backups tr.backup-row", Duration::from_secs(10)).await?;
        shot(&client, "9a-backups").await?;
        in_db("echo v2 > /var/lib/db/a.txt")?;

        // A restore while it runs is refused, saying what to do.
        click(&client, "dialog.backups tr.backup-row button.restore:not([disabled])").await?;
        let refused = wait_text(&client, "dialog.backups .backup-status", "failed", Duration::from_secs(30)).await?;
        shot(&client, "9b-restore-refused-while-running").await?;
        click(&client, "dialog.backups button.close").await?;
        click(&client, ".dashboard-view button.stop").await?;
        wait_text(&client, ".dashboard-view .fix-message", "Stopped", Duration::from_secs(60)).await?;

        // Stopped: the plan is shown, then the backup's data goes back.
        click(&client, ".dashboard-view button.backups").await?;
        click(&client, "dialog.backups tr.backup-row button.restore:not([disabled])").await?;
        find(&client, "dialog.confirm[open]", Duration::from_secs(30)).await?;
        shot(&client, "9c-restore-plan").await?;
        let plan = accept_confirmation(&client, Duration::from_secs(5)).await?;
        let restored = wait_text(&client, "dialog.backups .backup-status", "Restored", Duration::from_secs(60)).await?;
        shot(&client, "9d-restored").await?;
        click(&client, "dialog.backups button.close").await?;
        click(&client, ".dashboard-view button.start").await?;
        wait_text(&client, ".dashboard-view .fix-message", "is ready", Duration::from_secs(60)).await?;
        let content = in_db("cat /var/lib/db/a.txt")?;
        let sum_after = in_db("md5sum /var/lib/db/b.bin")?;

        // Down with the volumes: a backup is offered first, and taken.
        click(&client, ".dashboard-view .volumes input").await?;
        click(&client, ".dashboard-view button.danger").await?;
        let offer = find(&client, "dialog.confirm[open]", Duration::from_secs(30)).await?.text().await.map_err(|e| e.to_string())?;
        shot(&client, "9e-down-offers-a-backup").await?;
        click(&client, "dialog.confirm[open] button[data-value='backup']").await?;
        wait_text(&client, ".dashboard-view .fix-message", "Removed, with its volumes", Duration::from_secs(90)).await?;
        Ok::<_, String>((backed_up, refused, plan, restored, content, sum, sum_after, offer))
    }
    .await;
    if result.is_err() {
        let _ = shot(&client, "FAILED-backups").await;
    }
    let _ = client.close().await;
    drop(driver);
    let _ = Command::new("docker").args(["compose", "-p", &project, "down", "--volumes"]).output();
    let (backed_up, refused, plan, restored, content, sum, sum_after, offer) = result.expect("backups work in the window");
    assert!(backed_up.contains("cache, data"), "{backed_up}");
    assert!(refused.contains("is running") && refused.contains("stackpilot stop data"), "{refused}");
    assert!(plan.contains(&format!("replaces all data in volume {project}_data")) && plan.contains("backed up first"), "{plan}");
    assert!(restored.contains("The data replaced is in the newest backup"), "{restored}");
    assert_eq!((content.as_str(), sum_after), ("v1\n", sum), "the backup's data is back");
    assert!(offer.contains("Back up, then delete") && offer.contains("cache, data"), "{offer}");
    let backups = std::fs::read_dir(data.path().join(format!("stackpilot/backups/{project}"))).expect("backups").count();
    assert_eq!(backups, 3, "the one made, the data the restore replaced, the one before down");
}
