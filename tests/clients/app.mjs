// The app's side of the backend, written as an app developer writes it with Amplify JS v6.
// docs/app-developers.md shows the regions marked `#region guide:NAME` verbatim (a pytest checks they are
// identical: tests/clients/test_guide_snippets.py), and amplify.test.mjs runs them against the local stack.

// #region guide:configure
import { Amplify } from 'aws-amplify';
import {
  confirmSignUp,
  fetchAuthSession,
  signIn,
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
