// The product's main flow in a real headless Chromium, against the `server` binary with
// the built web app on a fresh database (see scripts/e2e.sh). The steps share one
// browser and run in order; each one starts where the previous one left off.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { eventually, launch, location, watchApiCalls, watchConsole } from './support.mjs';

const run = Date.now().toString(36);
const first = { name: 'Ada Lovelace', email: `ada-${run}@example.com`, password: 'analytical engine' };
const second = { name: 'Grace Hopper', email: `grace-${run}@example.com`, password: 'compiler first' };
const third = { name: 'Katherine Johnson', email: `katherine-${run}@example.com`, password: 'orbital mechanics' };
const screenshots = new URL('../target/e2e/', import.meta.url);
// The non-secret cookie the API sets next to the HttpOnly session token: the app asks
// `GET /api/auth/me` on load only when it is there.
const HINT = 'signed_in=1';
const RATE_LIMITED = JSON.stringify({
  success: false,
  error: { code: 'RATE_LIMITED', message: 'Too many requests. Please wait a moment and try again.' },
});

describe('the web app', () => {
  let browser;
  let page;
  let logs;
  let apiCalls;

  const button = (name) => page.getByRole('button', { name, exact: true });
  const newTask = () => page.getByRole('form', { name: 'New task' });
  const checkbox = (title) => page.getByRole('checkbox', { name: title, exact: true });
  const item = (title) => page.getByRole('listitem').filter({ has: checkbox(title) });
  const pageLabel = (text) => page.locator('.pager-label').filter({ hasText: text });
  // What scripts see: the hint at most, never the token.
  const scriptCookies = () => page.evaluate(() => document.cookie);
  const storage = () => page.evaluate(() => ({ ...localStorage }));
  const cookie = async (name) => (await browser.context.cookies()).find((c) => c.name === name);
  const cookieNames = async () => (await browser.context.cookies()).map((c) => c.name);
  const alert = (text) => page.getByRole('alert').filter({ hasText: text });

  async function signUp(user) {
    await page.goto('/signup');
    await page.getByLabel('Name').fill(user.name);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await button('Sign up').click();
    await page.getByRole('heading', { name: 'Your tasks' }).waitFor();
  }

  async function signOut() {
    await button('Sign out').click();
    await page.waitForURL('**/signin');
  }

  async function addTask(title, description = '') {
    await newTask().getByLabel('Title').fill(title);
    await newTask().getByLabel('Description').fill(description);
    await newTask().getByRole('button', { name: 'Add task' }).click();
    await checkbox(title).waitFor();
  }

  before(async () => {
    browser = await launch();
    page = browser.page;
    logs = await watchConsole(page);
    apiCalls = watchApiCalls(page);
    await mkdir(screenshots, { recursive: true });
  });

  after(async () => {
    await browser?.close();
  });

  test('a first visit goes straight to sign in, asking the API nothing, under a strict CSP', async () => {
    const response = await page.goto('/');
    const policy = response.headers()['content-security-policy'] ?? '';
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval' 'sha256-[A-Za-z0-9+/=]+';/);
    assert.match(policy, /style-src 'self';/);
    assert.doesNotMatch(policy, /unsafe-inline/);
    await page.waitForURL('**/signin');
    await button('Sign in').waitFor();
    await page.goto('/signup');
    await button('Sign up').waitFor();
    assert.deepEqual(apiCalls, [], 'no session to ask about');
    assert.equal(await scriptCookies(), '');
    assert.deepEqual(await browser.context.cookies(), []);
  });

  test('1. signs up and lands on the dashboard, with the token out of reach of scripts', async () => {
    await signUp(first);
    assert.equal(location(page), '/');
    await page.getByText('No tasks yet').waitFor();
    // Scripts see only the hint that a session exists, never the token.
    assert.equal(await scriptCookies(), HINT);
    const token = await cookie('token');
    assert.ok(token, 'the API set the session cookie');
    assert.equal(token.httpOnly, true);
    assert.equal(token.sameSite, 'Lax');
    const hint = await cookie('signed_in');
    assert.ok(hint, 'the API set the hint');
    assert.equal(hint.httpOnly, false);
    assert.ok(hint.expires > 0, 'the hint outlives the browser session, as the token does');
    assert.deepEqual(await storage(), {}, 'nothing in local storage');
  });

  test('2. adds 12 tasks, newest first, focus back on Title each time, and pages to the second page', async () => {
    for (let n = 1; n <= 12; n += 1) {
      await addTask(`Task ${n}`, n % 3 === 0 ? `Details for task ${n}` : '');
      const focused = await page.evaluate(() => document.activeElement?.id);
      assert.equal(focused, 'new-title', `focus returns to Title after adding task ${n}`);
    }
    assert.equal(await newTask().getByLabel('Title').inputValue(), '', 'the form is cleared');
    await pageLabel('Page 1 of 2').waitFor();
    assert.equal(await page.getByRole('listitem').count(), 10);
    assert.equal(await page.getByRole('listitem').first().locator('.task-title').textContent(), 'Task 12');
    await page.getByText('12 tasks').waitFor();

    const onPage = async (number, address, firstTask) => {
      await pageLabel(`Page ${number} of 2`).waitFor();
      await checkbox(firstTask).waitFor();
      assert.equal(location(page), address);
    };

    await button('Next').click();
    await onPage(2, '/?page=2', 'Task 1');
    await eventually(async () => (await page.getByRole('listitem').count()) === 2, 'two tasks on page 2');
    assert.equal(await button('Next').isDisabled(), true);
    await eventually(
      async () => (await page.evaluate(() => document.activeElement?.textContent)) === 'Previous',
      'focus to move from the disabled "Next" to "Previous"',
    );

    // Each turn of the page is a step in the history: Back and Forward retrace them.
    await button('Previous').click();
    await onPage(1, '/', 'Task 12');
    await page.goBack();
    await onPage(2, '/?page=2', 'Task 1');
    await page.goBack();
    await onPage(1, '/', 'Task 12');
    await page.goForward();
    await onPage(2, '/?page=2', 'Task 1');
    // "Dashboard" leads to the first page; Back returns to the second.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await onPage(1, '/', 'Task 12');
    await page.goBack();
    await onPage(2, '/?page=2', 'Task 1');
  });

  test('3. toggles a task and still sees it toggled after a reload', async () => {
    const saved = page.waitForResponse((r) => r.url().endsWith('/complete') && r.request().method() === 'PATCH');
    await checkbox('Task 2').check();
    assert.equal((await saved).status(), 200);
    await page.reload();
    await pageLabel('Page 2 of 2').waitFor();
    await checkbox('Task 2').waitFor();
    assert.equal(await checkbox('Task 2').isChecked(), true);
    assert.equal(await checkbox('Task 1').isChecked(), false);
  });

  test('4. edits a task in place and the edit persists', async () => {
    await item('Task 1').getByRole('button', { name: 'Edit' }).click();
    const editor = page.getByRole('listitem').filter({ has: page.getByRole('button', { name: 'Save' }) });
    assert.equal(await editor.getByLabel('Title').inputValue(), 'Task 1');
    assert.equal(await page.evaluate(() => document.activeElement?.id), await editor.getByLabel('Title').getAttribute('id'));
    await editor.getByLabel('Title').fill('Task 1, edited');
    await editor.getByLabel('Description').fill('Now with a description');
    const saved = page.waitForResponse((r) => r.url().includes('/api/tasks/') && r.request().method() === 'PUT');
    await editor.getByRole('button', { name: 'Save' }).click();
    assert.equal((await saved).status(), 200);
    await item('Task 1, edited').getByText('Now with a description').waitFor();

    await page.reload();
    await item('Task 1, edited').getByText('Now with a description').waitFor();

    // Cancel, or Escape, leaves the task as it was and focus on its "Edit".
    await item('Task 1, edited').getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('listitem').getByLabel('Title').fill('Not saved');
    await button('Cancel').click();
    await checkbox('Task 1, edited').waitFor();
    await item('Task 1, edited').getByRole('button', { name: 'Edit' }).click();
    await page.keyboard.press('Escape');
    await checkbox('Task 1, edited').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Edit');
  });

  test('5. deletes a task at once, without asking, and offers Undo', async () => {
    const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE');
    await item('Task 1, edited').getByRole('button', { name: 'Delete' }).click();
    assert.equal((await deleted).status(), 204);
    assert.equal(await page.getByRole('dialog').count(), 0);
    await checkbox('Task 1, edited').waitFor({ state: 'detached' });
    await page.getByText('11 tasks').waitFor();
    await page.getByRole('status').filter({ hasText: 'Task deleted' }).getByRole('button', { name: 'Undo' }).waitFor();

    await page.reload();
    await checkbox('Task 2').waitFor();
    assert.equal(await checkbox('Task 1, edited').count(), 0);
  });

  test('6. signs out, which clears both cookies, and is kept out of the dashboard without asking', async () => {
    await signOut();
    assert.deepEqual(await browser.context.cookies(), [], 'no token and no hint');
    assert.equal(await scriptCookies(), '');
    const before = apiCalls.length;
    await page.goto('/');
    await page.waitForURL('**/signin');
    await button('Sign in').waitFor();
    assert.deepEqual(apiCalls.slice(before), []);
  });

  test('7. signs in again and finds the tasks', async () => {
    await page.getByLabel('Email').fill(first.email);
    await page.getByLabel('Password').fill('not the password');
    logs.expectRefusal('/api/auth/signin', 401);
    await button('Sign in').click();
    await page.getByRole('alert').filter({ hasText: 'The email or password is incorrect.' }).waitFor();

    await page.getByLabel('Password').fill(first.password);
    await button('Sign in').click();
    await page.waitForURL((url) => url.pathname === '/');
    await pageLabel('Page 1 of 2').waitFor();
    await checkbox('Task 12').waitFor();
    await page.getByText('11 tasks').waitFor();
  });

  test('shows a tidy dashboard, light and dark, with no horizontal scrolling on a 360 px phone', async () => {
    const saved = page.waitForResponse((r) => r.url().endsWith('/complete'));
    await checkbox('Task 11').check();
    await saved;
    await page.screenshot({ path: new URL('dashboard.png', screenshots).pathname, fullPage: true });

    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
    await page.screenshot({ path: new URL('dashboard-phone.png', screenshots).pathname, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: new URL('dashboard-dark.png', screenshots).pathname, fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('rolls a refused toggle, edit and delete back, with a message', async () => {
    const refusal = {
      status: 404,
      contentType: 'application/json',
      body: JSON.stringify({ success: false, error: { code: 'NOT_FOUND', message: 'The requested resource was not found.' } }),
    };
    logs.expectRefusal('/api/tasks/', 404);
    await page.route('**/api/tasks/*/complete', (route) => route.fulfill(refusal));
    // A click, not check(): check() fails when the box is no longer ticked as it looks
    // again, and the refusal can undo the toggle before then.
    await checkbox('Task 10').click();
    await page.getByRole('alert').filter({ hasText: 'Could not update “Task 10”.' }).waitFor();
    await eventually(async () => !(await checkbox('Task 10').isChecked()), 'the toggle to be undone');
    await page.unroute('**/api/tasks/*/complete');

    await page.route('**/api/tasks/*', (route) =>
      ['PUT', 'DELETE'].includes(route.request().method()) ? route.fulfill(refusal) : route.continue(),
    );
    await item('Task 10').getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('listitem').getByLabel('Title').fill('Task 10, renamed');
    logs.expectRefusal('/api/tasks/', 404);
    await button('Save').click();
    await page.getByRole('alert').filter({ hasText: 'Could not save your changes to “Task 10”.' }).waitFor();
    assert.equal(await page.getByRole('listitem').getByLabel('Title').inputValue(), 'Task 10, renamed', 'the edit is kept');
    await button('Cancel').click();
    await checkbox('Task 10').waitFor();

    logs.expectRefusal('/api/tasks/', 404);
    await item('Task 10').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not delete “Task 10”.' }).waitFor();
    await checkbox('Task 10').waitFor();
    await page.unroute('**/api/tasks/*');
  });

  test('says when it is rate limited, and keeps what was typed', async () => {
    const tooMany = { status: 429, contentType: 'application/json', headers: { 'Retry-After': '42' }, body: RATE_LIMITED };
    const message = 'Too many requests. Please wait a moment and try again. (You can try again in 42 seconds.)';

    await page.route('**/api/tasks', (route) => (route.request().method() === 'POST' ? route.fulfill(tooMany) : route.continue()));
    logs.expectRefusal('/api/tasks', 429);
    await newTask().getByLabel('Title').fill('One task too many');
    await newTask().getByRole('button', { name: 'Add task' }).click();
    await newTask().getByRole('alert').filter({ hasText: message }).waitFor();
    assert.equal(await newTask().getByLabel('Title').inputValue(), 'One task too many');
    await page.unroute('**/api/tasks');
    await newTask().getByLabel('Title').fill('');

    await page.route('**/api/tasks?*', (route) => route.fulfill(tooMany));
    logs.expectRefusal('/api/tasks', 429);
    await button('Next').click();
    await alert(`Could not load your tasks. ${message}`).waitFor();
    await page.screenshot({ path: new URL('rate-limited.png', screenshots).pathname, fullPage: true });
    assert.equal(location(page), '/', 'a page that did not load is no step in the history');
    await pageLabel('Page 1 of 2').waitFor();
    await page.unroute('**/api/tasks?*');

    // A session check that is refused for a rate limit signs nobody out: it offers a retry.
    await page.route('**/api/auth/me', (route) => route.fulfill(tooMany));
    logs.expectRefusal('/api/auth/me', 429);
    await page.reload();
    await alert(`Could not check whether you are signed in. ${message}`).waitFor();
    await page.screenshot({ path: new URL('session-unavailable.png', screenshots).pathname });
    assert.equal(location(page), '/');
    assert.equal(await scriptCookies(), HINT, 'a rate limit keeps the hint');
    await page.unroute('**/api/auth/me');
    await button('Try again').click();
    await checkbox('Task 12').waitFor();
  });

  test('8. a second user sees none of the first user’s tasks', async () => {
    await signOut();
    await signUp(second);
    await page.getByText('No tasks yet').waitFor();
    assert.equal(await page.getByRole('listitem').count(), 0);
    assert.equal(await page.getByRole('banner').getByText(second.name).count(), 1);
  });

  test('changes the name on the profile page, and asks for the password to change the email', async () => {
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('heading', { name: 'Profile' }).waitFor();
    assert.equal(await page.getByLabel('Email').inputValue(), second.email);
    await page.getByLabel('Name').fill('Grace B. Hopper');
    await button('Save').click();
    await page.getByRole('status').filter({ hasText: 'Your profile is saved.' }).waitFor();
    await page.getByRole('banner').getByText('Grace B. Hopper').waitFor();

    await page.getByLabel('Email').fill(`grace-new-${run}@example.com`);
    await button('Save').click();
    await page.getByRole('alert').filter({ hasText: 'current password' }).waitFor();
    assert.equal(await page.getByLabel('Email').inputValue(), `grace-new-${run}@example.com`);

    await page.getByLabel('Current password').fill('not it at all');
    logs.expectRefusal('/api/auth/profile', 401);
    await button('Save').click();
    await page.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor();

    await page.getByLabel('Current password').fill(second.password);
    await button('Save').click();
    await page.getByRole('status').filter({ hasText: 'Your profile is saved.' }).waitFor();
    second.email = `grace-new-${run}@example.com`;
  });

  test('9. a too-short password at signup shows the error and keeps what was typed', async () => {
    await signOut();
    // Signed in at 7., the browser keeps its device cookie: signout leaves it on purpose.
    assert.deepEqual(await cookieNames(), ['device'], 'signing out clears the token and the hint');
    await page.goto('/signup');
    await page.getByLabel('Name').fill('Short Password');
    await page.getByLabel('Email').fill(`short-${run}@example.com`);
    await page.getByLabel('Password').fill('short');
    await button('Sign up').click();
    await page.getByRole('alert').filter({ hasText: 'Password must be at least 8 characters.' }).waitFor();
    assert.equal(location(page), '/signup');
    assert.equal(await page.getByLabel('Name').inputValue(), 'Short Password');
    assert.equal(await page.getByLabel('Password').getAttribute('aria-invalid'), 'true');
  });

  test('a common password at signup shows the error next to Password', async () => {
    const passwordField = page.locator('.field').filter({ has: page.getByLabel('Password') });
    await page.getByLabel('Password').fill('Password123');
    // The web app does not carry the list: the server refuses, and the form shows why.
    logs.expectRefusal('/api/auth/signup', 422);
    await button('Sign up').click();
    await passwordField.getByRole('alert').filter({ hasText: 'This password is too common.' }).waitFor();
    const describedBy = await page.getByLabel('Password').getAttribute('aria-describedby');
    const errorId = await passwordField.getByRole('alert').getAttribute('id');
    assert.ok(describedBy.split(' ').includes(errorId), 'the message describes the Password field');
    assert.equal(location(page), '/signup');
    assert.equal(await page.getByLabel('Email').inputValue(), `short-${run}@example.com`);
  });

  test('an expired session sends the user to sign in, and the next visit asks nothing', async () => {
    await page.goto('/signin');
    await page.getByLabel('Email').fill(second.email);
    await page.getByLabel('Password').fill(second.password);
    await button('Sign in').click();
    await page.getByText('No tasks yet').waitFor();
    assert.equal(await scriptCookies(), HINT);

    // The token is gone (expired, or revoked) but the hint is still there: the check and
    // the dashboard's first page, sent together, are both refused.
    await browser.context.clearCookies({ name: 'token' });
    const before = apiCalls.length;
    logs.expectRefusal('/api/auth/me', 401);
    logs.expectRefusal('/api/tasks', 401);
    await page.reload();
    await page.waitForURL('**/signin');
    await button('Sign in').waitFor();
    assert.deepEqual(apiCalls.slice(before), ['GET /api/auth/me', 'GET /api/tasks']);
    await eventually(async () => (await scriptCookies()) === '', 'the 401 to clear the hint');
    assert.deepEqual(await cookieNames(), ['device'], 'the device cookie is not the session');

    const after = apiCalls.length;
    await page.goto('/');
    await page.waitForURL('**/signin');
    await button('Sign in').waitFor();
    assert.deepEqual(apiCalls.slice(after), [], 'no hint, no request');
  });

  test('a session made straight through the API is restored when the app opens', async () => {
    const response = await browser.context.request.post('/api/auth/signup', { data: third });
    assert.equal(response.status(), 201);
    assert.equal(await scriptCookies(), HINT, 'the API set the hint with the token');
    assert.equal((await cookie('token'))?.httpOnly, true);

    const before = apiCalls.length;
    // Every request of the load, in the order the browser started them.
    const started = [];
    const record = (request) => started.push(new URL(request.url()).pathname);
    page.on('request', record);
    await page.goto('/');
    await page.getByRole('heading', { name: 'Your tasks' }).waitFor();
    await page.getByText('No tasks yet').waitFor();
    page.off('request', record);
    assert.equal(location(page), '/');
    assert.equal(await page.getByRole('banner').getByText(third.name).count(), 1);
    // On load the app asks who is signed in, and the dashboard for its first page. The
    // page's Link header starts both before the app's code arrives, and the app takes
    // their answers: each call is made once. The dashboard then follows the changes
    // feed (its cursor) and the event stream.
    const live = ['GET /api/tasks/changes', 'GET /api/events'];
    const calls = apiCalls.slice(before);
    assert.deepEqual(calls.filter((call) => !live.includes(call)), ['GET /api/auth/me', 'GET /api/tasks']);
    await eventually(() => live.every((call) => apiCalls.slice(before).includes(call)), 'the feed and the stream');
    const wasm = started.findIndex((path) => path.endsWith('.wasm'));
    assert.ok(wasm > 0, `the app's code was requested: ${started}`);
    assert.ok(started.indexOf('/api/auth/me') < wasm && started.indexOf('/api/tasks') < wasm, `${started}`);
  });

  test('the policy blocks inline styles and scripts, and the test would notice', async () => {
    logs.expectCspViolation('style-src-attr');
    const outline = await page.evaluate(() => {
      document.body.setAttribute('style', 'outline: 5px solid red');
      const applied = getComputedStyle(document.body).outlineStyle;
      document.body.removeAttribute('style');
      return applied;
    });
    assert.equal(outline, 'none');

    logs.expectCspViolation('script-src-elem');
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineScriptRan = true;';
      document.head.append(script);
      return window.inlineScriptRan === true;
    });
    assert.equal(ran, false);
    await eventually(() => logs.violations.length === 2, 'both violations to be reported');
    assert.deepEqual(
      logs.violations.map((v) => v.directive),
      ['style-src-attr', 'script-src-elem'],
    );
  });

  test('the page logged no errors but the ones provoked on purpose', async () => {
    await eventually(() => logs.pending.length === 0, `provoked errors to show (still waiting: ${logs.pending.map((p) => p.label)})`, 2_000).catch(() => {});
    assert.deepEqual(logs.errors, []);
    assert.deepEqual(logs.pending.map((p) => p.label), [], 'every provoked error showed up');
    // Sorted: an expired session's check and its first page are refused together, in
    // either order.
    assert.deepEqual([...logs.provoked].sort(), [
      '401 /api/auth/signin',
      '404 /api/tasks/',
      '404 /api/tasks/',
      '404 /api/tasks/',
      '429 /api/tasks',
      '429 /api/tasks',
      '429 /api/auth/me',
      '401 /api/auth/profile',
      '422 /api/auth/signup',
      '401 /api/auth/me',
      '401 /api/tasks',
      'CSP style-src-attr',
      'CSP script-src-elem',
    ].sort());
  });
});
