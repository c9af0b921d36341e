import type { Language } from '../../core/case';
import { RESUBMIT_WINDOW_DAYS, type CaseRecord } from '../../core/case-record';
import { statusLabel, valueLabel } from '../../core/i18n';
import type { ResubmitView } from '../../app/resubmit-case';
import { html, type SafeHtml } from './html';
import { layout } from './pages';

/** The page behind the outcome mail's "send again" button: what will be sent, and a button (a POST). */
export function resubmitPage(lang: Language, record: CaseRecord, action: string, token: string): SafeHtml {
  const it = lang === 'it';
  const data = record.data;
  return layout({
    lang,
    title: it ? `Inviare di nuovo il caso ${record.reference}` : `Send case ${record.reference} again`,
    referrerPolicy: 'same-origin',
    body: html`<h1>${it ? 'Inviare di nuovo il caso' : 'Send the case again'}</h1>
<p class="lead">${
      it
        ? `Il caso «${data.title}» (${record.reference}) è stato chiuso senza una decisione. Inviandolo di nuovo così com'è riceve un nuovo riferimento, una nuova ricevuta a ${data.contact.email}, e torna ai revisori dello Hub.`
        : `The case “${data.title}” (${record.reference}) was closed without a decision. Sent again as it is, it gets a new reference, a new receipt to ${data.contact.email}, and goes back to the Hub's reviewers.`
    }</p>
<dl class="facts">
<dt>${it ? 'Tipo' : 'Kind'}</dt><dd>${valueLabel(data.kind, lang)}</dd>
<dt>${it ? 'Struttura' : 'Facility'}</dt><dd>${data.facility.name}</dd>
<dt>${it ? 'Referente' : 'Contact'}</dt><dd>${data.contact.name}</dd>
</dl>
<form method="post" action="${action}">
<input type="hidden" name="token" value="${token}">
<input type="hidden" name="lang" value="${lang}">
<button type="submit">${it ? 'Invia di nuovo il caso' : 'Send the case again'}</button>
</form>
<p class="muted">${
      it
        ? "Per cambiare qualcosa prima di inviarlo, usate invece il modulo della vostra organizzazione."
        : "To change anything before sending it, use your organisation's form instead."
    }</p>`,
  });
}

/** After the post: the new case, whose receipt carries its own status link. */
export function resubmittedPage(lang: Language, record: CaseRecord, resent: CaseRecord, statusUrl?: string): SafeHtml {
  const it = lang === 'it';
  const title = statusUrl ? (it ? 'Caso inviato di nuovo' : 'Case sent again') : it ? 'Caso già inviato di nuovo' : 'Case already sent again';
  const text = statusUrl
    ? it
      ? `Il caso ${record.reference} è stato inviato di nuovo con il riferimento ${resent.reference}. Riceverete una ricevuta con il collegamento per seguirlo e poi un messaggio con l'esito.`
      : `Case ${record.reference} has been sent again with reference ${resent.reference}. You will get a receipt with the link to follow it, then a message with the outcome.`
    : it
      ? `Il caso ${record.reference} è già stato inviato di nuovo con il riferimento ${resent.reference}: la ricevuta di quell'invio ha il collegamento per seguirlo.`
      : `Case ${record.reference} has already been sent again with reference ${resent.reference}: the receipt of that case has the link to follow it.`;
  return layout({
    lang,
    title,
    body: html`<div class="notice success" role="status"><h1>${title}</h1><p>${text}</p>${
      statusUrl ? html`<p><a href="${statusUrl}">${it ? 'Segui lo stato del nuovo caso' : 'Follow the status of the new case'}</a></p>` : ''
    }</div>`,
  });
}

/** A case that cannot be sent again in one step, and what to do instead. */
export function resubmitClosedPage(lang: Language, view: Extract<ResubmitView, { state: 'not-closed' | 'unavailable' }>): SafeHtml {
  const it = lang === 'it';
  const { record } = view;
  const form = it ? "Potete inviarlo di nuovo dal modulo della vostra organizzazione." : "You can send it again through your organisation's form.";
  const texts: Record<string, string> = {
    'not-closed': it
      ? `Il caso ${record.reference} è nello stato «${statusLabel(record.status, lang)}»: solo un caso chiuso senza decisione si invia di nuovo.`
      : `Case ${record.reference} is “${statusLabel(record.status, lang)}”: only a case closed without a decision can be sent again.`,
    erased: it
      ? `I dati di contatto del caso ${record.reference} sono stati cancellati, quindi non può essere inviato di nuovo così com'è. ${form}`
      : `The contact data of case ${record.reference} has been erased, so it cannot be sent again as it is. ${form}`,
    window: it
      ? `Il caso ${record.reference} è stato chiuso più di ${RESUBMIT_WINDOW_DAYS} giorni fa. ${form}`
      : `Case ${record.reference} was closed more than ${RESUBMIT_WINDOW_DAYS} days ago. ${form}`,
    partner: it
      ? `Il caso ${record.reference} non può essere inviato di nuovo così com'è: l'organizzazione o il suo elenco di domini email è cambiato. ${form}`
      : `Case ${record.reference} cannot be sent again as it is: the organisation or its list of email domains has changed. ${form}`,
    data: it
      ? `Il caso ${record.reference} non può essere inviato di nuovo così com'è: il modulo dello Hub è cambiato da allora. ${form}`
      : `Case ${record.reference} cannot be sent again as it is: the Hub's form has changed since. ${form}`,
  };
  const title = it ? 'Il caso non può essere inviato di nuovo' : 'The case cannot be sent again';
  return layout({ lang, title, body: html`<h1>${title}</h1><p class="lead">${texts[view.state === 'unavailable' ? view.reason : view.state]}</p>` });
}
