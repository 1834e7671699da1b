//! Hostile and huge schema files, from the reliability review: each is answered with a
//! positioned error (or accepted), never a panic, and in bounded time. Property tests
//! run the loader, the duration and size parsers and the env-file reader on arbitrary
//! input. Figures: docs/reliability.md.

use std::time::{Duration, Instant};

use proptest::prelude::*;
use stackpilot_core::{
    envfiles::dotenv,
    schema::{self, ByteSize, SchemaError, Timeout},
};

use crate::support::workspace_with;

const BASE: &str = "version: 1\nproject: demo\nenvironments:\n  dev:\n    title: Dev\n    compose: [docker-compose.yml]\n";

/// Loads `text` as a schema; returns the first issue's `line:message`, or "valid".
fn answer(text: &str) -> (String, Duration) {
    let (_dir, path) = workspace_with(text);
    let started = Instant::now();
    let result = schema::load(&path);
    let elapsed = started.elapsed();
    let answer = match result {
        Ok(_) => "valid".to_owned(),
        Err(SchemaError::Invalid(issues)) => {
            let first = &issues[0];
            format!("{}:{}", first.position.map(|p| p.line).unwrap_or(0), first.message)
        }
        Err(other) => other.to_string(),
    };
    (answer, elapsed)
}

/// A hang guard, not a benchmark: every hostile input ends long before this.
const BOUND: Duration = Duration::from_secs(5);

#[test]
fn every_reviewed_hostile_schema_gets_a_positioned_answer_quickly() {
    let variables: String = (0..60_000).map(|i| format!("  V{i}: x\n")).collect();
    let bad_names: String = (0..2_000).map(|i| format!("  {i}bad: x\n")).collect();
    let aliased = format!("version: 1\nproject: demo\nx: &big \"{}\"\n", "a".repeat(500_000))
        + &(0..2_000).map(|i| format!("y{i}: *big\n")).collect::<String>();
    let environments: String = (0..2_000).map(|i| format!("  e{i}:\n    title: E\n    compose: [docker-compose.yml]\n")).collect();
    let cases: Vec<(&str, String, &str)> = vec![
        ("nested 100,000 deep", format!("{BASE}x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)), "7:the file nests deeper than 64"),
        ("2,000 invalid variable names", format!("{BASE}variables:\n{bad_names}"), "8:`0bad` is not a valid environment variable name"),
        ("60,000 variables", format!("{BASE}variables:\n{variables}"), "valid"),
        ("one string reused 2,000 times by aliases", aliased, "aliases"),
        ("2,000 environments", format!("version: 1\nproject: demo\nenvironments:\n{environments}"), "2000 environments are defined"),
        ("a 4-billion-character secret", format!("{BASE}secrets:\n  S: {{ length: 4000000000 }}\n"), "8:`length: 4000000000` is above the 4096 allowed"),
        ("a timeout that overflows", format!("{BASE}    timeout: 18446744073709551615s1s\n"), "7:`18446744073709551615s1s` is longer than the 24h allowed"),
        ("a timeout that wraps", format!("{BASE}    timeout: 307445734561825861m\n"), "is longer than the 24h allowed"),
        ("a timeout at the edge of u64", format!("{BASE}    timeout: 18446744073709551615s\n"), "is longer than the 24h allowed"),
        ("two documents", format!("{BASE}---\n{BASE}"), "7:the file holds more than one YAML document"),
        ("an empty file", String::new(), "the file is empty"),
    ];
    let mut failures = Vec::new();
    for (name, text, expected) in &cases {
        let (got, elapsed) = answer(text);
        if !got.contains(expected) || (*expected != "valid" && got == "valid") {
            failures.push(format!("{name}: got {got:?}, want {expected:?}"));
        }
        if elapsed > BOUND {
            failures.push(format!("{name}: took {elapsed:?}"));
        }
        eprintln!("{name}: {:.1} ms", elapsed.as_secs_f64() * 1000.0);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_file_that_is_not_utf8_is_refused_with_its_position() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stackpilot.yaml");
    std::fs::write(&path, b"version: 1\nproject: d\xffmo\n").expect("write");
    let Err(SchemaError::Invalid(issues)) = schema::load(&path) else { panic!("refused") };
    assert_eq!(issues[0].message, "the file is not UTF-8 text");
    assert_eq!(issues[0].position.map(|p| (p.line, p.column)), Some((2, 11)));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn the_loader_answers_any_text(text in "\\PC{0,400}") {
        let _ = schema::parse(&text, std::path::Path::new("/nonexistent/stackpilot.yaml"));
    }

    #[test]
    fn the_loader_answers_any_mutation_of_a_valid_schema(at in 0usize..200, insert in "[\\[\\]{}:&*!|>'\"#\\- \\n0-9a-z]{0,12}") {
        let base = format!("{BASE}    requires: {{ memory: 2GiB }}\n    timeout: 5m\n    variables: {{ A: b }}\n");
        let at = at.min(base.len());
        let at = (0..=at).rev().find(|i| base.is_char_boundary(*i)).unwrap_or(0);
        let text = format!("{}{insert}{}", &base[..at], &base[at..]);
        let _ = schema::parse(&text, std::path::Path::new("/nonexistent/stackpilot.yaml"));
    }

    #[test]
    fn durations_and_sizes_parse_or_refuse(text in "[0-9]{0,25}[a-zA-Z]{0,3}[0-9]{0,25}[a-z]{0,2}") {
        if let Ok(t) = Timeout::parse(&text) {
            prop_assert!(t.0 <= schema::MAX_DURATION);
        }
        let _ = ByteSize::parse(&text);
    }

    #[test]
    fn the_env_file_reader_answers_any_text(text in "\\PC{0,300}") {
        let _ = dotenv::entries(&text, &|_| None);
    }
}
