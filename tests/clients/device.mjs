// Another device of a user: its own app process (Amplify keeps one signed-in user per app), signed in with
// SRP, making API calls through app.mjs. amplify.test.mjs runs it as a child process:
//   node device.mjs '{"outputs": {...}, "email": "...", "password": "...", "calls": [[METHOD, PATH, BODY?], ...]}'
// and reads one JSON line from stdout: [{status, body}, ...], one per call, in order.
import { api, configureAuth, logIn, logOut } from './app.mjs';

const { outputs, email, password, calls } = JSON.parse(process.argv[2]);
configureAuth(outputs);
const step = await logIn(email, password);
if (step !== 'DONE') throw new Error(`sign-in stopped at ${step}`);
const answers = [];
for (const [method, path, body] of calls) {
  answers.push(await api(outputs.api.primary, method, path, body));
}
await logOut();
process.stdout.write(`${JSON.stringify(answers)}\n`);
