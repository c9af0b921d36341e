import { describe, expect, it } from 'vitest';
import { caseIdFor } from '../../shared/core/ids';
import { mintKey, type PartnerKeys } from '../../shared/app/partner-keys';
import type { IdempotencyStore } from '../../shared/app/ports';
import { submitCase, type SubmitDeps } from '../../shared/app/submit-case';
import { LOCAL_PARTNERS } from '../../infra/config/partners';
import { fakeCaseStore, fakeClock, fakeMailer, fakeOutbox, fakeWorkflow } from '../fakes/ports';
import { validCase } from '../support/runtime';

/** A port the use case must not call in these tests: any call fails the test. */
const untouched = <T extends object>(name: string) =>
  new Proxy({} as T, { get: (_, method) => () => Promise.reject(new Error(`${name}.${String(method)} called`)) });

const minted = mintKey('humanitas', new Date('2026-01-01T00:00:00Z'));
const partnerKeys: PartnerKeys = {
  get: async (partner, keyId) => (partner === minted.record.partner && keyId === minted.record.keyId ? minted.record : undefined),
  list: async () => [minted.record],
  put: async () => true,
  revoke: async () => true,
  touch: async () => undefined,
};

function fakes() {
  const ports = { cases: fakeCaseStore(), outbox: fakeOutbox(), mailer: fakeMailer(), workflow: fakeWorkflow(), clock: fakeClock() };
  const deps: SubmitDeps = {
    cases: ports.cases,
    now: ports.clock.now,
    idempotency: untouched<IdempotencyStore>('idempotency'),
    partnerKeys,
    humanCheck: {
      // A solution names its challenge; `forged` is no solution.
      verify: async (solution) => (solution === 'forged' ? { ok: false, reason: 'invalid' } : { ok: true, id: `challenge-${solution}`, expiresAt: 2e9 }),
    },
    confirmedContacts: { isConfirmed: async () => false },
    startsWorkflow: true,
    partners: new Map(LOCAL_PARTNERS.map((p) => [p.id, p])),
    ownOrigin: 'https://intake.example.org',
    publicBaseUrl: 'https://intake.example.org',
    log: { info: () => undefined, error: () => undefined },
  };
  return { ports, deps };
}

describe('submitting a case over the in-memory ports', () => {
  it('stores the case in one write that carries its commit, and mails and starts nothing itself', async () => {
    const { ports, deps } = fakes();
    const payload = validCase();
    const result = await submitCase(deps, { payload, lang: 'en', authorization: `Bearer ${minted.key}` });

    expect(result).toMatchObject({ outcome: 'created', status: 'submitted', awaitingConfirmation: false });
    expect(ports.cases.writes).toBe(1);
    const stored = ports.cases.cases.get(result.id);
    expect(stored).toMatchObject({ reference: result.reference, channel: 'api', createdAt: '2026-03-02T10:00:00.000Z' });
    // The id is the reference's: the one conditional write that makes the case keeps references unique.
    expect(result.id).toBe(caseIdFor(result.reference));
    const token = new URL(result.statusUrl).searchParams.get('token');
    expect(ports.cases.commits.get(result.id)).toEqual({ kind: 'submitted', effects: 'receipt,workflow', statusToken: token, keyId: minted.record.keyId });
    expect(ports.mailer.sent).toEqual([]);
    expect(ports.workflow.started).toEqual([]);
    expect(ports.outbox.pending.size).toBe(0);
  });

  it('makes one case of a solved challenge: the same solution again is refused with 401 and stores nothing more', async () => {
    const { ports, deps } = fakes();
    const first = await submitCase(deps, { payload: { ...validCase(), altcha: 'solution-1' }, lang: 'en' });
    expect(first).toMatchObject({ outcome: 'created', awaitingConfirmation: true });
    expect(ports.cases.commits.get(first.id)).toMatchObject({ kind: 'submitted', effects: 'confirm-mail' });
    await expect(submitCase(deps, { payload: { ...validCase({ title: 'Another case' }), altcha: 'solution-1' }, lang: 'en' })).rejects.toMatchObject({ type: 'unauthorized' });
    expect(ports.cases.cases.size).toBe(1);
    // Past midnight on New Year's Eve the challenge still names the same case: dated by its issue, not by the post.
    ports.clock.advance(365 * 24 * 3600 * 1000);
    await expect(submitCase(deps, { payload: { ...validCase(), altcha: 'solution-1' }, lang: 'en' })).rejects.toMatchObject({ type: 'unauthorized' });
    expect(ports.cases.cases.size).toBe(1);
    const other = await submitCase(deps, { payload: { ...validCase(), altcha: 'solution-2' }, lang: 'en' });
    expect(other.reference).not.toBe(first.reference);
    expect(ports.cases.cases.size).toBe(2);
  });

  it('tries the next reference when the first one is held by another case', async () => {
    const { ports, deps } = fakes();
    const first = await submitCase(deps, { payload: { ...validCase(), altcha: 'solution-3' }, lang: 'en' });
    // Another case made from another challenge happens to hold the reference this one tries first.
    const held = ports.cases.cases.get(first.id)!;
    ports.cases.cases.set(first.id, { ...held, challengeId: 'challenge-someone-else' });
    const second = await submitCase(deps, { payload: { ...validCase(), altcha: 'solution-3' }, lang: 'en' });
    expect(second.reference).not.toBe(first.reference);
    expect(second.id).toBe(caseIdFor(second.reference));
    expect(ports.cases.writes).toBe(3);
  });

  it('writes nothing for a key that is not valid', async () => {
    const { ports, deps } = fakes();
    await expect(submitCase(deps, { payload: validCase(), lang: 'en', authorization: `Bearer ${minted.key}x` })).rejects.toMatchObject({ type: 'unauthorized' });
    expect(ports.cases.cases.size).toBe(0);
    expect(ports.mailer.sent).toEqual([]);
    expect(ports.workflow.started).toEqual([]);
  });
});
