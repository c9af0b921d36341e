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
    contact: { name: 'Maria Rossi', email: `maria.rossi+${Math.random().toString(36).slice(2)}@example.org`, role: 'Project manager' },
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
  return fetch(`${runtime.url}${init.path ?? '/cases'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await partnerKey(runtime, partner)}`, ...init.headers },
    body: JSON.stringify(body),
    redirect: 'manual',
  });
}
