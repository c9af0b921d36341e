import { describe, expect, it } from 'vitest';
import { openResubmission, resubmitCase, type ResubmitDeps } from '../../shared/app/resubmit-case';
import { CaseInput } from '../../shared/core/case';
import type { CaseRecord } from '../../shared/core/case-record';
import { NotFound } from '../../shared/core/errors';
import { hashSecret } from '../../shared/core/ids';
import { LOCAL_PARTNERS } from '../../infra/config/partners';
import { fakeCaseStore, fakeClock } from '../fakes/ports';
import { validCase } from '../support/runtime';

const TOKEN = 'outcome-link-secret';
const ID = '3Q8ZK2M7TV4XW9B1C6D0E5F2GH';
const DATA = CaseInput.parse(validCase({ language: 'en' }));

function closed(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    id: ID,
    reference: 'HUB-2026-7K3F9Q',
    status: 'expired',
    revision: 4,
    dataVersion: 2,
    data: DATA,
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-02T09:00:00.000Z',
    decidedAt: '2026-03-02T09:00:00.000Z',
    statusTokenHash: hashSecret('receipt-secret'),
    statusLinkHashes: [hashSecret(TOKEN)],
    channel: 'form',
    ...overrides,
  };
}

function setup(record: CaseRecord) {
  const cases = fakeCaseStore();
  cases.cases.set(record.id, record);
  const clock = fakeClock();
  const logged: unknown[] = [];
  const deps: ResubmitDeps = {
    cases,
    partners: new Map(LOCAL_PARTNERS.map((p) => [p.id, p])),
    publicBaseUrl: 'https://intake.example.org',
    now: clock.now,
    log: { info: (...args: unknown[]) => logged.push(args), error: () => undefined },
  };
  return { cases, clock, deps };
}

describe('sending a closed case again', () => {
  it('makes one new case from the closed one: the same data and channel, its own reference and status link, a receipt and the review from its commit', async () => {
    const { cases, deps } = setup(closed());
    const result = await resubmitCase(deps, ID, TOKEN);
    expect(result.state).toBe('created');
    if (result.state !== 'created') return;
    const { resent } = result;
    expect(resent).toMatchObject({ status: 'submitted', resubmittedFrom: ID, channel: 'form', data: closed().data });
    expect(resent.reference).not.toBe(closed().reference);
    expect(resent.awaitingConfirmation).toBeUndefined();
    expect(cases.commits.get(resent.id)).toMatchObject({ kind: 'submitted', effects: 'receipt,workflow' });
    expect(result.statusUrl).toMatch(new RegExp(`^https://intake\\.example\\.org/cases/${resent.id}\\?token=`));
    const token = new URL(result.statusUrl).searchParams.get('token');
    expect(hashSecret(token ?? '')).toBe(resent.statusTokenHash);
    // The closed case itself is untouched.
    expect(cases.cases.get(ID)).toEqual(closed());
  });

  it('is once only: a second post, or one racing the first, finds the first one and writes nothing new', async () => {
    const { cases, deps } = setup(closed());
    const results = await Promise.all([resubmitCase(deps, ID, TOKEN), resubmitCase(deps, ID, TOKEN)]);
    expect(results.map((r) => r.state).sort()).toEqual(['created', 'done']);
    expect(cases.cases.size).toBe(2);
    const again = await resubmitCase(deps, ID, TOKEN);
    expect(again.state).toBe('done');
    expect(cases.cases.size).toBe(2);
    const view = await openResubmission(deps, ID, TOKEN);
    expect(view.state).toBe('done');
  });

  it('opens only for the holder of an outcome link of the case: the receipt’s link works too, anything else is a 404', async () => {
    const { deps } = setup(closed());
    await expect(openResubmission(deps, ID, 'forged')).rejects.toBeInstanceOf(NotFound);
    await expect(openResubmission(deps, ID, undefined)).rejects.toBeInstanceOf(NotFound);
    await expect(openResubmission(deps, 'not-an-id', TOKEN)).rejects.toBeInstanceOf(NotFound);
    await expect(openResubmission(deps, '0'.repeat(26), TOKEN)).rejects.toBeInstanceOf(NotFound);
    expect((await openResubmission(deps, ID, 'receipt-secret')).state).toBe('open');
  });

  it('refuses a case that is not closed without a decision, and says why when it can no longer be sent as it is', async () => {
    for (const status of ['submitted', 'in_review', 'changes_requested', 'approved', 'rejected'] as const) {
      const { deps, cases } = setup(closed({ status }));
      expect((await resubmitCase(deps, ID, TOKEN)).state, status).toBe('not-closed');
      expect(cases.cases.size).toBe(1);
    }
    expect((await openResubmission(setup(closed({ status: 'failed' })).deps, ID, TOKEN)).state).toBe('open');

    const reasons: [Partial<CaseRecord>, string][] = [
      [{ personalDataErasedAt: '2026-03-02T09:30:00.000Z' }, 'erased'],
      [{ awaitingConfirmation: true }, 'erased'],
      [{ data: CaseInput.parse(validCase({ language: 'en', partner: 'humanitas', contact: { name: 'M. Rossi', email: 'm.rossi@elsewhere.example.net', role: 'CIO' } })) }, 'partner'],
      [{ data: { ...closed().data, partner: 'gone' } }, 'partner'],
      [{ data: { ...closed().data, title: '' } }, 'data'],
    ];
    for (const [overrides, reason] of reasons) {
      const { deps, cases } = setup(closed(overrides));
      expect(await resubmitCase(deps, ID, TOKEN), JSON.stringify(overrides)).toMatchObject({ state: 'unavailable', reason });
      expect(cases.cases.size).toBe(1);
    }
  });

  it('closes its one-step way 30 days after the case closed', async () => {
    const { deps, clock } = setup(closed({ decidedAt: '2026-01-31T09:59:59.000Z' }));
    clock.advance(0);
    expect(await openResubmission(deps, ID, TOKEN)).toMatchObject({ state: 'unavailable', reason: 'window' });
    const recent = setup(closed({ decidedAt: '2026-01-31T10:00:00.000Z' }));
    expect((await openResubmission(recent.deps, ID, TOKEN)).state).toBe('open');
  });
});
