//! The inference behind `stackpilot init`: which environments a folder has (from file
//! names, as Compose picks files), and for each what Compose's model says.

use std::{
    collections::{BTreeMap, BTreeSet},
    path::Path,
};

use super::{AdoptError, Proposal, ProposedEnvironment, ProposedSecret};
use crate::{
    compose::{self, ComposeCli, ComposeModel, ComposeVariable, ProjectSpec},
    envfiles,
};

/// The file names `docker compose` looks for, in its order.
const STANDARD: [&str; 4] = crate::workspace::COMPOSE_FILES;
/// The override it adds to them.
const OVERRIDES: [&str; 4] = ["compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml", "docker-compose.override.yml"];
/// `.env.<name>` suffixes that are not environments.
const NOT_ENVIRONMENTS: [&str; 6] = ["example", "sample", "template", "dist", "bak", "orig"];
/// Container ports that usually speak HTTP.
const HTTP_PORTS: [u16; 22] = [
    80, 443, 3000, 3001, 3030, 4000, 5000, 5173, 5601, 5678, 7860, 8000, 8080, 8081, 8088, 8443, 8501, 8888, 9000, 9001, 9090, 9443,
];
/// Value given to required variables that have none, to read the model's shape.
const PLACEHOLDER: &str = "stackpilot-init-placeholder";

/// An environment the folder's file names suggest.
#[derive(Clone)]
struct Candidate {
    name: String,
    files: Vec<String>,
    source: String,
    profiles: Vec<String>,
    /// `.env.<name>`, when the folder has it.
    env_file: Option<String>,
    /// An environment-named file that may also be a whole project on its own.
    named: Option<String>,
}

/// `prod.override` → `prod`; `Staging_1` → `staging_1`; `.x` → none.
fn environment_name(raw: &str) -> Option<String> {
    let raw = raw.strip_suffix(".override").unwrap_or(raw);
    let name: String = raw
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '-' })
        .collect();
    let name = name.trim_start_matches(['-', '_']).to_owned();
    (!name.is_empty() && name != "default" && name != "override").then_some(name)
}

fn title_of(name: &str) -> String {
    let mut title: String = name.replace(['-', '_'], " ");
    if let Some(first) = title.get(..1).map(str::to_ascii_uppercase) {
        title.replace_range(..1, &first);
    }
    title
}

fn candidates(dir: &Path, notes: &mut Vec<String>) -> Result<Vec<Candidate>, AdoptError> {
    let dot_env = envfiles::read(&dir.join(".env")).unwrap_or_default();
    let setting = |key: &str| dot_env.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let main = STANDARD.iter().find(|f| dir.join(f).is_file()).map(|f| (*f).to_owned());
    let (files, source) = match setting("COMPOSE_FILE") {
        Some(list) => {
            let separator = setting("COMPOSE_PATH_SEPARATOR").unwrap_or_else(|| ":".into());
            (list.split(separator.as_str()).filter(|f| !f.is_empty()).map(str::to_owned).collect(), "COMPOSE_FILE in .env".to_owned())
        }
        None => {
            let files: Vec<String> = main.iter().cloned().chain(OVERRIDES.iter().find(|f| dir.join(f).is_file()).map(|f| (*f).to_owned())).collect();
            (files, "the folder's Compose file(s), as `docker compose` picks them".to_owned())
        }
    };
    if files.is_empty() {
        return Err(AdoptError::NoComposeFile { dir: dir.to_path_buf() });
    }
    let profiles: Vec<String> = setting("COMPOSE_PROFILES").map(|p| p.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()).unwrap_or_default();
    let mut found = vec![Candidate { name: "default".into(), files: files.clone(), source, profiles: profiles.clone(), env_file: None, named: None }];
    let mut names: Vec<String> = std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()).unwrap_or_default();
    names.sort();
    for file in &names {
        let Some(middle) = ["docker-compose.", "compose."].iter().find_map(|p| file.strip_prefix(p)).and_then(|rest| {
            rest.strip_suffix(".yml").or_else(|| rest.strip_suffix(".yaml"))
        }) else {
            continue;
        };
        let Some(name) = environment_name(middle) else { continue };
        let Some(main) = &main else { continue };
        if found.iter().any(|c| c.name == name) {
            continue;
        }
        found.push(Candidate {
            name,
            files: vec![main.clone(), file.clone()],
            source: format!("{main} with {file}, an environment-named override"),
            profiles: Vec::new(),
            env_file: None,
            named: Some(file.clone()),
        });
    }
    for file in &names {
        let Some(rest) = file.strip_prefix(".env.") else { continue };
        let (raw, example) = match rest.strip_suffix(".example") {
            Some(raw) => (raw, true),
            None => (rest, false),
        };
        if NOT_ENVIRONMENTS.contains(&raw) || raw.ends_with(".bak") || raw.contains(".bak.") {
            continue;
        }
        let Some(name) = environment_name(raw) else { continue };
        if example && !names.contains(&format!(".env.{raw}")) {
            notes.push(format!("{file} is a template: copy it to .env.{name} and fill it in; Stackpilot reads .env.{name} for the {name} environment"));
        }
        let own = (!example).then(|| file.clone());
        if let Some(existing) = found.iter_mut().find(|c| c.name == name) {
            existing.env_file = existing.env_file.take().or(own);
        } else {
            found.push(Candidate {
                name: name.clone(),
                files: files.clone(),
                source: format!("the default files, for the {file} family of env files"),
                profiles: profiles.clone(),
                env_file: own,
                named: None,
            });
        }
    }
    Ok(found)
}

/// Compose's model of a candidate, as Stackpilot will run it: files, profiles, the
/// folder's `.env` then `.env.<name>`; required variables without a value get a
/// placeholder so that the model's shape can be read.
async fn resolve(cli: &ComposeCli, dir: &Path, candidate: &Candidate) -> Result<(ComposeModel, BTreeMap<String, ComposeVariable>), compose::ComposeError> {
    let files = candidate.files.iter().map(|f| dir.join(f)).collect();
    let mut spec = ProjectSpec::in_folder(dir, files, candidate.profiles.clone());
    spec.env_files = [Some(".env".to_owned()), candidate.env_file.clone()].into_iter().flatten().map(|f| dir.join(f)).filter(|p| p.is_file()).collect();
    let variables = compose::variables(cli, &spec).await?;
    let known = envfiles::resolved(&spec.env_files, &|k| std::env::var(k).ok());
    for variable in variables.values().filter(|v| v.required) {
        if std::env::var_os(&variable.name).is_none() && !known.iter().any(|(k, v)| *k == variable.name && !v.is_empty()) {
            spec.variables.push((variable.name.clone(), PLACEHOLDER.to_owned()));
        }
    }
    Ok((compose::config(cli, &spec).await?, variables))
}

/// An environment-named file is an override of the main file, unless merging the two
/// publishes the same socket twice (the project could not start) while Compose accepts
/// the file alone as a whole project: then its authors run it alone (`-f FILE`), as
/// langfuse's `docker-compose.build.yml` and `docker-compose.dev.yml` are.
async fn read_as_authored(cli: &ComposeCli, dir: &Path, candidate: &Candidate) -> (Candidate, Result<(ComposeModel, BTreeMap<String, ComposeVariable>), compose::ComposeError>) {
    let merged = resolve(cli, dir, candidate).await;
    let (Some(file), Ok((model, _))) = (&candidate.named, &merged) else { return (candidate.clone(), merged) };
    let twice = crate::checks::published_twice(model);
    let Some((a, _)) = twice.first() else { return (candidate.clone(), merged) };
    let alone = Candidate {
        files: vec![file.clone()],
        source: format!("{file} alone, a whole project: merged with {} it would publish {} twice ({}), which Docker refuses", candidate.files[0], a.label(), a.service),
        ..candidate.clone()
    };
    match resolve(cli, dir, &alone).await {
        Ok(resolved) => (alone, Ok(resolved)),
        Err(_) => (candidate.clone(), merged),
    }
}

/// Whether a variable's name says it holds a secret.
pub(crate) fn secret_like(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    ["PASSWORD", "PASSWD", "SECRET", "TOKEN"].iter().any(|w| upper.contains(w)) || upper.ends_with("_KEY") || upper == "KEY"
}

fn memory(model: &ComposeModel) -> Option<(u64, String)> {
    let sum = |get: &dyn Fn(&compose::Service) -> Option<u64>| -> u64 {
        model.services.values().map(|s| get(s).unwrap_or(0).saturating_mul(u64::from(s.replicas()))).sum()
    };
    let reserved = sum(&|s| s.memory_reservation());
    let limited = sum(&|s| s.memory_limit());
    if reserved > 0 {
        Some((reserved, "the sum of the services' memory reservations".into()))
    } else if limited > 0 {
        Some((limited, "the sum of the services' memory limits".into()))
    } else {
        None
    }
}

fn urls(model: &ComposeModel) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for (name, service) in &model.services {
        let http: Vec<_> = service
            .ports
            .iter()
            .filter(|p| p.protocol.as_deref().unwrap_or("tcp") == "tcp" && HTTP_PORTS.contains(&p.target))
            .filter_map(|p| Some((p, p.host_ports().first().copied()?)))
            .collect();
        let mut seen: Vec<u16> = Vec::new();
        for (port, published) in &http {
            if seen.contains(published) {
                continue;
            }
            seen.push(*published);
            let host = match port.host_ip.as_deref().unwrap_or("") {
                "" | "0.0.0.0" | "127.0.0.1" | "::" | "::1" => "localhost".to_owned(),
                ip if ip.contains(':') => format!("[{ip}]"),
                ip => ip.to_owned(),
            };
            let scheme = if matches!(port.target, 443 | 8443 | 9443) { "https" } else { "http" };
            let distinct = http.iter().map(|(_, p)| p).collect::<BTreeSet<_>>().len();
            let label = if distinct > 1 { format!("{name} {published}") } else { name.clone() };
            out.push((label, format!("{scheme}://{host}:{published}"), format!("{name} publishes container port {} on {published}", port.target)));
        }
    }
    out
}

pub(super) async fn propose(dir: &Path) -> Result<Proposal, AdoptError> {
    let mut notes = Vec::new();
    let candidates = candidates(dir, &mut notes)?;
    let cli = ComposeCli::locate().await.map_err(|source| AdoptError::Compose { source })?;
    let mut environments = Vec::new();
    let mut secrets: BTreeMap<String, ProposedSecret> = BTreeMap::new();
    let mut project = String::new();
    for candidate in &candidates {
        let (candidate, resolved) = read_as_authored(&cli, dir, candidate).await;
        let candidate = &candidate;
        let (model, variables) = match resolved {
            Ok(resolved) => resolved,
            Err(source) if candidate.name == "default" => {
                let template = [".env.example", ".env.sample", ".env.template", ".env.dist"].into_iter().find(|t| dir.join(t).is_file());
                return Err(match template.filter(|_| !dir.join(".env").exists()) {
                    Some(template) => AdoptError::NeedsEnv { source, template: template.to_owned() },
                    None => AdoptError::Compose { source },
                });
            }
            Err(e) => {
                notes.push(format!("left out {}: {e}", candidate.name));
                continue;
            }
        };
        if candidate.name == "default" {
            project = model.name.clone();
        }
        let env_files: Vec<String> = [Some(".env".to_owned()), candidate.env_file.clone()].into_iter().flatten().filter(|f| dir.join(f).is_file()).collect();
        // Each env file read once: (file, its keys with a non-empty value).
        let valued_keys: Vec<(String, Vec<String>)> = env_files
            .iter()
            .map(|f| (f.clone(), envfiles::read(&dir.join(f)).unwrap_or_default().into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, _)| k).collect()))
            .collect();
        let plaintext_in = |name: &str| -> Vec<String> {
            valued_keys.iter().filter(|(_, keys)| keys.iter().any(|k| k == name)).map(|(f, _)| f.clone()).collect()
        };
        let mut used = BTreeSet::new();
        for variable in variables.values() {
            let held_in = plaintext_in(&variable.name);
            let in_files = !held_in.is_empty();
            let valued = in_files || std::env::var_os(&variable.name).is_some();
            // Only where the meaning stays: a value the files hold is imported as it is; a
            // required value set nowhere (Compose refuses to start without) is generated.
            // An optional one that is unset stays unset.
            let reason = if secret_like(&variable.name) && variable.default_value.is_empty() && in_files {
                "named like a secret, with its value in an env file".to_owned()
            } else if variable.required && !valued {
                "required by the Compose files (`${VAR:?}`) and set nowhere".to_owned()
            } else {
                if secret_like(&variable.name) && variable.default_value.is_empty() && !valued {
                    let note = format!("{} looks like a secret but is optional and unset: left as it is (list it under `secrets:` to have one generated)", variable.name);
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                }
                continue;
            };
            used.insert(variable.name.clone());
            let entry = secrets.entry(variable.name.clone()).or_insert_with(|| ProposedSecret { name: variable.name.clone(), reason, plaintext_in: Vec::new() });
            for file in held_in {
                if !entry.plaintext_in.contains(&file) {
                    entry.plaintext_in.push(file);
                }
            }
        }
        let needs = model.gpu_needs();
        let gpu = (!needs.is_empty()).then(|| {
            let mut who: Vec<String> = needs.iter().map(|n| format!("{} ({})", n.service, n.source.describe())).collect();
            who.dedup();
            format!("{} ask for a GPU", who.join(", "))
        });
        let (project_name, project_name_source) = if candidate.name == "default" {
            (model.name.clone(), "the name `docker compose` uses in this folder, so its containers, networks and volumes stay the same".to_owned())
        } else {
            (
                format!("{}-{}", project, candidate.name),
                format!("its own project, apart from default's data; set `{project}` (and give default another) to share it"),
            )
        };
        environments.push(ProposedEnvironment {
            name: candidate.name.clone(),
            title: title_of(&candidate.name),
            compose: candidate.files.clone(),
            compose_source: candidate.source.clone(),
            project_name,
            project_name_source,
            profiles: candidate.profiles.clone(),
            gpu,
            memory: memory(&model),
            wait_for: model.services.iter().filter(|(_, s)| s.has_healthcheck()).map(|(n, _)| n.clone()).collect(),
            urls: urls(&model),
            secrets: used.into_iter().collect(),
            services: model.services.keys().cloned().collect(),
        });
    }
    for secret in secrets.values().filter(|s| !s.plaintext_in.is_empty()) {
        notes.push(format!(
            "{} has a plaintext value in {}: it is imported into the keychain with its value (read back to verify); remove it from the file afterwards with `stackpilot secrets import ENV FILE --delete-plaintext`",
            secret.name,
            secret.plaintext_in.join(", ")
        ));
    }
    Ok(Proposal { folder: dir.to_path_buf(), project, environments, secrets: secrets.into_values().collect(), notes })
}

#[cfg(test)]
mod tests {
    use super::{environment_name, secret_like, title_of};

    #[test]
    fn file_name_parts_become_environment_names() {
        assert_eq!(environment_name("prod.override").as_deref(), Some("prod"));
        assert_eq!(environment_name("Staging_1").as_deref(), Some("staging_1"));
        assert_eq!(environment_name("override"), None);
        assert_eq!(environment_name("dev.local").as_deref(), Some("dev-local"));
        assert_eq!(title_of("dev-local"), "Dev local");
    }

    #[test]
    fn secret_names_are_recognised() {
        for name in ["POSTGRES_PASSWORD", "JWT_SECRET", "API_TOKEN", "LITELLM_MASTER_KEY", "n8n_encryption_key"] {
            assert!(secret_like(name), "{name}");
        }
        for name in ["POSTGRES_USER", "KEYCLOAK_URL", "PORT"] {
            assert!(!secret_like(name), "{name}");
        }
    }
}
