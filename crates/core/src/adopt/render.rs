//! The proposal as `stackpilot.yaml`: every value written by the YAML serializer, each
//! inferred line followed by a comment that says where it came from.

use super::Proposal;

/// A YAML scalar for `text`, quoted by the serializer when it must be.
fn scalar(text: &str) -> String {
    serde_yaml::to_string(text).map(|s| s.trim_end().to_owned()).unwrap_or_else(|_| format!("{text:?}"))
}

/// `[a, "b c"]`.
fn list(items: &[String]) -> String {
    format!("[{}]", items.iter().map(|i| scalar(i)).collect::<Vec<_>>().join(", "))
}

/// A comment, on one line whatever it holds.
fn comment(text: &str) -> String {
    format!("  # {}", text.replace(['\n', '\r'], " "))
}

/// Bytes as a schema size, rounded up to whole MiB.
fn size(bytes: u64) -> String {
    format!("{}MiB", bytes.div_ceil(1 << 20).max(1))
}

/// The schema text of a proposal.
pub fn render(proposal: &Proposal) -> String {
    let mut out = vec![
        format!("# Stackpilot schema for {}, written by `stackpilot init`", proposal.folder.display()),
        "# from what `docker compose config` resolves there. Each inferred line says where it".into(),
        "# came from; edit freely (reference: docs/schema.md).".into(),
        "version: 1".into(),
        format!("project: {}{}", scalar(&proposal.project), comment("the Compose project name of this folder")),
    ];
    if !proposal.secrets.is_empty() {
        out.push("secrets:".into());
        for secret in &proposal.secrets {
            let from = if secret.plaintext_in.is_empty() {
                "generated into the keychain".to_owned()
            } else {
                format!("imported from {} into the keychain", secret.plaintext_in.join(", "))
            };
            out.push(format!("  {}: {{ length: 32 }}{}", scalar(&secret.name), comment(&format!("{}; {from}", secret.reason))));
        }
    }
    out.push("environments:".into());
    for env in &proposal.environments {
        out.push(format!("  {}:", env.name));
        out.push(format!("    title: {}", scalar(&env.title)));
        out.push(format!("    compose: {}{}", list(&env.compose), comment(&env.compose_source)));
        out.push(format!("    project_name: {}{}", scalar(&env.project_name), comment(&env.project_name_source)));
        if !env.profiles.is_empty() {
            out.push(format!("    profiles: {}{}", list(&env.profiles), comment("COMPOSE_PROFILES in .env")));
        }
        let mut requires = Vec::new();
        let mut why = Vec::new();
        if let Some(reason) = &env.gpu {
            requires.push("gpu: true".to_owned());
            why.push(reason.clone());
        }
        if let Some((bytes, reason)) = &env.memory {
            requires.push(format!("memory: {}", size(*bytes)));
            why.push(reason.clone());
        }
        if !requires.is_empty() {
            out.push(format!("    requires: {{ {} }}{}", requires.join(", "), comment(&why.join("; "))));
        }
        if !env.wait_for.is_empty() {
            out.push(format!("    wait_for: {}{}", list(&env.wait_for), comment("the services with a healthcheck")));
        }
        if !env.urls.is_empty() {
            out.push("    urls:".into());
            for (label, url, why) in &env.urls {
                out.push(format!("      {}: {}{}", scalar(label), scalar(url), comment(why)));
            }
        }
        out.push(format!("    secrets: {}{}", list(&env.secrets), comment("the secrets its Compose files use")));
    }
    if !proposal.notes.is_empty() {
        out.push(String::new());
        out.extend(proposal.notes.iter().map(|n| format!("# Note: {}", n.replace(['\n', '\r'], " "))));
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::render;
    use crate::adopt::{Proposal, ProposedEnvironment, ProposedSecret};

    #[test]
    fn a_proposal_renders_to_a_schema_that_loads_with_every_value_intact() {
        let proposal = Proposal {
            folder: PathBuf::from("/p/my app"),
            project: "myapp".into(),
            environments: vec![ProposedEnvironment {
                name: "default".into(),
                title: "Default".into(),
                compose: vec!["compose.yaml".into(), "odd: name #1.yml".into()],
                compose_source: "the folder's file\nwith a newline".into(),
                project_name: "myapp".into(),
                project_name_source: "the folder's name".into(),
                profiles: vec![],
                gpu: Some("gpu asks".into()),
                memory: Some((3 << 29, "reservations".into())),
                wait_for: vec!["db".into()],
                urls: vec![("web".into(), "http://localhost:8080".into(), "web publishes 80".into())],
                secrets: vec!["DB_PASSWORD".into()],
                services: vec!["db".into(), "web".into()],
            }],
            secrets: vec![ProposedSecret { name: "DB_PASSWORD".into(), reason: "named like a secret".into(), plaintext_in: vec![".env".into()] }],
            notes: vec!["a note\nover lines".into()],
        };
        let text = render(&proposal);
        let schema = crate::schema::parse(&text, std::path::Path::new("/nonexistent/stackpilot.yaml")).expect(&text);
        let env = schema.environments.get("default").expect("default");
        assert_eq!(env.compose, ["compose.yaml", "odd: name #1.yml"]);
        assert_eq!(env.project_name.as_deref(), Some("myapp"));
        assert_eq!(env.requires.gpu, Some(true));
        assert_eq!(env.requires.memory.map(|m| m.0), Some(1536 << 20));
        assert_eq!(env.urls.get("web").map(String::as_str), Some("http://localhost:8080"));
        assert!(schema.secrets.contains_key("DB_PASSWORD"));
    }
}
