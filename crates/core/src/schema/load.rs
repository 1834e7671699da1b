//! Reads a schema file: strict parsing, then the checks that need the whole file.

use std::path::Path;

use serde_path_to_error::Segment;

use super::{limits, locate, Position, Schema, SchemaError, SchemaIssue, SecretSelection};

/// The schema format version this Stackpilot reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Reads and validates the schema at `path`. A file above the size limit is refused
/// before it is read whole; text that is not UTF-8 is refused with its position.
pub fn load(path: &Path) -> Result<Schema, SchemaError> {
    let unreadable = |source| SchemaError::Unreadable { path: path.to_owned(), source };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    let refuse = |position: Option<Position>, message: String, hint: &str| {
        SchemaError::Invalid(vec![SchemaIssue { file: path.to_owned(), position, key_path: String::new(), message, hint: Some(hint.to_owned()) }])
    };
    if size > limits::MAX_SCHEMA_BYTES as u64 {
        return Err(refuse(
            None,
            format!("the file is {size} bytes; a schema may have at most {}", limits::MAX_SCHEMA_BYTES),
            "a schema lists environments and secrets; move large data out of it",
        ));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    let source = match String::from_utf8(bytes) {
        // A byte order mark (some Windows editors write one) is not part of the text.
        Ok(text) => text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
            let column = valid.iter().rev().take_while(|b| **b != b'\n').count() + 1;
            return Err(refuse(
                Some(Position { line, column }),
                "the file is not UTF-8 text".into(),
                "save it as UTF-8 (most editors offer it under \"Save with encoding\")",
            ));
        }
    };
    parse(&source, path)
}

/// Parses and validates schema text; `path` names the file in errors and
/// anchors the relative compose paths.
pub fn parse(source: &str, path: &Path) -> Result<Schema, SchemaError> {
    if let Err(refusal) = limits::precheck(source) {
        return Err(SchemaError::Invalid(vec![SchemaIssue {
            file: path.to_owned(),
            position: refusal.position,
            key_path: String::new(),
            message: refusal.message,
            hint: Some(refusal.hint),
        }]));
    }
    if source.lines().all(|line| line.trim().is_empty() || line.trim_start().starts_with('#')) {
        return Err(SchemaError::Invalid(vec![SchemaIssue {
            file: path.to_owned(),
            position: None,
            key_path: String::new(),
            message: "the file is empty".into(),
            hint: Some("start from the example in docs/schema.md".into()),
        }]));
    }
    let deserializer = serde_yaml::Deserializer::from_str(source);
    let mut schema: Schema = serde_path_to_error::deserialize(deserializer)
        .map_err(|error| SchemaError::Invalid(vec![parse_issue(source, path, error)]))?;
    // The key positions are read once per load, however many problems there are.
    let locator = locate::Locator::new(source);
    let issue = |segments: Vec<String>, message: String, hint: Option<String>| SchemaIssue {
        file: path.to_owned(),
        position: locator.locate(&segments),
        key_path: dotted(&segments),
        message,
        hint,
    };
    // Variables are text for Compose: an unquoted `08.10` or `True` stays as written.
    let raw = |segments: &[&str]| {
        let segments: Vec<String> = segments.iter().map(|s| (*s).to_owned()).collect();
        locator.plain_scalars(&segments)
    };
    let shared = raw(&["variables"]);
    for (name, value) in schema.variables.iter_mut() {
        if let Some(text) = shared.get(name) {
            value.0 = (*text).to_owned();
        }
    }
    for (env_name, environment) in schema.environments.iter_mut() {
        let own = raw(&["environments", env_name, "variables"]);
        for (name, value) in environment.variables.iter_mut() {
            if let Some(text) = own.get(name) {
                value.0 = (*text).to_owned();
            }
        }
    }
    let base = path.parent().unwrap_or(Path::new("."));
    let issues = validate(&schema)
        .into_iter()
        .map(|(segments, message, hint)| issue(segments, message, hint))
        .collect::<Vec<_>>();
    if !issues.is_empty() {
        return Err(SchemaError::Invalid(issues));
    }
    // A missing Compose file makes its environment unusable, not the whole workspace.
    schema.unavailable = missing_files(&schema, base)
        .into_iter()
        .map(|(env, (segments, message, hint))| (env, issue(segments, message, hint)))
        .collect();
    Ok(schema)
}

fn dotted(segments: &[String]) -> String {
    let mut out = String::new();
    for segment in segments {
        if segment.chars().all(|c| c.is_ascii_digit()) && !out.is_empty() {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(segment);
        }
    }
    out
}

fn parse_issue(source: &str, path: &Path, error: serde_path_to_error::Error<serde_yaml::Error>) -> SchemaIssue {
    let segments: Vec<String> = error
        .path()
        .iter()
        .filter_map(|segment| match segment {
            Segment::Map { key } => Some(key.clone()),
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect();
    let inner = error.inner();
    let message = clean_message(&inner.to_string());
    let duplicate = duplicate_key(&message);
    let position = duplicate
        .and_then(|key| locate::locate_duplicate(source, &segments, key))
        .or_else(|| inner.location().map(|l| Position { line: l.line(), column: l.column() }))
        .or_else(|| locate::locate(source, &segments));
    let line_text = position.and_then(|p| source.lines().nth(p.line.saturating_sub(1)));
    let hint = hint_for(&message, line_text);
    SchemaIssue { file: path.to_owned(), position, key_path: dotted(&segments), message, hint }
}

/// The key named by a duplicate-key message (serde's or ours).
fn duplicate_key(message: &str) -> Option<&str> {
    if message.starts_with("duplicate field") || message.contains("is defined twice") {
        message.split('`').nth(1)
    } else {
        None
    }
}

/// Removes every " at line N column M" that serde_yaml writes into its messages.
fn without_locations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + " at line ".len()..];
        let skip = after
            .find(|c: char| !(c.is_ascii_digit() || c == ' ' || c.is_ascii_alphabetic() && "column".contains(c)))
            .unwrap_or(after.len());
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
}

/// serde_yaml puts the path before and the location after its message; both
/// are reported in their own fields.
fn clean_message(text: &str) -> String {
    let text = without_locations(text);
    let text = text.as_str();
    let text = match text.split_once(": ") {
        Some((head, tail)) if !head.contains(' ') && !tail.is_empty() => tail,
        _ => text,
    };
    text.to_owned()
}

fn hint_for(message: &str, line: Option<&str>) -> Option<String> {
    if line.is_some_and(|l| l.contains('\t')) || message.contains("tab") {
        return Some("YAML does not allow tabs for indentation: indent with spaces".into());
    }
    let hint = if message.starts_with("unknown field") {
        "check the spelling; docs/schema.md lists the keys allowed here"
    } else if message.starts_with("missing field") {
        "add the missing key; docs/schema.md shows an example"
    } else if message.contains("defined twice") || message.contains("duplicate") {
        "remove one of the two entries: YAML keeps only one of them"
    } else if message.starts_with("invalid type") {
        "give the value the type the message names; docs/schema.md has an example"
    } else if message.contains("unknown variant") {
        "use one of the values the message lists"
    } else if message.contains("mapping values are not allowed")
        || message.contains("did not find expected")
        || message.contains("could not find expected")
        || message.contains("while parsing")
        || message.contains("while scanning")
    {
        "this is a YAML syntax error: check the indentation, colons and quotes on this line and the one above"
    } else if message.contains("size unit") || message.contains("duration") || message.contains("has no unit") {
        "sizes are written like `8GiB`, `512MB`, `20GB`; durations like `30s`, `5m`, `1h30m`"
    } else {
        "docs/schema.md describes every key and its format"
    };
    Some(hint.into())
}

type Found = (Vec<String>, String, Option<String>);

fn path_of(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| (*p).to_owned()).collect()
}

/// The rule for project, environment and Compose project names: `[a-z0-9][a-z0-9_-]*`.
pub fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Whether `name` is an environment variable name Compose can read (`[A-Za-z_][A-Za-z0-9_]*`).
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn validate(schema: &Schema) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    if schema.version != SCHEMA_VERSION {
        found.push((
            path_of(&["version"]),
            format!("schema version {} is not supported; this Stackpilot reads version {SCHEMA_VERSION}", schema.version),
            Some(format!("set `version: {SCHEMA_VERSION}`")),
        ));
    }
    if !is_name(&schema.project) {
        found.push((
            path_of(&["project"]),
            format!("`{}` cannot be a Compose project name", schema.project),
            Some("use lowercase letters, digits, `-` and `_`, starting with a letter or digit".into()),
        ));
    }
    for (name, _) in schema.variables.iter() {
        check_variable_name(&mut found, &["variables", name], name);
    }
    for (name, rule) in schema.secrets.iter() {
        check_variable_name(&mut found, &["secrets", name], name);
        if schema.variables.contains_key(name) {
            found.push((
                path_of(&["secrets", name]),
                format!("`{name}` is both a variable and a secret"),
                Some("keep it under `secrets:` only, so its value never lands in a file".into()),
            ));
        }
        let too_long = [("length", rule.length), ("bytes", rule.bytes)]
            .into_iter()
            .find(|(_, v)| v.is_some_and(|v| v > limits::MAX_SECRET_LENGTH));
        if let Some((key, value)) = too_long {
            found.push((
                path_of(&["secrets", name, key]),
                format!("`{key}: {}` is above the {} allowed", value.unwrap_or_default(), limits::MAX_SECRET_LENGTH),
                Some("32 to 64 is plenty for any password or key".into()),
            ));
        } else if let Err(why) = rule.format() {
            found.push((path_of(&["secrets", name]), why, None));
        }
    }
    if schema.environments.len() > limits::MAX_ENVIRONMENTS {
        found.push((
            path_of(&["environments"]),
            format!("{} environments are defined; at most {} are allowed", schema.environments.len(), limits::MAX_ENVIRONMENTS),
            Some("split the workspace, or merge environments that differ only in variables".into()),
        ));
    }
    if schema.environments.is_empty() {
        found.push((
            path_of(&["environments"]),
            "no environments are defined".into(),
            Some("add at least one, for example `dev:` with `title` and `compose`".into()),
        ));
    }
    for (i, rule) in schema.drift.allow.iter().enumerate() {
        for (j, name) in rule.between.iter().enumerate() {
            if !schema.environments.contains_key(name) {
                found.push((
                    path_of(&["drift", "allow", &i.to_string(), "between", &j.to_string()]),
                    format!("`{name}` is not an environment of this schema"),
                    Some(format!("use two of: {}", schema.environments.keys().collect::<Vec<_>>().join(", "))),
                ));
            }
        }
    }
    if schema.environments.len() > limits::MAX_ENVIRONMENTS {
        return found;
    }
    // Compose project → the first environment that uses it.
    let mut projects: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for (env_name, env) in schema.environments.iter() {
        let at = |rest: &[&str]| {
            let mut segments = path_of(&["environments", env_name]);
            segments.extend(rest.iter().map(|s| (*s).to_owned()));
            segments
        };
        if !is_name(env_name) {
            found.push((
                at(&[]),
                format!("`{env_name}` cannot be an environment name"),
                Some("use lowercase letters, digits, `-` and `_`, starting with a letter or digit".into()),
            ));
        }
        if let Some(name) = &env.project_name {
            if !is_name(name) {
                found.push((
                    at(&["project_name"]),
                    format!("`{}` cannot be a Compose project name", name.escape_debug()),
                    Some("use lowercase letters, digits, `-` and `_`, starting with a letter or digit".into()),
                ));
            }
        }
        let project = env.project_name.clone().unwrap_or_else(|| format!("{}-{env_name}", schema.project));
        if let Some(other) = projects.insert(project.clone(), env_name) {
            found.push((
                at(&["project_name"]),
                format!("{env_name} would use Compose project `{project}`, which {other} uses too: they would share containers and volumes"),
                Some(format!("give one of them its own `project_name` (the default is `{}-<env>`)", schema.project)),
            ));
        }
        if env.compose.is_empty() {
            found.push((at(&["compose"]), "no compose files are listed".into(), Some("list at least one, e.g. `compose: [docker-compose.yml]`".into())));
        }
        if let SecretSelection::Names(names) = &env.secrets {
            for (i, name) in names.iter().enumerate() {
                if !schema.secrets.contains_key(name) {
                    let known = schema.secrets.keys().collect::<Vec<_>>().join(", ");
                    found.push((
                        at(&["secrets", &i.to_string()]),
                        format!("secret `{name}` is not defined under `secrets:`"),
                        Some(if known.is_empty() {
                            "define it under the top-level `secrets:`".into()
                        } else {
                            format!("define it under the top-level `secrets:` or use one of: {known}")
                        }),
                    ));
                }
            }
        }
        for (name, _) in env.variables.iter() {
            check_variable_name(&mut found, &["environments", env_name, "variables", name], name);
            if schema.secrets.contains_key(name) {
                found.push((
                    at(&["variables", name]),
                    format!("`{name}` is a secret and cannot be set as a plain variable"),
                    Some("remove it here; Stackpilot generates it into the keychain".into()),
                ));
            }
        }
        for (service, settings) in env.services.iter() {
            if !is_service_name(service) {
                found.push((
                    at(&["services", service]),
                    format!("`{}` cannot be a Compose service name", service.escape_debug()),
                    Some("Compose service names use letters, digits, `_`, `.` and `-`, starting with a letter or digit".into()),
                ));
            }
            if settings.cpus.is_some_and(|c| !(c > 0.0) || !c.is_finite()) {
                found.push((at(&["services", service, "cpus"]), "`cpus` must be greater than zero".into(), None));
            }
        }
    }
    found
}

/// The Compose files each environment lists that do not exist, by environment.
fn missing_files(schema: &Schema, base: &Path) -> Vec<(String, Found)> {
    let mut found = Vec::new();
    for (env_name, env) in schema.environments.iter() {
        for (i, file) in env.compose.iter().enumerate() {
            if !base.join(file).is_file() {
                found.push((
                    env_name.to_owned(),
                    (
                        path_of(&["environments", env_name, "compose", &i.to_string()]),
                        format!("compose file `{file}` does not exist"),
                        Some(format!("create it or correct the path (relative to the schema's folder {}); the other environments work meanwhile", base.display())),
                    ),
                ));
            }
        }
    }
    found
}

/// Compose's rule for service names (`[a-zA-Z0-9][a-zA-Z0-9_.-]*`).
fn is_service_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
}

fn check_variable_name(found: &mut Vec<Found>, at: &[&str], name: &str) {
    if !is_variable_name(name) {
        found.push((
            path_of(at),
            format!("`{name}` is not a valid environment variable name"),
            Some("use letters, digits and `_`, not starting with a digit".into()),
        ));
    }
}
