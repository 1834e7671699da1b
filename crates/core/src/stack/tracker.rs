//! The verdict of a start: every service's state, moved on by Compose's progress, the
//! engine's events and Compose's exit, with the clock passed in. Pure: no engine, no
//! process, no time of its own, so recorded event sequences test it (below).

use std::collections::BTreeMap;

use super::{progress::ComposeStep, up::UpOutcome, ServiceState};
use crate::{compose::ComposeModel, engine::events::ContainerAction};

/// How long a service without a healthcheck must have been running to count as ready:
/// one that exits right after starting (a missing config file) is then reported as
/// failed, not as ready, whichever arrives first, Compose's exit or the engine's `die`.
pub const SETTLE_NS: i64 = 500_000_000;

/// One service as the start follows it.
#[derive(Debug, Clone)]
pub struct Tracked {
    /// Where it stands.
    pub state: ServiceState,
    /// Whether readiness means healthy.
    pub healthcheck: bool,
    /// Whether the start waits for it.
    pub waited_for: bool,
    /// Engine time of the event that made it ready (ns since the epoch).
    pub ready_event_ns: Option<i64>,
    /// When that was seen here (ns since the epoch).
    pub ready_seen_ns: Option<i64>,
    /// Containers created for it in this start.
    created: Vec<String>,
}

impl Tracked {
    /// Whether it counts as ready.
    pub fn ready(&self) -> bool {
        self.state.is_ready(self.healthcheck)
    }

    /// Ready, and for a service without a healthcheck, running for [`SETTLE_NS`] at `now_ns`.
    fn settled(&self, now_ns: i64) -> bool {
        self.ready() && (self.healthcheck || self.ready_seen_ns.is_some_and(|seen| now_ns - seen >= SETTLE_NS))
    }

    fn moved_to(&mut self, state: ServiceState, event_ns: Option<i64>, seen_ns: i64) -> bool {
        if state == self.state {
            return false;
        }
        self.state = state;
        if self.ready() {
            match event_ns {
                Some(at) => {
                    self.ready_event_ns = Some(at);
                    self.ready_seen_ns = Some(seen_ns);
                }
                None => {
                    self.ready_seen_ns.get_or_insert(seen_ns);
                }
            }
        }
        true
    }
}

/// Every service of one start and what Compose said.
#[derive(Debug, Clone)]
pub struct Tracker {
    services: BTreeMap<String, Tracked>,
    compose_done: bool,
    failure: Option<(Option<String>, String)>,
}

impl Tracker {
    /// All services of `model` pending; those in `wait_for` waited for.
    pub fn new(model: &ComposeModel, wait_for: &[String]) -> Self {
        let services = model
            .services
            .iter()
            .map(|(name, service)| {
                let tracked = Tracked {
                    state: ServiceState::Pending,
                    healthcheck: service.has_healthcheck(),
                    waited_for: wait_for.contains(name),
                    ready_event_ns: None,
                    ready_seen_ns: None,
                    created: Vec::new(),
                };
                (name.clone(), tracked)
            })
            .collect();
        Self { services, compose_done: false, failure: None }
    }

    /// The services, by name.
    pub fn services(&self) -> &BTreeMap<String, Tracked> {
        &self.services
    }

    /// Services waited for, and how many of them are ready.
    pub fn counts(&self) -> (usize, usize) {
        let waited = self.services.values().filter(|t| t.waited_for);
        let (total, ready) = waited.fold((0, 0), |(n, r), t| (n + 1, r + usize::from(t.ready())));
        (ready, total)
    }

    /// A step Compose reported for `service` (`image`: the image it pulls, for the words of a pull failure).
    pub fn on_step(&mut self, service: &str, step: &ComposeStep, image: Option<&str>) {
        let Some(t) = self.services.get_mut(service) else { return };
        match step {
            ComposeStep::Pulling => t.state = ServiceState::Pulling,
            ComposeStep::Building => t.state = ServiceState::Building,
            ComposeStep::Error(message) => {
                let reason = if t.state == ServiceState::Pulling {
                    super::pull::explain(service, image.unwrap_or_default(), message)
                } else {
                    format!("{service}: {message}")
                };
                self.failure.get_or_insert((Some(service.to_owned()), reason));
            }
            _ => {}
        }
    }

    /// An engine event for `service` that happened at `event_ns` and was seen at `seen_ns`;
    /// true when it changed the service's state.
    pub fn on_event(&mut self, service: &str, action: ContainerAction, exit_code: Option<i64>, event_ns: i64, seen_ns: i64) -> bool {
        let Some(t) = self.services.get_mut(service) else { return false };
        let next = t.state.next(action, t.healthcheck, exit_code);
        t.moved_to(next, Some(event_ns), seen_ns)
    }

    /// [`Tracker::on_event`] from the container `id`. Once a container was created for the
    /// service in this start, the others of that service are the ones it replaces
    /// (Compose's recreate stops the old container after creating the new one): their
    /// stop, even killed after the stop timeout, is not the service failing.
    pub fn on_container_event(&mut self, service: &str, id: &str, action: ContainerAction, exit_code: Option<i64>, event_ns: i64, seen_ns: i64) -> bool {
        let Some(t) = self.services.get_mut(service) else { return false };
        if action == ContainerAction::Create {
            t.created.push(id.to_owned());
        } else if !t.created.is_empty() && !t.created.iter().any(|c| c == id) {
            return false;
        }
        self.on_event(service, action, exit_code, event_ns, seen_ns)
    }

    /// `service`'s state read from the engine at `seen_ns` (a container already up sends
    /// no event); true when it changed.
    pub fn on_read(&mut self, service: &str, state: ServiceState, seen_ns: i64) -> bool {
        self.services.get_mut(service).is_some_and(|t| t.moved_to(state, None, seen_ns))
    }

    /// Compose exited: successfully, with a failure status, or could not be waited for
    /// (`Err`); `tail` is the end of what it printed.
    pub fn on_compose_exit(&mut self, exit: Result<bool, String>, tail: &[String]) {
        self.compose_done = true;
        match exit {
            Ok(true) => {}
            Ok(false) => {
                let reason = tail.iter().rev().find(|l| !l.trim().is_empty()).map(|l| l.trim().to_owned()).unwrap_or_else(|| "docker compose up failed".into());
                self.failure.get_or_insert((None, reason));
            }
            Err(e) => {
                self.failure.get_or_insert((None, format!("docker compose up could not be watched: {e}")));
            }
        }
    }

    /// Whether Compose has exited.
    pub fn compose_done(&self) -> bool {
        self.compose_done
    }

    /// How the start ends, if it has ended at `now_ns`: a failure first, then readiness of
    /// every service waited for once Compose is done (settled, for those without a healthcheck).
    pub fn verdict(&self, now_ns: i64) -> Option<UpOutcome> {
        if let Some((service, reason)) = &self.failure {
            return Some(UpOutcome::Failed { service: service.clone(), reason: reason.clone() });
        }
        let waited = || self.services.iter().filter(|(_, t)| t.waited_for);
        if let Some((name, code)) = waited().find_map(|(n, t)| match t.state {
            ServiceState::Exited(code) if code != 0 => Some((n, code)),
            _ => None,
        }) {
            return Some(UpOutcome::Failed { service: Some(name.clone()), reason: format!("{name} exited with code {code}") });
        }
        if let Some((name, _)) = waited().find(|(_, t)| t.state == ServiceState::Unhealthy) {
            return Some(UpOutcome::Failed { service: Some(name.clone()), reason: format!("{name} is unhealthy: its healthcheck keeps failing") });
        }
        (self.compose_done && waited().all(|(_, t)| t.settled(now_ns))).then_some(UpOutcome::Ready)
    }

    /// Every service waited for is ready and Compose is done, but one without a
    /// healthcheck has not run for [`SETTLE_NS`] yet: look again shortly.
    pub fn settling(&self) -> bool {
        self.compose_done && self.services.values().filter(|t| t.waited_for).all(Tracked::ready)
    }

    /// The outcome when the time allowed ran out.
    pub fn timed_out(&self, after_s: u64) -> UpOutcome {
        let not_ready = self.services.iter().filter(|(_, t)| t.waited_for && !t.ready()).map(|(n, t)| format!("{n} ({})", t.state.label())).collect();
        UpOutcome::TimedOut { after_s, not_ready }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::events::ContainerAction as A;

    const S: i64 = 1_000_000_000;

    /// `services`: (name, has a healthcheck), all waited for.
    fn tracker(services: &[(&str, bool)]) -> Tracker {
        let yaml: String = services
            .iter()
            .map(|(name, health)| {
                let check = if *health { "\n    healthcheck: { test: [\"CMD\", \"true\"] }" } else { "" };
                format!("  {name}:\n    image: busybox{check}\n")
            })
            .collect();
        let model: ComposeModel = serde_yaml::from_str(&format!("services:\n{yaml}")).expect("model");
        let names: Vec<String> = services.iter().map(|(n, _)| n.to_string()).collect();
        Tracker::new(&model, &names)
    }

    #[test]
    fn ready_when_compose_is_done_and_every_service_is_healthy_or_settled() {
        let mut t = tracker(&[("db", true), ("web", false)]);
        t.on_step("db", &ComposeStep::Pulling, Some("postgres:16"));
        assert!(t.on_event("db", A::Create, None, S, S));
        t.on_event("db", A::Start, None, 2 * S, 2 * S);
        t.on_event("web", A::Create, None, 2 * S, 2 * S);
        t.on_event("web", A::Start, None, 3 * S, 3 * S);
        assert_eq!(t.counts(), (1, 2), "web runs (no healthcheck): ready; db is starting");
        t.on_event("db", A::Healthy, None, 4 * S, 4 * S);
        assert!(t.verdict(4 * S).is_none(), "Compose has not exited yet");
        t.on_compose_exit(Ok(true), &[]);
        assert!(matches!(t.verdict(4 * S), Some(UpOutcome::Ready)));
        assert_eq!(t.services()["db"].ready_event_ns, Some(4 * S));
    }

    #[test]
    fn the_container_a_recreate_replaces_dying_is_not_the_service_failing() {
        let mut t = tracker(&[("app", false)]);
        assert!(t.on_container_event("app", "new", A::Create, None, S, S));
        assert!(!t.on_container_event("app", "old", A::Die, Some(137), 2 * S, 2 * S), "the replaced container's kill");
        assert!(!t.on_container_event("app", "old", A::Destroy, None, 2 * S, 2 * S));
        assert!(t.on_container_event("app", "new", A::Start, None, 3 * S, 3 * S));
        assert!(t.on_container_event("app", "new", A::Die, Some(1), 3 * S + 1, 3 * S + 1), "the new container's death counts");
        assert_eq!(t.services()["app"].state, ServiceState::Exited(1));
    }

    #[test]
    fn a_service_without_healthcheck_that_dies_right_after_starting_failed() {
        let mut t = tracker(&[("worker", false)]);
        t.on_event("worker", A::Start, None, S, S);
        t.on_compose_exit(Ok(true), &[]);
        assert!(t.verdict(S + SETTLE_NS / 2).is_none() && t.settling(), "not settled yet: look again");
        t.on_event("worker", A::Die, Some(1), S + SETTLE_NS / 2, S + SETTLE_NS / 2);
        match t.verdict(S + SETTLE_NS) {
            Some(UpOutcome::Failed { service, reason }) => {
                assert_eq!(service.as_deref(), Some("worker"));
                assert_eq!(reason, "worker exited with code 1");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_pull_error_names_the_image_and_wins_over_what_follows() {
        let mut t = tracker(&[("db", true)]);
        t.on_step("db", &ComposeStep::Pulling, Some("postgres:16"));
        t.on_step("db", &ComposeStep::Error("dial tcp: lookup registry-1.docker.io: no such host".into()), Some("postgres:16"));
        t.on_compose_exit(Ok(false), &["Error response from daemon: …".into()]);
        match t.verdict(S) {
            Some(UpOutcome::Failed { service, reason }) => {
                assert_eq!(service.as_deref(), Some("db"));
                assert!(reason.starts_with("the image postgres:16 of db could not be pulled from docker.io: the name docker.io does not resolve"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn compose_failing_alone_is_explained_by_its_last_line() {
        let mut t = tracker(&[("web", false)]);
        t.on_compose_exit(Ok(false), &["first".into(), "  Error: port is already allocated  ".into(), "   ".into()]);
        assert!(matches!(t.verdict(S), Some(UpOutcome::Failed { service: None, reason }) if reason == "Error: port is already allocated"));
    }

    #[test]
    fn unhealthy_fails_and_a_timeout_lists_who_was_not_ready() {
        let mut t = tracker(&[("db", true), ("web", false)]);
        t.on_event("web", A::Start, None, S, S);
        t.on_event("db", A::Start, None, S, S);
        assert!(matches!(t.timed_out(30), UpOutcome::TimedOut { after_s: 30, not_ready } if not_ready == ["db (starting)"]));
        t.on_event("db", A::Unhealthy, None, 2 * S, 2 * S);
        assert!(matches!(t.verdict(2 * S), Some(UpOutcome::Failed { service: Some(s), .. }) if s == "db"));
    }

    #[test]
    fn a_service_already_up_is_read_once_and_events_of_unknown_services_are_ignored() {
        let mut t = tracker(&[("web", true)]);
        assert!(!t.on_event("other", A::Start, None, S, S));
        assert!(t.on_read("web", ServiceState::Healthy, S));
        assert!(!t.on_read("web", ServiceState::Healthy, 2 * S), "no change, no event");
        t.on_compose_exit(Ok(true), &[]);
        assert!(matches!(t.verdict(2 * S), Some(UpOutcome::Ready)));
        assert_eq!(t.services()["web"].ready_event_ns, None, "read, not an event");
        assert_eq!(t.services()["web"].ready_seen_ns, Some(S));
    }

    #[test]
    fn a_one_shot_job_that_exits_0_is_ready_and_a_service_not_waited_for_does_not_block() {
        let model: ComposeModel = serde_yaml::from_str("services:\n  migrate:\n    image: busybox\n  extra:\n    image: busybox\n").expect("model");
        let mut t = Tracker::new(&model, &["migrate".to_owned()]);
        t.on_event("migrate", A::Start, None, S, S);
        t.on_event("migrate", A::Die, Some(0), 2 * S, 2 * S);
        t.on_event("extra", A::Die, Some(3), 2 * S, 2 * S);
        t.on_compose_exit(Ok(true), &[]);
        assert!(matches!(t.verdict(3 * S), Some(UpOutcome::Ready)), "{:?}", t.verdict(3 * S));
    }
}
