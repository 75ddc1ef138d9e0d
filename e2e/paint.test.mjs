// The paint budget: first contentful paint and largest contentful paint under 1 s on
// loopback, with a cold cache, and no layout shift while the task list loads. The figures
// go to target/e2e/paint.json for the release notes.

import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { launch, watchConsole } from './support.mjs';

const BUDGET_MS = 1000;
const report = new URL('../target/e2e/', import.meta.url);

/** FCP, LCP and the cumulative layout shift of the current document, once it settles. */
function paintTimings(page) {
  return page.evaluate(
    () =>
      new Promise((resolve) => {
        const result = { fcp: null, lcp: null, cls: 0 };
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) {
            if (entry.name === 'first-contentful-paint') result.fcp = entry.startTime;
          }
        }).observe({ type: 'paint', buffered: true });
        new PerformanceObserver((list) => {
          result.lcp = list.getEntries().at(-1).startTime;
        }).observe({ type: 'largest-contentful-paint', buffered: true });
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) result.cls += entry.value;
          }
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => resolve(result), 1000);
      }),
  );
}

describe('paint timings in headless Chromium', () => {
  let browser;
  let logs;
  const figures = {};

  before(async () => {
    browser = await launch();
    logs = await watchConsole(browser.page);
  });

  after(async () => {
    await browser?.close();
    await mkdir(report, { recursive: true });
    await writeFile(new URL('paint.json', report), `${JSON.stringify(figures, null, 2)}\n`);
  });

  test('the sign-in page, cold', async (t) => {
    const { page } = browser;
    await page.goto('/signin');
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    figures.signin = await paintTimings(page);
    t.diagnostic(JSON.stringify(figures.signin));
    assert.ok(figures.signin.fcp < BUDGET_MS, `FCP ${figures.signin.fcp} ms`);
    assert.ok(figures.signin.lcp < BUDGET_MS, `LCP ${figures.signin.lcp} ms`);
  });

  test('the dashboard with ten tasks, after a reload', async (t) => {
    const { page, context } = browser;
    const user = { name: 'Paint Timer', email: `paint-${Date.now().toString(36)}@example.com`, password: 'paint budget' };
    // Signed up through the app; the tasks go straight to the API, on the same cookie.
    await page.goto('/signup');
    await page.getByLabel('Name').fill(user.name);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign up', exact: true }).click();
    await page.getByText('No tasks yet').waitFor();
    for (let n = 1; n <= 10; n += 1) {
      await context.request.post('/api/tasks', { data: { title: `Measured task ${n}`, description: 'A line of text.' } });
    }
    await page.goto('/');
    await page.getByRole('checkbox', { name: 'Measured task 10' }).waitFor();
    await page.reload();
    await page.getByRole('checkbox', { name: 'Measured task 10' }).waitFor();
    figures.dashboard = await paintTimings(page);
    t.diagnostic(JSON.stringify(figures.dashboard));
    assert.ok(figures.dashboard.fcp < BUDGET_MS, `FCP ${figures.dashboard.fcp} ms`);
    assert.ok(figures.dashboard.lcp < BUDGET_MS, `LCP ${figures.dashboard.lcp} ms`);
    assert.ok(figures.dashboard.cls < 0.1, `cumulative layout shift ${figures.dashboard.cls}`);
  });

  test('logged no errors', () => {
    assert.deepEqual(logs.errors, []);
    assert.deepEqual(logs.violations, []);
  });
});
