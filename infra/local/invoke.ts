// `npm run invoke -- <function> <event-file>`: runs one function on a sample event against the
// embedded emulators and prints what it returned and the mails it sent. Always on empty in-memory
// tables: it never reads or writes DATA_DIR (a running `npm start` may hold it), and so never
// resumes the workflows of the cases kept there.
import { readFileSync } from 'node:fs';
import { FUNCTIONS, type FunctionName } from '../routes';
import { FUNCTION_MODULES } from './functions';
import { localContext } from './http-adapter';
import { settingsFromEnv, startRuntime, type Runtime } from './runtime';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
process.env.LOG_LEVEL ??= 'WARN';

const [fn, eventFile] = process.argv.slice(2);
const names = Object.keys(FUNCTIONS);
if (!fn || !eventFile || !names.includes(fn)) {
  console.error(`usage: npm run invoke -- <function> <event-file>\nfunctions: ${names.join(', ')}\nexample: npm run invoke -- submit-case events/submit-case.json`);
  process.exit(2);
}

let event: unknown;
try {
  event = JSON.parse(readFileSync(eventFile, 'utf8'));
} catch (error) {
  console.error(`cannot read ${eventFile}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}

let runtime: Runtime;
try {
  const settings = settingsFromEnv({ ...process.env, PORT: '0', DATA_DIR: 'memory' });
  runtime = await startRuntime({ ...settings, accessLog: false, sweepEverySeconds: 3600, aggregateEverySeconds: 3600 });
} catch (error) {
  console.error(`npm run invoke could not start the emulators: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

/**
 * A sample event stands for a partner's key with `{{partner-key}}` (a real key is a secret no
 * file holds): it becomes a fresh key of the partner the event's body names, in these tables.
 */
async function withPartnerKey(sample: unknown): Promise<unknown> {
  const text = JSON.stringify(sample);
  if (!text.includes('{{partner-key}}')) return sample;
  const body = (sample as { body?: string }).body ?? '';
  const partner = /"partner"\s*:\s*"([\w-]+)"/.exec(body)?.[1] ?? /(?:^|&)partner=([\w-]+)/.exec(body)?.[1] ?? 'humanitas';
  const minted = await fetch(`${runtime.url}/_local/partner-keys`, { method: 'POST', body: JSON.stringify({ partner }) });
  if (minted.status !== 201) throw new Error(`could not make a key of ${partner} for the sample: ${minted.status} ${await minted.text()}`);
  const { key } = (await minted.json()) as { key: string };
  console.warn(`{{partner-key}} in ${eventFile}: a fresh key of ${partner} for this run`);
  return JSON.parse(text.replaceAll('{{partner-key}}', key));
}

try {
  event = await withPartnerKey(event);
  const before = runtime.mails().length;
  const module = await FUNCTION_MODULES[fn as FunctionName]();
  const result = await module.handler(event as never, localContext(fn) as never);
  console.log(JSON.stringify(result, null, 2));
  // What the invocation's writes left pending (a submission's receipt, say) runs from the stream.
  await runtime.streamIdle();
  const sent = runtime.mails().slice(0, runtime.mails().length - before);
  for (const mail of sent) console.log(`\nmail to ${mail.to.join(', ')}: ${mail.subject}\n${mail.text}`);
} catch (error) {
  console.error(`${fn} failed:`, error);
  process.exitCode = 1;
} finally {
  await runtime.close();
  // A review the invocation started waits for its window in the workflow emulator: it must not
  // hold the command open once everything is printed.
  process.stdout.write('', () => process.exit());
}
