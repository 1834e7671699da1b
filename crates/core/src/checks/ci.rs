//! A check report in the formats CI systems read: JUnit XML (test dashboards: Jenkins,
//! GitLab, Azure, GitHub's test reporters) and GitHub Actions workflow commands
//! (annotations on the run and the schema file).

use std::fmt::Write as _;

use super::{CheckReport, CheckStatus};

/// The report as a JUnit XML document: one `<testsuite>` for the environment, one
/// `<testcase>` per check; a failed check is a `<failure>`, a skipped one `<skipped>`, a
/// warning passes with its message in `<system-out>`.
pub fn junit(report: &CheckReport, timestamp: &str) -> String {
    let seconds = |ms: u64| format!("{:.3}", ms as f64 / 1000.0);
    let s = &report.summary;
    let tests = report.results.len();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        xml,
        "<testsuites name=\"stackpilot check\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\">",
        s.fail,
        s.skipped,
        seconds(report.elapsed_ms)
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" time=\"{}\" timestamp=\"{}\">",
        escape(&format!("stackpilot check {}", report.environment)),
        s.fail,
        s.skipped,
        seconds(report.elapsed_ms),
        escape(timestamp)
    );
    for r in &report.results {
        let _ = write!(
            xml,
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{}\"",
            escape(&format!("stackpilot.{}", report.environment)),
            escape(&format!("{}: {}", r.id, r.title)),
            seconds(r.elapsed_ms)
        );
        let details = explained(r).join("\n");
        match r.status {
            CheckStatus::Pass => xml.push_str(" />\n"),
            CheckStatus::Fail => {
                let _ = writeln!(xml, ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>", escape(&r.message), r.id, escape(&details));
            }
            CheckStatus::Skipped => {
                let _ = writeln!(xml, ">\n      <skipped message=\"{}\" />\n    </testcase>", escape(&r.message));
            }
            CheckStatus::Warn => {
                let text = if details.is_empty() { format!("warning: {}", r.message) } else { format!("warning: {}\n{details}", r.message) };
                let _ = writeln!(xml, ">\n      <system-out>{}</system-out>\n    </testcase>", escape(&text));
            }
        }
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// The report as GitHub Actions workflow commands: an `error` for each failed check and a
/// `warning` for each warning, on the schema file, and a `notice` with the summary.
pub fn github(report: &CheckReport, schema_file: &str) -> String {
    let mut out = String::new();
    for r in &report.results {
        let level = match r.status {
            CheckStatus::Fail => "error",
            CheckStatus::Warn => "warning",
            CheckStatus::Pass | CheckStatus::Skipped => continue,
        };
        let mut message = r.message.clone();
        for line in explained(r) {
            message.push('\n');
            message.push_str(&line);
        }
        let _ = writeln!(
            out,
            "::{level} file={},title={}::{}",
            property(schema_file),
            property(&format!("stackpilot check {}: {}", report.environment, r.id)),
            data(&message)
        );
    }
    let s = &report.summary;
    let _ = writeln!(
        out,
        "::notice title={}::{}",
        property(&format!("stackpilot check {}", report.environment)),
        data(&format!("{} passed, {} warning(s), {} failed, {} skipped", s.pass, s.warn, s.fail, s.skipped))
    );
    out
}

/// A check's details and the fixes it offers, a line each.
fn explained(result: &super::CheckResult) -> Vec<String> {
    result.details.iter().cloned().chain(result.fixes.iter().map(|f| format!("fix {}: {}", f.id(), f.label()))).collect()
}

/// Text for an XML attribute or element.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && c != '\t' && c != '\r' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A workflow command's message (GitHub's escaping).
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{CheckResult, CheckStatus};

    fn report() -> CheckReport {
        let results = vec![
            CheckResult::new("ports", "Ports free", CheckStatus::Fail, "port 8080 is taken by <nginx> & co").with_details(["pid 42".to_owned()]),
            CheckResult::new("disk", "Disk space", CheckStatus::Warn, "12 GB free, 20 GB advised"),
            CheckResult::new("gpu", "GPU", CheckStatus::Skipped, "dev needs no GPU"),
            CheckResult::new("docker.daemon", "Docker", CheckStatus::Pass, "Docker 27.0, answering"),
        ];
        CheckReport::new("dev".into(), results, &["ports", "disk", "gpu", "docker.daemon"], 1234)
    }

    #[test]
    fn junit_counts_and_escapes() {
        let xml = junit(&report(), "2026-11-27T10:00:00Z");
        assert!(xml.contains("<testsuites name=\"stackpilot check\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"1.234\">"), "{xml}");
        assert!(xml.contains("<failure message=\"port 8080 is taken by &lt;nginx&gt; &amp; co\" type=\"ports\">pid 42</failure>"), "{xml}");
        assert!(xml.contains("<skipped message=\"dev needs no GPU\" />"), "{xml}");
        assert!(xml.contains("<system-out>warning: 12 GB free, 20 GB advised</system-out>"), "{xml}");
        assert_eq!(xml.matches("<testcase ").count(), 4);
    }

    #[test]
    fn github_annotations_are_escaped_workflow_commands() {
        let text = github(&report(), "configs/environment_schema.yaml");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "::error file=configs/environment_schema.yaml,title=stackpilot check dev%3A ports::port 8080 is taken by <nginx> & co%0Apid 42");
        assert!(lines[1].starts_with("::warning "), "{text}");
        assert_eq!(lines[2], "::notice title=stackpilot check dev::1 passed, 1 warning(s), 1 failed, 1 skipped");
        assert_eq!(lines.len(), 3);
    }
}
