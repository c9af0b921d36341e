import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { CHALLENGE_ALGORITHM, CHALLENGE_EXPIRES_IN_SECONDS, verifySolution, type Challenge } from '../../shared/app/challenge';
import { startTestRuntime } from '../support/runtime';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.close();
});

describe('GET /challenge', () => {
  it('hands out a fresh challenge for the partner, never cached', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await fetch(`${runtime.url}/challenge?partner=humanitas`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const challenge = (await response.json()) as Challenge;
    expect(challenge.parameters).toMatchObject({ algorithm: CHALLENGE_ALGORITHM, data: { partner: 'humanitas' } });
    expect(challenge.parameters.expiresAt).toBeGreaterThanOrEqual(before + CHALLENGE_EXPIRES_IN_SECONDS);
    expect(challenge.parameters.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + CHALLENGE_EXPIRES_IN_SECONDS);
    expect(challenge.signature).toMatch(/^[0-9a-f]{64}$/);
    const again = (await (await fetch(`${runtime.url}/challenge?partner=humanitas`)).json()) as Challenge;
    expect(again.signature).not.toBe(challenge.signature);
  });

  it('signs with the key of this runtime: an unsolved challenge is refused as a wrong solution, not as a forgery', async () => {
    const challenge = (await (await fetch(`${runtime.url}/challenge?partner=humanitas`)).json()) as Challenge;
    const payload = Buffer.from(JSON.stringify({ challenge, solution: { counter: 0, derivedKey: '00'.repeat(32) } })).toString('base64');
    const hmacKey = process.env.CHALLENGE_HMAC_KEY ?? '';
    expect(hmacKey.length).toBeGreaterThanOrEqual(32);
    expect(await verifySolution({ payload, partnerId: 'humanitas', now: new Date(), hmacKey })).toEqual({ ok: false, reason: 'invalid' });
    const forged = Buffer.from(JSON.stringify({ challenge: { ...challenge, signature: '0'.repeat(64) }, solution: { counter: 0, derivedKey: '00'.repeat(32) } })).toString('base64');
    expect(await verifySolution({ payload: forged, partnerId: 'humanitas', now: new Date(), hmacKey })).toEqual({ ok: false, reason: 'invalid' });
  });

  it('answers an unknown or missing partner with 403 problem+json, in the caller’s language', async () => {
    for (const query of ['?partner=nobody', '', '?partner=']) {
      const response = await fetch(`${runtime.url}/challenge${query}`, { headers: { accept: 'text/html', 'accept-language': 'en' } });
      expect(response.status, query).toBe(403);
      expect(response.headers.get('content-type'), query).toContain('application/problem+json');
      const body = (await response.json()) as { status: number; title: string };
      expect(body.status).toBe(403);
      expect(response.headers.get('content-language')).toBe('en');
    }
    const italian = await fetch(`${runtime.url}/challenge?partner=nobody&lang=it`);
    expect(italian.headers.get('content-language')).toBe('it');
  });
});

describe('the widget assets', () => {
  it.each([
    ['altcha.js', 'text/javascript'],
    ['altcha-pbkdf2.js', 'text/javascript'],
    ['altcha.css', 'text/css'],
  ])('serves /assets/%s as %s', async (file, type) => {
    const response = await fetch(`${runtime.url}/assets/${file}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain(type);
    expect(await response.text()).toContain('ALTCHA');
  });

  it('puts the widget in the partner form, pointed at the partner’s challenges', async () => {
    const form = await (await fetch(`${runtime.url}/form?partner=humanitas&lang=en`)).text();
    expect(form).toMatch(/<altcha-widget challenge="\/challenge\?partner=humanitas" name="altcha" language="en"/);
    expect(form).toContain('src="/assets/altcha.js');
    expect(form).toContain('href="/assets/altcha.css');
  });
});
