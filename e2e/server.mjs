// A `server` of the browser tests' own, which a test can stop and start again on the
// same port and database: the way to take the network away from a service worker, which
// `context.setOffline` does not do (microsoft/playwright#2311).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { eventually, launch } from './support.mjs';

const binary = process.env.E2E_SERVER_BINARY;

/** Whether the tests were given a `server` binary to start (scripts/e2e.sh gives one). */
export const canStartServers = Boolean(binary);

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A server on a fresh SQLite database serving `staticDir` (`frontend/dist` unless given),
 * not yet started. `start()` and `stop()` may be called in turn as often as needed; the
 * port, database and signing key stay the same. `close()` stops it and removes its folder.
 */
export async function ownServer({ staticDir = 'frontend/dist' } = {}) {
  const folder = await mkdtemp(join(tmpdir(), 'taskapp-e2e-server-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = join(folder, 'test.db');
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${database}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    HOST: '127.0.0.1',
    PORT: String(port),
    APP_URL: url,
    COOKIE_SECURE: 'false',
    BCRYPT_COST: '4',
    AUTH_RATE_LIMIT_PER_MINUTE: '1000',
    TASKS_RATE_LIMIT_PER_MINUTE: '10000',
  };
  delete env.SMTP_URL;
  let child;
  let log = '';

  const server = {
    url,
    folder,
    get log() {
      return log;
    },
    /** Serves another folder from the next start on: a new deploy. */
    staticDir,
    /** The SQLite file behind it, to count rows in. */
    database,
    /**
     * Signs with a new key from the next start on, as a key rotation does: every session
     * made before is gone (a 401), though the accounts stay.
     */
    rotateKey() {
      env.JWT_SECRET = randomBytes(32).toString('hex');
    },
    async start() {
      child = spawn(binary, [], { env: { ...env, STATIC_DIR: server.staticDir }, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.on('data', (chunk) => (log += chunk));
      child.stderr.on('data', (chunk) => (log += chunk));
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}):\n${log}`);
        try {
          if ((await fetch(`${url}/health`)).ok) return;
        } catch {
          // Not listening yet.
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`the server did not answer /health within 20 s:\n${log}`);
    },
    async stop() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
    async close() {
      await server.stop();
      await rm(folder, { recursive: true, force: true });
    },
  };
  return server;
}

/**
 * A server of the tests' own, started, and a browser on it; uncaught errors in the page
 * land in `pageErrors`.
 */
export async function serverAndBrowser(options) {
  const server = await ownServer(options);
  await server.start();
  const browser = await launch(server.url);
  const pageErrors = [];
  browser.page.on('pageerror', (error) => pageErrors.push(error.message));
  return { server, browser, page: browser.page, pageErrors };
}

/** Waits until the page is controlled by an activated service worker. */
export async function controlled(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await eventually(() => page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker to take over');
}
