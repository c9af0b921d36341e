import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLE, type Runtime } from '../../infra/local/runtime';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createPartnerKeyStore } from '../../shared/adapters/dynamodb/partner-key-store';
import { partnerKey, settled, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.close();
});

/** A post with humanitas's key unless the headers say otherwise. */
const post = async (body: string, headers: Record<string, string> = {}) =>
  settled(
    runtime,
    fetch(`${runtime.url}/cases`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await partnerKey(runtime)}`, ...headers },
      redirect: 'manual',
    }),
  );

const postJson = (value: unknown, headers: Record<string, string> = {}) => post(JSON.stringify(value), headers);

async function statusOf(statusUrl: string) {
  const response = await fetch(statusUrl, { headers: { accept: 'application/json' } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const mailsTo = (address: string) => runtime.mails().filter((mail) => mail.to.includes(address));

describe('POST /cases with JSON', () => {
  it('stores a valid case and answers 201 with its id, reference, status and status link', async () => {
    const input = validCase();
    const response = await postJson(input);
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; reference: string; status: string; statusUrl: string };
    expect(body).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      reference: expect.stringMatching(/^HUB-\d{4}-[0-9A-Z]{6}$/),
      status: 'submitted',
      statusUrl: expect.stringContaining(`${runtime.url}/cases/`),
    });
    expect(response.headers.get('location')).toBe(`/cases/${body.id}`);
    const stored = await statusOf(body.statusUrl);
    expect(stored.status).toBe(200);
    // The review workflow starts right away, so the case may already be in review.
    expect(stored.body).toMatchObject({ id: body.id, reference: body.reference, status: expect.stringMatching(/^(submitted|in_review)$/), kind: 'telex', title: input.title });
    expect((stored.body.history as unknown[])[0]).toEqual(expect.objectContaining({ type: 'submitted', to: 'submitted', actor: 'submitter' }));
  });

  it('records the last use of the key that sent a case, which `npm run partner-key -- list` shows', async () => {
    const key = await partnerKey(runtime, 'kos');
    const keyId = key.split('_')[2] ?? '';
    const doc = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
    const keys = createPartnerKeyStore(doc, LOCAL_TABLE);
    try {
      expect((await keys.get('kos', keyId))?.lastUsedAt).toBeUndefined();
      const before = new Date(Date.now() - 1000).toISOString();
      expect((await postJson(validCase({ partner: 'kos' }), { authorization: `Bearer ${key}` })).status).toBe(201);
      const used = (await keys.get('kos', keyId))?.lastUsedAt ?? '';
      expect(used >= before && used <= new Date().toISOString(), used).toBe(true);
    } finally {
      doc.destroy();
    }
  });

  it('sends the submitter a receipt in their language, in text and HTML, with the status link', async () => {
    const input = validCase({ language: 'en' });
    const body = (await (await postJson(input)).json()) as { reference: string; statusUrl: string };
    const [mail] = mailsTo((input.contact as { email: string }).email);
    expect(mail?.subject).toBe(`We have received your case ${body.reference}`);
    expect(mail?.text).toContain(body.statusUrl);
    expect(mail?.html).toContain(body.statusUrl.replace(/&/g, '&amp;'));
    expect(mail?.html).toContain('<h1');
  });

  it('writes the receipt in Italian by default', async () => {
    const input = validCase({ language: undefined });
    const body = (await (await postJson(input)).json()) as { reference: string };
    expect(mailsTo((input.contact as { email: string }).email)[0]?.subject).toBe(`Abbiamo ricevuto il vostro caso ${body.reference}`);
  });

  it('gives a case sent without language the language of the request: ?lang=, else Accept-Language', async () => {
    const byHeader = validCase({ language: undefined });
    const first = (await (await postJson(byHeader, { 'accept-language': 'en-GB,en;q=0.9' })).json()) as { reference: string; statusUrl: string };
    expect(mailsTo((byHeader.contact as { email: string }).email)[0]?.subject).toBe(`We have received your case ${first.reference}`);
    const byQuery = validCase({ language: undefined });
    const second = await settled(
      runtime,
      fetch(`${runtime.url}/cases?lang=en`, {
        method: 'POST',
        body: JSON.stringify(byQuery),
        headers: { 'content-type': 'application/json', 'accept-language': 'it', authorization: `Bearer ${await partnerKey(runtime)}` },
      }),
    );
    const { reference } = (await second.json()) as { reference: string };
    expect(mailsTo((byQuery.contact as { email: string }).email)[0]?.subject).toBe(`We have received your case ${reference}`);
    // A language the case states wins over the request's.
    const stated = validCase({ language: 'it' });
    const third = (await (await postJson(stated, { 'accept-language': 'en' })).json()) as { reference: string };
    expect(mailsTo((stated.contact as { email: string }).email)[0]?.subject).toBe(`Abbiamo ricevuto il vostro caso ${third.reference}`);
  });

  it('answers a bad submission with problem+json in the caller’s language and stores nothing', async () => {
    const bad = validCase({ title: 'x', kind: 'robot' });
    const response = await postJson(bad, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('content-language')).toBe('en');
    const problem = (await response.json()) as { type: string; title: string; status: number; detail: string; errors: { path: string; message: string }[] };
    expect(problem).toMatchObject({ title: 'Invalid submission', status: 422, detail: 'The request has 2 errors.' });
    expect(problem.errors.map((e) => e.path).sort()).toEqual(['kind', 'title']);
    const italian = (await (await postJson({ ...validCase(), title: 'x' }, { 'accept-language': 'it' })).json()) as { title: string; errors: { message: string }[] };
    expect(italian.title).toBe('Dati non validi');
    expect(italian.errors[0]?.message).toBe('Titolo: deve contenere almeno 3 caratteri');
    // Nothing was stored, so no receipt went out (the fuzz test checks for writes directly).
    expect(mailsTo((bad.contact as { email: string }).email)).toEqual([]);
  });

  it('answers 400 to a body that is not JSON or not an object', async () => {
    for (const body of ['{"partner":', '[1,2]', '"text"', 'null']) {
      const response = await post(body, { 'accept-language': 'en' });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { type: string }).type).toBe('urn:hub-intake:problem:malformed-body');
    }
  });

  it('answers 415 to a text/plain body and to multipart, naming what it accepts', async () => {
    for (const type of ['text/plain', 'multipart/form-data; boundary=x', '']) {
      const response = await post(JSON.stringify(validCase()), { 'content-type': type });
      expect(response.status).toBe(415);
      expect(response.headers.get('accept-post')).toContain('application/json');
    }
  });

  it('answers 413 to a body over 64 KB', async () => {
    const response = await postJson({ ...validCase(), summary: 'x'.repeat(70 * 1024) }, { 'accept-language': 'en' });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { detail: string }).detail).toBe('The request body exceeds the 64 KB limit.');
  });

  it('answers 403 to an unknown partner and to an Origin not on the partner’s list', async () => {
    expect((await postJson(validCase({ partner: 'acme' }))).status).toBe(403);
    const foreign = await postJson(validCase(), { origin: 'https://evil.example', 'accept-language': 'en' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { detail: string }).detail).toBe('Requests from https://evil.example are not allowed for this partner.');
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets a partner page call the API across origins (CORS preflight and response)', async () => {
    const origin = 'https://www.humanitas.it';
    const preflight = await fetch(`${runtime.url}/cases`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,idempotency-key' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Idempotency-Key');
    const response = await postJson(validCase(), { origin });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(origin);
    const denied = await fetch(`${runtime.url}/cases`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('Idempotency-Key', () => {
  it('answers the same 201 to the same key and body, storing one case and sending one receipt', async () => {
    const input = validCase();
    const key = `idem-${crypto.randomUUID()}`;
    const first = await postJson(input, { 'idempotency-key': key });
    const second = await postJson(input, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await second.json()).toEqual(await first.json());
    expect(mailsTo((input.contact as { email: string }).email)).toHaveLength(1);
  });

  it('gives one case, one receipt and one review workflow for 50 concurrent identical requests with one key', async () => {
    const input = validCase();
    const key = `idem-${crypto.randomUUID()}`;
    const responses = await Promise.all(Array.from({ length: 50 }, () => postJson(input, { 'idempotency-key': key })));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
    const bodies = await Promise.all(responses.map(async (r) => (await r.json()) as { id: string; reference: string }));
    expect(new Set(bodies.map((b) => b.id)).size).toBe(1);
    expect(mailsTo((input.contact as { email: string }).email)).toHaveLength(1);
    // One execution means one review request: each reviewer gets exactly one mail for this case.
    const reference = bodies[0]!.reference;
    await waitFor('both review mails', () => runtime.mails().filter((m) => m.subject.includes(reference) && m.subject.includes('revisionare')).length >= 2);
    // Whatever was left to retry runs now: a second start would find the case's execution name taken.
    await runtime.runScheduled('sweep-outbox');
    const reviewMails = runtime.mails().filter((m) => m.subject.includes(reference) && m.subject.includes('revisionare'));
    expect(reviewMails.map((m) => m.to[0]).sort()).toEqual(['revisore1@hub.example.org', 'revisore2@hub.example.org']);
  });

  it('answers 422 when the key comes back with another body', async () => {
    const key = `idem-${crypto.randomUUID()}`;
    const input = validCase();
    expect((await postJson(input, { 'idempotency-key': key })).status).toBe(201);
    const reused = await postJson({ ...input, title: 'A different title' }, { 'idempotency-key': key, 'accept-language': 'en' });
    expect(reused.status).toBe(422);
    expect(((await reused.json()) as { type: string }).type).toBe('urn:hub-intake:problem:idempotency-key-reused');
  });

  it('answers 400 to a key that is too short', async () => {
    expect((await postJson(validCase(), { 'idempotency-key': 'abc' })).status).toBe(400);
  });
});

describe('POST /cases as a plain form post', () => {
  const formBody = (input: Record<string, unknown>) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(input)) {
      if (Array.isArray(value)) value.forEach((item) => params.append(key, String(item)));
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) params.append(`${key}.${k}`, String(v));
      else if (value !== undefined) params.append(key, String(value));
    }
    return params.toString();
  };

  it('stores the case and answers 303 to the thank-you page', async () => {
    const input = validCase();
    const response = await post(formBody(input), { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(location).toMatch(/\/cases\/[0-9A-Z]{26}\?token=.+&lang=it&thanks=1$/);
    const page = await fetch(location, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Grazie, caso ricevuto');
    expect(html).toContain(input.title as string);
    expect(page.headers.get('content-security-policy')).toContain('frame-ancestors');
  });

  it('gives the form back with the errors and the values typed when a browser posts bad data', async () => {
    const { clinicalAreas: _none, ...input } = validCase({ title: 'Titolo <b>grassetto</b>' });
    const response = await post(formBody(input), { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('Il modulo contiene errori');
    expect(html).toContain('Aree cliniche: campo obbligatorio');
    expect(html).toContain('value="Titolo &lt;b&gt;grassetto&lt;/b&gt;"');
  });

  it('looks accepted to a bot that fills the honeypot, and stores nothing', async () => {
    const input = validCase();
    const response = await post(formBody({ ...input, website: 'http://spam.example' }), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect((await fetch(location)).status).toBe(404);
    expect(mailsTo((input.contact as { email: string }).email)).toHaveLength(0);
  });
});

describe('GET /cases/{id}', () => {
  it('shows nothing without the right token: the same 404 as for a case that does not exist', async () => {
    const { id, statusUrl } = (await (await postJson(validCase())).json()) as { id: string; statusUrl: string };
    const answers = await Promise.all(
      [`/cases/${id}`, `/cases/${id}?token=wrong`, `/cases/01ZZZZZZZZZZZZZZZZZZZZZZZZ?token=x`, '/cases/not-an-id?token=x'].map((path) =>
        fetch(`${runtime.url}${path}`, { headers: { accept: 'application/json' } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([404, 404, 404, 404]);
    const bodies = await Promise.all(answers.map((a) => a.json()));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect((await fetch(statusUrl)).status).toBe(200);
  });

  it('serves the status page in HTML to a browser, without leaking the link through the referrer', async () => {
    const input = validCase({ language: 'en' });
    const { statusUrl, reference } = (await (await postJson(input)).json()) as { statusUrl: string; reference: string };
    const page = await fetch(statusUrl, { headers: { accept: 'text/html' } });
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain(`Case ${reference}`);
    expect(html).toContain('Submitted');
  });
});

describe('partner assets', () => {
  it('serves the form to a configured partner with frame-ancestors set to its origins', async () => {
    const response = await fetch(`${runtime.url}/form?partner=humanitas&lang=en`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'self' https://www.humanitas.it");
    expect(csp).toContain("default-src 'none'");
    expect(await response.text()).toContain('Submit a case to the Hub');
  });

  it('refuses the form to an unknown partner with a page', async () => {
    const response = await fetch(`${runtime.url}/form?partner=acme`);
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('serves embed.js and the JSON Schema', async () => {
    const script = await fetch(`${runtime.url}/embed.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('hub-intake:height');
    const schema = await fetch(`${runtime.url}/schema/case.json`);
    expect(schema.headers.get('content-type')).toContain('application/schema+json');
    expect(((await schema.json()) as { $id: string }).$id).toBe(`${runtime.url}/schema/case.json`);
  });

  it('answers unknown routes with 404 and known paths with the wrong method with 405', async () => {
    expect((await fetch(`${runtime.url}/nothing-here`)).status).toBe(404);
    const wrong = await fetch(`${runtime.url}/form`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });
});
