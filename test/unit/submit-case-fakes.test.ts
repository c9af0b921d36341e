import { describe, expect, it } from 'vitest';
import { createNotifier } from '../../shared/adapters/ses/notifier';
import { mintKey, type PartnerKeys } from '../../shared/app/partner-keys';
import type { IdempotencyStore, ReviewStore } from '../../shared/app/ports';
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
    outbox: ports.outbox,
    notifier: createNotifier(ports.mailer),
    workflow: ports.workflow,
    now: ports.clock.now,
    reviews: untouched<ReviewStore>('reviews'),
    idempotency: untouched<IdempotencyStore>('idempotency'),
    partnerKeys,
    humanCheck: { verify: async () => ({ ok: false, reason: 'invalid' }), spend: async () => false },
    confirmedContacts: { isConfirmed: async () => false },
    mailCaps: { take: async () => true },
    startsWorkflow: true,
    partners: new Map(LOCAL_PARTNERS.map((p) => [p.id, p])),
    ownOrigin: 'https://intake.example.org',
    publicBaseUrl: 'https://intake.example.org',
    log: { info: () => undefined, error: () => undefined },
  };
  return { ports, deps };
}

describe('submitting a case over the in-memory ports', () => {
  it('stores the case, mails the receipt, starts the review and empties the outbox', async () => {
    const { ports, deps } = fakes();
    const payload = validCase();
    const result = await submitCase(deps, { payload, lang: 'en', authorization: `Bearer ${minted.key}` });

    expect(result).toMatchObject({ outcome: 'created', status: 'submitted', awaitingConfirmation: false });
    const stored = ports.cases.cases.get(result.id);
    expect(stored).toMatchObject({ reference: result.reference, channel: 'api', createdAt: '2026-03-02T10:00:00.000Z' });
    expect(ports.cases.references.get(result.reference)).toBe(result.id);
    expect(ports.mailer.sent).toHaveLength(1);
    expect(ports.mailer.sent[0]?.to).toEqual([(payload.contact as { email: string }).email]);
    expect(ports.mailer.sent[0]?.text).toContain(result.reference);
    expect(ports.workflow.started).toEqual([result.id]);
    // The use case named its entries by case and effect; the outbox built their keys.
    expect(ports.outbox.completed.map((entry) => entry.key.sk).sort()).toEqual(['OUTBOX#receipt', 'OUTBOX#workflow']);
    expect(ports.outbox.pending.size).toBe(0);
  });

  it('writes nothing for a key that is not valid', async () => {
    const { ports, deps } = fakes();
    await expect(submitCase(deps, { payload: validCase(), lang: 'en', authorization: `Bearer ${minted.key}x` })).rejects.toMatchObject({ type: 'unauthorized' });
    expect(ports.cases.cases.size).toBe(0);
    expect(ports.mailer.sent).toEqual([]);
    expect(ports.workflow.started).toEqual([]);
  });
});
