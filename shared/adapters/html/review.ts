import type { CaseInput, Language } from '../../core/case';
import type { CaseRecord } from '../../core/case-record';
import { fieldLabel, formatDateTime, statusLabel, valueLabel } from '../../core/i18n';
import type { DecisionRecord } from '../../core/review';
import type { FieldError } from '../../core/validation';
import { html, type SafeHtml } from './html';
import { layout } from './pages';

const DECISION_LABELS: Record<string, Record<Language, string>> = {
  approve: { it: 'Approvare', en: 'Approve' },
  reject: { it: 'Respingere', en: 'Reject' },
  changes: { it: 'Chiedere modifiche', en: 'Request changes' },
};
const DECIDED_LABELS: Record<string, Record<Language, string>> = {
  approve: { it: 'approvato', en: 'approved' },
  reject: { it: 'respinto', en: 'rejected' },
  changes: { it: 'rimandato per modifiche', en: 'sent back for changes' },
};

const langSwitch = (lang: Language, path: string) => {
  const other: Language = lang === 'it' ? 'en' : 'it';
  return html`<p class="lang-switch"><a href="${path}?lang=${other}" lang="${other}" hreflang="${other}">${other === 'en' ? 'English' : 'Italiano'}</a></p>`;
};

const list = (values: readonly string[] | undefined, lang: Language) => (values && values.length ? values.map((v) => valueLabel(v, lang)).join(', ') : '—');

/** Everything a reviewer needs to judge a case, except the submitter's contact data beyond name and role. */
export function caseDetails(data: CaseInput, lang: Language, partnerName: string): SafeHtml {
  const row = (label: string, value: string | number | undefined) =>
    html`<dt>${label}</dt><dd>${value === undefined || value === '' ? '—' : value}</dd>`;
  return html`<dl class="facts">
${row(fieldLabel('partner', lang), partnerName)}
${row(fieldLabel('kind', lang), valueLabel(data.kind, lang))}
${row(fieldLabel('facility', lang), data.facility.code ? `${data.facility.name} (${data.facility.code})` : data.facility.name)}
${data.kind === 'telex' ? row(fieldLabel('telexServices', lang), list(data.telexServices, lang)) : ''}
${row(fieldLabel('clinicalAreas', lang), list(data.clinicalAreas, lang))}
${row(fieldLabel('careSettings', lang), list(data.careSettings, lang))}
${row(fieldLabel('technologies', lang), list(data.technologies, lang))}
${row(fieldLabel('stage', lang), data.stage ? valueLabel(data.stage, lang) : undefined)}
${row(fieldLabel('patientsImpacted', lang), data.patientsImpacted?.toLocaleString(lang === 'it' ? 'it-IT' : 'en-GB'))}
${row(fieldLabel('funding', lang), list(data.funding, lang))}
${row(fieldLabel('reimbursement', lang), data.reimbursement ? valueLabel(data.reimbursement, lang) : undefined)}
${row(fieldLabel('interoperability', lang), list(data.interoperability, lang))}
${row(fieldLabel('startDate', lang), data.startDate)}
${row(lang === 'it' ? 'Referente' : 'Contact', data.contact.role ? `${data.contact.name}, ${data.contact.role}` : data.contact.name)}
</dl>
<h2>${fieldLabel('summary', lang)}</h2>
<p class="summary">${data.summary}</p>`;
}

function decisionHistory(decisions: readonly DecisionRecord[], lang: Language): SafeHtml {
  if (decisions.length === 0) return html``;
  return html`<h2>${lang === 'it' ? 'Revisioni precedenti' : 'Earlier reviews'}</h2>
<ol class="history">${decisions.map(
    (d) => html`<li><time datetime="${d.at}">${formatDateTime(d.at, lang)}</time> ${DECIDED_LABELS[d.decision]?.[lang] ?? d.decision} (${d.reviewer})${d.comment ? html`<blockquote>${d.comment}</blockquote>` : ''}</li>`,
  )}</ol>`;
}

export interface ReviewPageOptions {
  lang: Language;
  path: string;
  record: CaseRecord;
  partnerName: string;
  reviewer: string;
  expiresAt: string;
  history: readonly DecisionRecord[];
  errors?: readonly FieldError[];
  values?: { decision?: string; comment?: string };
}

/** The confirmation page behind a review link: the case and one form. Opening it changes nothing. */
export function reviewPage(o: ReviewPageOptions): SafeHtml {
  const { lang, record } = o;
  const it = lang === 'it';
  const errors = o.errors ?? [];
  const errorFor = (path: string) => errors.filter((e) => e.path === path).map((e) => e.message).join(' ');
  const chosen = o.values?.decision;
  return layout({
    lang,
    title: it ? `Revisione del caso ${record.reference}` : `Review of case ${record.reference}`,
    body: html`${langSwitch(lang, o.path)}
<p class="muted">${it ? 'Revisione del caso' : 'Review of case'} ${record.reference} · ${o.reviewer}</p>
<h1>${record.data.title}</h1>
${errors.length ? html`<div class="error-summary" role="alert" id="error-summary" tabindex="-1"><h2>${it ? 'Controllare la decisione' : 'Please check your decision'}</h2><ul>${errors.map((e) => html`<li><a href="#field-${e.path}">${e.message}</a></li>`)}</ul></div>` : ''}
${caseDetails(record.data, lang, o.partnerName)}
${decisionHistory(o.history, lang)}
<form method="post" action="${o.path}?lang=${lang}" class="decision-form">
<fieldset class="field choices${errorFor('decision') ? ' has-error' : ''}" id="field-decision"${errorFor('decision') ? html` aria-describedby="field-decision-error"` : ''}>
<legend>${it ? 'La vostra decisione' : 'Your decision'} *</legend>
${errorFor('decision') ? html`<p class="field-error" id="field-decision-error">${errorFor('decision')}</p>` : ''}
<div class="options">
${(['approve', 'reject', 'changes'] as const).map(
  (d) => html`<label class="option"><input type="radio" name="decision" value="${d}" required${chosen === d ? html` checked` : ''}> <span>${DECISION_LABELS[d]?.[lang]}</span></label>`,
)}
</div>
</fieldset>
<div class="field${errorFor('comment') ? ' has-error' : ''}">
<label for="field-comment">${it ? 'Commento per chi ha inviato il caso' : 'Comment for the submitter'}</label>
<p class="hint" id="field-comment-hint">${it ? 'Obbligatorio per respingere o chiedere modifiche; arriva a chi ha inviato il caso.' : 'Required to reject or request changes; the submitter receives it.'}</p>
${errorFor('comment') ? html`<p class="field-error" id="field-comment-error">${errorFor('comment')}</p>` : ''}
<textarea id="field-comment" name="comment" rows="5" maxlength="2000"${errorFor('comment') ? html` aria-describedby="field-comment-hint field-comment-error" aria-invalid="true"` : html` aria-describedby="field-comment-hint"`}>${o.values?.comment ?? ''}</textarea>
</div>
<p class="muted">${it ? 'Il collegamento scade il' : 'The link expires on'} ${formatDateTime(o.expiresAt, lang)}.</p>
<p><button type="submit">${it ? 'Registra la decisione' : 'Record the decision'}</button></p>
</form>`,
  });
}

/** After a decision, or when someone else decided first. */
export function decidedPage(lang: Language, record: CaseRecord, decision: DecisionRecord, mine: boolean): SafeHtml {
  const it = lang === 'it';
  const what = DECIDED_LABELS[decision.decision]?.[lang] ?? decision.decision;
  const when = formatDateTime(decision.at, lang);
  return layout({
    lang,
    title: mine ? (it ? 'Decisione registrata' : 'Decision recorded') : it ? 'Caso già deciso' : 'Case already decided',
    body: html`<div class="notice ${mine ? 'success' : ''}" role="status">
<h1>${mine ? (it ? 'Grazie, decisione registrata' : 'Thank you, decision recorded') : it ? 'Questo caso è già stato deciso' : 'This case has already been decided'}</h1>
<p>${it ? `Il caso ${record.reference} è stato ${what} da ${decision.reviewer} il ${when}.` : `Case ${record.reference} was ${what} by ${decision.reviewer} on ${when}.`}</p>
${decision.comment ? html`<blockquote>${decision.comment}</blockquote>` : ''}
<p>${it ? 'Chi ha inviato il caso riceverà una email.' : 'The submitter will get an email.'}</p>
</div>
<h2>${record.data.title}</h2>`,
  });
}

/** A link past its window, or for a round that is over. */
export function reviewClosedPage(lang: Language, record: CaseRecord): SafeHtml {
  const it = lang === 'it';
  return layout({
    lang,
    title: it ? 'Collegamento scaduto' : 'Link expired',
    body: html`<h1>${it ? 'Questo collegamento di revisione è scaduto' : 'This review link has expired'}</h1>
<p class="lead">${it ? `Il caso ${record.reference} è ora nello stato «${statusLabel(record.status, lang)}». Se il caso attende ancora una revisione, è stato inviato un collegamento più recente.` : `Case ${record.reference} is now "${statusLabel(record.status, lang)}". If it still awaits review, a newer link has been sent.`}</p>`,
  });
}

/** The submitter's confirmation after amending a case. */
export function amendedPage(lang: Language, record: CaseRecord): SafeHtml {
  const it = lang === 'it';
  return layout({
    lang,
    title: it ? 'Caso aggiornato' : 'Case updated',
    body: html`<div class="notice success" role="status"><h1>${it ? 'Grazie, caso aggiornato' : 'Thank you, case updated'}</h1>
<p>${it ? `La nuova versione del caso ${record.reference} torna ai revisori dello Hub. Riceverete una email con l'esito.` : `The new version of case ${record.reference} goes back to the Hub's reviewers. You will get an email with the outcome.`}</p></div>`,
  });
}

export function amendClosedPage(lang: Language, record: CaseRecord, state: 'done' | 'expired'): SafeHtml {
  const it = lang === 'it';
  const title = state === 'done' ? (it ? 'Caso già aggiornato' : 'Case already updated') : it ? 'Collegamento scaduto' : 'Link expired';
  const text =
    state === 'done'
      ? it ? `Il caso ${record.reference} non attende modifiche: è nello stato «${statusLabel(record.status, lang)}».` : `Case ${record.reference} is not waiting for changes: it is “${statusLabel(record.status, lang)}”.`
      : it
        ? `Il tempo per modificare il caso ${record.reference} è scaduto e il caso è stato chiuso. Per proseguire, inviatelo di nuovo con le modifiche dal modulo della vostra organizzazione, oppure scrivete allo Hub citando il riferimento ${record.reference}.`
        : `The time to amend case ${record.reference} has run out and the case has been closed. To go on, send it again with the changes through your organisation's form, or write to the Hub quoting reference ${record.reference}.`;
  return layout({ lang, title, body: html`<h1>${title}</h1><p class="lead">${text}</p>` });
}
