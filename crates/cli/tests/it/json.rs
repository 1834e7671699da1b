//! The command line's contract for scripts: JSON documents with their version, errors as
//! JSON on stderr under `--json`, and colour only where asked for.

use crate::support::{configs_dir, stackpilot, stderr, stdout};

/// The last line of stderr as JSON (notes may come before it).
fn json_error(output: &std::process::Output) -> serde_json::Value {
    let text = stderr(output);
    let line = text.lines().last().unwrap_or_default();
    serde_json::from_str(line).unwrap_or_else(|e| panic!("stderr's last line is not JSON ({e}): {text}"))
}

#[test]
fn under_json_an_error_is_one_json_line_on_stderr_with_its_code_and_exit_code() {
    let configs = configs_dir();
    for args in [
        &["status", "nosuch", "--json"][..],
        &["up", "nosuch", "--json"],
        &["down", "nosuch", "--json"],
        &["logs", "nosuch", "--json"],
        &["secrets", "status", "nosuch", "--json"],
        &["check", "nosuch", "--json"],
    ] {
        let out = stackpilot(&configs, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}: nothing on stdout: {}", stdout(&out));
        let error = json_error(&out);
        assert_eq!(error["version"], 1, "{error}");
        assert_eq!(error["error"]["code"], "UnknownEnvironment", "{args:?}: {error}");
        assert!(error["error"]["message"].as_str().is_some_and(|m| m.contains("nosuch")), "{error}");
        assert!(error["error"]["hint"].as_str().is_some_and(|h| h.contains("first-run")), "{error}");
        assert_eq!(error["exit_code"], 2);
    }
    // Without --json, the same error is text.
    let out = stackpilot(&configs, &["status", "nosuch"]);
    assert!(stderr(&out).contains("error: there is no environment `nosuch`"), "{}", stderr(&out));
}

#[test]
fn every_json_document_carries_the_version_of_its_shapes() {
    let configs = configs_dir();
    for (args, field) in [
        (&["envs", "--json"][..], "environments"),
        (&["schema", "check", "--json"], "valid"),
        (&["status", "first-run", "--json"], "services"),
        (&["check", "first-run", "--json"], "results"),
    ] {
        let out = stackpilot(&configs, args);
        let document: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}{}", stdout(&out), stderr(&out)));
        assert_eq!(document["version"], 1, "{args:?}: {document}");
        assert!(!document[field].is_null(), "{args:?} has `{field}`: {document}");
    }
}

#[test]
fn colour_only_on_a_terminal_or_when_asked_and_never_with_no_color() {
    let configs = configs_dir();
    let coloured = |out: &std::process::Output| stdout(out).contains('\u{1b}');
    // Into a pipe: no escape codes unless --color always.
    assert!(!coloured(&stackpilot(&configs, &["check", "first-run"])));
    assert!(coloured(&stackpilot(&configs, &["check", "first-run", "--color", "always"])));
    assert!(!coloured(&stackpilot(&configs, &["check", "first-run", "--color", "never"])));
    // On a terminal (script(1) gives it one): colour, unless NO_COLOR or --color never.
    let on_terminal = |extra: &str, no_color: bool| {
        let command = format!("{} --workspace {} check first-run {extra}", env!("CARGO_BIN_EXE_stackpilot"), configs.display());
        let mut script = std::process::Command::new("script");
        script.args(["-qec", &command, "/dev/null"]).env_remove("STACKPILOT_WORKSPACE").env_remove("NO_COLOR");
        if no_color {
            script.env("NO_COLOR", "1");
        }
        String::from_utf8_lossy(&script.output().expect("script(1) runs").stdout).contains("\u{1b}[")
    };
    assert!(on_terminal("", false), "a terminal gets colour");
    assert!(!on_terminal("", true), "NO_COLOR turns it off");
    assert!(!on_terminal("--color never", false), "--color never turns it off");
}
