// Shared by the browser tests: Debian's Chromium through playwright-core, and the few
// waiting helpers that playwright-core lacks without @playwright/test.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

export const baseUrl = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:7860';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A headless Chromium with a fresh profile; `close()` also removes the profile. */
export async function launch() {
  const profile = await mkdtemp(join(tmpdir(), 'taskapp-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    baseURL: baseUrl,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(10_000);
  return {
    context,
    page,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Records the page's console errors and uncaught exceptions. A refused request shows in
 * the console as "Failed to load resource"; those count unless the test expects that
 * refusal: `expectRefusal(path, status)`.
 */
export function watchConsole(page) {
  const errors = [];
  const expected = [];
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const url = message.location().url ?? '';
    const allowed = expected.some(
      ({ path, status }) => url.startsWith(baseUrl) && new URL(url).pathname.startsWith(path) && text.includes(`status of ${status}`),
    );
    if (!allowed) errors.push(`${text} (${url})`);
  });
  return {
    errors,
    expectRefusal(path, status) {
      expected.push({ path, status });
    },
  };
}

/** Polls `check` until it returns a truthy value, or fails with `what`. */
export async function eventually(check, what, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await check();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

/** The path and query of the page's address. */
export function location(page) {
  const url = new URL(page.url());
  return url.pathname + url.search;
}
