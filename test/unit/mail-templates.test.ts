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

  it('the reviewers’ mail names the clinical areas in both its languages', () => {
    const kase = record('it');
    const mail = reviewMail({ ...kase, data: { ...kase.data, clinicalAreas: ['cardiology', 'rehabilitation'] } }, { partnerName: 'Humanitas', to: 'anna@hub.example.org', url: 'https://intake.example.org/review/r', reminder: false, expiresAt: '2026-03-04T10:00:00.000Z', previous: [] });
    expect(mail.text).toContain('Cardiologia / Cardiology, Riabilitazione / Rehabilitation');
  });
});

describe('the escalation mail', () => {
  const options = { partnerName: 'Humanitas', to: 'coordinamento@hub.example.org', url: 'https://intake.example.org/review/c', reminder: true, escalation: true, expiresAt: '2026-03-04T10:00:00.000Z', previous: [] };

  it('says in Italian and English that it is an escalation, with the case and the deadline', () => {
    const mail = reviewMail(record('it'), options);
    expect(mail.to).toEqual(['coordinamento@hub.example.org']);
    expect(mail.subject).toBe('Escalation: caso HUB-2026-7K3F9Q senza decisione / Escalation: case HUB-2026-7K3F9Q has no decision');
    expect(mail.text).toContain('Nessun revisore ha deciso sul caso «Televisita per lo scompenso»');
    expect(mail.text).toContain('Escalation: no reviewer decided on the case “Televisita per lo scompenso”');
    expect(mail.text).toContain('il caso si chiude come scaduto');
    expect(mail.text).toContain('the case is closed as expired');
    expect(mail.text).toContain('Scadenza / Deadline: 4 marzo 2026');
    expect(mail.text).toContain('4 March 2026 at 11:00 CET');
    expect(mail.text).toContain('https://intake.example.org/review/c');
    expect(mail.html).toContain('Escalation');
  });

  it('is not a reminder: the reviewers’ mails stay as they were', () => {
    const reminder = reviewMail(record('it'), { ...options, escalation: false });
    expect(reminder.subject).toMatch(/^Promemoria: caso HUB-2026-7K3F9Q da revisionare/);
    expect(reminder.text).not.toContain('Escalation');
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

describe('the mails of a case closed without a decision', () => {
  const status = 'https://intake.example.org/cases/x?token=s';
  const again = 'https://intake.example.org/cases/x/resubmit?token=s';
  it('offer to send the case again in one step, and keep the status link', () => {
    for (const lang of ['it', 'en'] as const) {
      for (const options of [{ outcome: 'expired', expiredFrom: 'in_review' as const }, { outcome: 'expired', expiredFrom: 'changes_requested' as const }, { outcome: 'failed' }]) {
        const mail = outcomeMail(record(lang), { ...options, statusUrl: status, resubmitUrl: again });
        expect(mail.text, `${lang} ${options.outcome}`).toContain(`${lang === 'it' ? 'Invia di nuovo il caso' : 'Send the case again'}:\n${again}`);
        expect(mail.text).toContain(status);
        expect(mail.html).toContain(`href="${again.replaceAll('&', '&amp;')}"`);
        expect(mail.text).toContain(lang === 'it' ? 'entro 30 giorni' : 'within 30 days');
      }
    }
  });

  it('tell of a failure that it is the Hub’s, not the submitter’s', () => {
    const en = outcomeMail(record('en'), { outcome: 'failed', statusUrl: status, resubmitUrl: again });
    expect(en.subject).toBe('Case HUB-2026-7K3F9Q could not be reviewed');
    expect(en.text).toContain('a technical fault at the Hub');
    expect(en.text).toContain('This is not down to you');
    const it = outcomeMail(record('it'), { outcome: 'failed', statusUrl: status, resubmitUrl: again });
    expect(it.subject).toBe('Il caso HUB-2026-7K3F9Q non ha potuto essere revisionato');
    expect(it.text).toContain('Non dipende da voi');
  });

  it('of a decided case offer no resubmission', () => {
    for (const outcome of ['approved', 'rejected']) {
      const mail = outcomeMail(record('en'), { outcome, statusUrl: status });
      expect(mail.text).not.toContain('/resubmit');
      expect(mail.text).toContain(`Case status:\n${status}`);
    }
  });
});

describe('the Hub’s name at the top of a mail', () => {
  const brandOf = (mail: { html: string }) => /<p style="margin:0 0 8px;color:#00558c;font-weight:bold">([^<]*)<\/p>/.exec(mail.html)?.[1];

  it('is in the mail’s language, as on the pages: no English name atop an Italian mail', () => {
    expect(brandOf(receiptMail(record('it'), 'https://intake.example.org/cases/x?token=t'))).toBe('Digital Health Innovation Hub della Lombardia');
    expect(brandOf(receiptMail(record('en'), 'https://intake.example.org/cases/x?token=t'))).toBe('Lombardy Digital Health Innovation Hub');
    expect(brandOf(outcomeMail(record('it'), { outcome: 'approved', statusUrl: 'https://intake.example.org/cases/x?token=s' }))).toBe('Digital Health Innovation Hub della Lombardia');
  });

  it('is in both languages in the reviewers’ mails, which are in both', () => {
    const mail = reviewMail(record('en'), { partnerName: 'Humanitas', to: 'anna@hub.example.org', url: 'https://intake.example.org/review/r', reminder: false, expiresAt: '2026-03-04T10:00:00.000Z', previous: [] });
    expect(brandOf(mail)).toBe('Digital Health Innovation Hub della Lombardia / Lombardy Digital Health Innovation Hub');
  });
});
