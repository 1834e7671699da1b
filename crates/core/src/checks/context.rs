//! What every check of one run shares: the workspace, and the engine, Compose
//! and the Compose model, each looked up once however many checks need it.

use std::{collections::BTreeMap, sync::Arc};

use bollard::models::SystemInfo;
use tokio::sync::OnceCell;

use crate::{
    compose::{ComposeCli, ComposeError, ComposeModel, ComposeVariable, ModelCache, ProjectSpec},
    engine::{Engine, EngineError, EngineFacts, Locality},
    Env,
};

/// Inputs of one check run.
pub struct CheckContext<'a> {
    /// The environment checked.
    pub env: Env<'a>,
    cache: &'a ModelCache,
    engine: OnceCell<Result<Engine, Arc<EngineError>>>,
    info: OnceCell<Result<Arc<SystemInfo>, Arc<EngineError>>>,
    facts: OnceCell<Option<EngineFacts>>,
    compose: OnceCell<Result<ComposeCli, Arc<ComposeError>>>,
    model: OnceCell<Result<Arc<ComposeModel>, Arc<ComposeError>>>,
}

/// Why a check that needs a shared input could not get it.
pub enum Missing {
    /// The daemon does not answer.
    Daemon,
    /// Compose is missing.
    Compose,
    /// Compose rejected the files.
    Model,
}

impl Missing {
    /// The skip reason shown to people.
    pub fn reason(&self) -> &'static str {
        match self {
            Self::Daemon => "skipped: the Docker daemon is not answering (see docker.daemon)",
            Self::Compose => "skipped: Docker Compose v2 is not available (see compose)",
            Self::Model => "skipped: Compose could not read the environment's files (see compose.files)",
        }
    }
}

impl<'a> CheckContext<'a> {
    /// A context for checking `env`; `cache` may outlive many runs.
    pub fn new(env: Env<'a>, cache: &'a ModelCache) -> Self {
        Self {
            env,
            cache,
            engine: OnceCell::new(),
            info: OnceCell::new(),
            facts: OnceCell::new(),
            compose: OnceCell::new(),
            model: OnceCell::new(),
        }
    }

    /// The engine, connected once per run.
    pub async fn engine(&self) -> &Result<Engine, Arc<EngineError>> {
        self.engine.get_or_init(|| async { Engine::connect().await.map_err(Arc::new) }).await
    }

    /// The engine, or why a check must be skipped.
    pub async fn engine_or_skip(&self) -> Result<&Engine, Missing> {
        self.engine().await.as_ref().map_err(|_| Missing::Daemon)
    }

    /// `docker info`, read once per run.
    pub async fn info(&self) -> Result<&SystemInfo, Missing> {
        let info = self
            .info
            .get_or_init(|| async {
                match self.engine().await {
                    Ok(engine) => engine.info().await.map(Arc::new).map_err(Arc::new),
                    Err(e) => Err(e.clone()),
                }
            })
            .await;
        info.as_deref().map_err(|_| Missing::Daemon)
    }

    /// The engine's facts (endpoint, where its containers run, CPUs, memory), once per run.
    pub async fn facts(&self) -> Option<&EngineFacts> {
        self.facts
            .get_or_init(|| async {
                let engine = self.engine().await.as_ref().ok()?;
                let info = self.info().await.ok()?;
                Some(engine.facts_from(info))
            })
            .await
            .as_ref()
    }

    /// Where the engine's containers run; when the engine does not answer, its endpoint
    /// says whether it is another machine's.
    pub async fn locality(&self) -> Locality {
        match self.facts().await {
            Some(facts) => facts.locality,
            None => match crate::engine::endpoint::resolve() {
                Ok(endpoint) if !endpoint.is_on_this_host() => Locality::Remote,
                _ => Locality::ThisMachine,
            },
        }
    }

    /// Compose v2, located once per run.
    pub async fn compose(&self) -> &Result<ComposeCli, Arc<ComposeError>> {
        self.compose.get_or_init(|| async { self.cache.cli().await.map_err(Arc::new) }).await
    }

    /// The project spec, with placeholder secrets (the model's shape does not depend on their values).
    pub fn spec(&self) -> ProjectSpec {
        ProjectSpec::with_placeholder_secrets(self.env)
    }

    /// The Compose model, from the cache when the inputs are unchanged.
    pub async fn model(&self) -> &Result<Arc<ComposeModel>, Arc<ComposeError>> {
        self.model
            .get_or_init(|| async {
                match self.compose().await {
                    Ok(cli) => self.cache.model(cli, &self.spec()).await.map_err(Arc::new),
                    Err(e) => Err(e.clone()),
                }
            })
            .await
    }

    /// The model, or why a check must be skipped.
    pub async fn model_or_skip(&self) -> Result<&ComposeModel, Missing> {
        match self.model().await {
            Ok(model) => Ok(model),
            Err(e) if matches!(**e, ComposeError::Missing | ComposeError::Version1 { .. }) => Err(Missing::Compose),
            Err(_) => Err(Missing::Model),
        }
    }

    /// The variables the files reference (cached like the model).
    pub async fn variables(&self) -> Result<Arc<BTreeMap<String, ComposeVariable>>, Arc<ComposeError>> {
        let cli = self.compose().await.as_ref().map_err(Clone::clone)?;
        self.cache.variables(cli, &self.spec()).await.map_err(Arc::new)
    }
}
