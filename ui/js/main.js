// Boots the app and walks through: welcome → environments → checks → secrets → launch → dashboard.
import { ChecksView } from './checks-view.js';
import { CompareView } from './compare-view.js';
import { DashboardView } from './dashboard-view.js';
import { EnvironmentList } from './environment-list.js';
import { ErrorPanel } from './error-panel.js';
import { el } from './format.js';
import { listEnvironments, onOpenFolder, openWorkspace, pickFolder, proposeAdoption, recentProjects } from './ipc.js';
import { mountHelp } from './help.js';
import { AdoptView } from './adopt-view.js';
import { EnginePicker } from './engine-picker.js';
import { LaunchView } from './launch-view.js';
import { ProjectSwitcher } from './project-switcher.js';
import { SecretsView } from './secrets-view.js';
import { WelcomeView } from './welcome-view.js';

/** @typedef {import('./ipc.js').WorkspaceView} WorkspaceView */

const app = /** @type {HTMLElement} */ (document.getElementById('app'));
const switcher = new ProjectSwitcher(/** @type {HTMLElement} */ (document.getElementById('switcher')));
switcher.addEventListener('open', (e) => openFolder(/** @type {CustomEvent} */ (e).detail));
switcher.addEventListener('pick', () => chooseFolder());
const engine = new EnginePicker(/** @type {HTMLElement} */ (document.getElementById('engine')));
// Another engine: the environments again, as that engine sees them.
engine.addEventListener('changed', () => { if (workspace) reloadEnvironments(); });
engine.refresh();
const steps = /** @type {HTMLElement} */ (document.getElementById('steps'));

/** @type {WorkspaceView | null} */
let workspace = null;
/** @type {{close: () => void} | null} */
let open = null;

/** The environment the screens are about, once one is picked. @type {string | null} */
let currentEnv = null;

/** Where each header step leads, for the current environment (the launch is an action, not a place). @type {Record<string, (env: string) => void>} */
const places = { checks: (env) => checks(env), secrets: (env) => secrets(env), dashboard: (env) => dashboard(env) };

steps.addEventListener('click', (event) => {
  const link = /** @type {HTMLElement} */ (event.target).closest('button[data-go]');
  const go = link instanceof HTMLElement ? link.dataset.go : undefined;
  if (go === 'environments') reloadEnvironments();
  else if (go && currentEnv && places[go]) places[go](currentEnv);
});

/**
 * Shows a screen; the header marks its step and makes the others that lead somewhere links.
 * @param {HTMLElement} view @param {string} step @param {string | null} [env] the environment it is about
 */
function show(view, step, env) {
  open?.close();
  open = null;
  if (env !== undefined) currentEnv = env;
  for (const item of steps.querySelectorAll('li')) {
    const name = item.dataset.step ?? '';
    const here = name === step;
    item.classList.toggle('current', here);
    if (here) item.setAttribute('aria-current', 'step');
    else item.removeAttribute('aria-current');
    const label = item.dataset.label ?? item.textContent ?? '';
    item.dataset.label = label;
    // While a start runs its screen stays: leaving it would hide a start that goes on.
    const leads = !here && step !== 'launch' && (name === 'environments' ? Boolean(workspace) : Boolean(currentEnv && places[name]));
    if (leads) {
      const link = el('button', 'step-link', label);
      link.dataset.go = name;
      item.replaceChildren(link);
    } else {
      item.replaceChildren(label);
    }
  }
  app.replaceChildren(view);
  app.focus();
}

function loading(text = 'Reading the workspace…') {
  const section = el('section', 'loading');
  section.setAttribute('role', 'status');
  section.append(el('span', 'spinner'), el('span', undefined, text));
  show(section, '');
}

/**
 * Shows an error in place of `view`, unless the person has moved on to another screen
 * meanwhile (a late failure must not replace the screen they are on).
 * @param {string} title @param {unknown} error @param {() => void} retry @param {HTMLElement} [view]
 */
function failure(title, error, retry, view) {
  if (view && !app.contains(view)) return;
  const panel = new ErrorPanel(title, /** @type {Error} */ (error));
  panel.addEventListener('retry', retry);
  panel.addEventListener('projects', () => welcome());
  show(panel.element, '');
}

/** @param {string} env */
function titleOf(env) {
  return workspace?.environments.find((e) => e.name === env)?.title ?? env;
}

/** @param {WorkspaceView} view */
function environments(view) {
  workspace = view;
  switcher.current(view.root, view.project);
  const list = new EnvironmentList(view);
  // A running environment opens on its dashboard; the others go through the checks.
  list.addEventListener('select', (e) => {
    const env = /** @type {CustomEvent} */ (e).detail;
    if (view.running.includes(env)) dashboard(env);
    else checks(env);
  });
  list.addEventListener('compare', () => compare(view));
  show(list.element, 'environments', null);
}

/** Two environments side by side; at first the suggested pair (staging and production when there are both). @param {WorkspaceView} view */
function compare(view) {
  const names = view.environments.map((e) => e.name);
  const [left, right] = names.includes('staging') && names.includes('production') ? ['staging', 'production'] : [names[0], names[1]];
  const screen = new CompareView(view.environments, left, right);
  screen.addEventListener('back', reloadEnvironments);
  show(screen.element, 'environments', null);
  screen.load();
}

async function reloadEnvironments() {
  loading();
  try {
    environments(await listEnvironments());
  } catch (error) {
    failure('The workspace could not be opened', error, reloadEnvironments);
  }
}

/** @param {string} env */
function checks(env) {
  const suggested = workspace?.suggested;
  const alternative = suggested && suggested !== env ? { name: suggested, title: titleOf(suggested) } : null;
  const view = new ChecksView(env, titleOf(env), alternative);
  view.addEventListener('back', reloadEnvironments);
  view.addEventListener('switch', (e) => checks(/** @type {CustomEvent} */ (e).detail));
  view.addEventListener('continue', () => secrets(env));
  show(view.element, 'checks', env);
  view.run().catch((error) => failure('The checks could not run', error, () => checks(env), view.element));
}

/** @param {string} env */
function secrets(env) {
  const view = new SecretsView(env, titleOf(env));
  view.addEventListener('back', () => checks(env));
  view.addEventListener('continue', () => launch(env));
  show(view.element, 'secrets', env);
  view.load().catch((error) => failure('The keychain could not be read', error, () => secrets(env), view.element));
}

/** @param {string} env */
function launch(env) {
  const view = new LaunchView(env, titleOf(env));
  view.addEventListener('back', () => checks(env));
  view.addEventListener('ready', () => dashboard(env));
  show(view.element, 'launch', env);
  open = view;
  view.start();
}

/** @param {string} env */
function dashboard(env) {
  const view = new DashboardView(env, titleOf(env));
  view.addEventListener('back', reloadEnvironments);
  view.addEventListener('checks', () => checks(env));
  show(view.element, 'dashboard', env);
  open = view;
  view.load().then(() => view.start()).catch((error) => failure('The environment could not be read', error, () => dashboard(env), view.element));
}

/**
 * Opens a folder typed or picked by the person; one with Compose files and no schema
 * goes to the adopt screen.
 * @param {string | null} path
 */
async function openFolder(path) {
  loading();
  try {
    environments(await openWorkspace(path));
  } catch (error) {
    const e = /** @type {import('./ipc.js').StackpilotError} */ (error);
    if (e.code === 'NoSchema' && path) adopt(path);
    else failure('The workspace could not be opened', error, welcome);
  }
}

/** Asks for a folder with the platform's dialog and opens it (nothing happens on Cancel). */
async function chooseFolder() {
  try {
    const path = await pickFolder();
    if (path) await openFolder(path);
  } catch (error) {
    failure('The folder dialog could not open', error, chooseFolder);
  }
}

/** @param {string} path */
async function adopt(path) {
  loading('Reading the project the way docker compose does…');
  try {
    const view = new AdoptView(path, await proposeAdoption(path));
    view.addEventListener('back', welcome);
    view.addEventListener('adopted', (e) => environments(/** @type {CustomEvent} */ (e).detail.workspace));
    show(view.element, 'environments');
  } catch (error) {
    failure('This folder could not be adopted', error, () => adopt(path));
  }
}

async function welcome() {
  const recent = await recentProjects().catch(() => []);
  const view = new WelcomeView(recent);
  view.addEventListener('open', (e) => openFolder(/** @type {CustomEvent} */ (e).detail));
  view.addEventListener('pick', () => chooseFolder());
  show(view.element, 'welcome');
}

async function boot() {
  loading();
  try {
    const view = await listEnvironments();
    if (!view.explicit && view.recent.length === 0 && !view.running.length) {
      welcome(); // first run: say what Stackpilot does and let the person choose
      return;
    }
    // Reopening the app while an environment runs lands on its dashboard.
    if (view.running.length) {
      workspace = view;
      switcher.current(view.root, view.project);
      dashboard(view.running[0]);
    } else {
      environments(view);
    }
  } catch {
    welcome();
  }
}

boot();
mountHelp(/** @type {HTMLElement} */ (document.getElementById('help')));
// A second launch of the app hands over the folder it was given: it opens here.
onOpenFolder((folder) => openFolder(folder)).catch(() => {});
