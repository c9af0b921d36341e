import { describe, expect, it } from 'vitest';
import { changesMail, outcomeMail, receiptMail, reviewMail } from '../../shared/adapters/ses/templates';
import { CaseInput, type Language } from '../../shared/core/case';
import type { CaseRecord } from '../../shared/core/case-record';
import { validCase } from '../support/runtime';

function record(language: Language): CaseRecord {
  return {
    id: '3Q8ZK2M7TV4XW9B1C6D0E5F2GH',
    reference: 'HUB-2026-7K3F9Q',
    status: 'in_review',
    revision: 2,
    dataVersion: 1,
    data: CaseInput.parse(validCase({ language, title: 'Televisita per lo scompenso' })),
    createdAt: '2026-03-02T10:00:00.000Z',
    updatedAt: '2026-03-02T10:00:00.000Z',
    statusTokenHash: 'h',
  };
}

/** Every text a reader sees of a mail: subject and plain-text body. */
const textsOf = (mail: { subject: string; text: string }) => `${mail.subject}\n${mail.text}`;

describe('the mails quote as their language does', () => {
  const mails = (lang: Language) => [
    receiptMail(record(lang), 'https://intake.example.org/cases/x?token=t'),
    changesMail(record(lang), { url: 'https://intake.example.org/cases/x/edit?token=t', comment: 'Add the patients', expiresAt: '2026-03-09T10:00:00.000Z' }),
    outcomeMail(record(lang), { outcome: 'rejected', comment: 'Out of scope', statusUrl: 'https://intake.example.org/cases/x?token=s' }),
  ];

  it('English mails use English quotation marks, around the title and the reviewers’ words alike', () => {
    for (const mail of mails('en')) {
      const text = textsOf(mail);
      expect(text, mail.subject).not.toMatch(/[«»]/);
      expect(text, mail.subject).not.toMatch(/"[^"]*"/);
    }
    expect(mails('en')[0]!.text).toContain('“Televisita per lo scompenso”');
    expect(mails('en')[1]!.text).toContain('“Add the patients”');
    expect(mails('en')[2]!.text).toContain('“Out of scope”');
  });

  it('Italian mails use guillemets', () => {
    for (const mail of mails('it')) expect(textsOf(mail), mail.subject).not.toMatch(/[“”"]/);
    expect(mails('it')[1]!.text).toContain('«Add the patients»');
  });

  it('the reviewers’ mail quotes the title in each of its two languages', () => {
    const mail = reviewMail(record('it'), { partnerName: 'Humanitas', to: 'anna@hub.example.org', url: 'https://intake.example.org/review/r', reminder: false, expiresAt: '2026-03-04T10:00:00.000Z', previous: [] });
    expect(mail.text).toContain('«Televisita per lo scompenso»');
    expect(mail.text).toContain('“Televisita per lo scompenso”');
  });
});

describe('the changes-requested mail', () => {
  it('says what the workflow does at the deadline: the case expires (it does not go back to the reviewers), with the deadline and its zone', () => {
    const expiresAt = '2026-03-09T10:00:00.000Z';
    const en = changesMail(record('en'), { url: 'https://intake.example.org/cases/x/edit?token=t', comment: 'Add the patients', expiresAt }).text;
    expect(en).toContain('until 9 March 2026 at 11:00 CET');
    expect(en).toContain('If no change arrives by then, the case is closed as expired');
    expect(en).not.toMatch(/then goes back to the reviewers/);
    const it = changesMail(record('it'), { url: 'https://intake.example.org/cases/x/edit?token=t', comment: 'x', expiresAt: '2026-07-09T10:00:00.000Z' }).text;
    expect(it).toContain('fino al 9 luglio 2026 alle ore 12:00 CEST');
    expect(it).toContain('il caso viene chiuso come scaduto');
  });
});

describe('the expiry mail', () => {
  const url = 'https://intake.example.org/cases/x?token=s';
  it('says whose the wait was: the reviewers’ when no one decided, the submitter’s when no amendment came', () => {
    const byReviewers = outcomeMail(record('en'), { outcome: 'expired', statusUrl: url, expiredFrom: 'in_review' });
    expect(byReviewers.subject).toBe('Case HUB-2026-7K3F9Q expired without a decision');
    expect(byReviewers.text).toContain('This is not down to you');
    expect(byReviewers.text).toContain(url);
    const bySubmitter = outcomeMail(record('it'), { outcome: 'expired', statusUrl: url, expiredFrom: 'changes_requested' });
    expect(bySubmitter.subject).toBe('Il caso HUB-2026-7K3F9Q è scaduto');
    expect(bySubmitter.text).not.toContain('Non dipende da voi');
  });
});
