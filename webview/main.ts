/**
 * Entry of the analysis page (bundled to dist/webview.js). The host page links media/page.css
 * and gives an empty <div id="app">; everything else is built here.
 */
import { App } from './app';
import { HostClient, vscodeApi } from './host';
import { defaultState, PageStore, parseState } from './state';

function start(): void {
  const api = vscodeApi();
  const client = new HostClient(api);
  const store = new PageStore(parseState(api.getState()) ?? defaultState(), (state) => {
    api.setState(state);
    client.post({ type: 'state', state });
  });
  const root = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  const app = new App(root, client, store);

  window.addEventListener('message', (e: MessageEvent<unknown>) => app.onMessage(e.data));
  window.addEventListener('error', (e) => client.log('error', `${e.message} (${e.filename}:${e.lineno})`));
  window.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
    const reason: unknown = e.reason;
    client.log(
      'error',
      `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
    );
  });
  // Read-only hooks for tests and automation: where a chart draws a model's point.
  Object.assign(window, { ffLens: { pointPosition: app.pointPosition.bind(app) } });

  app.start();
  client.post({ type: 'ready' });
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, { once: true });
else start();
