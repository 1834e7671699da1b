//! Check reports for CI: JUnit XML valid against the JUnit schema, GitHub Actions annotations.

use crate::support::{configs_dir, stackpilot, stderr, stdout};

#[test]
fn junit_output_is_valid_against_the_junit_schema_and_counts_what_it_holds() {
    let configs = configs_dir();
    let out = stackpilot(&configs, &["check", "first-run", "--format", "junit"]);
    let xml = stdout(&out);
    assert!(xml.starts_with("<?xml"), "nothing but the XML on stdout: {xml}{}", stderr(&out));
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("report.xml");
    std::fs::write(&file, &xml).expect("write");
    let xsd = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/ci/junit.xsd");
    let lint = std::process::Command::new("xmllint").arg("--noout").arg("--schema").arg(&xsd).arg(&file).output().expect("xmllint is installed (scripts/setup.sh --tests)");
    assert!(lint.status.success(), "{}\n{xml}", String::from_utf8_lossy(&lint.stderr));
    let attribute = |name: &str| -> usize {
        let start = xml.find("<testsuite ").expect("a testsuite");
        let tag = &xml[start..start + xml[start..].find('>').expect("end of tag")];
        let value = tag.split(&format!(" {name}=\"")).nth(1).and_then(|v| v.split('"').next()).expect(name);
        value.parse().expect("a count")
    };
    assert_eq!(attribute("tests"), xml.matches("<testcase ").count());
    assert_eq!(attribute("failures"), xml.matches("<failure ").count());
    assert_eq!(attribute("skipped"), xml.matches("<skipped ").count());
    // The exit code is the check's, as with text.
    let text = stackpilot(&configs, &["check", "first-run"]);
    assert_eq!(out.status.code(), text.status.code());
}

#[test]
fn github_output_is_workflow_commands_on_the_schema_file() {
    let configs = configs_dir();
    let out = stackpilot(&configs, &["check", "first-run", "--format", "github"]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty() && lines.iter().all(|l| l.starts_with("::error ") || l.starts_with("::warning ") || l.starts_with("::notice ")), "{text}");
    assert!(lines.last().is_some_and(|l| l.starts_with("::notice title=stackpilot check first-run::") && l.contains("passed")), "{text}");
    for line in lines.iter().filter(|l| !l.starts_with("::notice")) {
        assert!(line.contains("file=") && line.contains("environment_schema.yaml"), "annotations point at the schema: {line}");
    }
}
