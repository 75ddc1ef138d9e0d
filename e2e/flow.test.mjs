// The product's main flow in a real headless Chromium, against the `server` binary with
// the built web app on a fresh database (see scripts/e2e.sh). The steps share one
// browser and run in order; each one starts where the previous one left off.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';

import { eventually, launch, location, watchConsole } from './support.mjs';

const run = Date.now().toString(36);
const first = { name: 'Ada Lovelace', email: `ada-${run}@example.com`, password: 'analytical engine' };
const second = { name: 'Grace Hopper', email: `grace-${run}@example.com`, password: 'compiler first' };
const screenshots = new URL('../target/e2e/', import.meta.url);

describe('the web app', () => {
  let browser;
  let page;
  let logs;

  const button = (name) => page.getByRole('button', { name, exact: true });
  const newTask = () => page.getByRole('form', { name: 'New task' });
  const checkbox = (title) => page.getByRole('checkbox', { name: title, exact: true });
  const item = (title) => page.getByRole('listitem').filter({ has: checkbox(title) });
  const pageLabel = (text) => page.locator('.pager-label').filter({ hasText: text });

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
    logs = watchConsole(page);
    // Every signed-out load asks the API who is signed in, and hears 401.
    logs.expectRefusal('/api/auth/me', 401);
    await mkdir(screenshots, { recursive: true });
  });

  after(async () => {
    await browser?.close();
  });

  test('1. signs up and lands on the dashboard, with the token out of reach of scripts', async () => {
    await signUp(first);
    assert.equal(location(page), '/');
    await page.getByText('No tasks yet').waitFor();
    assert.doesNotMatch(await page.evaluate(() => document.cookie), /token/);
    const cookies = await browser.context.cookies();
    const token = cookies.find((cookie) => cookie.name === 'token');
    assert.ok(token, 'the API set the session cookie');
    assert.equal(token.httpOnly, true);
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

    await button('Next').click();
    await pageLabel('Page 2 of 2').waitFor();
    await eventually(async () => (await page.getByRole('listitem').count()) === 2, 'two tasks on page 2');
    await checkbox('Task 1').waitFor();
    assert.equal(location(page), '/?page=2');
    assert.equal(await button('Next').isDisabled(), true);
    await eventually(
      async () => (await page.evaluate(() => document.activeElement?.textContent)) === 'Previous',
      'focus to move from the disabled "Next" to "Previous"',
    );
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

  test('5. deletes a task only after confirming', async () => {
    const dialog = page.getByRole('dialog');
    await item('Task 1, edited').getByRole('button', { name: 'Delete' }).click();
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Task 1, edited/);
    assert.equal(await dialog.getAttribute('role'), 'dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    await checkbox('Task 1, edited').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Delete', 'focus returns to "Delete"');

    await item('Task 1, edited').getByRole('button', { name: 'Delete' }).click();
    const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    assert.equal((await deleted).status(), 204);
    await checkbox('Task 1, edited').waitFor({ state: 'detached' });
    await page.getByText('11 tasks').waitFor();

    await page.reload();
    await checkbox('Task 2').waitFor();
    assert.equal(await checkbox('Task 1, edited').count(), 0);
  });

  test('6. signs out and is kept out of the dashboard', async () => {
    await signOut();
    assert.doesNotMatch(await page.evaluate(() => document.cookie), /token/);
    await page.goto('/');
    await page.waitForURL('**/signin');
    await button('Sign in').waitFor();
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
    await checkbox('Task 10').check();
    await page.getByRole('alert').filter({ hasText: 'Could not update “Task 10”.' }).waitFor();
    await eventually(async () => !(await checkbox('Task 10').isChecked()), 'the toggle to be undone');
    await page.unroute('**/api/tasks/*/complete');

    await page.route('**/api/tasks/*', (route) =>
      ['PUT', 'DELETE'].includes(route.request().method()) ? route.fulfill(refusal) : route.continue(),
    );
    await item('Task 10').getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('listitem').getByLabel('Title').fill('Task 10, renamed');
    await button('Save').click();
    await page.getByRole('alert').filter({ hasText: 'Could not save your changes to “Task 10”.' }).waitFor();
    assert.equal(await page.getByRole('listitem').getByLabel('Title').inputValue(), 'Task 10, renamed', 'the edit is kept');
    await button('Cancel').click();
    await checkbox('Task 10').waitFor();

    await item('Task 10').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not delete “Task 10”.' }).waitFor();
    await checkbox('Task 10').waitFor();
    await page.unroute('**/api/tasks/*');
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

  test('the page logged no errors', () => {
    assert.deepEqual(logs.errors, []);
  });
});
