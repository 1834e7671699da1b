//! The state of one service, moved on by engine events: a pure function, tested by hand.

use serde::Serialize;

use crate::engine::events::ContainerAction;

/// Where a service stands; sent as `{state, exit_code?, label}`, its words from [`ServiceState::label`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceState {
    /// Nothing has happened yet.
    Pending,
    /// Its image is being pulled.
    Pulling,
    /// Its image is being built.
    Building,
    /// The container exists.
    Created,
    /// Started; its healthcheck has not passed yet.
    Starting,
    /// Started; it has no healthcheck.
    Running,
    /// Its healthcheck passes.
    Healthy,
    /// Its healthcheck failed its retries.
    Unhealthy,
    /// Being restarted.
    Restarting,
    /// Its main process ended with this code.
    Exited(i64),
    /// Stopped by a signal (SIGTERM: 143, SIGKILL: 137) without running out of memory:
    /// `docker stop`, `docker compose stop`, Stackpilot's Stop. Not a crash.
    Stopped(i64),
    /// The container was removed.
    Removed,
}

impl Serialize for ServiceState {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let state = match self {
            Self::Pending => "pending",
            Self::Pulling => "pulling",
            Self::Building => "building",
            Self::Created => "created",
            Self::Starting => "starting",
            Self::Running => "running",
            Self::Healthy => "healthy",
            Self::Unhealthy => "unhealthy",
            Self::Restarting => "restarting",
            Self::Exited(_) => "exited",
            Self::Stopped(_) => "stopped",
            Self::Removed => "removed",
        };
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("state", state)?;
        if let Self::Exited(code) | Self::Stopped(code) = self {
            map.serialize_entry("exit_code", code)?;
        }
        map.serialize_entry("label", &self.label())?;
        map.end()
    }
}

impl ServiceState {
    /// The state after `action`, for a service with or without a healthcheck.
    pub fn next(self, action: ContainerAction, has_healthcheck: bool, exit_code: Option<i64>) -> Self {
        match action {
            ContainerAction::Create => Self::Created,
            ContainerAction::Start if has_healthcheck => Self::Starting,
            ContainerAction::Start => Self::Running,
            ContainerAction::Healthy => Self::Healthy,
            ContainerAction::Unhealthy => Self::Unhealthy,
            ContainerAction::Die => Self::Exited(exit_code.unwrap_or(-1)),
            ContainerAction::Restart => match self {
                Self::Exited(_) => Self::Restarting,
                other => other,
            },
            ContainerAction::Destroy => Self::Removed,
            ContainerAction::Oom => self,
        }
    }

    /// Whether this counts as ready: healthy with a healthcheck; running (or finished
    /// successfully, for one-shot jobs) without one. Compose's `up --wait` conditions.
    pub fn is_ready(self, has_healthcheck: bool) -> bool {
        match self {
            Self::Healthy => true,
            Self::Running | Self::Exited(0) => !has_healthcheck,
            _ => false,
        }
    }

    /// A word for people.
    pub fn label(self) -> String {
        match self {
            Self::Pending => "waiting".into(),
            Self::Pulling => "pulling".into(),
            Self::Building => "building".into(),
            Self::Created => "created".into(),
            Self::Starting => "starting".into(),
            Self::Running => "running".into(),
            Self::Healthy => "healthy".into(),
            Self::Unhealthy => "unhealthy".into(),
            Self::Restarting => "restarting".into(),
            Self::Exited(code) => format!("exited ({code})"),
            Self::Stopped(_) => "stopped".into(),
            Self::Removed => "removed".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ServiceState::{self, *};
    use crate::engine::events::ContainerAction as A;

    #[test]
    fn a_healthchecked_service_goes_created_starting_healthy() {
        let s = ServiceState::Pending.next(A::Create, true, None);
        assert_eq!(s, Created);
        let s = s.next(A::Start, true, None);
        assert_eq!(s, Starting);
        assert!(!s.is_ready(true));
        let s = s.next(A::Healthy, true, None);
        assert_eq!(s, Healthy);
        assert!(s.is_ready(true));
    }

    #[test]
    fn a_plain_service_is_ready_when_running_and_a_job_when_it_exits_0() {
        assert!(Pending.next(A::Start, false, None).is_ready(false));
        assert!(Running.next(A::Die, false, Some(0)).is_ready(false));
        assert_eq!(Running.next(A::Die, false, Some(1)), Exited(1));
        assert!(!Exited(1).is_ready(false));
        assert!(!Exited(0).is_ready(true), "a healthchecked service that exits is not ready");
    }

    #[test]
    fn restarts_and_unhealthy() {
        assert_eq!(Exited(1).next(A::Restart, false, None), Restarting);
        assert_eq!(Restarting.next(A::Start, true, None), Starting);
        assert_eq!(Starting.next(A::Unhealthy, true, None), Unhealthy);
        assert_eq!(Unhealthy.next(A::Healthy, true, None), Healthy);
        assert_eq!(Healthy.next(A::Destroy, true, None), Removed);
    }
}
