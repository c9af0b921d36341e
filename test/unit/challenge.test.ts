import { readFileSync } from 'node:fs';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { describe, expect, it } from 'vitest';
import { VENDORED_FILE, vendoredAltcha } from '../../infra/build/vendor-altcha';
import { LOCAL_PARTNERS } from '../../infra/config/partners';
import {
  CHALLENGE_ALGORITHM,
  CHALLENGE_EXPIRES_IN_SECONDS,
  CHALLENGE_FIELD,
  MAX_PAYLOAD_LENGTH,
  createChallenge,
  verifySolution,
  type Challenge,
} from '../../shared/app/challenge';
import { renderFormPage } from '../../shared/adapters/html/form';

const hmacKey = 'test-key-of-at-least-thirty-two-characters';
// A small puzzle: the tests check the protocol, not the cost.
const SMALL = { maxNumber: 40, cost: 5 };

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

/** What the widget posts for a challenge: the challenge and its solution, base64 JSON. */
async function solved(options: { partnerId?: string; now?: Date; key?: string } = {}) {
  const now = options.now ?? new Date();
  const challenge = await createChallenge({ partnerId: options.partnerId ?? 'humanitas', now, hmacKey: options.key ?? hmacKey, ...SMALL });
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('no solution found');
  return { challenge, solution, now, payload: encode({ challenge, solution }) };
}

const verify = (payload: unknown, overrides: { partnerId?: string; now?: Date } = {}) =>
  verifySolution({ payload, partnerId: overrides.partnerId ?? 'humanitas', now: overrides.now ?? new Date(), hmacKey });

describe('the form challenge', () => {
  it('is posted in the field the widget uses by default', () => {
    expect(CHALLENGE_FIELD).toBe('altcha');
  });

  it('is a signed ALTCHA challenge bound to the partner and expiring', async () => {
    const now = new Date('2026-03-02T10:00:00Z');
    const challenge: Challenge = await createChallenge({ partnerId: 'humanitas', now, hmacKey, ...SMALL, expiresInSeconds: 600 });
    expect(challenge.parameters).toMatchObject({
      algorithm: CHALLENGE_ALGORITHM,
      cost: 5,
      data: { partner: 'humanitas' },
      expiresAt: Math.floor(now.getTime() / 1000) + 600,
    });
    expect(challenge.parameters.keyPrefix).toMatch(/^[0-9a-f]+$/);
    expect(challenge.signature).toMatch(/^[0-9a-f]{64}$/);
    const other = await createChallenge({ partnerId: 'humanitas', now, hmacKey, ...SMALL });
    expect(other.parameters.nonce).not.toBe(challenge.parameters.nonce);
  });

  it('accepts a solved challenge of the partner, with a stable id for spending it once', async () => {
    const { payload, challenge } = await solved();
    const first = await verify(payload);
    expect(first).toEqual({ ok: true, id: expect.stringMatching(/^[\w-]{43}$/), expiresAt: challenge.parameters.expiresAt });
    expect(await verify(payload)).toEqual(first);
    const another = await verify((await solved()).payload);
    expect(another.ok && first.ok && another.id !== first.id).toBe(true);
  });

  it('refuses a forged signature', async () => {
    const { challenge, solution } = await solved();
    const flipped = challenge.signature.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(await verify(encode({ challenge: { ...challenge, signature: flipped }, solution }))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a challenge signed with another key', async () => {
    const { payload } = await solved({ key: 'another-key-of-at-least-thirty-two-chars' });
    expect(await verify(payload)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a challenge whose partner was rewritten under the original signature', async () => {
    const { challenge, solution } = await solved({ partnerId: 'ieo' });
    const rewritten = { ...challenge, parameters: { ...challenge.parameters, data: { partner: 'humanitas' } } };
    expect(await verify(encode({ challenge: rewritten, solution }))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a wrong solution: another counter, or a derived key that does not match', async () => {
    const { challenge, solution } = await solved();
    expect(await verify(encode({ challenge, solution: { ...solution, counter: solution.counter + 1 } }))).toEqual({ ok: false, reason: 'invalid' });
    const key = solution.derivedKey.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect(await verify(encode({ challenge, solution: { ...solution, derivedKey: key } }))).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a challenge past its expiry by the clock it is given', async () => {
    const { payload, now } = await solved();
    const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);
    expect((await verify(payload, { now: later(CHALLENGE_EXPIRES_IN_SECONDS - 5) })).ok).toBe(true);
    expect(await verify(payload, { now: later(CHALLENGE_EXPIRES_IN_SECONDS + 1) })).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a challenge that expired by the wall clock', async () => {
    const { payload } = await solved({ now: new Date(Date.now() - (CHALLENGE_EXPIRES_IN_SECONDS + 60) * 1000) });
    expect(await verify(payload)).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a challenge solved for another partner', async () => {
    const { payload } = await solved({ partnerId: 'ieo' });
    expect(await verify(payload)).toEqual({ ok: false, reason: 'wrong-partner' });
    expect((await verify(payload, { partnerId: 'ieo' })).ok).toBe(true);
  });

  it('tells a missing payload from a malformed one', async () => {
    for (const payload of [undefined, null, '']) expect(await verify(payload)).toEqual({ ok: false, reason: 'missing' });
    const { challenge, solution } = await solved();
    const malformed: unknown[] = [
      ['a', 'b'],
      42,
      '!!!not base64!!!',
      Buffer.from('not json').toString('base64'),
      encode(null),
      encode({ challenge }),
      encode({ challenge: { ...challenge, parameters: { ...challenge.parameters, algorithm: 'SHA-1' } }, solution }),
      encode({ challenge: { ...challenge, parameters: { ...challenge.parameters, data: { partner: 'humanitas', extra: 1 } } }, solution }),
      encode({ challenge, solution: { ...solution, counter: -1 } }),
      encode({ challenge, solution: { ...solution, derivedKey: 'XYZ' } }),
      // What the widget posts in its test mode.
      encode({ challenge: null, solution: null, test: true }),
    ];
    for (const payload of malformed) expect(await verify(payload), JSON.stringify(payload)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses an oversized payload before decoding it', async () => {
    const { challenge, solution } = await solved();
    const padded = encode({ challenge, solution, padding: 'x'.repeat(MAX_PAYLOAD_LENGTH) });
    expect(padded.length).toBeGreaterThan(MAX_PAYLOAD_LENGTH);
    expect(await verify(padded)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('the widget in the form', () => {
  const partner = LOCAL_PARTNERS[0]!;

  it('is in the partner’s form, with its texts in the form’s language, and not on the edit page', () => {
    const italian = renderFormPage({ partner, lang: 'it' }).value;
    expect(italian).toContain(`<altcha-widget challenge="/challenge?partner=${partner.id}" name="${CHALLENGE_FIELD}" language="it"`);
    expect(italian).toContain('Spuntare la casella');
    expect(renderFormPage({ partner, lang: 'en' }).value).toContain('Tick “I am not a robot”');
    const edit = renderFormPage({ partner, lang: 'it', standalone: true, action: '/cases/X/edit?token=t' }).value;
    expect(edit).not.toContain('altcha');
  });

  it('is served from the copy of the installed altcha package (run `npm run vendor:altcha` after an upgrade)', () => {
    expect(readFileSync(VENDORED_FILE, 'utf8')).toBe(vendoredAltcha());
  });
});
