// axe-core in the page under test: every WCAG 2.2 A and AA rule, in the light and the
// dark theme, at the test's viewport and at 360 px. A violation fails the test with the
// rule, the state and the elements it found.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const source = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const PHONE = { width: 360, height: 740 };

/** The violations axe-core finds in the page as it is now, one line each. */
async function violations(page) {
  // Evaluated by the DevTools protocol, which the page's script-src does not govern:
  // the policy stays as strict as users get it.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(source);
  const results = await page.evaluate((tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags } }), TAGS);
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`).join('; ')}`,
  );
}

/**
 * Checks the page's current state, named `state`, in both themes and at 360 px; leaves
 * the page at its viewport, in the light theme.
 */
export async function assertAccessible(page, state) {
  const viewport = page.viewportSize();
  const found = [];
  for (const size of [viewport, PHONE]) {
    await page.setViewportSize(size);
    for (const colorScheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme });
      for (const line of await violations(page)) found.push(`${colorScheme}, ${size.width} px: ${line}`);
    }
  }
  await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme: 'light' });
  assert.deepEqual(found, [], `axe-core found WCAG 2.2 AA violations in ${state}`);
}
