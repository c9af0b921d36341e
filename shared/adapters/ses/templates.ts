import type { Language } from '../../core/case';
import { formatDateTime, valueLabel } from '../../core/i18n';
import { html, type SafeHtml } from '../html/html';
import { HUB_NAME } from '../html/pages';
import type { MailMessage } from './mailer';
import type { MatchMailOptions, OutcomeMailOptions, ReviewMailOptions } from '../../app/ports';
import { reasonsText } from '../../core/matching';
import { RESUBMIT_WINDOW_DAYS, type CaseRecord } from '../../core/case-record';

/** Quoted as each language quotes: «…» in Italian, “…” in English. */
export function quoted(text: string, lang: Language): string {
  return lang === 'it' ? `«${text}»` : `“${text}”`;
}

interface MailParts {
  /** The mail's language; `both` for the reviewers' mails, Italian then English. */
  language: Language | 'both';
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
  // A value may be a link of 100 characters with no space in it: it wraps rather than widen the mail past a phone's screen.
  const rows: SafeHtml[] = parts.facts.map(
    ([label, value]) =>
      html`<tr><th align="left" style="padding:4px 12px 4px 0;color:#555;font-weight:normal;vertical-align:top">${label}</th><td style="padding:4px 0;word-break:break-word;overflow-wrap:anywhere">${value}</td></tr>`,
  );
  const brand = parts.language === 'both' ? `${HUB_NAME.it} / ${HUB_NAME.en}` : HUB_NAME[parts.language];
  const body = html`<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${parts.subject}</title></head>
<body style="margin:0;padding:16px;background:#f4f6f8;font-family:Arial,Helvetica,sans-serif;color:#1b1f24;font-size:16px;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#fff;border-radius:8px;padding:24px">
<p style="margin:0 0 8px;color:#00558c;font-weight:bold">${brand}</p>
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
    language: lang,
    subject: it
      ? `Abbiamo ricevuto il vostro caso ${record.reference}`
      : `We have received your case ${record.reference}`,
    heading: it ? 'Caso ricevuto' : 'Case received',
    paragraphs: [
      it ? `Gentile ${record.data.contact.name},` : `Dear ${record.data.contact.name},`,
      it
        ? `grazie: il caso «${record.data.title}» è stato registrato con il riferimento ${record.reference}. I revisori dello Hub lo esamineranno e riceverete un messaggio con l'esito.`
        : `thank you: the case “${record.data.title}” is registered with reference ${record.reference}. The Hub's reviewers will look at it and you will get a message with the outcome.`,
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

/**
 * The one mail a person who used the Hub's form gets before anything else: confirm the address,
 * or the case goes nowhere. It says what the case is, so a stranger's submission can be ignored.
 */
export function confirmMail(record: CaseRecord, options: { confirmUrl: string; statusUrl: string; partnerName: string }): MailMessage {
  const lang = record.data.language;
  const it = lang === 'it';
  return composeMail([record.data.contact.email], {
    language: lang,
    subject: it ? `Confermate il vostro indirizzo per il caso ${record.reference}` : `Confirm your address for case ${record.reference}`,
    heading: it ? 'Confermate il vostro indirizzo email' : 'Confirm your email address',
    paragraphs: [
      it ? `Gentile ${record.data.contact.name},` : `Dear ${record.data.contact.name},`,
      it
        ? `il caso «${record.data.title}» è stato inviato allo Hub per ${options.partnerName} con questo indirizzo, con il riferimento ${record.reference}. Confermate che l'indirizzo è vostro: solo allora i revisori dello Hub esamineranno il caso. La conferma vale anche per i prossimi casi inviati con questo indirizzo.`
        : `the case “${record.data.title}” was sent to the Hub for ${options.partnerName} with this address, with reference ${record.reference}. Confirm that the address is yours: only then will the Hub's reviewers look at the case. The confirmation also holds for later cases sent with this address.`,
      it
        ? 'Se non avete inviato voi questo caso, ignorate questo messaggio: senza conferma il caso viene chiuso e i dati cancellati.'
        : 'If you did not send this case, ignore this message: without a confirmation the case is closed and its data erased.',
    ],
    action: { label: it ? 'Conferma il mio indirizzo' : 'Confirm my address', url: options.confirmUrl },
    facts: [
      [it ? 'Riferimento' : 'Reference', record.reference],
      [it ? 'Stato del caso' : 'Case status', options.statusUrl],
    ],
    footer: FOOTER[lang],
  });
}

const REVIEW_FOOTER =
  'Questo collegamento è personale: non inoltrarlo. / This link is personal: do not forward it.';

/** The request to a reviewer, in Italian and English in one message: reviewers read either. */
export function reviewMail(record: CaseRecord, options: ReviewMailOptions): MailMessage {
  if (options.escalation) return escalationMail(record, options);
  const data = record.data;
  const deadlineIt = formatDateTime(options.expiresAt, 'it');
  const deadlineEn = formatDateTime(options.expiresAt, 'en');
  const amended = options.previous.filter((d) => d.decision === 'changes');
  const lastChange = amended.at(-1);
  return composeMail([options.to], {
    language: 'both',
    // The submitter's own words stay in the body: a subject is a header.
    subject: `${options.reminder ? 'Promemoria: ' : ''}caso ${record.reference} da revisionare / ${options.reminder ? 'Reminder: ' : ''}case ${record.reference} to review`,
    heading: options.reminder ? 'Promemoria: un caso attende la vostra revisione' : 'Un nuovo caso da revisionare',
    paragraphs: [
      `«${data.title}» (${valueLabel(data.kind, 'it')}), inviato da ${options.partnerName}. Aprite il collegamento per leggerlo e decidere: approvare, respingere o chiedere modifiche. Il collegamento scade il ${deadlineIt}.`,
      ...(lastChange ? [`Il caso è stato modificato dopo la richiesta: «${lastChange.comment ?? ''}».`] : []),
      `${options.reminder ? 'Reminder: a' : 'A'} case awaits your review: “${data.title}” (${valueLabel(data.kind, 'en')}) from ${options.partnerName}. Open the link to read it and approve, reject or request changes. The link expires on ${deadlineEn}.`,
    ],
    action: { label: 'Revisiona il caso / Review the case', url: options.url },
    facts: reviewFacts(record),
    footer: REVIEW_FOOTER,
  });
}

const reviewFacts = (record: CaseRecord): [string, string][] => [
  ['Riferimento / Reference', record.reference],
  ['Struttura / Facility', record.data.facility.name],
  ['Aree cliniche / Clinical areas', record.data.clinicalAreas.map((a) => bilingual(valueLabel(a, 'it'), valueLabel(a, 'en'))).join(', ')],
];

/** A label in both languages of a bilingual mail, once when they are the same word. */
const bilingual = (it: string, en: string) => (it === en ? it : `${it} / ${en}`);

/**
 * The escalation to one coordinator: no reviewer decided within the review window and its
 * reminders, and the case expires at `expiresAt` unless a coordinator decides.
 */
function escalationMail(record: CaseRecord, options: ReviewMailOptions): MailMessage {
  const data = record.data;
  const deadlineIt = formatDateTime(options.expiresAt, 'it');
  const deadlineEn = formatDateTime(options.expiresAt, 'en');
  return composeMail([options.to], {
    language: 'both',
    subject: `Escalation: caso ${record.reference} senza decisione / Escalation: case ${record.reference} has no decision`,
    heading: 'Escalation: un caso attende una decisione',
    paragraphs: [
      `Nessun revisore ha deciso sul caso «${data.title}» (${valueLabel(data.kind, 'it')}), inviato da ${options.partnerName}, entro il periodo di revisione e i promemoria. Come coordinatori dello Hub potete decidere voi: se nessuno decide entro il ${deadlineIt}, il caso si chiude come scaduto.`,
      `Escalation: no reviewer decided on the case “${data.title}” (${valueLabel(data.kind, 'en')}) from ${options.partnerName} within the review period and its reminders. As a coordinator of the Hub you can decide it: if nobody decides by ${deadlineEn}, the case is closed as expired.`,
    ],
    action: { label: 'Decidi sul caso / Decide the case', url: options.url },
    facts: [...reviewFacts(record), ['Scadenza / Deadline', `${deadlineIt} / ${deadlineEn}`]],
    footer: REVIEW_FOOTER,
  });
}

/** The request to the submitter to amend a case, with the reviewer's comment and the edit link. */
export function changesMail(record: CaseRecord, options: { url: string; comment: string; expiresAt: string }): MailMessage {
  const lang = record.data.language;
  const it = lang === 'it';
  return composeMail([record.data.contact.email], {
    language: lang,
    subject: it ? `Modifiche richieste per il caso ${record.reference}` : `Changes requested for case ${record.reference}`,
    heading: it ? 'I revisori chiedono alcune modifiche' : 'The reviewers ask for some changes',
    paragraphs: [
      it ? `Gentile ${record.data.contact.name},` : `Dear ${record.data.contact.name},`,
      it
        ? `i revisori dello Hub hanno esaminato il caso «${record.data.title}» e chiedono alcune modifiche prima di decidere:`
        : `the Hub's reviewers have looked at the case “${record.data.title}” and ask for some changes before deciding:`,
      quoted(options.comment, lang),
      it
        ? `Potete modificare il caso dal collegamento qui sotto fino al ${formatDateTime(options.expiresAt, lang)}: appena salvate le modifiche, il caso torna ai revisori. Se entro quella data non arriva alcuna modifica, il caso viene chiuso come scaduto; potrete comunque inviarlo di nuovo.`
        : `You can amend the case from the link below until ${formatDateTime(options.expiresAt, lang)}: as soon as you save your changes, the case goes back to the reviewers. If no change arrives by then, the case is closed as expired; you can still send it again.`,
    ],
    action: { label: it ? 'Modifica il caso' : 'Amend the case', url: options.url },
    facts: [[it ? 'Riferimento' : 'Reference', record.reference]],
    footer: FOOTER[lang],
  });
}

/** The outcome, told to the submitter: approved, rejected (with the reviewer's comment), expired or failed. */
export function outcomeMail(record: CaseRecord, options: OutcomeMailOptions): MailMessage {
  const lang = record.data.language;
  const it = lang === 'it';
  const title = record.data.title;
  const ref = record.reference;
  // A case closed without a decision on it is sent again from the mail's button, as it stands.
  const again = options.resubmitUrl
    ? it
      ? ` Potete inviarlo di nuovo così com'è con il pulsante qui sotto, entro ${RESUBMIT_WINDOW_DAYS} giorni: riceverà un nuovo riferimento e tornerà ai revisori.`
      : ` You can send it again as it is with the button below, within ${RESUBMIT_WINDOW_DAYS} days: it gets a new reference and goes back to the reviewers.`
    : it
      ? ' Potete inviarlo di nuovo dal modulo della vostra organizzazione.'
      : " You can send it again through your organisation's form.";
  const texts: Record<string, { subject: string; heading: string; body: string }> = {
    approved: it
      ? { subject: `Il caso ${ref} è stato approvato`, heading: 'Caso approvato', body: `il caso «${title}» è stato approvato dai revisori dello Hub e contribuirà alla mappatura della sanità digitale lombarda.` }
      : { subject: `Case ${ref} has been approved`, heading: 'Case approved', body: `the case “${title}” has been approved by the Hub's reviewers and will be part of the map of Lombardy's digital health.` },
    rejected: it
      ? { subject: `Il caso ${ref} non è stato accolto`, heading: 'Caso non accolto', body: `i revisori dello Hub hanno esaminato il caso «${title}» e non lo hanno accolto.` }
      : { subject: `Case ${ref} was not accepted`, heading: 'Case not accepted', body: `the Hub's reviewers have looked at the case “${title}” and did not accept it.` },
    expired:
      options.expiredFrom === 'in_review'
        ? it
          ? { subject: `Il caso ${ref} è scaduto senza una decisione`, heading: 'Caso scaduto senza decisione', body: `i revisori dello Hub non hanno deciso sul caso «${title}» entro i termini della revisione, nonostante i promemoria, e il caso è stato chiuso. Non dipende da voi.${again}` }
          : { subject: `Case ${ref} expired without a decision`, heading: 'Case expired without a decision', body: `the Hub's reviewers did not decide on the case “${title}” within the review period, reminders included, and the case has been closed. This is not down to you.${again}` }
        : it
          ? { subject: `Il caso ${ref} è scaduto`, heading: 'Caso scaduto', body: `il caso «${title}» non è stato completato entro i termini previsti ed è stato chiuso.${again}` }
          : { subject: `Case ${ref} has expired`, heading: 'Case expired', body: `the case “${title}” was not completed in time and has been closed.${again}` },
    failed: it
      ? { subject: `Il caso ${ref} non ha potuto essere revisionato`, heading: 'Revisione interrotta', body: `un guasto tecnico dello Hub ha interrotto la revisione del caso «${title}», che è stato chiuso senza una decisione. Non dipende da voi: il gruppo tecnico dello Hub è stato avvisato.${again}` }
      : { subject: `Case ${ref} could not be reviewed`, heading: 'Review interrupted', body: `a technical fault at the Hub stopped the review of the case “${title}”, which has been closed without a decision. This is not down to you: the Hub's technical team has been alerted.${again}` },
  };
  const chosen = texts[options.outcome];
  if (!chosen) throw new Error(`no outcome mail for ${options.outcome}`);
  const statusLabel = it ? 'Stato del caso' : 'Case status';
  return composeMail([record.data.contact.email], {
    language: lang,
    subject: chosen.subject,
    heading: chosen.heading,
    paragraphs: [
      it ? `Gentile ${record.data.contact.name},` : `Dear ${record.data.contact.name},`,
      chosen.body,
      // An approved need: its status page lists the practices that answer it, and new ones are mailed.
      ...(options.outcome === 'approved' && record.data.kind === 'need'
        ? [it
          ? 'La pagina dello stato del caso elenca i progetti approvati che rispondono al bisogno; vi scriveremo quando ne sarà approvato uno nuovo.'
          : 'The status page of the case lists the approved projects that answer the need; we will write to you when a new one is approved.']
        : []),
      ...(options.comment ? [`${it ? 'Commento dei revisori' : "The reviewers' comment"}: ${quoted(options.comment, lang)}`] : []),
    ],
    action: options.resubmitUrl
      ? { label: it ? 'Invia di nuovo il caso' : 'Send the case again', url: options.resubmitUrl }
      : { label: statusLabel, url: options.statusUrl },
    facts: [
      [it ? 'Riferimento' : 'Reference', ref],
      ...(options.resubmitUrl ? [[statusLabel, options.statusUrl] as [string, string]] : []),
    ],
    footer: FOOTER[lang],
  });
}

/**
 * To a need's submitter, once per practice: a practice approved since answers the need. It names
 * the practice, its partner and why it answers; the people are introduced by the Hub, so it gives
 * no contact of the practice, only the Hub's address.
 */
export function matchMail(need: CaseRecord, options: MatchMailOptions): MailMessage {
  const lang = need.data.language;
  const it = lang === 'it';
  const { practice } = options;
  const introduce = options.hubContactEmail
    ? it
      ? `Per conoscere chi ha realizzato il progetto, scrivete allo Hub (${options.hubContactEmail}): vi metterà in contatto.`
      : `To meet the people behind it, write to the Hub (${options.hubContactEmail}) to be introduced.`
    : it
      ? 'Per conoscere chi ha realizzato il progetto, scrivete allo Hub: vi metterà in contatto.'
      : 'To meet the people behind it, write to the Hub to be introduced.';
  return composeMail([need.data.contact.email], {
    language: lang,
    subject: it ? `Un progetto risponde al vostro bisogno ${need.reference}` : `A project answers your need ${need.reference}`,
    heading: it ? 'Un progetto approvato risponde al vostro bisogno' : 'An approved project answers your need',
    paragraphs: [
      it ? `Gentile ${need.data.contact.name},` : `Dear ${need.data.contact.name},`,
      it
        ? `i revisori dello Hub hanno approvato ${quoted(practice.title, lang)} (${valueLabel(practice.kind, lang)}) di ${practice.partnerName}, che risponde al vostro bisogno ${quoted(need.data.title, lang)}.`
        : `the Hub's reviewers have approved ${quoted(practice.title, lang)} (${valueLabel(practice.kind, lang)}) from ${practice.partnerName}, which answers your need ${quoted(need.data.title, lang)}.`,
      `${it ? 'Perché' : 'Why'}: ${reasonsText(practice.reasons, lang)}.`,
      introduce,
    ],
    action: { label: it ? 'Vedi il progetto nel catalogo' : 'See the project in the catalogue', url: options.catalogUrl },
    facts: [
      [it ? 'Progetto' : 'Project', practice.title],
      [it ? 'Partner' : 'Partner', practice.partnerName],
      [it ? 'Struttura' : 'Facility', practice.facility.name],
      [it ? 'Il vostro bisogno' : 'Your need', need.reference],
      [it ? 'Tutti i progetti che rispondono' : 'Every project that answers it', options.statusUrl],
    ],
    footer: FOOTER[lang],
  });
}
