//! Why an image could not be pulled, in words a person can act on: from which registry,
//! what went wrong (its name does not resolve, it refuses or does not answer, it wants a
//! login, the image or tag is not there, its certificate is not trusted) and what to do.

/// The registry an image reference is pulled from: its first part when that names a host
/// (has a dot or a port, or is `localhost`), else Docker Hub.
pub fn registry_of(image: &str) -> &str {
    match image.split_once('/') {
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => first,
        _ => "docker.io",
    }
}

/// What went wrong and what to do, from the engine's words.
fn diagnose(registry: &str, image: &str, message: &str) -> (String, String) {
    let text = message.to_ascii_lowercase();
    let offline = format!(
        "check the network and the proxy settings (the engine's proxy is shown by `docker info`), or bring the image from a machine that has it: `docker save {image} -o image.tar` there, `docker load -i image.tar` here"
    );
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    if has(&["no such host", "server misbehaving", "temporary failure in name resolution", "name or service not known"]) {
        (format!("the name {registry} does not resolve (no network, or a DNS or proxy setting)"), offline)
    } else if has(&["connection refused"]) {
        (format!("{registry} refuses connections"), format!("check that the registry runs at that address; {offline}"))
    } else if has(&["i/o timeout", "timeout", "deadline exceeded", "network is unreachable", "no route to host"]) {
        (format!("{registry} cannot be reached"), offline)
    } else if has(&["unauthorized", "denied", "authentication required"]) {
        (format!("{registry} wants a login for it, or the name is wrong"), format!("log in with `docker login {registry}`, then start again; check the image name"))
    } else if has(&["manifest unknown", "not found", "does not exist"]) {
        (format!("{registry} has no such image or tag"), "check the image name and tag in the Compose file".into())
    } else if has(&["x509", "certificate"]) {
        (format!("the certificate of {registry} is not trusted"), format!("add its CA to /etc/docker/certs.d/{registry}/ca.crt on the engine's machine"))
    } else if has(&["server gave http response to https client"]) {
        (format!("{registry} speaks plain HTTP"), format!("add \"{registry}\" to \"insecure-registries\" in the engine's daemon.json"))
    } else {
        ("the engine could not fetch it".into(), offline)
    }
}

/// `the image … of SERVICE could not be pulled from REGISTRY: WHAT (ENGINE'S WORDS). WHAT TO DO.`
pub fn explain(service: &str, image: &str, message: &str) -> String {
    let registry = registry_of(image);
    let (what, todo) = diagnose(registry, image, message);
    format!("the image {image} of {service} could not be pulled from {registry}: {what} ({}). To fix: {todo}.", message.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_the_first_part_when_it_names_a_host() {
        assert_eq!(registry_of("postgres:16"), "docker.io");
        assert_eq!(registry_of("library/postgres"), "docker.io");
        assert_eq!(registry_of("ghcr.io/open-webui/open-webui:main"), "ghcr.io");
        assert_eq!(registry_of("127.0.0.1:5000/team/app:1"), "127.0.0.1:5000");
        assert_eq!(registry_of("localhost/app"), "localhost");
    }

    #[test]
    fn each_failure_says_what_happened_and_what_to_do() {
        let dns = explain("db", "postgres:16", "Get \"https://registry-1.docker.io/v2/\": dial tcp: lookup registry-1.docker.io on 10.0.0.53:53: no such host");
        assert!(dns.starts_with("the image postgres:16 of db could not be pulled from docker.io: the name docker.io does not resolve"), "{dns}");
        assert!(dns.contains("proxy") && dns.contains("docker load -i image.tar") && dns.contains("no such host"), "{dns}");
        let refused = explain("app", "127.0.0.1:1/app:1", "dial tcp 127.0.0.1:1: connect: connection refused");
        assert!(refused.contains("127.0.0.1:1 refuses connections"), "{refused}");
        assert!(explain("app", "ghcr.io/me/app", "unauthorized: authentication required").contains("`docker login ghcr.io`"));
        assert!(explain("app", "me/app:9", "manifest for me/app:9 not found: manifest unknown").contains("no such image or tag"));
    }
}
