// The only module that talks to the Rust side: commands, channels, and errors as objects.

/**
 * An error from Stackpilot's core, as `{code, message, hint}`.
 */
export class StackpilotError extends Error {
  /**
   * @param {string} code stable code such as `InvalidSchema`
   * @param {string} message what happened
   * @param {string | null} hint what to do
   */
  constructor(code, message, hint) {
    super(message);
    this.name = 'StackpilotError';
    this.code = code;
    this.hint = hint;
  }
}

/** @returns {any} */
function tauri() {
  const api = /** @type {any} */ (window).__TAURI__;
  if (!api?.core?.invoke) {
    throw new StackpilotError('NotInApp', 'This page runs inside the Stackpilot app only.', 'Start it with `scripts/run-app.sh`.');
  }
  return api;
}

/** The version of the shapes this page reads; the app says its own (`app_info`). */
export const WIRE_VERSION = 1;

/** @type {Promise<void> | null} */
let wireChecked = null;

/** Refuses to go on when the app sends shapes of another version than this page reads. */
async function checkWire() {
  /** @type {{version: string, wire_version: number}} */
  const info = await tauri().core.invoke('app_info');
  if (info.wire_version !== WIRE_VERSION) {
    throw new StackpilotError(
      'WireMismatch',
      `This page reads version ${WIRE_VERSION} of the app's data, and Stackpilot ${info.version} sends version ${info.wire_version}.`,
      'Reinstall Stackpilot: its page and its program come from different builds.',
    );
  }
}

/**
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<any>}
 */
async function invoke(command, args = {}) {
  try {
    wireChecked ??= checkWire();
    await wireChecked;
    return await tauri().core.invoke(command, args);
  } catch (raw) {
    if (raw instanceof StackpilotError) throw raw;
    if (raw && typeof raw === 'object' && 'code' in raw && 'message' in raw) {
      const report = /** @type {{code: string, message: string, hint?: string}} */ (raw);
      throw new StackpilotError(String(report.code), String(report.message), report.hint ? String(report.hint) : null);
    }
    throw new StackpilotError('Internal', String(raw), null);
  }
}

/**
 * A channel whose messages go to `onMessage`.
 * @param {(message: any) => void} onMessage
 */
function channel(onMessage) {
  const ch = new (tauri().core.Channel)();
  ch.onmessage = onMessage;
  return ch;
}

/**
 * @typedef {{name: string, image: string | null, ports: number[], gpu: boolean, healthcheck: boolean}} ServiceSummary
 * @typedef {{status: 'resolved', services: ServiceSummary[]} | {status: 'unavailable', error: {code: string, message: string, hint: string | null}}} ServiceList
 * @typedef {{gpu: boolean | null, memory: number | null, disk: number | null}} Requirements
 * @typedef {{file: string, position: {line: number, column: number} | null, key_path: string, message: string, hint: string | null}} SchemaIssue
 * @typedef {{name: string, title: string, description: string | null, project: string,
 *   compose_files: string[], profiles: string[], requires: Requirements, needs_gpu: boolean, lacks: string[], problems: SchemaIssue[], services: ServiceList}} EnvironmentSummary
 * @typedef {{root: string, schema: string, project: string, environments: EnvironmentSummary[], running: string[], explicit: boolean, recent: string[], suggested: string | null}} WorkspaceView
 * @typedef {{root: string, name: string | null, problem: string | null, running: string[]}} ProjectEntry
 * @typedef {{context: string, host: string, source: string}} Endpoint
 * @typedef {{endpoint: Endpoint, locality: 'thisMachine' | 'virtualMachine' | 'remote', name: string, version: string, operating_system: string, os_type: string, architecture: string, cpus: number, memory: number}} EngineFacts
 * @typedef {{name: string, host: string, description: string, current: boolean}} ContextEntry
 * @typedef {{endpoint: Endpoint | null, facts: EngineFacts | null, error: {code: string, message: string, hint: string | null} | null, contexts: ContextEntry[]}} EngineOverview
 * @typedef {{name: string, title: string, compose: string[], compose_source: string, project_name: string, profiles: string[], gpu: string | null, memory: [number, string] | null, wait_for: string[], secrets: string[], services: string[]}} ProposedEnvironment
 * @typedef {{folder: string, project: string, environments: ProposedEnvironment[], secrets: {name: string, reason: string, plaintext_in: string[]}[], notes: string[]}} Proposal
 * @typedef {{schema: string, imported: string[], workspace: WorkspaceView}} AdoptedView
 * @typedef {{kind: string, id: string, label: string, destructive: boolean, [key: string]: unknown}} Fix
 * @typedef {{id: string, title: string, status: 'pass'|'warn'|'fail'|'skipped', message: string, details: string[], fixes: Fix[], elapsed_ms: number}} CheckResult
 * @typedef {{results: CheckResult[], summary: {pass: number, warn: number, fail: number, skipped: number}, elapsed_ms: number, needs_person: string[]}} CheckReport
 * @typedef {{kind: 'reclaimDiskSpace' | string, id: string, name: string, size: number}} ReclaimItem
 * @typedef {{name: string, scope: string, service: string, present: boolean, created: number | null, rotated: number | null, description: string | null}} SecretStatus
 * @typedef {{state: string, exit_code?: number, label: string}} ServiceState
 * @typedef {{kind: 'step', service: string, step: {step: string, detail?: unknown}}
 *   | {kind: 'pull', service: string, current: number, total: number, all_current: number, all_total: number, words: string, all_words: string}
 *   | {kind: 'state', service: string, state: ServiceState, ready: boolean, elapsed_ms: number, ready_count: number, total: number}} UpEvent
 * @typedef {{service: string, state: ServiceState, ready: boolean, waited_for: boolean, last_logs: string[], health_log: string[]}} ServiceReport
 * @typedef {{id: string, summary: string, ok: boolean}} AppliedFix
 * @typedef {{kind: 'check', result: CheckResult} | {kind: 'fixed', fix: AppliedFix} | {kind: 'starting'} | {kind: 'up', event: UpEvent}} StartEvent
 * @typedef {{checks: CheckReport | null, applied: AppliedFix[], outcome: {outcome: 'blocked', failed: CheckResult[], summary: string} | {outcome: 'started', report: UpReport}}} StartReport
 * @typedef {{outcome: {outcome: string, service?: string | null, reason?: string, not_ready?: string[], after_s?: number, detail?: string}, services: ServiceReport[], running: string[], urls: {label: string, url: string}[], elapsed_ms: number, summary: string}} UpReport
 * @typedef {{service: string, container: string, state: ServiceState, started_at: string | null, ports: number[], health_log: string[]}} ServiceStatus
 * @typedef {{service: string, text: string, level: 'error' | 'warning' | null}} LogLine
 * @typedef {{service: string, cpu_percent: number, memory_bytes: number, memory_limit: number}} StatsSample
 */

/** @typedef {{version: string, wire_version: number, log_file: string | null}} AppInfo */
/** @returns {Promise<AppInfo>} */
export const appInfo = () => invoke('app_info');
/** Shows the folder of the app's log files in the file manager. @returns {Promise<void>} */
export const openLogFolder = () => invoke('open_log_folder');
/**
 * Calls `onFolder` with the folder a second launch of the app was given (the app comes to
 * the front and hands it over instead of opening a second window).
 * @param {(folder: string) => void} onFolder
 */
export const onOpenFolder = (onFolder) => tauri().event.listen('open-folder', (/** @type {{payload: string}} */ e) => onFolder(e.payload));
/**
 * @typedef {{service: string | null, aspect: string, name: string | null, left: string | null, right: string | null, allowed: boolean}} Difference
 * @typedef {{left: string, right: string, differences: Difference[], equal: boolean, summary: string}} DriftReport
 */
/** What differs between two environments (`stackpilot diff`). @param {string} a @param {string} b @returns {Promise<DriftReport>} */
export const compareEnvironments = (a, b) => invoke('compare_environments', { a, b });
/** @returns {Promise<WorkspaceView>} */
export const listEnvironments = () => invoke('list_environments');
/** @param {string | null} path @returns {Promise<WorkspaceView>} */
export const openWorkspace = (path) => invoke('open_workspace', { path });
/** @returns {Promise<ProjectEntry[]>} */
export const recentProjects = () => invoke('recent_projects');
/** @returns {Promise<EngineOverview>} */
export const engineOverview = () => invoke('engine_overview');
/** @param {string | null} context @returns {Promise<EngineOverview>} */
export const chooseEngine = (context) => invoke('choose_engine', { context });
/** Opens the platform's folder dialog. @returns {Promise<string | null>} the folder, or null when cancelled */
export const pickFolder = () => invoke('pick_folder');

/** @param {string} path @returns {Promise<Proposal>} */
export const proposeAdoption = (path) => invoke('propose_adoption', { path });
/** @param {string} path @param {{name: string, rename: string, include: boolean}[]} choices @returns {Promise<AdoptedView>} */
export const adoptProject = (path, choices) => invoke('adopt_project', { path, choices });
/** @param {string} url */
export const openUrl = (url) => invoke('open_url', { url });

/** @param {string} env @param {(r: CheckResult) => void} onResult @returns {Promise<CheckReport>} */
export const runChecks = (env, onResult) => invoke('run_checks', { env, on_result: channel(onResult) });
/** @param {string} env @returns {Promise<ReclaimItem[]>} */
export const previewReclaim = (env) => invoke('preview_reclaim', { env });
/** @param {string} env @param {Fix} fix @returns {Promise<{path: string, creates: boolean, diff: string[]} | null>} */
export const previewEnvFileChange = (env, fix) => invoke('preview_env_file_change', { env, fix: fields(fix) });
/** @param {string} env @param {Fix} fix @param {ReclaimItem[] | null} confirmed @returns {Promise<AppliedFix>} */
export const applyFix = (env, fix, confirmed = null) => invoke('apply_fix', { env, fix: fields(fix), confirmed });

/**
 * A fix as the app takes it back: its own fields, without the words core sent with it.
 * @param {Fix} fix
 */
function fields(fix) {
  const { id, label, destructive, ...own } = fix;
  return own;
}

/** @param {string} env @returns {Promise<{keychain: string, secrets: SecretStatus[], keychain_error: {code: string, message: string, hint: string | null} | null}>} */
export const secretsStatus = (env) => invoke('secrets_status', { env });
/** @param {string} env */
export const generateSecrets = (env) => invoke('generate_secrets', { env });
/** @param {string} env @param {string} name */
export const rotateSecret = (env, name) => invoke('rotate_secret', { env, name });
/** @param {string} env @param {string} name @returns {Promise<string>} */
export const revealSecret = (env, name) => invoke('reveal_secret', { env, name });

/** @param {string} env @param {(e: StartEvent) => void} onEvent @returns {Promise<StartReport>} */
export const startEnvironment = (env, onEvent) => invoke('start_environment', { env, on_event: channel(onEvent) });
/**
 * A live task of one environment, as the app cancels it.
 * @typedef {{kind: 'start' | 'logs' | 'stats' | 'watch', env: string}} Task
 */
/** @param {Task} task */
export const cancelTask = (task) => invoke('cancel_task', { task });
/** @param {string} env @returns {Promise<ServiceStatus[]>} */
export const environmentStatus = (env) => invoke('environment_status', { env });
/** @param {string} env */
export const stopEnvironment = (env) => invoke('stop_environment', { env });
/** @param {string} env @param {boolean} volumes */
export const downEnvironment = (env, volumes) => invoke('down_environment', { env, volumes });
/** @param {string} env @param {string | null} service one service, or null for all */
export const restartService = (env, service) => invoke('restart_service', { env, service });
/** Lines come in batches: what the engine had ready at once. @param {string} env @param {string | null} service @param {(lines: LogLine[]) => void} onLines */
export const followLogs = (env, service, onLines) => invoke('follow_logs', { env, service, on_lines: channel(onLines) });
/** @param {string} env @param {(s: StatsSample) => void} onSample */
export const followStats = (env, onSample) => invoke('follow_stats', { env, on_sample: channel(onSample) });
/** @param {string} env @returns {Promise<{label: string, url: string}[]>} */
export const environmentLinks = (env) => invoke('environment_links', { env });
/** Calls `onChange` whenever a container of `env` changes state (engine events). @param {string} env @param {(e: unknown) => void} onChange @returns {Promise<void>} */
export const watchEnvironment = (env, onChange) => invoke('watch_environment', { env, on_change: channel(onChange) });

/**
 * @typedef {{volume: string, engine_volume: string, file: string, read_through: string, bytes: number, archive_bytes: number, sha256: string}} VolumeArchive
 * @typedef {{format: number, stackpilot: string, project: string, environment: string, created: string, engine: string, volumes: VolumeArchive[], before_restoring?: string}} BackupManifest
 * @typedef {{name: string, path: string, manifest: BackupManifest | null, problem: string | null, created: number | null}} BackupEntry
 * @typedef {{path: string, manifest: BackupManifest, skipped: {volume: string, reason: string}[], millis: number}} BackupReport
 * @typedef {{event: 'preparing', data: {services: string[]}}
 *   | {event: 'volume', data: {volume: string, through: string, paused: string[]}}
 *   | {event: 'progress', data: {volume: string, bytes: number}}
 *   | {event: 'written', data: {volume: string, bytes: number, archive_bytes: number}}} BackupEvent
 * @typedef {{event: 'checking', data: {volume: string, bytes: number, total: number}}
 *   | {event: 'keepingCurrent', data: BackupEvent}
 *   | {event: 'preparing', data: {services: string[]}}
 *   | {event: 'volume', data: {volume: string, through: string}}
 *   | {event: 'progress', data: {volume: string, bytes: number, total: number}}
 *   | {event: 'restored', data: {volume: string}}} RestoreEvent
 * @typedef {{plan: {environment: string, backup: string, volumes: {volume: string, engine_volume: string, exists: boolean, bytes: number, removed_containers: string[]}[]}, lines: string[]}} RestorePreview
 * @typedef {{volumes: string[], kept: string | null, millis: number}} RestoreReport
 */

/** @param {string} env @returns {Promise<BackupEntry[]>} */
export const listBackups = (env) => invoke('list_backups', { env });
/** @param {string} env @param {string[]} volumes all when empty @param {(e: BackupEvent) => void} onEvent @returns {Promise<BackupReport>} */
export const backupEnvironment = (env, volumes, onEvent) => invoke('backup_environment', { env, volumes, on_event: channel(onEvent) });
/** Checks a listed backup and says what restoring it replaces. @param {string} env @param {string} name @param {(e: RestoreEvent) => void} onEvent @returns {Promise<RestorePreview>} */
export const planRestore = (env, name, onEvent) => invoke('plan_restore', { env, name, on_event: channel(onEvent) });
/** @param {string} env @param {string} name @param {(e: RestoreEvent) => void} onEvent @returns {Promise<RestoreReport>} */
export const restoreBackup = (env, name, onEvent) => invoke('restore_backup', { env, name, on_event: channel(onEvent) });
/** @param {string} env @param {string} name */
export const deleteBackup = (env, name) => invoke('delete_backup', { env, name });
/** The volumes a destructive action would lose: all (secrets null) or those holding one of `secrets`. @param {string} env @param {string[] | null} secrets @returns {Promise<string[]>} */
export const volumesAtRisk = (env, secrets) => invoke('volumes_at_risk', { env, secrets });
/** The backups keeping only the newest `keep` would delete. @param {string} env @param {number} keep @returns {Promise<BackupEntry[]>} */
export const planPrune = (env, keep) => invoke('plan_prune', { env, keep });
