import type { Language } from '../domain/case';
import type { CaseRecord } from '../domain/case-record';
import { valueLabel } from '../domain/i18n';
import { html, type SafeHtml } from '../views/html';
import type { MailMessage } from './mailer';

interface MailParts {
  subject: string;
  heading: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  facts: [string, string][];
  footer: string;
}

/** One layout for every mail: a plain-text part that reads well on its own and a simple HTML part. */
export function composeMail(to: string[], parts: MailParts): MailMessage {
  const facts = parts.facts.map(([label, value]) => `${label}: ${value}`).join('\n');
  const text = [
    parts.heading,
    '',
    ...parts.paragraphs.flatMap((p) => [p, '']),
    ...(parts.action ? [`${parts.action.label}:`, parts.action.url, ''] : []),
    facts,
    '',
    '--',
    parts.footer,
  ].join('\n');
  const rows: SafeHtml[] = parts.facts.map(
    ([label, value]) =>
      html`<tr><th align="left" style="padding:4px 12px 4px 0;color:#555;font-weight:normal;vertical-align:top">${label}</th><td style="padding:4px 0">${value}</td></tr>`,
  );
  const body = html`<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${parts.subject}</title></head>
<body style="margin:0;padding:16px;background:#f4f6f8;font-family:Arial,Helvetica,sans-serif;color:#1b1f24;font-size:16px;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">
<p style="margin:0 0 8px;color:#00558c;font-weight:bold">Lombardy Digital Health Innovation Hub</p>
<h1 style="font-size:20px;margin:0 0 16px">${parts.heading}</h1>
${parts.paragraphs.map((p) => html`<p style="margin:0 0 12px">${p}</p>`)}
${parts.action ? html`<p style="margin:20px 0"><a href="${parts.action.url}" style="display:inline-block;background:#00558c;color:#fff;text-decoration:none;padding:12px 20px;border-radius:6px;font-weight:bold">${parts.action.label}</a></p>` : ''}
<table role="presentation" style="border-collapse:collapse;margin:16px 0;font-size:14px">${rows}</table>
<p style="margin:24px 0 0;color:#666;font-size:13px">${parts.footer}</p>
</div></body></html>`;
  return { to, subject: parts.subject, text, html: body.value };
}

const FOOTER: Record<Language, string> = {
  it: 'Questo messaggio è stato inviato automaticamente dallo Hub. Per domande rispondere al proprio referente dello Hub.',
  en: 'This message was sent automatically by the Hub. For questions, write to your contact at the Hub.',
};

/** The receipt a submitter gets once the case is stored, with the link to follow it. */
export function receiptMail(record: CaseRecord, statusUrl: string): MailMessage {
  const lang = record.data.language;
  const it = lang === 'it';
  return composeMail([record.data.contact.email], {
    subject: it
      ? `Abbiamo ricevuto il vostro caso ${record.reference}`
      : `We have received your case ${record.reference}`,
    heading: it ? 'Caso ricevuto' : 'Case received',
    paragraphs: [
      it ? `Gentile ${record.data.contact.name},` : `Dear ${record.data.contact.name},`,
      it
        ? `grazie: il caso «${record.data.title}» è stato registrato con il riferimento ${record.reference}. I revisori dello Hub lo esamineranno e riceverete un messaggio con l'esito.`
        : `thank you: the case "${record.data.title}" is registered with reference ${record.reference}. The Hub's reviewers will look at it and you will get a message with the outcome.`,
    ],
    action: { label: it ? 'Segui lo stato del caso' : 'Follow the status of your case', url: statusUrl },
    facts: [
      [it ? 'Riferimento' : 'Reference', record.reference],
      [it ? 'Tipo' : 'Kind', valueLabel(record.data.kind, lang)],
      [it ? 'Struttura' : 'Facility', record.data.facility.name],
    ],
    footer: FOOTER[lang],
  });
}
