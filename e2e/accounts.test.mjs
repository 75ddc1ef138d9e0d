// Accounts people can recover and control, in a real headless Chromium against the
// `server` binary (see scripts/e2e.sh), with password-reset mail delivered to a real SMTP
// server (aiosmtpd) whose maildir is E2E_MAILDIR: the reset flow through the mail, an
// address in any case, one browser signing another out, the data export, and deleting
// the account. A second server without SMTP_URL (E2E_NO_MAIL_URL) shows the forgot page
// where reset by email is not set up.

import assert from 'node:assert/strict';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

import { baseUrl, eventually, launch, watchConsole } from './support.mjs';

const run = Date.now().toString(36);
const maildir = process.env.E2E_MAILDIR;
const screenshots = new URL('../target/e2e/', import.meta.url);

/** The messages delivered to `to`, with quoted-printable undone. */
async function mailTo(to) {
  const folder = join(maildir, 'new');
  const names = await readdir(folder).catch(() => []);
  const messages = await Promise.all(names.map((name) => readFile(join(folder, name), 'utf8')));
  return messages
    .map((raw) =>
      raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16))),
    )
    .filter((text) => text.includes(`To: `) && text.toLowerCase().includes(to.toLowerCase()));
}

function resetLink(message) {
  const match = message.match(/https?:\/\/[^\s"<>]+\/reset-password#token=[A-Za-z0-9_-]+/);
  assert.ok(match, `a reset link in:\n${message}`);
  return match[0];
}

describe('accounts', { skip: !maildir && 'E2E_MAILDIR is not set: run through scripts/e2e.sh' }, () => {
  let browser;
  let page;
  let logs;
  const button = (name) => page.getByRole('button', { name, exact: true });
  const devices = () => page.getByRole('region', { name: 'Signed-in devices' });

  async function signUp(user) {
    await page.goto('/signup');
    await page.getByLabel('Name').fill(user.name);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await button('Sign up').click();
    await page.getByRole('heading', { name: 'Your tasks' }).waitFor();
  }

  async function signIn(target, user) {
    await target.goto('/signin');
    await target.getByLabel('Email').fill(user.email);
    await target.getByLabel('Password').fill(user.password);
    await target.getByRole('button', { name: 'Sign in', exact: true }).click();
    await target.getByRole('heading', { name: 'Your tasks' }).waitFor();
  }

  before(async () => {
    await mkdir(screenshots, { recursive: true });
    browser = await launch();
    page = browser.page;
    logs = await watchConsole(page);
  });

  after(async () => {
    await browser?.close();
  });

  test('a forgotten password is reset through the emailed link', async () => {
    const user = { name: 'Mary Jackson', email: `mary-${run}@example.com`, password: 'wind tunnel one' };
    await signUp(user);
    await button('Sign out').click();
    await page.waitForURL('**/signin');

    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL('**/forgot-password');
    await page.getByLabel('Email').fill(user.email);
    await button('Send reset link').click();
    await page
      .getByRole('status')
      .filter({ hasText: "If an account exists for that email, we've sent a link. It expires in 30 minutes." })
      .waitFor();

    const [message] = await eventually(async () => {
      const found = await mailTo(user.email);
      return found.length > 0 && found;
    }, 'the reset email');
    assert.match(message, /Subject: Reset your Tasks password/);
    assert.match(message, /expires in 30 minutes/);
    assert.match(message, /If you didn't ask for this, you can ignore this email/);
    assert.doesNotMatch(message, /Mary Jackson/, 'reset mail carries no text the account holder chose');
    const link = resetLink(message);
    // scripts/e2e.sh sets APP_URL to the server's own address.
    assert.equal(new URL(link).origin, baseUrl);
    const token = new URL(link).hash.slice('#token='.length);

    await page.goto(link);
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/reset-password');
    assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
    assert.equal(new URL(page.url()).search, '');
    await page.getByLabel('New password').fill('wind tunnel two');
    await button('Set password').click();
    await page.getByRole('heading', { name: 'Your password is set.' }).waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL('**/signin');

    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    logs.expectRefusal('/api/auth/signin', 401);
    await button('Sign in').click();
    await page.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor();
    await page.getByLabel('Password').fill('wind tunnel two');
    await button('Sign in').click();
    await page.getByRole('heading', { name: 'Your tasks' }).waitFor();
    await button('Sign out').click();
    await page.waitForURL('**/signin');

    // The same link again: spent.
    await page.goto(link);
    await page.getByLabel('New password').fill('wind tunnel three');
    logs.expectRefusal('/api/auth/reset-password', 422);
    await button('Set password').click();
    await page.getByRole('alert').filter({ hasText: 'invalid, expired or already used' }).waitFor();
    await page.getByRole('link', { name: 'Send a new link' }).click();
    await page.waitForURL('**/forgot-password');

    // A link from older mail, with the token in the query: still read, then cleared.
    await page.goto(`/reset-password?token=${token}`);
    await page.getByLabel('New password').fill('wind tunnel four');
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
    logs.expectRefusal('/api/auth/reset-password', 422);
    await button('Set password').click();
    await page.getByRole('alert').filter({ hasText: 'invalid, expired or already used' }).waitFor();

    // The password change notice, to the account's address.
    await eventually(async () => {
      const found = await mailTo(user.email);
      return found.some((m) => /Subject: Your password was changed/.test(m));
    }, 'the password change notice');
  });

  test('an address in another case, non-ASCII letters too, is the same account', async () => {
    // İ lower-cases to two characters, and the last Σ to a final ς (the one before "." not).
    const typed = `ÅSA.İ.ΟΔΥΣΣΕΑΣ-${run}@Example.COM`;
    const user = { name: 'Åsa Lind', email: typed, password: 'one rule for case' };
    await signUp(user);
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('heading', { name: 'Profile' }).waitFor();
    // Stored as the server lower-cases it (Rust's std), which is JavaScript's lower case.
    assert.equal(await page.getByLabel('Email').inputValue(), typed.toLowerCase());
    // The web app lower-cases with the browser: typed as at signup, it is no change, so
    // no current password is asked for.
    await page.getByLabel('Email').fill(typed);
    await button('Save').click();
    await page.getByRole('status').filter({ hasText: 'Nothing to save: your profile is unchanged.' }).waitFor();
    await button('Sign out').click();
    await page.waitForURL('**/signin');
    await signIn(page, { ...user, email: typed.toUpperCase() });
    await button('Sign out').click();
    await page.waitForURL('**/signin');
  });

  test('one browser signs another out, and the other is kept out', async () => {
    const user = { name: 'Dorothy Vaughan', email: `dorothy-${run}@example.com`, password: 'fortran first' };
    await signUp(user);
    const other = await launch();
    try {
      await signIn(other.page, user);
      await page.goto('/profile');
      await devices().getByRole('listitem').nth(1).waitFor();
      assert.equal(await devices().getByRole('listitem').count(), 2);
      const mine = devices().getByRole('listitem').filter({ hasText: 'This device' });
      assert.equal(await mine.count(), 1);
      assert.match(await mine.innerText(), /Chrom(e|ium) on Linux/);
      assert.match(await mine.innerText(), /Active now/);
      await page.screenshot({ path: new URL('profile.png', screenshots).pathname, fullPage: true });
      await page.setViewportSize({ width: 360, height: 800 });
      await page.screenshot({ path: new URL('profile-phone.png', screenshots).pathname, fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });

      const theirs = devices().getByRole('listitem').filter({ hasNotText: 'This device' });
      await theirs.getByRole('button', { name: 'Sign out', exact: true }).click();
      await eventually(async () => (await devices().getByRole('listitem').count()) === 1, 'one device left');
      assert.equal(await devices().getByRole('button', { name: 'Sign out everywhere else' }).count(), 0);

      await other.page.goto('/profile');
      await other.page.waitForURL('**/signin');
      assert.equal(await page.getByRole('heading', { name: 'Profile' }).count(), 1, 'this one stays signed in');

      // And "everywhere else" ends every other session at once.
      await signIn(other.page, user);
      await page.reload();
      await devices().getByRole('button', { name: 'Sign out everywhere else' }).click();
      await eventually(async () => (await devices().getByRole('listitem').count()) === 1, 'one device left');
      await other.page.reload();
      await other.page.waitForURL('**/signin');
    } finally {
      await other.close();
    }
  });

  test('"Export my data" downloads the tasks as JSON', async () => {
    await page.goto('/');
    const form = page.getByRole('form', { name: 'New task' });
    await form.getByLabel('Title').fill(`Export me ${run}`);
    await form.getByRole('button', { name: 'Add task' }).click();
    await page.getByRole('checkbox', { name: `Export me ${run}` }).waitFor();
    await page.goto('/profile');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Export my data' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^tasks-export-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(await readFile(await download.path(), 'utf8'));
    assert.equal(exported.success, true);
    assert.equal(exported.data.user.email, `dorothy-${run}@example.com`);
    assert.deepEqual(exported.data.tasks.map((t) => t.title), [`Export me ${run}`]);
  });

  test('deleting the account asks for the password, then lands on sign-in', async () => {
    await page.goto('/profile');
    await button('Delete account').click();
    const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel('Password').evaluate((input) => input === document.activeElement), true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Delete account', 'focus returns');

    await button('Delete account').click();
    await dialog.getByLabel('Password').fill('not my password');
    logs.expectRefusal('/api/auth/account', 401);
    await dialog.getByRole('button', { name: 'Delete account' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor();
    await dialog.getByLabel('Password').fill('fortran first');
    await dialog.getByRole('button', { name: 'Delete account' }).click();
    await page.waitForURL('**/signin');
    await page.getByRole('status').filter({ hasText: 'Your account has been deleted.' }).waitFor();
    assert.deepEqual(await browser.context.cookies(), [], 'the cookies are cleared');

    await page.getByLabel('Email').fill(`dorothy-${run}@example.com`);
    await page.getByLabel('Password').fill('fortran first');
    logs.expectRefusal('/api/auth/signin', 401);
    await button('Sign in').click();
    await page.getByRole('alert').filter({ hasText: 'incorrect' }).waitFor();
  });

  test('the page logged no errors but the ones provoked on purpose', async () => {
    await eventually(() => logs.pending.length === 0, 'provoked errors to show', 2_000).catch(() => {});
    assert.deepEqual(logs.errors, []);
    assert.deepEqual(logs.pending.map((p) => p.label), []);
  });
});

const noMailUrl = process.env.E2E_NO_MAIL_URL;

describe('without SMTP_URL', { skip: !noMailUrl && 'E2E_NO_MAIL_URL is not set: run through scripts/e2e.sh' }, () => {
  test('the forgot page says that reset by email is not set up on this server', async () => {
    const browser = await launch();
    try {
      const { page } = browser;
      await page.goto(`${noMailUrl}/forgot-password`);
      await page.getByLabel('Email').fill(`nobody-${run}@example.com`);
      await page.getByRole('button', { name: 'Send reset link', exact: true }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: 'Password reset by email is not set up on this server.' })
        .waitFor();
      assert.equal(await page.getByRole('button', { name: 'Send reset link' }).count(), 0, 'the form is gone');
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.waitForURL('**/signin');
    } finally {
      await browser.close();
    }
  });
});
