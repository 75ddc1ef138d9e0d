// Changes made without the server, in a real headless Chromium against servers of these
// tests' own (e2e/server.mjs), which the tests stop and start: kept in the browser, shown
// at once as "Waiting to sync", sent once each when the server is back, and never shown
// to, or written into, another account.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { canStartServers, controlled, serverAndBrowser } from './server.mjs';
import { eventually } from './support.mjs';

const OFFLINE = "You're offline. Changes will sync when you're back.";
const WAITING = 'Waiting to sync';
const SIGN_IN_TO_SYNC = 'Your session has ended. Sign in again to sync your changes.';
const DISCARDED = 'Changes made offline by the account signed in before were discarded, and not added to this one.';
const password = 'offline first';
let accounts = 0;

const needsServers = { skip: !canStartServers && 'needs E2E_SERVER_BINARY (scripts/e2e.sh)' };
const button = (page, name) => page.getByRole('button', { name, exact: true });
const checkbox = (page, title) => page.getByRole('checkbox', { name: title, exact: true });
const item = (page, title) => page.getByRole('listitem').filter({ has: checkbox(page, title) });
const banner = (page) => page.getByRole('status').filter({ hasText: OFFLINE });

/** Rows of the server's database with `title`, trashed ones included. */
function rows(server, title) {
  const quoted = title.replaceAll("'", "''");
  const out = execFileSync('sqlite3', [server.database, `SELECT count(*) FROM tasks WHERE title = '${quoted}'`]);
  return Number(out.toString().trim());
}

/** `email`'s session cookies, from a sign-in of a client of its own (another device). */
async function otherDevice(server, email) {
  const signin = await fetch(`${server.url}/api/auth/signin`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(signin.status, 200, await signin.text());
  return signin.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** The tasks in `email`'s account, through the API. */
async function tasksOf(server, email) {
  const cookie = await otherDevice(server, email);
  const list = await fetch(`${server.url}/api/tasks?limit=100`, { headers: { cookie } });
  return (await list.json()).data;
}

async function titlesOf(server, email) {
  return (await tasksOf(server, email)).map((task) => task.title);
}

async function signUpInPage(page, name) {
  accounts += 1;
  const email = `${name.toLowerCase()}-${Date.now().toString(36)}-${accounts}@example.com`;
  await page.goto('/signup');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await button(page, 'Sign up').click();
  await page.getByText('No tasks yet').waitFor();
  return email;
}

async function signIn(page, email) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await button(page, 'Sign in').click();
}

async function addTask(page, title) {
  const form = page.getByRole('form', { name: 'New task' });
  await form.getByLabel('Title').fill(title);
  await button(form, 'Add task').click();
  await checkbox(page, title).waitFor();
}

async function rename(page, from, to) {
  await item(page, from).getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByRole('listitem').filter({ has: button(page, 'Save') });
  await editor.getByLabel('Title').fill(to);
  await button(editor, 'Save').click();
  await checkbox(page, to).waitFor();
}

/** Waits until nothing on the page waits to sync. */
async function synced(page) {
  await eventually(async () => (await page.getByText(WAITING).count()) === 0, 'every change to be sent', 20_000);
}

/** What the browser's IndexedDB holds for the app: the stores' entry counts and text. */
function stored(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('tasks');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = [...db.objectStoreNames];
          if (names.length === 0) return resolve({ entries: 0, text: '' });
          const tx = db.transaction(names, 'readonly');
          const all = names.map((name) => tx.objectStore(name).getAll());
          tx.oncomplete = () => {
            const values = all.flatMap((request) => request.result);
            resolve({ entries: values.length, text: values.join('\n') });
            db.close();
          };
        };
      }),
  );
}

describe('changes made offline', needsServers, () => {
  let server;
  let browser;
  let page;
  let pageErrors;

  beforeEach(async () => {
    ({ server, browser, page, pageErrors } = await serverAndBrowser());
  });

  afterEach(async () => {
    await browser?.close();
    await server?.close();
    assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
  });

  /**
   * Adds `title` with the server stopped, then brings the server back with a new signing
   * key, so that the replay meets a 401, and waits for the sign-in page to say why.
   */
  async function queueThenLoseTheSession(title) {
    await controlled(page);
    await server.stop();
    await addTask(page, title);
    server.rotateKey();
    await server.start();
    await page.getByRole('status').filter({ hasText: SIGN_IN_TO_SYNC }).waitFor({ timeout: 20_000 });
  }

  test('the app opens with the server stopped and shows the last list', async () => {
    await signUpInPage(page, 'Commuter');
    await addTask(page, 'Read on the train');
    await controlled(page);
    await server.stop();
    await page.reload();
    await checkbox(page, 'Read on the train').waitFor();
    await banner(page).waitFor();
    assert.equal(await page.getByText(WAITING).count(), 0);
  });

  test('a create and an edit made offline are shown at once and synced once each', async () => {
    await signUpInPage(page, 'Tunnel');
    await addTask(page, 'Buy milk');
    await controlled(page);
    await server.stop();

    await addTask(page, 'Call the plumber');
    await rename(page, 'Buy milk', 'Buy oat milk');
    await banner(page).waitFor();
    for (const title of ['Call the plumber', 'Buy oat milk']) {
      await item(page, title).getByText(WAITING).waitFor();
    }

    await server.start();
    await synced(page);
    await eventually(async () => !(await banner(page).isVisible()), 'the banner to go');
    assert.equal(rows(server, 'Call the plumber'), 1);
    assert.equal(rows(server, 'Buy oat milk'), 1);
    assert.equal(rows(server, 'Buy milk'), 0);
    await page.getByText('2 tasks').waitFor();
  });

  test('a create whose answer was lost after the server made it is sent again, and made once', async () => {
    await signUpInPage(page, 'Lossy');
    const keys = [];
    let dropped = false;
    await page.route('**/api/tasks', async (route) => {
      const request = route.request();
      if (request.method() !== 'POST') return route.continue();
      keys.push(request.headers()['idempotency-key']);
      if (dropped) return route.continue();
      dropped = true;
      // The server handles it; the answer never reaches the page.
      const answer = await route.fetch();
      assert.equal(answer.status(), 201);
      await route.abort('connectionreset');
    });
    // Not `addTask`: until the replay answers, a read woken by the server's event may
    // list the server's copy next to the one made offline, so the title is briefly
    // there twice.
    const form = page.getByRole('form', { name: 'New task' });
    await form.getByLabel('Title').fill('Made once');
    await button(form, 'Add task').click();
    await synced(page);
    await eventually(() => keys.length === 2, 'the create to be sent again');
    await eventually(async () => (await checkbox(page, 'Made once').count()) === 1, 'one task listed');
    assert.equal(keys[0], keys[1], 'with the same Idempotency-Key');
    assert.ok(keys[0]);
    assert.equal(rows(server, 'Made once'), 1);
    await page.getByText('1 task', { exact: true }).waitFor();
  });

  test('the queue survives a reload, and is sent when the server is back', async () => {
    await signUpInPage(page, 'Reloader');
    await controlled(page);
    await server.stop();
    await addTask(page, 'Kept across a reload');
    await addTask(page, 'And a second one');
    await page.reload();
    for (const title of ['Kept across a reload', 'And a second one']) {
      await item(page, title).getByText(WAITING).waitFor();
    }
    await server.start();
    await synced(page);
    assert.equal(rows(server, 'Kept across a reload'), 1);
    assert.equal(rows(server, 'And a second one'), 1);
    // In the order they were made: the later one is listed first.
    const listed = await page.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => b.labels[0].textContent));
    assert.deepEqual(listed, ['And a second one', 'Kept across a reload']);
  });

  test('a toggle and a delete made offline are sent, and the delete’s Undo works offline', async () => {
    await signUpInPage(page, 'Toggler');
    await addTask(page, 'Water the plants');
    await addTask(page, 'Throw away');
    await addTask(page, 'Keep after all');
    await controlled(page);
    await server.stop();
    await checkbox(page, 'Water the plants').check();
    await item(page, 'Throw away').getByRole('button', { name: 'Delete' }).click();
    await item(page, 'Keep after all').getByRole('button', { name: 'Delete' }).click();
    await button(page, 'Undo').click();
    await checkbox(page, 'Keep after all').waitFor();
    assert.equal(await checkbox(page, 'Throw away').count(), 0);
    await server.start();
    await synced(page);
    const done = execFileSync('sqlite3', [
      server.database,
      "SELECT completed, deleted_at IS NOT NULL FROM tasks WHERE title IN ('Water the plants', 'Throw away', 'Keep after all') ORDER BY id",
    ]);
    assert.deepEqual(done.toString().trim().split('\n'), ['1|0', '0|1', '0|0']);
  });

  test('an edit made offline on a version another device changed meanwhile opens the conflict dialog', async () => {
    const email = await signUpInPage(page, 'Contested');
    await addTask(page, 'Plan the trip');
    await controlled(page);
    await server.stop();
    await rename(page, 'Plan the trip', 'Plan the trip to Oslo');
    // This device's edit is held on its way until another device has renamed the task,
    // which makes the version it was made on stale.
    let release;
    const held = new Promise((resolve) => (release = resolve));
    await page.route('**/api/tasks/*', async (route) => {
      if (route.request().method() === 'PUT') await held;
      await route.continue();
    });
    await server.start();
    const [task] = await tasksOf(server, email);
    const cookie = await otherDevice(server, email);
    const theirs = await fetch(`${server.url}/api/tasks/${task.id}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', cookie, 'If-Match': `"${task.version}"`, Origin: server.url },
      body: JSON.stringify({ title: 'Plan the trip to Bergen' }),
    });
    assert.equal(theirs.status, 200, await theirs.text());
    release();
    const dialog = page.getByRole('dialog', { name: 'This task was changed on another device.' });
    await dialog.waitFor({ timeout: 20_000 });
    assert.equal(rows(server, 'Plan the trip to Oslo'), 0, 'nothing of theirs was overwritten');
    await button(dialog, 'Keep mine').click();
    await checkbox(page, 'Plan the trip to Oslo').waitFor();
    await eventually(() => rows(server, 'Plan the trip to Oslo') === 1, 'mine to be saved over theirs');
  });

  test('a replay that meets a 401 keeps the queue, and sends it once the same account signs in', async () => {
    const email = await signUpInPage(page, 'Rotated');
    await queueThenLoseTheSession('Made before the key changed');
    assert.equal(rows(server, 'Made before the key changed'), 0);
    await signIn(page, email);
    await checkbox(page, 'Made before the key changed').waitFor();
    await synced(page);
    assert.equal(rows(server, 'Made before the key changed'), 1);
  });

  test('a queue met by another account is discarded with a notice, and never written into it', async () => {
    const first = await signUpInPage(page, 'Owner');
    await queueThenLoseTheSession('Private to the owner');

    // Someone else signs up on the same browser.
    await signUpInPage(page, 'Stranger');
    await page.getByRole('status').filter({ hasText: DISCARDED }).waitFor();
    assert.equal(await checkbox(page, 'Private to the owner').count(), 0);
    assert.equal(rows(server, 'Private to the owner'), 0);
    assert.deepEqual(await titlesOf(server, first), []);
    assert.ok(!(await stored(page)).text.includes('Private to the owner'));
  });

  test('a second person on a shared browser sees nothing of the first, online or offline', async () => {
    await signUpInPage(page, 'First');
    await addTask(page, 'First person’s secret');
    await controlled(page);
    assert.ok((await stored(page)).text.includes('First person’s secret'), 'the copy is kept while signed in');
    await button(page, 'Sign out').click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await eventually(async () => (await stored(page)).entries === 0, 'the copy to be cleared');

    await signUpInPage(page, 'Second');
    await addTask(page, 'Second person’s task');
    await server.stop();
    await page.reload();
    await checkbox(page, 'Second person’s task').waitFor();
    assert.equal(await checkbox(page, 'First person’s secret').count(), 0);
    assert.ok(!(await stored(page)).text.includes('First person’s secret'));
  });
});
