import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLE, type Runtime } from '../../infra/local/runtime';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createPartnerKeyStore } from '../../shared/adapters/dynamodb/partner-key-store';
import { formBody, partnerKey, postForm, solvedChallenge, startTestRuntime, validCase } from '../support/runtime';

/**
 * Strangers on the open internet: hundreds of submissions without a key or a solved challenge,
 * with forged, replayed and borrowed credentials, and with contacts outside the partner's
 * domains. None may store anything or make the Hub send a single mail.
 */
let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.close();
});

async function itemCount(): Promise<number> {
  const doc = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
  try {
    let count = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: LOCAL_TABLE, Select: 'COUNT', ExclusiveStartKey: start }));
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return count;
  } finally {
    doc.destroy();
  }
}

const PARTNERS = ['humanitas', 'ieo', 'maugeri', 'don-gnocchi', 'medtronic', 'ibm'];
const pick = <T>(list: readonly T[], i: number) => list[i % list.length] as T;

const json = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${runtime.url}/cases`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'en', ...headers }, body: JSON.stringify(body) });

const form = (fields: Record<string, unknown>, headers: Record<string, string> = {}) =>
  fetch(`${runtime.url}/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en', ...headers },
    body: formBody(fields),
    redirect: 'manual',
  });

describe('submissions from strangers', () => {
  it('store nothing and send no mail, whatever credentials they forge, replay or borrow', async () => {
    const humanitasKey = await partnerKey(runtime, 'humanitas');
    // A key that worked once and was revoked.
    const revokedResponse = await fetch(`${runtime.url}/_local/partner-keys`, { method: 'POST', body: JSON.stringify({ partner: 'maugeri' }) });
    const revoked = (await revokedResponse.json()) as { key: string; keyId: string };
    const doc = createDocumentClient(process.env.DYNAMODB_ENDPOINT);
    await createPartnerKeyStore(doc, LOCAL_TABLE).revoke('maugeri', revoked.keyId, new Date().toISOString());
    doc.destroy();
    // A challenge spent once by a real person: its case is the one thing allowed in.
    const spent = await solvedChallenge('humanitas');
    expect((await postForm(runtime, validCase(), { challenge: spent })).status).toBe(303);
    const signedElsewhere = await solvedChallenge('humanitas', { key: 'a-signing-key-the-hub-does-not-have' });
    const forIeo = await solvedChallenge('ieo');

    const itemsBefore = await itemCount();
    const mailsBefore = runtime.mails().length;

    const attacks: [string, () => Promise<Response>][] = [];
    for (let i = 0; i < 40; i++) {
      const victim = { name: 'Victim', email: `victim${i}@gmail.com` };
      const partner = pick(PARTNERS, i);
      attacks.push(['no credentials (JSON)', () => json(validCase({ partner, contact: victim }))]);
      attacks.push(['no credentials (form)', () => form(validCase({ partner, contact: victim }))]);
      attacks.push(['forged challenge', () => form({ ...validCase({ contact: victim }), altcha: Buffer.from(JSON.stringify({ challenge: { signature: 'ab' }, solution: {} })).toString('base64') })]);
      attacks.push(['garbage challenge', () => form({ ...validCase({ contact: victim }), altcha: `${'x'.repeat(i * 50)}==` })]);
      attacks.push(['challenge signed with another key', () => form({ ...validCase({ contact: victim }), altcha: signedElsewhere })]);
      attacks.push(['replayed challenge', () => form({ ...validCase({ contact: { name: 'Ada', email: `ada${i}@humanitas.it` } }), altcha: spent })]);
      attacks.push(['challenge of another partner', () => form({ ...validCase({ contact: { name: 'Ada', email: `ada${i}@humanitas.it` } }), altcha: forIeo })]);
      attacks.push(['another partner’s key', () => json(validCase({ partner: pick(PARTNERS.slice(1), i), contact: { name: 'Ada', email: `ada${i}@example.org` } }), { authorization: `Bearer ${humanitasKey}` })]);
      attacks.push(['revoked key', () => json(validCase({ partner: 'maugeri', contact: { name: 'Ada', email: `ada${i}@example.org` } }), { authorization: `Bearer ${revoked.key}` })]);
      attacks.push(['key with a changed secret', () => json(validCase({ contact: { name: 'Ada', email: `ada${i}@example.org` } }), { authorization: `Bearer ${humanitasKey.slice(0, -4)}AAAA` })]);
      attacks.push(['key in the wrong scheme', () => json(validCase({ contact: { name: 'Ada', email: `ada${i}@example.org` } }), { authorization: `Basic ${humanitasKey}` })]);
      const foreign = pick(['gmail.com', 'humanitas.it.attacker.example', 'evilhumanitas.it', 'attacker.example'], i);
      attacks.push([`valid key, contact at ${foreign}`, () => json(validCase({ contact: { name: 'Victim', email: `victim${i}@${foreign}` } }), { authorization: `Bearer ${humanitasKey}` })]);
      attacks.push(['valid key, header injection in the name', () => json(validCase({ contact: { name: `Ada\r\nBcc: victim${i}@gmail.com`, email: `ada${i}@example.org` } }), { authorization: `Bearer ${humanitasKey}` })]);
    }

    const statuses = new Map<string, Set<number>>();
    for (let i = 0; i < attacks.length; i += 20) {
      const batch = attacks.slice(i, i + 20);
      const answers = await Promise.all(batch.map(async ([name, attack]) => [name, (await attack()).status] as const));
      for (const [name, status] of answers) statuses.set(name, (statuses.get(name) ?? new Set()).add(status));
    }

    expect(attacks.length).toBeGreaterThanOrEqual(500);
    expect(Object.fromEntries([...statuses].map(([name, set]) => [name, [...set].sort()]))).toEqual({
      'no credentials (JSON)': [401],
      'no credentials (form)': [401],
      'forged challenge': [401],
      'garbage challenge': [401],
      'challenge signed with another key': [401],
      'replayed challenge': [401],
      'challenge of another partner': [401],
      'another partner’s key': [403],
      'revoked key': [401],
      'key with a changed secret': [401],
      'key in the wrong scheme': [401],
      'valid key, contact at gmail.com': [422],
      'valid key, contact at humanitas.it.attacker.example': [422],
      'valid key, contact at evilhumanitas.it': [422],
      'valid key, contact at attacker.example': [422],
      'valid key, header injection in the name': [422],
    });
    // Whatever a write set off would run from the table's stream: count once it has run.
    await runtime.streamIdle();
    expect(await itemCount()).toBe(itemsBefore);
    expect(runtime.mails()).toHaveLength(mailsBefore);
  }, 120_000);

  it('cannot claim an Idempotency-Key of the partner from the form: the partner’s own request still goes in', async () => {
    const key = { 'idempotency-key': `humanitas-2026-${Math.random().toString(36).slice(2, 8)}` };
    const squatted = await form({ ...validCase({ contact: { name: 'Eve', email: 'squat@example.org' } }), altcha: await solvedChallenge('humanitas') }, key);
    expect(squatted.status).toBe(303);
    const real = await json(validCase({ contact: { name: 'Ada Rossi', email: 'ada.rossi@humanitas.it' } }), { ...key, authorization: `Bearer ${await partnerKey(runtime, 'humanitas')}` });
    expect(real.status).toBe(201);
    expect(real.headers.get('idempotent-replayed')).toBeNull();
  });

  it('answers ids and cursors too long for the table with 4xx, never a 503 that invites a retry', async () => {
    const long = 'a'.repeat(3000);
    expect((await fetch(`${runtime.url}/cases/${long}/edit?token=x`)).status).toBe(404);
    expect((await fetch(`${runtime.url}/cases/${long}/edit`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'title=x' })).status).toBe(404);
    expect((await fetch(`${runtime.url}/cases/${long}?token=x`)).status).toBe(404);
    expect((await fetch(`${runtime.url}/cases/${long}/confirm?token=x`)).status).toBe(404);
    expect((await fetch(`${runtime.url}/review/${long}`)).status).toBeLessThan(500);
    const history = await fetch(`${runtime.url}/metrics/history?cursor=2026-01-01T${'1'.repeat(1100)}Z`);
    expect(history.status).toBeLessThan(500);
  });

  it('explains a refusal in problem+json, in the caller’s language, with the way in', async () => {
    const english = await json(validCase());
    expect(english.status).toBe(401);
    expect(english.headers.get('content-type')).toContain('application/problem+json');
    expect(english.headers.get('www-authenticate')).toBe('Bearer realm="hub-intake"');
    expect(await english.json()).toMatchObject({ status: 401, type: expect.stringContaining('unauthorized'), title: 'Authentication required', detail: expect.stringContaining('Authorization: Bearer') });
    const italian = await json(validCase(), { 'accept-language': 'it' });
    expect(await italian.json()).toMatchObject({ title: 'Autenticazione richiesta' });
    // Naming no partner changes nothing for a stranger; a caller with a key learns what is missing.
    expect((await json({ title: 'x' })).status).toBe(401);
    const keyed = await json({ title: 'x' }, { authorization: `Bearer ${await partnerKey(runtime, 'humanitas')}` });
    expect(keyed.status).toBe(422);
    expect(((await keyed.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain('partner');
  });

  it('gives a person whose check failed the form back with what they typed', async () => {
    const response = await form(validCase({ title: 'Il titolo che avevo scritto' }), { accept: 'text/html', 'accept-language': 'it' });
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toContain('Il titolo che avevo scritto');
    expect(html).toContain('verifica anti-robot');
  });
});
