// The installable app that opens offline, in a real headless Chromium, against servers
// of these tests' own (e2e/server.mjs): the server is taken away by stopping its
// process, since `setOffline` does not stop a service worker's own requests.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { canStartServers, controlled, serverAndBrowser } from './server.mjs';
import { eventually } from './support.mjs';

const OFFLINE = "You're offline. Changes will sync when you're back.";
const UPDATE = 'A new version is available';
const run = Date.now().toString(36);
const password = 'offline first';

/** Signs a new account up through the page's own cookies, as the app would. */
async function signUp(page, name) {
  const email = `${name.toLowerCase()}-${run}@example.com`;
  const res = await page.request.post('/api/auth/signup', { data: { email, name, password } });
  assert.equal(res.status(), 201, await res.text());
  return { email, name };
}

const banner = (page) => page.getByRole('status').filter({ hasText: OFFLINE });
const needsServers = { skip: !canStartServers && 'needs E2E_SERVER_BINARY (scripts/e2e.sh)' };

describe('the installable app', needsServers, () => {
  let server;
  let browser;
  let page;
  let pageErrors;

  before(async () => {
    ({ server, browser, page, pageErrors } = await serverAndBrowser());
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });

  test('is installable: a manifest with icons, and a worker controlling the page', async () => {
    await page.goto('/signin');
    const manifest = await page.request.get('/manifest.webmanifest');
    assert.equal(manifest.headers()['content-type'], 'application/manifest+json');
    const worker = await page.request.get('/sw.js');
    assert.equal(worker.headers()['cache-control'], 'no-cache');
    await controlled(page);
    // Chromium's own verdict on installing, the one behind its install prompt.
    const cdp = await browser.context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);
    const { errors } = await cdp.send('Page.getAppManifest');
    assert.deepEqual(errors, []);
    await cdp.detach();
  });

  test('keeps the shell, and nothing of the API, in its cache', async () => {
    const cached = await page.evaluate(async () => {
      const entries = [];
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) entries.push(new URL(request.url).pathname);
      }
      return entries;
    });
    assert.ok(cached.includes('/index.html'), cached.join(', '));
    assert.ok(cached.some((path) => path.endsWith('_bg.wasm')), cached.join(', '));
    assert.ok(cached.some((path) => path.endsWith('.css')), cached.join(', '));
    assert.ok(!cached.some((path) => path.startsWith('/api/') || path === '/health'), cached.join(', '));
  });

  test('opens with the server stopped, says it is offline, and recovers when it is back', async () => {
    await signUp(page, 'Nomad');
    await page.goto('/');
    await page.getByRole('heading', { name: 'Your tasks' }).waitFor();
    // The app's API calls are never answered by the worker.
    const fromWorker = [];
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/api/') && response.fromServiceWorker()) fromWorker.push(path);
    });

    await server.stop();
    await page.reload();
    await banner(page).waitFor();
    assert.equal(await page.title().then((t) => t.endsWith('Tasks')), true);

    await server.start();
    // The backoff timer finds the server again, and the session is checked at once.
    await page.getByRole('heading', { name: 'Your tasks' }).waitFor({ timeout: 15_000 });
    await eventually(async () => !(await banner(page).isVisible()), 'the banner to go');
    assert.deepEqual(fromWorker, []);
  });

  test('says it is offline while the browser is', async () => {
    await browser.context.setOffline(true);
    await banner(page).waitFor();
    await browser.context.setOffline(false);
    await eventually(async () => !(await banner(page).isVisible()), 'the banner to go');
  });
});

describe('a new deploy', needsServers, () => {
  let deploy;
  let server;
  let browser;
  let page;
  let pageErrors;

  before(async () => {
    // A copy of the build, which the test changes as a rebuild would.
    deploy = await mkdtemp(join(tmpdir(), 'taskapp-e2e-deploy-'));
    await cp('frontend/dist', deploy, { recursive: true });
    ({ server, browser, page, pageErrors } = await serverAndBrowser({ staticDir: deploy }));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await rm(deploy, { recursive: true, force: true });
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });

  /** Rebuilds the copy with a changed stylesheet under a new hashed name. */
  async function rebuildWithAChangedFile() {
    const files = await readdir(deploy);
    const css = files.find((name) => /^style-[0-9a-f]+\.css$/.test(name));
    const changed = 'style-deadbeefdeadbeef.css';
    const text = await readFile(join(deploy, css), 'utf8');
    const changedText = `${text}\n.e2e-new-deploy{display:none}`;
    await writeFile(join(deploy, changed), changedText);
    for (const stale of files.filter((name) => name.startsWith(css))) await rm(join(deploy, stale));
    // trunk's link carries the stylesheet's integrity, which changes with it.
    const integrity = (content) => `sha384-${createHash('sha384').update(content).digest('base64')}`;
    const index = (await readFile(join(deploy, 'index.html'), 'utf8'))
      .replaceAll(css, changed)
      .replaceAll(integrity(text), integrity(changedText));
    await writeFile(join(deploy, 'index.html'), index);
    for (const copy of ['index.html.br', 'index.html.gz']) await rm(join(deploy, copy), { force: true });
    // The build's own step, on the build's own worker.
    await cp('frontend/sw.js', join(deploy, 'sw.js'));
    for (const copy of ['sw.js.br', 'sw.js.gz']) await rm(join(deploy, copy), { force: true });
    execFileSync('node', ['scripts/write-precache.mjs', deploy]);
    return { css, changed };
  }

  const stylesheets = () =>
    page.evaluate(() => [...document.querySelectorAll('link[rel=stylesheet]')].map((l) => new URL(l.href).pathname));
  const shellCaches = () => page.evaluate(() => caches.keys());

  test('installs next to the old one, offers a reload, and never mixes the two', async () => {
    await page.goto('/signin');
    await controlled(page);
    const before = await shellCaches();
    assert.equal(before.length, 1, before.join(', '));

    await server.stop();
    const { css, changed } = await rebuildWithAChangedFile();
    await server.start();
    // An app left open looks for a new worker when it gets focus.
    await page.evaluate(() => window.dispatchEvent(new Event('focus')));
    const prompt = page.getByRole('status').filter({ hasText: UPDATE });
    await prompt.waitFor({ timeout: 15_000 });
    // Until the reload, the open page is the old deploy, on the old files.
    assert.deepEqual(await stylesheets(), [`/${css}`]);
    assert.equal((await shellCaches()).length, 2);

    await prompt.getByRole('button', { name: 'Reload', exact: true }).click();
    await eventually(async () => (await stylesheets()).includes(`/${changed}`), 'the new deploy after the reload');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.deepEqual(await stylesheets(), [`/${changed}`]);
    // The old shell is gone with the old worker.
    await eventually(async () => (await shellCaches()).length === 1, 'the old shell to be dropped');
    assert.notDeepEqual(await shellCaches(), before);
    assert.equal(await prompt.count(), 0);
  });
});
