//! Env files read as the real Compose CLI (v2.40.3) read them: compose-go's dotenv
//! vectors (`42-compose-go-dotenv-fixtures/dotenv-vectors.json`, each re-run through the
//! CLI) and the corpus's `--env-file` runs, whose `config --environment` output is stored.
//! Runs when `../shared/compose-corpus` (or `$STACKPILOT_COMPOSE_CORPUS`) exists.
//!
//! One rule belongs to the caller, not to the parser: in the CLI the OS environment wins
//! over the file for keys defined in both (compose-go's `WithDotEnv` merges the file's
//! values under the OS environment). `dotenv::parse` returns the file's own values (the
//! OS environment being only its lookup), so wherever the CLI's output is compared, this
//! test lays the OS environment over the parsed pairs first, as the CLI does. That is how
//! the one vector where the CLI disagrees with compose-go's own test is checked: with
//! `OPTION_A=5` in the OS environment and `OPTION_A=1` in the file, `parse` says `1` (as
//! compose-go's `ReadWithLookup` does) and the CLI shows `5`.

use std::{
    collections::{BTreeMap, HashMap},
    path::PathBuf,
};

use serde_json::Value;
use stackpilot_core::envfiles::dotenv::{self, DotenvError};

const CASE: &str = "42-compose-go-dotenv-fixtures";

fn case_dir() -> Option<PathBuf> {
    let dir = crate::support::corpus().map(|c| c.join(CASE)).filter(|d| d.is_dir());
    if dir.is_none() {
        eprintln!("{CASE} not present: dotenv conformance skipped");
    }
    dir
}

fn json(path: PathBuf) -> Value {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn string_map(v: &Value) -> HashMap<String, String> {
    v.as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default()
}

/// What the CLI ends up with: the file's pairs, then the OS environment over them.
fn as_the_cli_sees_it(pairs: Vec<(String, String)>, os_env: &HashMap<String, String>) -> BTreeMap<String, String> {
    let mut view: BTreeMap<String, String> = pairs.into_iter().collect();
    for (key, value) in view.iter_mut() {
        if let Some(os) = os_env.get(key) {
            value.clone_from(os);
        }
    }
    view
}

/// Whether the CLI's stderr reports `error`: with Compose's `line N: ` when the CLI names
/// a line, by its message alone when it does not (failed `${VAR:?}` expansions).
fn cli_reports(stderr: &str, error: &DotenvError) -> bool {
    stderr.contains(&error.to_string()) || (stderr.contains(&error.message) && !stderr.contains(": line "))
}

#[test]
fn every_dotenv_vector_reads_as_the_compose_cli_read_it() {
    let Some(dir) = case_dir() else { return };
    let doc = json(dir.join("dotenv-vectors.json"));
    let vectors = doc["vectors"].as_array().expect("vectors");
    let mut failures = Vec::new();
    let mut cli_differs = 0;
    for (i, vector) in vectors.iter().enumerate() {
        let input = vector["input"].as_str().expect("input");
        let os_env = string_map(&vector["os_env"]);
        let lookup = |k: &str| os_env.get(k).cloned();
        let result = dotenv::parse(input, &lookup);
        let cli = &vector["cli"];
        let name = format!("vector {i} {input:?}");
        if cli["agrees"] != true {
            // The CLI is the reference: its interpolation environment, line by line.
            cli_differs += 1;
            let view = match result {
                Ok(pairs) => as_the_cli_sees_it(pairs, &os_env),
                Err(e) => {
                    failures.push(format!("{name}: the CLI read it, we failed: {e}"));
                    continue;
                }
            };
            for line in cli["stdout_relevant"].as_array().expect("stdout_relevant") {
                let (key, value) = line.as_str().and_then(|l| l.split_once('=')).expect("KEY=value");
                if view.get(key).map(String::as_str) != Some(value) {
                    failures.push(format!("{name}: the CLI has {key}={value:?}, we have {:?}", view.get(key)));
                }
            }
        } else if let Some(wanted) = vector["expected_error_contains"].as_str() {
            let stderr = cli["stderr"].as_str().unwrap_or_default();
            match result {
                Ok(pairs) => failures.push(format!("{name}: should fail with {wanted:?}, read {pairs:?}")),
                Err(e) if !e.to_string().contains(wanted) => failures.push(format!("{name}: {e} lacks {wanted:?}")),
                Err(e) if !cli_reports(stderr, &e) => failures.push(format!("{name}: {e} is not the CLI's {stderr:?}")),
                Err(_) => {}
            }
        } else {
            let pairs: HashMap<String, String> = match result {
                Ok(pairs) => pairs.into_iter().collect(),
                Err(e) => {
                    failures.push(format!("{name}: {e}"));
                    continue;
                }
            };
            for (key, value) in string_map(&vector["expected"]) {
                if pairs.get(&key) != Some(&value) {
                    failures.push(format!("{name}: {key} should be {value:?}, is {:?}", pairs.get(&key)));
                }
            }
        }
    }
    let agreeing = doc["meta"]["cli_agrees"].as_u64().unwrap_or_default() as usize;
    assert_eq!(vectors.len() - cli_differs, agreeing, "meta.cli_agrees should count the agreeing vectors");
    println!(
        "dotenv vectors: {} compared, {} of them against the CLI where it differs from compose-go's test",
        vectors.len(),
        cli_differs
    );
    assert!(failures.is_empty(), "{} of {} vectors disagree:\n{}", failures.len(), vectors.len(), failures.join("\n"));
}

/// `config --environment` output: `KEY=value` lines, where a line that does not start
/// with a key and `=` continues the previous value (multi-line values are printed as is).
fn environment_txt(text: &str) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    let mut last: Option<String> = None;
    for line in text.strip_suffix('\n').unwrap_or(text).split('\n') {
        match line.split_once('=') {
            Some((key, value)) if !key.is_empty() && !key.contains(char::is_whitespace) => {
                vars.insert(key.to_string(), value.to_string());
                last = Some(key.to_string());
            }
            _ => {
                if let Some(value) = last.as_ref().and_then(|k| vars.get_mut(k)) {
                    value.push('\n');
                    value.push_str(line);
                }
            }
        }
    }
    vars
}

#[test]
fn every_env_file_run_of_the_corpus_gives_the_cli_environment() {
    let Some(dir) = case_dir() else { return };
    let case = json(dir.join("case.json"));
    let workdir = dir.join(case["workdir"].as_str().expect("workdir"));
    let mut failures = Vec::new();
    let (mut runs, mut files, mut keys) = (0, 0, 0);
    for run in case["runs"].as_array().expect("runs") {
        let id = run["id"].as_str().expect("id");
        let args: Vec<&str> = run["args"].as_array().expect("args").iter().filter_map(Value::as_str).collect();
        let env_files: Vec<&str> = args.windows(2).filter(|w| w[0] == "--env-file").map(|w| w[1]).collect();
        let expected = dir.join("expected").join(id);
        if env_files.is_empty() || !expected.join("environment.txt").is_file() {
            continue;
        }
        // The run's OS environment is the lookup, as in the CLI (PATH and HOME too, but
        // no fixture names them); each file also sees the values of the files before it.
        let os_env = string_map(&run["env"]);
        let lookup = |k: &str| os_env.get(k).cloned();
        let mut merged: Vec<(String, String)> = Vec::new();
        let mut texts = Vec::new();
        let mut error = None;
        for file in &env_files {
            let text = std::fs::read_to_string(workdir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            match dotenv::parse_after(&text, &lookup, &merged) {
                Ok(pairs) => {
                    merged.retain(|(k, _)| !pairs.iter().any(|(key, _)| key == k));
                    merged.extend(pairs);
                }
                Err(e) => {
                    error = Some((file, e));
                    break;
                }
            }
            texts.push(text);
            files += 1;
        }
        runs += 1;
        let results = json(expected.join("results.json"));
        let command = &results["commands"]["environment.txt"];
        if command["exit_code"] != 0 {
            let stderr = command["stderr"].as_str().unwrap_or_default();
            match &error {
                Some((file, e)) if stderr.contains(&format!("{file}: {e}")) => {}
                _ => failures.push(format!("{id}: the CLI failed with {stderr:?}, we got {error:?}")),
            }
            continue;
        }
        if let Some((file, e)) = error {
            failures.push(format!("{id}: the CLI read it, we failed on {file}: {e}"));
            continue;
        }
        let printed = std::fs::read_to_string(expected.join("environment.txt")).expect("environment.txt");
        let printed = environment_txt(&printed);
        let view = as_the_cli_sees_it(merged, &os_env);
        for (key, value) in &view {
            keys += 1;
            if printed.get(key) != Some(value) {
                failures.push(format!("{id}: the CLI has {key}={:?}, we have {value:?}", printed.get(key)));
            }
        }
        // The CLI also prints what its own process injects (PATH, PWD…): a printed key
        // counts as ours only when one of the files names it.
        for key in printed.keys() {
            if !view.contains_key(key) && !os_env.contains_key(key) && texts.iter().any(|t| t.contains(key.as_str())) {
                failures.push(format!("{id}: the CLI has {key}, we left it out"));
            }
        }
    }
    println!("env-file runs: {runs} compared ({files} files read, {keys} keys checked against environment.txt)");
    assert!(runs >= 15, "expected the corpus's --env-file runs, found {runs}");
    assert!(failures.is_empty(), "{} disagreements:\n{}", failures.len(), failures.join("\n"));
}
