//! Shell completions and manual pages, made from the command definitions.

use std::process::Command;

fn stackpilot() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stackpilot"));
    command.env_remove("STACKPILOT_WORKSPACE").env_remove("STACKPILOT_COMPLETE");
    command
}

#[test]
fn completion_scripts_register_and_tab_offers_the_workspaces_environments() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = stackpilot().args(["completions", shell]).output().expect("runs");
        let script = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && script.contains("STACKPILOT_COMPLETE"), "{shell}: {script}");
    }
    // What the shell asks at `stackpilot up <Tab>` in a project folder (fish's protocol: one
    // candidate a line, its help after a tab).
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("stackpilot.yaml"),
        "version: 1\nproject: comp\nenvironments:\n  web:\n    title: The web app\n    compose: [compose.yaml]\n  worker:\n    title: Workers\n    compose: [compose.yaml]\n",
    )
    .expect("schema");
    std::fs::write(dir.path().join("compose.yaml"), "services:\n  web:\n    image: stackpilot-test/busybox:1\n").expect("compose");
    let out = stackpilot().current_dir(dir.path()).env("STACKPILOT_COMPLETE", "fish").args(["--", "stackpilot", "up", "w"]).output().expect("runs");
    let candidates = String::from_utf8_lossy(&out.stdout);
    let names: Vec<&str> = candidates.lines().map(|l| l.split('\t').next().unwrap_or_default()).collect();
    assert_eq!(names, ["web", "worker"], "{candidates}");
    assert!(candidates.contains("The web app"), "the title is the help: {candidates}");
}

#[test]
fn man_pages_are_written_for_every_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = stackpilot().args(["man", "-o"]).arg(dir.path()).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let main = std::fs::read_to_string(dir.path().join("stackpilot.1")).expect("stackpilot.1");
    assert!(main.contains(".TH stackpilot") && main.contains("completions"), "{main}");
    for command in ["up", "check", "logs", "down"] {
        assert!(dir.path().join(format!("stackpilot-{command}.1")).is_file(), "stackpilot-{command}.1");
    }
}
