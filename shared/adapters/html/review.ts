import type { CaseInput, Language } from '../../core/case';
import type { CaseRecord } from '../../core/case-record';
import { fieldLabel, formatDateTime, statusLabel, valueLabel } from '../../core/i18n';
import type { DecisionRecord } from '../../core/review';
import type { FieldChange, FieldValue } from '../../core/case-changes';
import type { ReviewChanges } from '../../app/review-flow';
import type { FieldError } from '../../core/validation';
import { html, type SafeHtml } from './html';
import { layout } from './pages';

const DECISION_LABELS: Record<string, Record<Language, string>> = {
  approve: { it: 'Approvare', en: 'Approve' },
  reject: { it: 'Respingere', en: 'Reject' },
  changes: { it: 'Chiedere modifiche', en: 'Request changes' },
};
/** The choices in the order a reviewer weighs them. */
const DECISION_ORDER = ['approve', 'changes', 'reject'] as const;
const DECIDED_LABELS: Record<string, Record<Language, string>> = {
  approve: { it: 'approvato', en: 'approved' },
  reject: { it: 'respinto', en: 'rejected' },
  changes: { it: 'rimandato per modifiche', en: 'sent back for changes' },
};

const langSwitch = (lang: Language, path: string) => {
  const other: Language = lang === 'it' ? 'en' : 'it';
  return html`<p class="lang-switch"><a href="${path}?lang=${other}" lang="${other}" hreflang="${other}">${other === 'en' ? 'English' : 'Italiano'}</a></p>`;
};

/** Fields whose values are enumeration values, shown by their labels; any other text is the submitter's own and shown as written. */
const ENUM_FIELDS: ReadonlySet<string> = new Set(['kind', 'stage', 'reimbursement', 'medicalDevice', 'language']);

const locale = (lang: Language) => (lang === 'it' ? 'it-IT' : 'en-GB');

/** A field's value as a reviewer reads it, in the page's language. */
function shown(path: string, value: FieldValue, lang: Language): string {
  if (typeof value === 'number') return value.toLocaleString(locale(lang));
  if (typeof value === 'boolean') return value ? (lang === 'it' ? 'sì' : 'yes') : 'no';
  if (typeof value !== 'string') return value.map((item) => valueLabel(item, lang, path)).join(', ');
  if (path === 'startDate' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    return new Date(`${value}T00:00:00Z`).toLocaleDateString(locale(lang), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  }
  return ENUM_FIELDS.has(path) ? valueLabel(value, lang, path) : value;
}

/** A term and its description, or nothing at all when the value is empty: the page never shows a row without a value. */
function fact(label: string, value: string | SafeHtml | undefined, wide = false): SafeHtml {
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return html``;
  return html`<div${wide ? html` class="wide"` : ''}><dt>${label}</dt><dd>${value}</dd></div>`;
}

const facilityText = (data: CaseInput) => (data.facility.code ? `${data.facility.name} (${data.facility.code})` : data.facility.name);

function valueOf(data: CaseInput, field: keyof CaseInput, lang: Language): string | undefined {
  const value = data[field] as FieldValue | undefined;
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return undefined;
  return shown(field, value, lang);
}

function changeCountText(count: number, lang: Language): string {
  if (lang === 'it') return count === 0 ? 'nessuna modifica' : `${count} ${count === 1 ? 'campo modificato' : 'campi modificati'}`;
  return count === 0 ? 'nothing changed' : `${count} ${count === 1 ? 'field changed' : 'fields changed'}`;
}

/** What a reviewer reads first, with the decision: what the case is, whose, where, which round and until when. */
function essentials(o: ReviewPageOptions, changeCount: number | undefined): SafeHtml {
  const { lang, record } = o;
  const it = lang === 'it';
  const roundText = changeCount === undefined ? String(o.round) : html`${o.round} · <a href="#changes">${changeCountText(changeCount, lang)}</a>`;
  return html`<section class="essentials" aria-labelledby="essentials-heading">
<h2 id="essentials-heading" class="visually-hidden">${it ? 'Il caso in breve' : 'The case at a glance'}</h2>
<dl class="facts brief">
${fact(fieldLabel('kind', lang), valueLabel(record.data.kind, lang))}
${fact(fieldLabel('partner', lang), o.partnerName)}
${fact(fieldLabel('facility', lang), facilityText(record.data), true)}
${fact(fieldLabel('clinicalAreas', lang), valueOf(record.data, 'clinicalAreas', lang))}
${fact(it ? 'Turno di revisione' : 'Review round', roundText)}
${fact(it ? 'Decidere entro' : 'Decide by', html`<time datetime="${o.expiresAt}">${formatDateTime(o.expiresAt, lang)}</time>`, true)}
</dl>
</section>`;
}

/** The fields not among the essentials, each only when it holds a value, and the summary. */
export function caseDetails(data: CaseInput, lang: Language): SafeHtml {
  const it = lang === 'it';
  const contact = data.contact.role ? `${data.contact.name}, ${data.contact.role}` : data.contact.name;
  return html`<section class="details" aria-labelledby="details-heading">
<h2 id="details-heading">${it ? 'Dettagli del caso' : 'Case details'}</h2>
<dl class="facts">
${data.kind === 'telex' ? fact(fieldLabel('telexServices', lang), valueOf(data, 'telexServices', lang)) : ''}
${(['targetPopulation', 'careSettings', 'technologies', 'stage', 'patientsImpacted', 'funding', 'reimbursement', 'interoperability', 'medicalDevice', 'startDate'] as const).map((field) => fact(fieldLabel(field, lang), valueOf(data, field, lang)))}
${fact(fieldLabel('contact', lang), contact)}
</dl>
<h3>${fieldLabel('summary', lang)}</h3>
<p class="summary">${data.summary}</p>
</section>`;
}

/** One field's change: the old value struck through, the new one marked, each announced in words too. */
function changeItem(change: FieldChange, lang: Language): SafeHtml {
  const it = lang === 'it';
  const was = (value: FieldValue) => html`<span class="was"><span class="visually-hidden">${it ? 'prima: ' : 'before: '}</span><del>${shown(change.path, value, lang)}</del></span>`;
  const now = (value: FieldValue) => html`<span class="now"><span class="visually-hidden">${it ? 'ora: ' : 'now: '}</span><ins>${shown(change.path, value, lang)}</ins></span>`;
  const tag = (kind: FieldChange['kind']) =>
    html`<span class="change-kind change-${kind}">${
      kind === 'added' ? (it ? 'aggiunto' : 'added') : kind === 'removed' ? (it ? 'tolto' : 'removed') : it ? 'modificato' : 'changed'
    }</span>`;
  let body: SafeHtml;
  if (change.kind === 'added') body = now(change.after);
  else if (change.kind === 'removed') body = was(change.before);
  else if (change.addedItems || change.removedItems) {
    const items = (values: readonly string[] | undefined, label: string, mark: 'ins' | 'del') =>
      values && values.length
        ? html`<span class="items">${label}: ${values.map((v, i) => html`${i ? ', ' : ''}${mark === 'ins' ? html`<ins>${valueLabel(v, lang, change.path)}</ins>` : html`<del>${valueLabel(v, lang, change.path)}</del>`}`)}</span>`
        : '';
    body = html`${items(change.addedItems, it ? 'aggiunti' : 'added', 'ins')}${items(change.removedItems, it ? 'tolti' : 'removed', 'del')}`;
  } else if (change.path === 'summary') {
    body = html`<details><summary>${it ? 'Testo precedente' : 'Previous text'}</summary>${was(change.before)}</details>${now(change.after)}`;
  } else body = html`${was(change.before)} <span class="arrow" aria-hidden="true">→</span> ${now(change.after)}`;
  return html`<li><p class="change-field"><span class="change-label">${fieldLabel(change.path, lang)}</span> ${tag(change.kind)}</p><div class="change-values">${body}</div></li>`;
}

/** From the second version on: what the submitter changed since the version before, field by field. */
function changesSection(changes: ReviewChanges, history: readonly DecisionRecord[], round: number, lang: Language): SafeHtml {
  const it = lang === 'it';
  const asked = history.filter((d) => d.decision === 'changes' && d.round < round).at(-1);
  const heading = it ? `Cosa è cambiato dalla versione ${changes.since}` : `What changed since version ${changes.since}`;
  let content: SafeHtml;
  if ('unavailable' in changes) content = html`<p>${it ? `La versione ${changes.since} non è disponibile per il confronto.` : `Version ${changes.since} is not available to compare with.`}</p>`;
  else if (changes.fields.length === 0) content = html`<p>${it ? `Nessun campo è cambiato rispetto alla versione ${changes.since}.` : `No field changed since version ${changes.since}.`}</p>`;
  else content = html`<ul class="changes-list">${changes.fields.map((change) => changeItem(change, lang))}</ul>`;
  return html`<section class="changes" id="changes" aria-labelledby="changes-heading">
<h2 id="changes-heading">${heading}</h2>
${asked?.comment ? html`<p class="muted">${it ? `Richiesta del turno ${asked.round}:` : `Asked in round ${asked.round}:`}</p><blockquote>${asked.comment}</blockquote>` : ''}
${content}
</section>`;
}

function decisionHistory(decisions: readonly DecisionRecord[], lang: Language): SafeHtml {
  if (decisions.length === 0) return html``;
  return html`<section aria-labelledby="history-heading">
<h2 id="history-heading">${lang === 'it' ? 'Revisioni precedenti' : 'Earlier reviews'}</h2>
<ol class="history">${decisions.map(
    (d) => html`<li><time datetime="${d.at}">${formatDateTime(d.at, lang)}</time> ${DECIDED_LABELS[d.decision]?.[lang] ?? d.decision} (${d.reviewer})${d.comment ? html`<blockquote>${d.comment}</blockquote>` : ''}</li>`,
  )}</ol>
</section>`;
}

export interface ReviewPageOptions {
  lang: Language;
  path: string;
  record: CaseRecord;
  partnerName: string;
  reviewer: string;
  /** The review round the link belongs to. */
  round: number;
  expiresAt: string;
  history: readonly DecisionRecord[];
  /** From the second version on, what changed since the one before. */
  changes?: ReviewChanges;
  errors?: readonly FieldError[];
  values?: { decision?: string; comment?: string };
}

/** The decision form: the three choices and the comment, posted back to the link. */
function decisionForm(o: ReviewPageOptions): SafeHtml {
  const it = o.lang === 'it';
  const errors = o.errors ?? [];
  const errorFor = (path: string) => errors.filter((e) => e.path === path).map((e) => e.message).join(' ');
  const chosen = o.values?.decision;
  const commentError = errorFor('comment');
  return html`<form method="post" action="${o.path}?lang=${o.lang}" class="decision-form">
<fieldset class="choices${errorFor('decision') ? ' has-error' : ''}" id="field-decision"${errorFor('decision') ? html` aria-describedby="field-decision-error"` : ''}>
<legend><h2 class="legend-heading">${it ? 'La vostra decisione' : 'Your decision'}</h2></legend>
${errorFor('decision') ? html`<p class="field-error" id="field-decision-error">${errorFor('decision')}</p>` : ''}
<div class="decision-options">
${DECISION_ORDER.map(
  (d) => html`<label class="decision-option decision-${d}"><input type="radio" name="decision" value="${d}" required${chosen === d ? html` checked` : ''}> <span>${DECISION_LABELS[d]?.[o.lang]}</span></label>`,
)}
</div>
</fieldset>
<div class="field${commentError ? ' has-error' : ''}">
<label for="field-comment">${it ? 'Commento per chi ha inviato il caso' : 'Comment for the submitter'}</label>
<p class="hint" id="field-comment-hint">${it ? 'Obbligatorio per respingere o chiedere modifiche.' : 'Required to reject or request changes.'}</p>
${commentError ? html`<p class="field-error" id="field-comment-error">${commentError}</p>` : ''}
<textarea id="field-comment" name="comment" rows="3" maxlength="2000" aria-describedby="field-comment-hint${commentError ? ' field-comment-error' : ''}"${commentError ? html` aria-invalid="true"` : ''}>${o.values?.comment ?? ''}</textarea>
</div>
<p class="submit"><button type="submit">${it ? 'Registra la decisione' : 'Record the decision'}</button></p>
</form>`;
}

/**
 * The confirmation page behind a review link, made to be read on a phone from a mail: the
 * essentials and the decision first, then what changed since the previous version, then the
 * whole case. Opening it changes nothing.
 */
export function reviewPage(o: ReviewPageOptions): SafeHtml {
  const { lang, record } = o;
  const it = lang === 'it';
  const errors = o.errors ?? [];
  const changeCount = o.changes && !('unavailable' in o.changes) ? o.changes.fields.length : undefined;
  return layout({
    lang,
    title: it ? `Revisione del caso ${record.reference}` : `Review of case ${record.reference}`,
    // A form given back with errors: the pages' script moves the focus to their summary.
    scripts: errors.length ? ['/assets/form.js'] : [],
    body: html`<div class="review-head">
<p class="muted">${it ? 'Revisione del caso' : 'Review of case'} ${record.reference}</p>
${langSwitch(lang, o.path)}
</div>
<h1>${record.data.title}</h1>
${errors.length ? html`<div class="error-summary" role="alert" id="error-summary" tabindex="-1"><h2>${it ? 'Controllare la decisione' : 'Please check your decision'}</h2><ul>${errors.map((e) => html`<li><a href="#field-${e.path}">${e.message}</a></li>`)}</ul></div>` : ''}
${essentials(o, changeCount)}
${decisionForm(o)}
${o.changes ? changesSection(o.changes, o.history, o.round, lang) : ''}
${caseDetails(record.data, lang)}
${decisionHistory(o.history, lang)}
<p class="muted personal">${it ? `Collegamento personale di ${o.reviewer}: non inoltratelo.` : `A personal link of ${o.reviewer}: do not forward it.`}</p>`,
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
