import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confirmMail, matchMail, outcomeMail, receiptMail, reviewMail } from '../../shared/adapters/ses/templates';
import { CaseInput, type Language } from '../../shared/core/case';
import type { CaseRecord } from '../../shared/core/case-record';
import type { MailMessage } from '../../shared/adapters/ses/mailer';
import { browserTestsEnabled, launchBrowser } from '../support/browser';
import { validCase } from '../support/runtime';

const AT = '2026-03-02T10:00:00.000Z';
// As long as the links the mails carry: a 26-character id and a 43-character token.
const STATUS_URL = 'https://intake.digitalhealthhub.example.org/cases/9EYX8Y5FKFJ829G6X0TTQWTQRX?token=Awl-Osu-62WW7JyNEg3BSyLQwDT2CvIGm0VRG81BPz4';

function record(language: Language, kind: 'telex' | 'need' = 'telex'): CaseRecord {
  return {
    id: '9EYX8Y5FKFJ829G6X0TTQWTQRX',
    reference: 'HUB-2026-KFFMEN',
    status: 'approved',
    revision: 4,
    dataVersion: 1,
    data: CaseInput.parse(validCase({ language, kind, title: 'Bisogno: monitoraggio notturno degli ospiti delle RSA', ...(kind === 'need' ? { telexServices: undefined } : {}) })),
    createdAt: AT,
    updatedAt: AT,
    decidedAt: AT,
    statusTokenHash: 'h',
  };
}

/** Every mail that carries a long link among its facts, or a long title, in each language. */
function mails(): [string, MailMessage][] {
  const practice = {
    id: '03F9CASRG4ECJRE81MXD74FR1D', reference: 'HUB-2026-32CCR7', kind: 'telex' as const, title: 'Telemonitoraggio notturno nelle RSA del gruppo',
    partner: 'kos', partnerName: 'KOS Care', facility: { name: 'RSA Santa Croce' }, clinicalAreas: ['geriatrics'], telexServices: ['telemonitoraggio'],
    careSettings: ['nursing-home'], targetPopulation: ['frail-elderly'], technologies: [], decidedAt: AT, score: 8, reasons: [{ field: 'clinicalAreas' as const, values: ['geriatrics'] }],
  };
  const review = { partnerName: 'KOS Care', to: 'coordinamento@hub.example.org', url: 'https://intake.digitalhealthhub.example.org/review/dpRV1ay-DVJ1SDHqtUH_QtLNi4xue2vh4b15tsVN6Q0', reminder: true, expiresAt: AT, previous: [] };
  return (['it', 'en'] as const).flatMap((lang): [string, MailMessage][] => [
    [`match (${lang})`, matchMail(record(lang, 'need'), { practice, statusUrl: STATUS_URL, catalogUrl: 'https://intake.digitalhealthhub.example.org/catalog?kind=telex&partner=kos&limit=100#HUB-2026-32CCR7', hubContactEmail: 'hub@digitalhealthhub.example.org' })],
    [`confirm (${lang})`, confirmMail(record(lang), { confirmUrl: `${STATUS_URL}&confirm=1`, statusUrl: STATUS_URL, partnerName: 'KOS Care' })],
    [`expired (${lang})`, outcomeMail(record(lang), { outcome: 'expired', statusUrl: STATUS_URL, resubmitUrl: STATUS_URL.replace('?', '/resubmit?') })],
    [`receipt (${lang})`, receiptMail(record(lang), STATUS_URL)],
  ]).concat([
    ['escalation', reviewMail(record('it'), { ...review, escalation: true })],
    ['review', reviewMail(record('it'), { ...review, reminder: false })],
  ]);
}

describe.skipIf(!browserTestsEnabled)('the mails on a phone', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it('fit a 390 px screen: a long link among the facts wraps instead of widening the mail and cutting its text off', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    try {
      for (const [name, mail] of mails()) {
        await page.setContent(mail.html);
        const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        expect(width, name).toBeLessThanOrEqual(390);
      }
    } finally {
      await page.close();
    }
  }, 60_000);
});
