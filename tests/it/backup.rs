//! Volume backups with the real engine and Compose: data written into the fixture's volumes
//! survives backup, `down --volumes`, restore and `up` byte for byte; damaged backups are
//! refused with nothing replaced; the CLI offers a backup before destructive actions.

use std::process::Command;

use stackpilot_core::{
    backup::{self, BackupError, BackupEvent, BackupOptions, RestoreOptions},
    compose::DownOptions,
    secrets::SecretStore,
    stack::{self, UpOptions, UpOutcome},
    Code, Diagnostic, Workspace,
};
use tokio_util::sync::CancellationToken;

use crate::{stack::fixtures, support::built_binary};

async fn up(workspace: &Workspace) {
    let report = stack::up(workspace.env("data").expect("env"), &UpOptions::default(), CancellationToken::new(), |_| {}).await.expect("up runs");
    assert!(matches!(report.outcome, UpOutcome::Ready), "{:?}", report.outcome);
}

async fn down(workspace: &Workspace, volumes: bool) {
    stack::down(workspace.env("data").expect("env"), DownOptions { volumes, ..Default::default() }).await.expect("down");
}

/// Runs `script` in the project's db container; its stdout.
fn in_db(project: &str, script: &str) -> String {
    let out = Command::new("docker").args(["exec", &format!("{project}-db-1"), "sh", "-c", script]).output().expect("docker exec");
    assert!(out.status.success(), "{script}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every entry of the db volume with its type, mode, owner, size and link target, and
/// every file's checksum: equal trees hold the same bytes.
fn tree(project: &str) -> String {
    in_db(
        project,
        "cd /var/lib/db && find . -mindepth 1 -exec stat -c '%n %A %u:%g %s %N' {} + | sort && find . -type f -exec md5sum {} + | sort",
    )
}

/// Files of every kind a database or an upload folder holds.
const WRITE: &str = "cd /var/lib/db && echo 'first row' > table.dat && head -c 3000000 /dev/urandom > 'blob with spaces.bin' \
    && mkdir -p private/deep && head -c 70000 /dev/urandom > private/deep/segment && : > private/empty \
    && chown -R 999:999 private && chmod 700 private && chmod 600 private/deep/segment && ln -s table.dat current";

fn project_containers(project: &str) -> Vec<String> {
    let out = Command::new("docker")
        .args(["ps", "-a", "--filter", &format!("label=com.docker.compose.project={project}"), "--format", "{{.Names}}"])
        .output()
        .expect("docker ps");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

fn volume_exists(name: &str) -> bool {
    Command::new("docker").args(["volume", "inspect", name]).output().is_ok_and(|o| o.status.success())
}

#[tokio::test]
async fn data_in_volumes_survives_backup_down_volumes_restore_and_up_byte_for_byte() {
    let (_dir, workspace) = fixtures("bk", &[]);
    SecretStore::open(&workspace).expect("keychain").generate_missing("data").expect("secrets");
    let env = workspace.env("data").expect("env");
    let project = env.project();
    up(&workspace).await;
    in_db(&project, WRITE);
    let before = tree(&project);
    assert!(before.contains("blob with spaces.bin") && before.contains("-> 'table.dat'"), "{before}");

    let backups = tempfile::tempdir().expect("tempdir");
    let mut events = Vec::new();
    let report = backup::backup(env, &BackupOptions { volumes: Vec::new(), dir: Some(backups.path().to_path_buf()), ..BackupOptions::default() }, |e| events.push(e)).await.expect("backup");
    let names: Vec<&str> = report.manifest.volumes.iter().map(|v| v.volume.as_str()).collect();
    assert_eq!(names, ["cache", "data"]);
    let data = &report.manifest.volumes[1];
    assert_eq!(data.engine_volume, format!("{project}_data"));
    assert!(data.bytes > 3_000_000 && data.sha256.len() == 64, "{data:?}");
    assert_eq!(std::fs::metadata(report.path.join(&data.file)).expect("archive").len(), data.archive_bytes);
    let both = [format!("{project}-auditor-1"), format!("{project}-db-1")];
    let paused = events.iter().any(|e| matches!(e, BackupEvent::Volume { volume, paused, .. } if volume == "data" && paused == &both));
    assert!(paused, "the containers that mount data are paused while it is copied: {events:?}");
    assert_eq!(in_db(&project, "echo alive"), "alive\n", "and runs again after");
    assert_eq!(backup::list(env, Some(backups.path())).expect("list").len(), 1);

    down(&workspace, true).await;
    assert!(!volume_exists(&format!("{project}_data")), "down --volumes deleted the data");

    let plan = backup::plan_restore(env, &report.path, &[], |_| {}).await.expect("plan");
    assert!(plan.volumes.iter().all(|v| !v.exists && v.removed_containers.is_empty()), "{plan:?}");
    assert!(plan.describe().iter().any(|l| l.contains(&format!("creates volume {project}_data"))), "{:?}", plan.describe());
    let restored = backup::restore(env, &plan.backup, &[], &RestoreOptions { keep_current: true, dir: Some(backups.path().to_path_buf()) }, |_| {}).await.expect("restore");
    assert_eq!(restored.volumes, ["cache", "data"]);
    assert!(restored.kept.is_none(), "nothing existed to keep");
    assert!(project_containers(&project).is_empty(), "the containers made to reach the volumes are gone: {:?}", project_containers(&project));

    up(&workspace).await;
    assert_eq!(tree(&project), before, "the restored volume holds the same files, bytes, modes and owners");
    down(&workspace, true).await;
}

/// The data environment started, `a.txt` holding v1 (and 200 kB of random bytes beside it)
/// backed up into a folder of the test's, then `a.txt` changed to v2: the workspace's
/// folder, the workspace, the backups' folder and the backup.
async fn backed_up_then_changed(tag: &str) -> (tempfile::TempDir, Workspace, tempfile::TempDir, std::path::PathBuf) {
    let (dir, workspace) = fixtures(tag, &[]);
    SecretStore::open(&workspace).expect("keychain").generate_missing("data").expect("secrets");
    let env = workspace.env("data").expect("env");
    let project = env.project();
    up(&workspace).await;
    in_db(&project, "echo v1 > /var/lib/db/a.txt && head -c 200000 /dev/urandom > /var/lib/db/b.bin");
    let backups = tempfile::tempdir().expect("tempdir");
    let options = BackupOptions { volumes: vec!["data".into()], dir: Some(backups.path().to_path_buf()), ..BackupOptions::default() };
    let good = backup::backup(env, &options, |_| {}).await.expect("backup").path;
    in_db(&project, "echo v2 > /var/lib/db/a.txt");
    (dir, workspace, backups, good)
}

#[tokio::test]
async fn a_damaged_or_cut_short_backup_is_refused_and_nothing_is_replaced() {
    let (_dir, workspace, backups, good) = backed_up_then_changed("bkbad").await;
    let env = workspace.env("data").expect("env");
    let project = env.project();

    let refused = backup::plan_restore(env, &good, &[], |_| {}).await.expect_err("running");
    assert!(matches!(refused, BackupError::Running { .. }) && refused.hint().is_some_and(|h| h.contains("stackpilot stop data")), "{refused}");
    stack::stop(env, std::time::Duration::from_secs(60)).await.expect("stop");

    let copy = |name: &str| {
        let to = backups.path().join(name);
        std::fs::create_dir(&to).expect("mkdir");
        for entry in std::fs::read_dir(&good).expect("backup").flatten() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
        to
    };
    let flipped = copy("flipped");
    let archive = flipped.join("data.tar.gz");
    let mut bytes = std::fs::read(&archive).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&archive, &bytes).expect("write");
    let cut = copy("cut");
    let archive = cut.join("data.tar.gz");
    let len = std::fs::metadata(&archive).expect("archive").len();
    std::fs::OpenOptions::new().write(true).open(&archive).expect("open").set_len(len / 3).expect("truncate");
    for (dir, words) in [(&flipped, "SHA-256"), (&cut, "cut short")] {
        let error = backup::plan_restore(env, dir, &[], |_| {}).await.expect_err("damaged");
        assert_eq!(error.code(), Code::BackupCorrupt, "{error}");
        assert!(error.to_string().contains(words) && error.hint().is_some_and(|h| h.contains("nothing was replaced")), "{error}");
    }

    // Damaged between the confirmation and the restore: the restore checks again.
    let plan = backup::plan_restore(env, &good, &[], |_| {}).await.expect("plan");
    assert!(plan.volumes[0].exists && plan.volumes[0].removed_containers == [format!("{project}-auditor-1"), format!("{project}-db-1")], "{plan:?}");
    let archive = good.join("data.tar.gz");
    let original = std::fs::read(&archive).expect("read");
    std::fs::write(&archive, &original[..original.len() - 10]).expect("cut");
    let error = backup::restore(env, &plan.backup, &[], &RestoreOptions::default(), |_| {}).await.expect_err("damaged");
    assert_eq!(error.code(), Code::BackupCorrupt, "{error}");
    std::fs::write(&archive, &original).expect("mend");

    up(&workspace).await;
    assert_eq!(in_db(&project, "cat /var/lib/db/a.txt"), "v2\n", "nothing was replaced");

    // The sound backup restores, keeping what it replaces.
    stack::stop(env, std::time::Duration::from_secs(60)).await.expect("stop");
    let plan = backup::plan_restore(env, &good, &[], |_| {}).await.expect("plan");
    let report = backup::restore(env, &plan.backup, &[], &RestoreOptions { keep_current: true, dir: Some(backups.path().to_path_buf()) }, |_| {}).await.expect("restore");
    let kept = report.kept.expect("the replaced data was backed up");
    up(&workspace).await;
    assert_eq!(in_db(&project, "cat /var/lib/db/a.txt"), "v1\n");
    std::fs::remove_dir_all(&flipped).expect("remove");
    std::fs::remove_dir_all(&cut).expect("remove");
    let listed = backup::list(env, Some(backups.path())).expect("list");
    assert_eq!(listed.first().map(|b| &b.path), Some(&kept), "the newest backup is the one of the replaced data");
    let marked = listed[0].manifest.as_ref().and_then(|m| m.before_restoring.clone());
    assert_eq!(marked.as_deref(), good.file_name().and_then(|n| n.to_str()), "it says which restore it was taken before");
    assert_eq!(backup::find(env, Some(backups.path()), "latest").expect("latest"), good, "`latest` is never the data a restore replaced");
    down(&workspace, true).await;
}

#[tokio::test]
async fn the_cli_backs_up_before_down_volumes_and_a_rotation_and_prunes_by_count() {
    let (dir, workspace) = fixtures("bkcli", &[]);
    SecretStore::open(&workspace).expect("keychain").generate_missing("data").expect("secrets");
    let project = workspace.env("data").expect("env").project();
    up(&workspace).await;
    in_db(&project, "echo kept > /var/lib/db/a.txt");
    let data_home = tempfile::tempdir().expect("tempdir");
    let cli = |args: &[&str]| {
        let out = Command::new(built_binary("stackpilot"))
            .args(args)
            .arg("--workspace")
            .arg(dir.path())
            .env("XDG_DATA_HOME", data_home.path())
            .env("NO_COLOR", "1")
            .output()
            .expect("stackpilot");
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let listed = || -> serde_json::Value {
        let (code, out, err) = cli(&["backups", "data", "--json"]);
        assert_eq!(code, Some(0), "{err}");
        serde_json::from_str(&out).expect("json")
    };

    // Only the volume of the service that receives the secret holds it.
    let (code, out, err) = cli(&["secrets", "rotate", "data", "--backup", "--yes"]);
    assert_eq!(code, Some(0), "{out}{err}");
    let backups = listed();
    let volumes: Vec<&str> = backups["backups"][0]["manifest"]["volumes"].as_array().expect("volumes").iter().filter_map(|v| v["volume"].as_str()).collect();
    assert_eq!(volumes, ["data"], "{backups}");

    let (code, out, err) = cli(&["down", "data", "--volumes", "--backup", "--yes"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("Backed up 2 volume(s) of data"), "{out}");
    let backups = listed();
    assert_eq!(backups["backups"].as_array().expect("list").len(), 2, "{backups}");
    assert!(!volume_exists(&format!("{project}_data")));

    let (code, out, err) = cli(&["restore", "data", "latest"]);
    assert_eq!(code, Some(1), "no terminal and no --yes: not confirmed\n{out}{err}");
    assert!(err.contains("creates volume") && err.contains("Nothing was replaced"), "{err}");
    let (code, out, err) = cli(&["restore", "data", "latest", "--yes"]);
    assert_eq!(code, Some(0), "{out}{err}");
    up(&workspace).await;
    assert_eq!(in_db(&project, "cat /var/lib/db/a.txt"), "kept\n");

    let (code, out, err) = cli(&["backups", "data", "--prune", "--keep", "1", "--yes"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(err.contains("This deletes 1 backup(s)"), "{err}");
    assert_eq!(listed()["backups"].as_array().expect("list").len(), 1);
    let (code, _, err) = cli(&["restore", "data", "nowhere", "--yes"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("no backup at nowhere") && err.contains("stackpilot backups ENV"), "{err}");
    down(&workspace, true).await;
}

#[tokio::test]
async fn a_restore_that_would_need_a_missing_image_is_refused_before_anything_is_replaced() {
    let (dir, workspace, backups, good) = backed_up_then_changed("bkimg").await;
    let env = workspace.env("data").expect("env");
    let project = env.project();
    down(&workspace, false).await;
    // db's image is gone from the engine (as after `docker image prune`, with no registry).
    let files = dir.path().join("data.yml");
    let text = std::fs::read_to_string(&files).expect("compose file");
    std::fs::write(&files, text.replacen("  db:\n    image: stackpilot-test/busybox:1", "  db:\n    image: stackpilot-test/never-built:1", 1)).expect("write");
    let workspace = Workspace::open(dir.path()).expect("workspace");
    let env = workspace.env("data").expect("env");
    let error = backup::restore(env, &good, &[], &RestoreOptions { keep_current: true, dir: Some(backups.path().to_path_buf()) }, |_| {}).await.expect_err("refused");
    assert_eq!(error.code(), Code::ImagesMissing, "{error}");
    assert!(error.to_string().contains("stackpilot-test/never-built:1 (db)") && error.hint().is_some_and(|h| h.contains("nothing was replaced")), "{error}");
    let out = Command::new("docker")
        .args(["run", "--rm", "-v", &format!("{project}_data:/d"), crate::support::busybox_image(), "cat", "/d/a.txt"])
        .output()
        .expect("docker run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "v2\n", "the volume still holds what it held");
    assert_eq!(backup::list(env, Some(backups.path())).expect("list").len(), 1, "no backup of the current data was needed");
    let _ = Command::new("docker").args(["volume", "rm", &format!("{project}_data"), &format!("{project}_cache")]).output();
}

#[tokio::test]
async fn containers_a_killed_backup_left_paused_run_again_at_the_next_start() {
    let (dir, workspace) = fixtures("bkkill", &[]);
    SecretStore::open(&workspace).expect("keychain").generate_missing("data").expect("secrets");
    let project = workspace.env("data").expect("env").project();
    up(&workspace).await;
    // Enough data that the copy is still going when the process is killed.
    in_db(&project, "head -c 300000000 /dev/urandom > /var/lib/db/big.bin");
    let backups = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(built_binary("stackpilot"))
        .args(["backup", "data", "--volume", "data", "-o"])
        .arg(backups.path())
        .arg("--workspace")
        .arg(dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("stackpilot backup");
    let paused = || {
        let out = Command::new("docker").args(["inspect", "-f", "{{.State.Paused}}", &format!("{project}-db-1")]).output().expect("inspect");
        String::from_utf8_lossy(&out.stdout).trim() == "true"
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !paused() {
        assert!(std::time::Instant::now() < deadline, "the backup never paused db");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    assert!(paused(), "killed mid-copy, it could not unpause db itself");
    assert!(std::fs::read_dir(backups.path()).expect("folder").flatten().all(|e| e.file_name().to_string_lossy().ends_with(".partial")), "no backup shows as one");
    up(&workspace).await;
    assert!(!paused(), "the next start unpaused what the killed backup left paused");
    assert_eq!(in_db(&project, "echo alive"), "alive\n");
    down(&workspace, true).await;
}
