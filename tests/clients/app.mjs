// The app's side of the backend, written as an app developer writes it with Amplify JS v6.
// docs/app-developers.md shows the regions marked `#region guide:NAME` verbatim (a pytest checks they are
// identical: tests/clients/test_guide_snippets.py), and amplify.test.mjs runs them against the local stack.

// #region guide:configure
import { Amplify } from 'aws-amplify';
import {
  confirmSignUp,
  fetchAuthSession,
  resetPassword,
  signIn,
  signInWithRedirect,
  signOut,
  signUp,
} from 'aws-amplify/auth';

// `outputs` is the stack-outputs document (`make outputs ENV=dev`; locally `ops stack outputs --env local`).
export function configureAuth(outputs) {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: outputs.auth.user_pool_id,
        userPoolClientId: outputs.auth.client_id,
        // Only for the local stack: its Cognito emulator. Leave it out in AWS.
        ...(outputs.endpoint_url ? { userPoolEndpoint: outputs.endpoint_url } : {}),
      },
    },
  });
}
// #endregion guide:configure

// #region guide:sign-up
// Sign-up: the e-mail address is the username. Cognito e-mails a 6-digit code.
export async function register(email, password) {
  const { nextStep, userId } = await signUp({
    username: email,
    password,
    options: { userAttributes: { email } },
  });
  return { userId, delivery: nextStep.codeDeliveryDetails }; // {destination: 'a***@e***', deliveryMedium: 'EMAIL'}
}

// The code the user typed from the e-mail. A wrong code throws CodeMismatchException.
export async function confirm(email, code) {
  const { isSignUpComplete } = await confirmSignUp({ username: email, confirmationCode: code });
  return isSignUpComplete;
}
// #endregion guide:sign-up

// #region guide:sign-in
// Sign-in with SRP (the password never leaves the device). A wrong password throws NotAuthorizedException.
// 'DONE' when signed in; otherwise the step the app shows next: 'CONFIRM_SIGN_UP' (the user has not typed
// the e-mailed code yet) or, in prod, 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' (MFA: confirmSignIn with the code).
export async function logIn(email, password) {
  const { nextStep } = await signIn({ username: email, password });
  return nextStep.signInStep;
}

export async function logOut() {
  await signOut(); // revokes the refresh token and forgets the tokens on this device
}
// #endregion guide:sign-in

// #region guide:call-api
// Every route but GET /health takes the ID token. Amplify refreshes an expiring token by itself; a 401
// (token expired or revoked meanwhile) is answered once by a forced refresh and a retry.
export async function api(baseUrl, method, path, body) {
  const send = async (forceRefresh) => {
    const { tokens } = await fetchAuthSession({ forceRefresh });
    if (!tokens?.idToken) throw new Error('not signed in');
    return fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${tokens.idToken.toString()}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  let response = await send(false);
  if (response.status === 401) response = await send(true);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
// #endregion guide:call-api

// #region guide:media
// Upload: ask the API for a presigned POST, then send the file straight to S3 as a multipart form with
// every field first and the file last. Download: GET /media/{id} answers a short-lived URL.
export async function uploadMedia(baseUrl, bytes, contentType) {
  const grant = await api(baseUrl, 'POST', '/media/uploads', { content_type: contentType, size: bytes.length });
  if (grant.status !== 201) throw new Error(`upload refused: ${grant.status} ${grant.body.message}`);
  const form = new FormData();
  for (const [name, value] of Object.entries(grant.body.upload.fields)) form.append(name, value);
  form.append('file', new Blob([bytes], { type: contentType }));
  const posted = await fetch(grant.body.upload.url, { method: 'POST', body: form });
  if (!posted.ok) throw new Error(`S3 refused the upload: ${posted.status} ${await posted.text()}`);
  return grant.body.id;
}

export async function downloadMedia(baseUrl, id) {
  const link = await api(baseUrl, 'GET', `/media/${id}`);
  if (link.status === 202) return { restoring: true, retryAfter: link.body.retry_after }; // archived: ask again later
  if (link.status !== 200) throw new Error(`no download: ${link.status} ${link.body.message}`);
  const file = await fetch(link.body.url);
  return { bytes: new Uint8Array(await file.arrayBuffer()), contentType: file.headers.get('content-type') };
}
// #endregion guide:media

// #region guide:federated
// Sign in with Apple, Google, ... (the env's `identity.providers`): Cognito's managed login pages, the
// authorization code flow with PKCE (Amplify adds the code challenge itself), back to the app's URL scheme.
// `outputs.auth.hosted_login_domain` and `outputs.auth.identity_providers` come from the stack outputs; the
// redirect URLs must be among the env's `identity.hosted_login.callback_urls` / `logout_urls`.
export function configureFederatedSignIn(outputs, { redirectSignIn, redirectSignOut }) {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: outputs.auth.user_pool_id,
        userPoolClientId: outputs.auth.client_id,
        loginWith: {
          oauth: {
            domain: outputs.auth.hosted_login_domain,
            scopes: ['openid', 'email', 'profile'],
            redirectSignIn: [redirectSignIn], // e.g. 'myapp://signin'
            redirectSignOut: [redirectSignOut], // e.g. 'myapp://signout'
            responseType: 'code',
          },
        },
      },
    },
  });
}

// provider: 'Apple', 'Google', 'Facebook', 'Amazon' (Amplify's names for the social kinds), or
// { custom: 'AcmeSSO' } for an env's OIDC or SAML provider.
export async function signInWith(provider) {
  await signInWithRedirect({ provider });
}
// #endregion guide:federated

// #region guide:account
// Becoming a provider is a request an operator approves: 202 pending (200: already pending). Once approved,
// the next token carries `providers`: refresh, then read the groups again.
export async function applyAsProvider(baseUrl, businessName, about) {
  const answer = await api(baseUrl, 'POST', '/me/provider-application', { business_name: businessName, about });
  if (answer.status !== 200 && answer.status !== 202) throw new Error(`${answer.status} ${answer.body.message}`);
  return answer.body; // {status: 'pending', business_name, requested_at, ...}
}

export async function currentGroups({ refresh = false } = {}) {
  const { tokens } = await fetchAuthSession({ forceRefresh: refresh });
  return tokens?.idToken?.payload['cognito:groups'] ?? [];
}

// Account deletion (Settings > Delete account): 202, erased in the background in both regions; sign out here.
export async function deleteAccount(baseUrl) {
  const answer = await api(baseUrl, 'DELETE', '/me');
  if (answer.status !== 202) throw new Error(`${answer.status} ${answer.body.message}`);
  await signOut();
}
// #endregion guide:account

// #region guide:failover
// During a failover the DR region's user pool replica signs users in and refreshes their tokens, but refuses
// what only the primary region can do: sign-up, confirmation, password reset and TOTP set-up
// (OperationNotEnabledException); a region that is down answers 5xx. Show a message the user can act on.
const UNAVAILABLE = new Set(['OperationNotEnabledException', 'ServiceUnavailable', 'ServiceUnavailableException']);

export function authErrorMessage(error) {
  if (UNAVAILABLE.has(error?.name)) return 'This is temporarily unavailable. Please try again later.';
  if (error?.name === 'NotAuthorizedException') return 'Incorrect e-mail or password.';
  if (error?.name === 'CodeMismatchException') return 'That code is not right. Check the e-mail and try again.';
  return error?.message ?? 'Something went wrong. Please try again.';
}

export async function forgotPassword(email) {
  const { nextStep } = await resetPassword({ username: email });
  return nextStep.resetPasswordStep; // 'CONFIRM_RESET_PASSWORD_WITH_CODE': a code was e-mailed
}
// #endregion guide:failover
