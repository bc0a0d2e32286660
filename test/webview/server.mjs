// @ts-check
// A tiny static server on 127.0.0.1 for the analysis page's browser tests: the harness page with
// the extension's CSP as a header, the built page, its CSS, the fake host (bundled by the test)
// and the canned data.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/** @type {Record<string, string>} */
const TYPES = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.html': 'text/html',
};
const SERVED = ['/media/', '/dist/webview.js', '/test/webview/theme.css'];

/**
 * Starts the server; resolves with { url, origin, close(), unexpected } (requests it could not serve).
 * @param {{ root: string, canned: unknown, fakeHost: string }} options
 * @returns {Promise<{ url: string, origin: string, unexpected: string[], close(): Promise<void> }>}
 */
export function startServer({ root, canned, fakeHost }) {
  /** @type {Record<string, string>} */
  const scripts = {
    '/canned.js': `window.__ffCanned = ${JSON.stringify(canned)};\n`,
    '/fake-host.js': fakeHost,
  };
  const template = fs.readFileSync(path.join(root, 'test/webview/harness.html'), 'utf8');
  /** @type {string[]} */
  const unexpected = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://${req.headers.host}`;
    if (url.pathname === '/' || url.pathname === '/harness.html') {
      const nonce = crypto.randomBytes(16).toString('base64');
      const asked = url.searchParams.get('theme') ?? '';
      const theme = ['vscode-light', 'vscode-dark', 'vscode-high-contrast'].includes(asked)
        ? asked
        : 'vscode-dark';
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        // The extension's policy: nothing but nonce'd scripts, styles and images from the page's origin.
        'content-security-policy': `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${origin}; img-src ${origin} data:`,
      });
      res.end(template.replaceAll('{{NONCE}}', nonce).replaceAll('{{THEME}}', theme));
      return;
    }
    if (url.pathname in scripts) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      res.end(scripts[url.pathname]);
      return;
    }
    const file = path.normalize(path.join(root, url.pathname));
    const allowed =
      SERVED.some((p) => url.pathname.startsWith(p)) &&
      file.startsWith(root) &&
      fs.existsSync(file) &&
      fs.statSync(file).isFile();
    if (!allowed) {
      if (url.pathname !== '/favicon.ico' && !url.pathname.endsWith('.map')) unexpected.push(url.pathname);
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': `${TYPES[path.extname(file)] ?? 'application/octet-stream'}; charset=utf-8`,
      'cache-control': 'no-store',
    });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no TCP port'));
      const origin = `http://127.0.0.1:${address.port}`;
      resolve({
        url: `${origin}/harness.html`,
        origin,
        unexpected,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
