import { describe, expect, it } from 'vitest';
import { MAIL_CAPS, runEffect, type EffectDeps } from '../../shared/app/effects';
import type { CaseRecord, OutboxEntry } from '../../shared/core/case-record';
import type { MatchMailOptions } from '../../shared/app/ports';

const AT = '2026-03-02T10:00:00.000Z';

const record = (id: string, fields: Partial<CaseRecord['data']>, extra: Partial<CaseRecord> = {}): CaseRecord => ({
  id,
  reference: `HUB-2026-${id}`,
  status: 'approved',
  revision: 4,
  dataVersion: 1,
  createdAt: AT,
  updatedAt: AT,
  decidedAt: AT,
  statusTokenHash: 'hash',
  data: {
    partner: 'maugeri', kind: 'telex', title: `Case ${id}`, summary: 'A case of the tests, long enough.', facility: { name: `Facility ${id}` },
    contact: { name: `Person ${id}`, email: `person.${id.toLowerCase()}@icsmaugeri.it`, role: `Role ${id}` }, clinicalAreas: ['cardiology'],
    careSettings: ['home'], language: 'it', consent: true, ...fields,
  },
  ...extra,
});

/** Effect dependencies over maps, with a notifier that records the match mails and a cap of `capLeft` mails. */
function fakes(cases: CaseRecord[], capLeft = Infinity) {
  const sent: { to: string; options: MatchMailOptions }[] = [];
  const byId = new Map(cases.map((c) => [c.id, c]));
  let left = capLeft;
  const deps = {
    cases: { get: async (id: string) => byId.get(id), addStatusLink: async () => undefined },
    mailCaps: { take: async () => left-- > 0 },
    outbox: { complete: async () => undefined, defer: async () => undefined, deadLetter: async () => undefined },
    notifier: { match: async (need: CaseRecord, options: MatchMailOptions) => void sent.push({ to: need.data.contact.email, options }) },
    partners: new Map([['maugeri', { id: 'maugeri', name: 'Istituti Clinici Scientifici Maugeri', origins: [], contactDomains: ['icsmaugeri.it'] }]]),
    publicBaseUrl: 'https://hub.example.org',
    hubContactEmail: 'hub@example.org',
    now: () => new Date(AT),
    log: { info: () => undefined, error: () => undefined },
  } as unknown as EffectDeps;
  return { deps, sent };
}

const practice = record('P', { kind: 'telex', telexServices: ['telemonitoraggio'] });
const need = record('N', { kind: 'need' });
const entry = (needId: string): OutboxEntry => ({ key: { pk: `CASE#${needId}`, sk: 'OUTBOX#match-mail#P' }, caseId: needId, effect: 'match-mail', attempts: 0, dueAt: AT, payload: { practice: 'P' } });

describe('the match-mail effect', () => {
  it('writes to the need’s contact about the practice, with its partner and no contact of the practice', async () => {
    const { deps, sent } = fakes([practice, need]);
    expect(await runEffect(entry('N'), need, deps)).toBe(true);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(need.data.contact.email);
    expect(sent[0]!.options.practice).toMatchObject({ id: 'P', partnerName: 'Istituti Clinici Scientifici Maugeri', reasons: [{ field: 'clinicalAreas', values: ['cardiology'] }, { field: 'careSettings', values: ['home'] }] });
    expect(sent[0]!.options.hubContactEmail).toBe('hub@example.org');
    expect(sent[0]!.options.catalogUrl).toBe('https://hub.example.org/catalog?kind=telex&partner=maugeri&limit=100&lang=it#HUB-2026-P');
    const shown = JSON.stringify(sent[0]!.options);
    for (const detail of Object.values(practice.data.contact)) expect(shown).not.toContain(detail);
  });

  it('sends nothing for a need not approved, whose contact was erased, or about a practice no longer approved', async () => {
    for (const [label, cases, target] of [
      ['need in review', [practice, { ...need, status: 'in_review' }], { ...need, status: 'in_review' }],
      ['need erased', [practice, need], { ...need, personalDataErasedAt: AT }],
      ['practice failed', [{ ...practice, status: 'failed' }, need], need],
    ] as [string, CaseRecord[], CaseRecord][]) {
      const { deps, sent } = fakes(cases);
      expect(await runEffect(entry('N'), target, deps), label).toBe(true);
      expect(sent, label).toEqual([]);
    }
  });

  it('keeps to the daily cap of the need’s mailbox', async () => {
    const { deps, sent } = fakes([practice, need], 0);
    expect(await runEffect(entry('N'), need, deps)).toBe(true);
    expect(sent).toEqual([]);
    expect(MAIL_CAPS.match).toBe(10);
  });
});

describe('the match-needs effect of an approved practice', () => {
  /** The effect's dependencies with the approved needs it reads and the mails' entries it queues. */
  function matching(needs: CaseRecord[]) {
    const { deps } = fakes([practice, ...needs]);
    const queued: string[] = [];
    Object.assign(deps, {
      approvedCases: { approved: async () => needs.map((n) => ({ ...n.data, id: n.id, reference: n.reference, decidedAt: n.decidedAt! })) },
      outbox: { ...deps.outbox, entryKey: ({ caseId, suffix }: { caseId: string; suffix?: string }) => ({ pk: `CASE#${caseId}`, sk: `OUTBOX#match-mail${suffix ?? ''}` }), enqueue: async (e: { caseId: string }) => (queued.push(e.caseId), true) },
    });
    return { deps, queued };
  }
  const matchingEntry: OutboxEntry = { key: { pk: 'CASE#P', sk: 'OUTBOX#match-needs' }, caseId: 'P', effect: 'match-needs', attempts: 0, dueAt: AT };

  it('queues a mail to the needs approved before the practice, and none to a need approved after it (while the effect waited)', async () => {
    const earlier = record('E', { kind: 'need' }, { decidedAt: '2026-03-02T09:00:00.000Z' });
    const sameTime = record('S', { kind: 'need' }, { decidedAt: AT });
    const later = record('L', { kind: 'need' }, { decidedAt: '2026-03-02T10:00:01.000Z' });
    const { deps, queued } = matching([earlier, sameTime, later]);
    expect(await runEffect(matchingEntry, practice, deps)).toBe(true);
    expect(queued).toEqual(['E', 'S']);
  });
});
