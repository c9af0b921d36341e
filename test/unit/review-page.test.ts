import { describe, expect, it } from 'vitest';
import { reviewPage, type ReviewPageOptions } from '../../shared/adapters/html/review';
import type { CaseInput } from '../../shared/core/case';
import { caseChanges } from '../../shared/core/case-changes';
import type { CaseRecord } from '../../shared/core/case-record';

const HOSTILE = '<script>alert(1)</script>"\'&';

const data: CaseInput = {
  partner: 'humanitas',
  kind: 'need',
  title: `Bisogno ${HOSTILE}`,
  summary: `Una descrizione lunga abbastanza. ${HOSTILE}\nSeconda riga.`,
  facility: { name: `Struttura ${HOSTILE}` },
  contact: { name: `Maria ${HOSTILE}`, email: 'maria.rossi@example.org' },
  clinicalAreas: ['other'],
  language: 'it',
  consent: true,
};
const record: CaseRecord = {
  id: '01JCASE',
  reference: 'HUB-2026-ABC123',
  status: 'in_review',
  revision: 5,
  dataVersion: 2,
  data,
  createdAt: '2026-03-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  statusTokenHash: 'x',
  reviewRound: 2,
  reviewAttempt: 0,
};
const options = (overrides: Partial<ReviewPageOptions> = {}): ReviewPageOptions => ({
  lang: 'en',
  path: '/review/abc',
  record,
  partnerName: 'Humanitas',
  reviewer: 'anna.bianchi@hub.example.org',
  round: 2,
  expiresAt: '2026-07-09T10:00:00.000Z',
  history: [{ caseId: record.id, round: 1, decision: 'changes', comment: `Più dati ${HOSTILE}`, reviewer: 'anna.bianchi@hub.example.org', at: '2026-03-02T11:00:00.000Z' }],
  ...overrides,
});

describe('the review page', () => {
  it('prints the submitter’s words escaped, in the case, its changes and the earlier comments', () => {
    const before: CaseInput = { ...data, title: 'Bisogno', facility: { name: 'Struttura' }, technologies: ['ai'] };
    const page = reviewPage(options({ changes: { since: 1, fields: caseChanges(before, data) } })).value;
    expect(page).not.toContain('<script>');
    expect(page).not.toContain("alert(1)</script>\"'&");
    expect(page.split('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;').length - 1).toBeGreaterThanOrEqual(6);
    // Strict CSP: no inline script or style of any kind.
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
  });

  it('shows no row for a field without a value, and the deadline with its time zone', () => {
    const page = reviewPage(options()).value;
    expect(page).not.toContain('—');
    for (const empty of ['Care settings', 'Technologies', 'Project stage', 'Patients reached', 'Funding', 'Reimbursement', 'Interoperability', 'Start date', 'Tele-X services']) {
      expect(page).not.toContain(`<dt>${empty}</dt>`);
    }
    expect(page).toContain('<time datetime="2026-07-09T10:00:00.000Z">9 July 2026 at 12:00 CEST</time>');
  });

  it('shows the target population and the medical device class by their labels, and what changed in them', () => {
    const classified: CaseInput = { ...data, targetPopulation: ['frail-elderly', 'caregivers'], medicalDevice: 'none' };
    const page = reviewPage(options({ record: { ...record, data: classified } })).value;
    expect(page).toContain('<dt>Target population</dt><dd>Frail elderly people, Caregivers</dd>');
    expect(page).toContain('<dt>Medical device (MDR class)</dt><dd>Not a medical device</dd>');
    const italian = reviewPage(options({ lang: 'it', record: { ...record, data: classified } })).value;
    expect(italian).toContain('<dt>Popolazione destinataria</dt><dd>Anziani fragili, Caregiver</dd>');
    expect(italian).toContain('<dt>Dispositivo medico (classe MDR)</dt><dd>Non è un dispositivo medico</dd>');
    // Round 2 after a request for changes: the class went from none to IIa, a population was added.
    const before: CaseInput = { ...data, targetPopulation: ['frail-elderly'], medicalDevice: 'none' };
    const after: CaseInput = { ...data, targetPopulation: ['frail-elderly', 'caregivers'], medicalDevice: 'class-iia' };
    const changed = reviewPage(options({ record: { ...record, data: after }, changes: { since: 1, fields: caseChanges(before, after) } })).value;
    const changes = changed.slice(changed.indexOf('id="changes"'), changed.indexOf('class="details"'));
    expect(changes).toContain('Target population');
    expect(changes).toContain('<ins>Caregivers</ins>');
    expect(changes).toContain('<del>Not a medical device</del>');
    expect(changes).toContain('<ins>Class IIa</ins>');
    expect(reviewPage(options()).value).not.toContain('<dt>Medical device (MDR class)</dt>');
  });

  it('says when the version before cannot be compared, and when nothing changed', () => {
    expect(reviewPage(options({ changes: { since: 1, unavailable: true } })).value).toContain('Version 1 is not available to compare with.');
    const italian = reviewPage(options({ lang: 'it', changes: { since: 1, fields: [] } })).value;
    expect(italian).toContain('Nessun campo è cambiato rispetto alla versione 1.');
    expect(italian).toContain('nessuna modifica');
  });

  it('puts the essentials and the decision before the changes and the full case', () => {
    const page = reviewPage(options({ changes: { since: 1, fields: [] } })).value;
    const at = (marker: string) => page.indexOf(marker);
    expect(at('class="essentials"')).toBeGreaterThan(-1);
    expect(at('class="essentials"')).toBeLessThan(at('<form method="post"'));
    expect(at('<form method="post"')).toBeLessThan(at('id="changes"'));
    expect(at('id="changes"')).toBeLessThan(at('class="details"'));
  });
});
