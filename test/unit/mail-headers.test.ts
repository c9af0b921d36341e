import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createSesMailer, headerSafe } from '../../shared/adapters/ses/mailer';
import { changesMail, confirmMail, outcomeMail, receiptMail, reviewMail } from '../../shared/adapters/ses/templates';
import { CaseInput, type Language } from '../../shared/core/case';
import type { CaseRecord } from '../../shared/core/case-record';
import { validCase } from '../support/runtime';

/**
 * The submitter's own words reach a mail in its body only, escaped in the HTML part; nothing they
 * typed reaches a header, and no header carries CR or LF, whatever the stored text holds.
 */
const HOSTILE = 'Ciao\r\nBcc: victim@gmail.com\r\n\r\n<script>alert(1)</script><a href="https://attacker.example">';

function hostileRecord(language: Language): CaseRecord {
  const data = CaseInput.parse(validCase({ language }));
  return {
    id: '3Q8ZK2M7TV4XW9B1C6D0E5F2GH',
    reference: 'HUB-2026-7K3F9Q',
    status: 'in_review',
    revision: 2,
    dataVersion: 1,
    // As if stored before today's validation: line breaks and markup in every free text.
    data: { ...data, title: `T ${HOSTILE}`, summary: `S ${HOSTILE}`, facility: { name: `F ${HOSTILE}` }, contact: { ...data.contact, name: `N ${HOSTILE}`, role: `R ${HOSTILE}` } },
    createdAt: '2026-03-02T10:00:00.000Z',
    updatedAt: '2026-03-02T10:00:00.000Z',
    statusTokenHash: 'h',
  };
}

const url = 'https://intake.example.org/cases/x?token=t';
const mails = (record: CaseRecord) => {
  return {
    receipt: receiptMail(record, url),
    confirm: confirmMail(record, { confirmUrl: url, statusUrl: url, partnerName: 'Humanitas' }),
    review: reviewMail(record, { partnerName: 'Humanitas', to: 'revisore@hub.example.org', url, reminder: false, expiresAt: '2026-03-09T10:00:00.000Z', previous: [{ decision: 'changes', comment: HOSTILE, round: 1 }] }),
    changes: changesMail(record, { url, comment: HOSTILE, expiresAt: '2026-03-09T10:00:00.000Z' }),
    approved: outcomeMail(record, { outcome: 'approved', statusUrl: url }),
    rejected: outcomeMail(record, { outcome: 'rejected', comment: HOSTILE, statusUrl: url }),
    expired: outcomeMail(record, { outcome: 'expired', statusUrl: url, expiredFrom: 'in_review' }),
  };
};

describe.each(['it', 'en'] as const)('every mail template (%s)', (lang) => {
  const record = hostileRecord(lang);

  it('keeps the submitter’s and the reviewers’ words out of the subject, and the subject on one line', () => {
    for (const [name, mail] of Object.entries(mails(record))) {
      expect(mail.subject, name).not.toMatch(/[\r\n]/);
      for (const typed of ['Ciao', 'Bcc', 'victim', 'script', 'attacker']) expect(mail.subject, `${name}: ${typed}`).not.toContain(typed);
      expect(mail.subject, name).toContain('HUB-2026-7K3F9Q');
    }
  });

  it('sends each mail to the one address it is for', () => {
    for (const [name, mail] of Object.entries(mails(record))) {
      expect(mail.to, name).toEqual([name === 'review' ? 'revisore@hub.example.org' : record.data.contact.email]);
    }
  });

  it('escapes what was typed in the HTML part: no markup of theirs survives', () => {
    for (const [name, mail] of Object.entries(mails(record))) {
      expect(mail.html, name).not.toContain('<script>');
      expect(mail.html, name).not.toContain('<a href="https://attacker.example">');
      expect(mail.html, name).toContain('&lt;script&gt;');
    }
  });
});

describe('the SES mailer', () => {
  const ses = mockClient(SESv2Client);
  afterEach(() => ses.reset());
  const mailer = createSesMailer({ from: 'hub-intake@hub.example.org', endpoint: 'http://127.0.0.1:1' });

  it('puts a subject on one line, whatever it holds', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm1' });
    await mailer.send({ to: ['ada@humanitas.it'], subject: 'Caso\r\nBcc: victim@gmail.com\u2028x\u0000y', text: 't', html: '<p>h</p>' });
    const [call] = ses.commandCalls(SendEmailCommand);
    const subject = call!.args[0].input.Content?.Simple?.Subject?.Data ?? '';
    expect(subject).toBe('Caso Bcc: victim@gmail.com x y');
    expect(call!.args[0].input.Destination).toEqual({ ToAddresses: ['ada@humanitas.it'] });
    expect(headerSafe(' a\n\nb ')).toBe('a b');
  });

  it('refuses to send to anything but plain addresses, before calling SES', async () => {
    for (const to of ['ada@humanitas.it\r\nBcc: victim@gmail.com', 'Ada <ada@humanitas.it>', 'ada@humanitas.it, victim@gmail.com', 'ada@humanitas.it;victim@gmail.com', '"a b"@humanitas.it', 'ada']) {
      await expect(mailer.send({ to: [to], subject: 's', text: 't', html: 'h' }), to).rejects.toThrow(/not a plain address/);
    }
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
