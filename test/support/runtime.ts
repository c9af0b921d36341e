import { settingsFromEnv, startRuntime, type Runtime } from '../../infra/local/runtime';

/**
 * Starts the embedded runtime on a free port with nothing on disk, as `PORT=0 DATA_DIR=memory
 * npm start` would. One per test file: handlers read their configuration from process.env.
 */
export async function startTestRuntime(env: Record<string, string> = {}): Promise<Runtime> {
  return startRuntime({
    // No throttling and no rate limit per address unless a test asks for it: suites fire requests in bursts.
    ...settingsFromEnv({ PORT: '0', DATA_DIR: 'memory', THROTTLE_RATE: '1000000', THROTTLE_BURST: '1000000', EDGE_RATE_LIMIT: '2000000000', ...env }),
    accessLog: false,
    sweepEverySeconds: 3600,
    aggregateEverySeconds: 3600,
  });
}

/** A valid JSON submission; override any field. */
export function validCase(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    partner: 'humanitas',
    kind: 'telex',
    title: 'Televisita per lo scompenso cardiaco',
    summary: 'Servizio di televisita e telemonitoraggio per pazienti con scompenso cardiaco cronico.',
    facility: { name: 'Humanitas Research Hospital', code: '030906' },
    contact: { name: 'Maria Rossi', email: `maria.rossi.${Math.random().toString(36).slice(2)}@example.org`, role: 'Project manager' },
    telexServices: ['televisita', 'telemonitoraggio'],
    clinicalAreas: ['cardiology'],
    careSettings: ['home'],
    technologies: ['platform', 'wearable-iot'],
    stage: 'active',
    patientsImpacted: 1200,
    funding: ['regional'],
    reimbursement: 'reimbursed',
    interoperability: ['fse', 'fhir'],
    startDate: '2024-03-01',
    language: 'it',
    consent: true,
    ...overrides,
  };
}

const keys = new WeakMap<Runtime, Map<string, Promise<string>>>();

/** An API key of `partner` on this runtime, made once through `POST /_local/partner-keys`. */
export function partnerKey(runtime: Runtime, partner = 'humanitas'): Promise<string> {
  let perRuntime = keys.get(runtime);
  if (!perRuntime) keys.set(runtime, (perRuntime = new Map()));
  let key = perRuntime.get(partner);
  if (!key) {
    key = fetch(`${runtime.url}/_local/partner-keys`, { method: 'POST', body: JSON.stringify({ partner }) }).then(async (response) => {
      if (response.status !== 201) throw new Error(`no key for ${partner}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { key: string }).key;
    });
    perRuntime.set(partner, key);
  }
  return key;
}

/** `POST /cases` as a partner's own system: JSON with the partner's key (the body's `partner`). */
export async function postCase(runtime: Runtime, body: Record<string, unknown>, init: { headers?: Record<string, string>; path?: string } = {}): Promise<Response> {
  const partner = typeof body.partner === 'string' ? body.partner : 'humanitas';
  return settled(
    runtime,
    fetch(`${runtime.url}${init.path ?? '/cases'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await partnerKey(runtime, partner)}`, ...init.headers },
      body: JSON.stringify(body),
      redirect: 'manual',
    }),
  );
}

/**
 * The answer of a request, once the table's stream has delivered what its writes left pending:
 * the mails and workflow starts of a commit follow the answer, as on AWS, and a test that reads
 * the mailbox right after a post waits for them here.
 */
export async function settled<T>(runtime: Runtime, answer: Promise<T>): Promise<T> {
  const response = await answer;
  await runtime.streamIdle();
  return response;
}

/**
 * A solved proof-of-work for the Hub's form of `partner`, as the widget would post it. Made with
 * the runtime's own signing key at a tiny cost, so that suites can send many form posts quickly;
 * the browser tests solve the real challenge the form hands out.
 */
export async function solvedChallenge(partner = 'humanitas', options: { now?: Date; key?: string } = {}): Promise<string> {
  const { createChallenge } = await import('../../shared/app/challenge');
  const { solveChallenge } = await import('altcha-lib');
  const { deriveKey } = await import('altcha-lib/algorithms/pbkdf2');
  const hmacKey = options.key ?? process.env.CHALLENGE_HMAC_KEY;
  if (!hmacKey) throw new Error('no CHALLENGE_HMAC_KEY: start the runtime first');
  const challenge = await createChallenge({ partnerId: partner, now: options.now ?? new Date(), hmacKey, maxNumber: 40, cost: 5 });
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('no solution found');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

/** The urlencoded body a browser sends for `fields` (dotted names for nesting, repeated keys for lists). */
export function formBody(fields: Record<string, unknown>): URLSearchParams {
  const body = new URLSearchParams();
  const add = (name: string, value: unknown) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) value.forEach((item) => add(name, item));
    else if (typeof value === 'object') for (const [key, inner] of Object.entries(value)) add(`${name}.${key}`, inner);
    else body.append(name, String(value));
  };
  for (const [name, value] of Object.entries(fields)) add(name, value);
  return body;
}

/** `POST /cases` as a person through the Hub's form: urlencoded, with a solved challenge and no key. */
export async function postForm(runtime: Runtime, fields: Record<string, unknown>, init: { headers?: Record<string, string>; challenge?: string | null } = {}): Promise<Response> {
  const partner = typeof fields.partner === 'string' ? fields.partner : 'humanitas';
  const challenge = init.challenge === undefined ? await solvedChallenge(partner) : init.challenge;
  const body = formBody({ ...fields, ...(challenge === null ? {} : { altcha: challenge }) });
  return settled(
    runtime,
    fetch(`${runtime.url}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(runtime.url).origin, ...init.headers },
      body,
      redirect: 'manual',
    }),
  );
}
