// The only module that talks to the Rust side.

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

/**
 * @param {string} command
 * @param {Record<string, unknown>} [args]
 * @returns {Promise<any>}
 */
async function invoke(command, args = {}) {
  const tauri = /** @type {any} */ (window).__TAURI__;
  if (!tauri?.core?.invoke) {
    throw new StackpilotError('NotInApp', 'This page runs inside the Stackpilot app only.', 'Start it with `scripts/run-app.sh`.');
  }
  try {
    return await tauri.core.invoke(command, args);
  } catch (raw) {
    if (raw && typeof raw === 'object' && 'code' in raw && 'message' in raw) {
      throw new StackpilotError(String(raw.code), String(raw.message), raw.hint ? String(raw.hint) : null);
    }
    throw new StackpilotError('Internal', String(raw), null);
  }
}

/**
 * @typedef {{name: string, image: string | null, ports: number[], gpu: boolean, healthcheck: boolean}} ServiceSummary
 * @typedef {{status: 'resolved', services: ServiceSummary[]} | {status: 'unavailable', error: {code: string, message: string, hint: string | null}}} ServiceList
 * @typedef {{gpu: boolean, memory: number | null, disk: number | null}} Requirements
 * @typedef {{name: string, title: string, description: string | null, project: string,
 *   compose_files: string[], profiles: string[], requires: Requirements, services: ServiceList}} EnvironmentSummary
 * @typedef {{root: string, schema: string, project: string, environments: EnvironmentSummary[]}} WorkspaceView
 */

/** @returns {Promise<WorkspaceView>} */
export function listEnvironments() {
  return invoke('list_environments');
}
