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

/**
 * A headless Chromium with a fresh profile, opening addresses on `url` (the shared test
 * server unless given); `close()` also removes the profile.
 */
export async function launch(url = baseUrl) {
  const profile = await mkdtemp(join(tmpdir(), 'taskapp-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
    baseURL: url,
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
 * Records the page's console errors, uncaught exceptions and Content-Security-Policy
 * violations. Anything not announced beforehand lands in `errors`. A test that provokes
 * an error on purpose announces it first, once per occurrence: `expectRefusal(path,
 * status)` for a refused request (the console's "Failed to load resource"), or
 * `expectCspViolation(directive)` for a blocked inline style or script. An announced error
 * that shows up moves to `provoked`; one that never shows up stays in `pending`.
 */
export async function watchConsole(page) {
  const errors = [];
  const provoked = [];
  const pending = [];
  const violations = [];

  const take = (matches) => {
    const index = pending.findIndex(matches);
    if (index < 0) return false;
    provoked.push(pending[index].label);
    pending.splice(index, 1);
    return true;
  };

  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    const url = message.location().url ?? '';
    const matched = take((expectation) => expectation.matches(text, url));
    if (!matched) errors.push(`${text} (${url})`);
  });

  // The console reports violations too; the DOM event also names the directive, and
  // cannot be mistaken for anything else.
  await page.context().exposeBinding('__e2eReportCspViolation', (_source, violation) => violations.push(violation));
  await page.context().addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__e2eReportCspViolation({
        directive: event.effectiveDirective,
        blocked: event.blockedURI,
        source: event.sourceFile,
        sample: event.sample,
      });
    });
  });

  return {
    errors,
    provoked,
    pending,
    violations,
    expectRefusal(path, status) {
      pending.push({
        label: `${status} ${path}`,
        matches: (text, url) =>
          url.startsWith(baseUrl) && new URL(url).pathname.startsWith(path) && text.includes(`status of ${status}`),
      });
    },
    /** `directive` as the violation event names it, e.g. `style-src-attr`. */
    expectCspViolation(directive) {
      // Chromium words it "Applying inline style violates the following Content
      // Security Policy directive 'style-src 'self''…" (older ones: "Refused to apply…").
      const kind = directive.split('-')[0];
      pending.push({
        label: `CSP ${directive}`,
        matches: (text) => text.includes('Content Security Policy') && text.includes(`'${kind}-src`),
      });
    },
  };
}

/** Records the paths of the page's requests to the API, such as `GET /api/auth/me`. */
export function watchApiCalls(page) {
  const calls = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) calls.push(`${request.method()} ${url.pathname}`);
  });
  return calls;
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
