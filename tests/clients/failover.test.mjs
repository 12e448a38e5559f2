// The app during a failover, against the local stack's DR user pool replica (its own process: Amplify's
// configuration is global). Sign-in works there; sign-up and password reset are refused by Cognito with
// OperationNotEnabledException, which the app shows as "temporarily unavailable" (app.mjs, guide:failover).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

import { Amplify } from 'aws-amplify';

import { authErrorMessage, configureFederatedSignIn, forgotPassword, logIn, logOut, register } from './app.mjs';

const stack = JSON.parse(readFileSync(process.env.MBT_CLIENT_STACK ?? assert.fail('set MBT_CLIENT_STACK'), 'utf8'));
const { outputs } = stack;
const replica = stack.dr_auth ?? assert.fail('the stack description names no DR replica (dr_auth)');

// The DR region's pool as the app reaches it during a failover (AWS: the replica shares the pool's ids; the
// local stand-in has its own, see ops/local/README.md).
Amplify.configure({
  Auth: {
    Cognito: { userPoolId: replica.user_pool_id, userPoolClientId: replica.client_id, userPoolEndpoint: outputs.endpoint_url },
  },
});

const refusal = async (call) => {
  try {
    await call();
  } catch (error) {
    return error;
  }
  return assert.fail('Cognito accepted it');
};

describe('during a failover (the DR replica)', () => {
  test('an existing user signs in', async () => {
    assert.equal(await logIn(stack.consumer.email, stack.consumer.password), 'DONE');
    await logOut();
  });

  test('sign-up is refused and the app says it is temporarily unavailable', async () => {
    const error = await refusal(() => register(`dr-${Date.now()}@example.com`, `Amplify-${Date.now()}-9a!`));
    assert.equal(error.name, 'OperationNotEnabledException');
    assert.equal(authErrorMessage(error), 'This is temporarily unavailable. Please try again later.');
  });

  test('password reset is refused the same way', async () => {
    const error = await refusal(() => forgotPassword(stack.consumer.email));
    assert.equal(error.name, 'OperationNotEnabledException');
    assert.equal(authErrorMessage(error), 'This is temporarily unavailable. Please try again later.');
  });
});

describe('federated sign-in configuration', () => {
  test('the managed login domain and redirects reach Amplify as the code flow', () => {
    const cloud = { ...outputs, auth: { ...outputs.auth, hosted_login_domain: 'mbt-dev-1234.auth.us-east-1.amazoncognito.com' } };
    configureFederatedSignIn(cloud, { redirectSignIn: 'mbtapp://signin', redirectSignOut: 'mbtapp://signout' });
    const oauth = Amplify.getConfig().Auth.Cognito.loginWith.oauth;
    assert.equal(oauth.domain, 'mbt-dev-1234.auth.us-east-1.amazoncognito.com');
    assert.equal(oauth.responseType, 'code');
    assert.deepEqual(oauth.redirectSignIn, ['mbtapp://signin']);
  });
});
