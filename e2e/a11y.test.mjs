// Accessibility checked by a machine: axe-core on every page of the web app and on each
// state of the dashboard (empty, listed, an editor open, a delete with Undo), and on the
// profile with its delete-account dialog, in both themes and at 360 px (see axe.mjs).
// The conflict dialog is checked where it happens, in devices.test.mjs.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { assertAccessible } from './axe.mjs';
import { launch, watchConsole } from './support.mjs';

const run = Date.now().toString(36);
const user = { name: 'Alan Turing', email: `alan-${run}@example.com`, password: 'universal machine' };

describe('accessibility (axe-core, WCAG 2.2 AA)', () => {
  let browser;
  let page;
  let logs;
  const button = (name) => page.getByRole('button', { name, exact: true });
  const checkbox = (title) => page.getByRole('checkbox', { name: title, exact: true });

  before(async () => {
    browser = await launch();
    page = browser.page;
    logs = await watchConsole(page);
  });

  after(async () => {
    await browser?.close();
  });

  test('the pages for visitors', async () => {
    await page.goto('/signin');
    await button('Sign in').waitFor();
    await assertAccessible(page, 'the sign-in page');

    await page.goto('/signup');
    await button('Sign up').waitFor();
    await assertAccessible(page, 'the sign-up page');

    await page.goto('/forgot-password');
    await page.getByLabel('Email').waitFor();
    await assertAccessible(page, 'the forgot-password page');

    await page.goto('/reset-password');
    await page.getByRole('heading').first().waitFor();
    await assertAccessible(page, 'the reset page without a token');

    await page.goto('/no-such-page');
    await page.getByRole('heading').first().waitFor();
    await assertAccessible(page, 'the not-found page');
  });

  test('a form that was refused', async () => {
    await page.goto('/signup');
    await page.getByLabel('Name').fill(user.name);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill('short');
    await button('Sign up').click();
    await page.getByRole('alert').filter({ hasText: 'Password must be at least 8 characters.' }).waitFor();
    await assertAccessible(page, 'the sign-up page with an error');
  });

  test('the dashboard: empty, listed, editing, and after a delete', async () => {
    await page.getByLabel('Password').fill(user.password);
    await button('Sign up').click();
    await page.getByText('No tasks yet').waitFor();
    await assertAccessible(page, 'the empty dashboard');

    const newTask = page.getByRole('form', { name: 'New task' });
    for (const title of ['Read the paper', 'Build the bombe', 'Run the marathon']) {
      await newTask.getByLabel('Title').fill(title);
      await newTask.getByLabel('Description').fill(`About ${title.toLowerCase()}.`);
      await newTask.getByRole('button', { name: 'Add task' }).click();
      await checkbox(title).waitFor();
    }
    const toggled = page.waitForResponse((r) => r.url().endsWith('/complete'));
    await checkbox('Read the paper').check();
    await toggled;
    await assertAccessible(page, 'the dashboard with tasks, one done');

    const item = (title) => page.getByRole('listitem').filter({ has: checkbox(title) });
    await item('Build the bombe').getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('listitem').getByLabel('Title').waitFor();
    await assertAccessible(page, 'the dashboard with an editor open');
    await button('Cancel').click();

    await item('Run the marathon').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').getByRole('button', { name: 'Undo' }).waitFor();
    await assertAccessible(page, 'the dashboard after a delete, offering Undo');
  });

  test('the profile, and its delete-account dialog', async () => {
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('heading', { name: 'Profile' }).waitFor();
    await assertAccessible(page, 'the profile');
    await button('Delete account').click();
    const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
    await dialog.waitFor();
    await assertAccessible(page, 'the delete-account dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });

  test('logged no errors', () => {
    assert.deepEqual(logs.errors, []);
    assert.deepEqual(logs.violations, []);
  });
});
