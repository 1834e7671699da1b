// Boots the app: reads the workspace and shows its environments.
import { EnvironmentList } from './environment-list.js';
import { ErrorPanel } from './error-panel.js';
import { el } from './format.js';
import { listEnvironments } from './ipc.js';

const app = /** @type {HTMLElement} */ (document.getElementById('app'));
const workspacePath = /** @type {HTMLElement} */ (document.getElementById('workspace-path'));

function showLoading() {
  const loading = el('section', 'loading');
  loading.setAttribute('role', 'status');
  loading.append(el('span', 'spinner'), el('span', undefined, 'Reading the workspace…'));
  app.replaceChildren(loading);
}

async function load() {
  showLoading();
  try {
    const workspace = await listEnvironments();
    workspacePath.textContent = workspace.root;
    app.replaceChildren(new EnvironmentList(workspace).element);
  } catch (error) {
    const panel = new ErrorPanel('The workspace could not be opened', /** @type {Error} */ (error));
    panel.addEventListener('retry', load);
    app.replaceChildren(panel.element);
  }
}

load();
