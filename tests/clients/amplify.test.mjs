// The app client suite: Amplify JS v6 against the local stack, as docs/app-developers.md tells apps to use
// it. Run by tests/clients/test_amplify_suite.py (inside `make test`), which starts the stack and writes
// its description to the file named by MBT_CLIENT_STACK:
//   {"outputs": <stack outputs>, "control_url": URL,
//    "consumer": {email, password, sub}, "provider": {email, password, sub}}   (users an operator grouped)
// By hand: `node --test` in this folder with MBT_CLIENT_STACK set.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';

import { fetchAuthSession } from 'aws-amplify/auth';

import {
  api,
  applyAsProvider,
  configureAuth,
  confirm,
  currentGroups,
  deleteAccount,
  downloadMedia,
  logIn,
  logOut,
  register,
  uploadMedia,
} from './app.mjs';

const stack = JSON.parse(readFileSync(process.env.MBT_CLIENT_STACK ?? assert.fail('set MBT_CLIENT_STACK'), 'utf8'));
const { outputs } = stack;
const base = outputs.api.primary;
const run = promisify(execFile);

// The stack's inspection and knob routes (ops/local/control.py): what a person would read in their mail.
async function control(path, body) {
  const response = await fetch(`${stack.control_url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  const text = await response.text();
  assert.equal(response.status, 200, `control ${path}: ${text}`);
  return JSON.parse(text);
}
const codeMailedTo = async (email) => (await control('/inspect/mail', { to: email })).messages[0]?.code;
const setTokenAge = (seconds) => control('/identity/token-age', { seconds });

// Another device or another user: its own app process (device.mjs); one answer per call.
async function onDevice(user, calls) {
  const script = fileURLToPath(new URL('./device.mjs', import.meta.url));
  const { stdout } = await run(process.execPath, [script, JSON.stringify({ outputs, ...user, calls })], {
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

// Poll `read` until `done(answer)` (something sent asynchronously); fail with the last answer after 20 s.
async function eventually(read, done, seconds = 20) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const answer = await read();
    if (done(answer)) return answer;
    assert.ok(Date.now() < deadline, `not within ${seconds} s: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const unique = () => `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
const idClaims = async () => (await fetchAuthSession()).tokens.idToken.payload;

configureAuth(outputs);

describe('a user who signs up in the app', () => {
  const email = `amplify-${unique()}@example.com`;
  const password = `Amplify-${unique()}-9a!`;
  let userId;

  after(() => logOut());

  test('signs up and gets the code by e-mail', async () => {
    const signedUp = await register(email, password);
    userId = signedUp.userId;
    assert.match(userId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(signedUp.delivery, {
      destination: `a***@e***`,
      deliveryMedium: 'EMAIL',
      attributeName: 'email',
    });
    assert.match(await codeMailedTo(email), /^\d{6}$/);
  });

  test('cannot sign in before confirming: the next step is the code', async () => {
    assert.equal(await logIn(email, password), 'CONFIRM_SIGN_UP');
  });

  test('a wrong code is refused, the mailed one confirms', async () => {
    const code = await codeMailedTo(email);
    const wrong = code === '000000' ? '000001' : '000000';
    await assert.rejects(confirm(email, wrong), { name: 'CodeMismatchException' });
    assert.equal(await confirm(email, code), true);
  });

  test('a wrong password is refused (SRP)', async () => {
    await assert.rejects(logIn(email, `${password}x`), {
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });

  test('signs in with SRP; the ID token carries what Cognito puts there', async () => {
    assert.equal(await logIn(email, password), 'DONE');
    const { tokens, userSub } = await fetchAuthSession();
    assert.equal(userSub, userId);
    const id = tokens.idToken.payload;
    assert.equal(id.email, email);
    assert.equal(id.email_verified, true);
    assert.equal(id.token_use, 'id');
    assert.equal(id.aud, outputs.auth.client_id);
    assert.equal(id.iss, outputs.auth.issuer);
    assert.equal(id['cognito:username'], userId);
    assert.deepEqual(id['cognito:groups'], ['consumers'], 'the onboarding trigger puts every new user in consumers');
    const access = tokens.accessToken.payload;
    assert.equal(access.token_use, 'access');
    assert.equal(access.client_id, outputs.auth.client_id);
    assert.equal(access.username, userId);
    assert.equal(access.scope, 'aws.cognito.signin.user.admin');
  });

  test('GET /me shows their own e-mail', async () => {
    const me = await api(base, 'GET', '/me');
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.equal(me.body.user_id, userId);
    assert.equal(me.body.email, email);
    assert.deepEqual(me.body.groups, ['consumers']);
    assert.equal(me.body.role, 'consumer');
  });

  test('PUT /me updates the profile', async () => {
    const updated = await api(base, 'PUT', '/me', { display_name: 'Ada' });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.display_name, 'Ada');
    assert.equal((await api(base, 'GET', '/me')).body.display_name, 'Ada');
  });

  test('a forced refresh gives new tokens of the same sign-in', async () => {
    const before = await idClaims();
    const { tokens } = await fetchAuthSession({ forceRefresh: true });
    const fresh = tokens.idToken.payload;
    assert.notEqual(fresh.jti, before.jti);
    assert.equal(fresh.auth_time, before.auth_time, 'a refresh is no new sign-in');
    assert.equal(fresh.origin_jti, before.origin_jti);
    assert.equal(fresh.email, email);
    assert.equal((await api(base, 'GET', '/me')).status, 200);
  });

  test('a self-signed-up user is a consumer: the onboarding trigger added the group', async () => {
    assert.deepEqual(await currentGroups(), ['consumers']);
    await onDevice(stack.provider, [['GET', '/me']]); // the provider's profile exists once they used the app
    const answer = await api(base, 'POST', `/providers/${stack.provider.sub}/subscribe`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
  });

  test('applies to become a provider: pending until an operator decides', async () => {
    const first = await applyAsProvider(base, 'Amplify Repairs', 'fixes things');
    assert.equal(first.status, 'pending');
    assert.deepEqual(await applyAsProvider(base, 'Amplify Repairs'), first);
    assert.deepEqual(await currentGroups({ refresh: true }), ['consumers'], 'no role change before approval');
  });

  test('sync from two devices: versions, a 409 with the current item, tombstones', async () => {
    const note = `notes/${unique()}`;
    const created = await api(base, 'PUT', `/sync/${note}`, { data: { text: 'from the phone' } });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.version, 1);

    const [tablet, stale, feed] = await onDevice({ email, password }, [
      ['PUT', `/sync/${note}`, { data: { text: 'from the tablet' }, version: 1 }],
      ['PUT', `/sync/${note}`, { data: { text: 'late' }, version: 1 }],
      ['GET', '/sync'],
    ]);
    assert.equal(tablet.status, 200, JSON.stringify(tablet.body));
    assert.equal(tablet.body.version, 2);
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error, 'version_conflict');
    assert.equal(typeof stale.body.message, 'string');
    assert.equal(stale.body.current.version, 2);
    assert.ok(feed.body.items.some((i) => `${i.collection}/${i.id}` === note));

    // The phone is behind: its write naming version 1 is the conflict; it merges and retries.
    const conflict = await api(base, 'PUT', `/sync/${note}`, { data: { text: 'phone edit' }, version: 1 });
    assert.equal(conflict.status, 409);
    assert.deepEqual(conflict.body.current.data, { text: 'from the tablet' });
    const merged = await api(base, 'PUT', `/sync/${note}`, {
      data: { text: 'phone edit + tablet' },
      version: conflict.body.current.version,
    });
    assert.equal(merged.status, 200);
    const removed = await api(base, 'DELETE', `/sync/${note}?version=${merged.body.version}`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.deleted, true);

    const [changes] = await onDevice({ email, password }, [['GET', '/sync']]);
    const last = changes.body.items.filter((i) => `${i.collection}/${i.id}` === note).at(-1);
    assert.equal(last.deleted, true, 'the tablet syncs the tombstone');
  });

  test('uploads media through the presigned POST and downloads it', async () => {
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, ...Array.from({ length: 60 }, (_, i) => i)]);
    const id = await uploadMedia(base, bytes, 'image/png');
    const file = await downloadMedia(base, id);
    assert.equal(file.contentType, 'image/png');
    assert.deepEqual(file.bytes, bytes);
  });

  test('registers and removes a device', async () => {
    const device = await api(base, 'POST', '/devices', { platform: 'fcm', token: `fcm-${unique()}` });
    assert.equal(device.status, 201, JSON.stringify(device.body));
    assert.equal(device.body.platform, 'fcm');
    assert.equal((await api(base, 'DELETE', `/devices/${device.body.id}`)).status, 204);
    const again = await api(base, 'DELETE', `/devices/${device.body.id}`);
    assert.equal(again.status, 404);
    assert.equal(again.body.error, 'not_found');
  });

  test('an expired token is a 401 with a reason; one refresh and a retry recover', async () => {
    try {
      await setTokenAge(3700); // tokens issued from now on are 3,700 s old: past their 60 minutes
      const { tokens } = await fetchAuthSession({ forceRefresh: true });
      const expired = await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${tokens.idToken}` } });
      assert.equal(expired.status, 401);
      assert.deepEqual(await expired.json(), { error: 'unauthorized', message: 'token expired' });
    } finally {
      await setTokenAge(0);
    }
    const me = await api(base, 'GET', '/me'); // 401, forced refresh, retry: what the guide's api() does
    assert.equal(me.status, 200);
    assert.equal(me.body.email, email);
  });

  test('401 without a token, and with the access token instead of the ID token', async () => {
    const none = await fetch(`${base}/me`);
    assert.equal(none.status, 401);
    assert.deepEqual(await none.json(), { error: 'unauthorized', message: 'missing Authorization header' });
    const { tokens } = await fetchAuthSession();
    const access = await fetch(`${base}/me`, { headers: { Authorization: `Bearer ${tokens.accessToken}` } });
    assert.equal(access.status, 401);
    assert.equal((await access.json()).error, 'id_token_required');
  });

  test('signs out: no tokens are left on the device', async () => {
    await logOut();
    const session = await fetchAuthSession();
    assert.equal(session.tokens, undefined);
    await assert.rejects(api(base, 'GET', '/me'), /not signed in/);
  });
});

describe('a consumer and a provider (grouped by an operator)', () => {
  const { consumer, provider } = stack;
  before(async () => assert.equal(await logIn(consumer.email, consumer.password), 'DONE'));
  after(() => logOut());

  test('their tokens carry cognito:groups', async () => {
    assert.deepEqual((await idClaims())['cognito:groups'], ['consumers']);
    const [me] = await onDevice(provider, [['GET', '/me']]);
    assert.equal(me.body.role, 'provider');
    assert.equal(me.body.email, provider.email);
  });

  test('the consumer subscribes, the provider notifies, the inbox and the device get it', async () => {
    const token = `fcm-${unique()}`;
    assert.equal((await api(base, 'POST', '/devices', { platform: 'fcm', token })).status, 201);
    const subscribed = await api(base, 'POST', `/providers/${provider.sub}/subscribe`);
    assert.equal(subscribed.status, 200, JSON.stringify(subscribed.body));
    assert.deepEqual(subscribed.body, { provider_id: provider.sub, subscribed: true });

    const title = `Sale ${unique()}`;
    const [sent, refused] = await onDevice(provider, [
      ['POST', '/notifications', { to: null, title, body: '50% off today' }],
      ['POST', `/providers/${provider.sub}/subscribe`],
    ]);
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    assert.ok(sent.body.recipients >= 1);
    assert.equal(refused.status, 403, 'a provider is no consumer');
    assert.deepEqual(refused.body, { error: 'forbidden', message: 'this route is for consumers' });

    // Sent asynchronously (queue -> worker): the inbox and the push arrive shortly.
    const inbox = await eventually(() => api(base, 'GET', '/notifications'), (r) =>
      r.body.items?.some((n) => n.title === title),
    );
    assert.equal(inbox.body.items.find((n) => n.title === title).provider_id, provider.sub);
    await eventually(() => control('/inspect/pushes', { token }), (p) => JSON.stringify(p).includes(title));
  });

  test('the consumer cannot notify: 403', async () => {
    const answer = await api(base, 'POST', '/notifications', { to: null, title: 't', body: 'b' });
    assert.equal(answer.status, 403);
    assert.deepEqual(answer.body, { error: 'forbidden', message: 'this route is for providers' });
  });
});

describe('a user who deletes their account', () => {
  const email = `leaving-${unique()}@example.com`;
  const password = `Amplify-${unique()}-9a!`;

  test('DELETE /me answers 202, signs out, and the account is gone soon after', async () => {
    await register(email, password);
    assert.equal(await confirm(email, await codeMailedTo(email)), true);
    assert.equal(await logIn(email, password), 'DONE');
    assert.equal((await api(base, 'PUT', `/sync/notes/${unique()}`, { data: { text: 'mine' } })).status, 200);
    await deleteAccount(base);
    assert.equal((await fetchAuthSession()).tokens, undefined);
    await eventually(
      // A sign-in that still succeeds (the eraser has not reached Cognito yet) is signed out again, or the next
      // attempt would only say UserAlreadyAuthenticatedException.
      () => logIn(email, password).then(
        async () => {
          await logOut();
          return 'still there';
        },
        (error) => error.name,
      ),
      // AWS hides that the user no longer exists (PreventUserExistenceErrors): NotAuthorizedException.
      (answer) => answer === 'NotAuthorizedException' || answer === 'UserNotFoundException',
    );
  });
});
