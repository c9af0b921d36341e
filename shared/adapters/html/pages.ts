import type { Language } from '../../core/case';
import { historyForHolder, type CaseEvent, type CaseRecord, type RequestSummary } from '../../core/case-record';
import { fieldLabel, formatDateTime, statusLabel, valueLabel } from '../../core/i18n';
import { reasonsText } from '../../core/matching';
import type { NeedMatches, PracticeView } from '../../app/matching';
import { html, type SafeHtml } from './html';

/** Version of the static assets, part of their URLs so that a new release is never served stale CSS. */
export const ASSET_VERSION = '2';

export interface LayoutOptions {
  lang: Language;
  title: string;
  body: SafeHtml;
  /** `embedded` pages drop the Hub header: they live inside a partner's iframe. */
  embedded?: boolean;
  /**
   * A page shown in the partner's iframe (see `isFramed`): no landmark at all, neither the Hub's
   * header nor `<main>`, since the partner's page around it has its own and a screen reader would
   * list two of each. The page's heading stays.
   */
  framed?: boolean;
  scripts?: string[];
  /** Stylesheets of the page's own after the Hub's (`/assets/...`), versioned like it. */
  styles?: string[];
  /**
   * The page's own referrer policy, over the `no-referrer` header of every response. A page whose
   * form posts to the Hub needs one that keeps the Origin header: under `no-referrer` a browser
   * posts with `Origin: null`, which the Hub refuses (403) as a site not allowed for the partner.
   */
  referrerPolicy?: 'same-origin';
}

/** The Hub's name in the page's language, at the top of every page that is not framed. */
export const HUB_NAME: Record<Language, string> = {
  it: 'Digital Health Innovation Hub della Lombardia',
  en: 'Lombardy Digital Health Innovation Hub',
};

/** The shell of every HTML page: responsive, accessible, no inline script or style. */
export function layout({ lang, title, body, embedded = false, framed = false, scripts = [], styles = [], referrerPolicy }: LayoutOptions): SafeHtml {
  const bare = embedded || framed;
  return html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${referrerPolicy ? html`<meta name="referrer" content="${referrerPolicy}">` : ''}
<link rel="icon" href="data:,">
<title>${title}</title>
<link rel="stylesheet" href="/assets/hub.css?v=${ASSET_VERSION}">
${styles.map((href) => html`<link rel="stylesheet" href="${href}?v=${ASSET_VERSION}">`)}
${scripts.map((src) => html`<script src="${src}?v=${ASSET_VERSION}" defer></script>`)}
</head>
<body class="${bare ? 'embedded' : 'standalone'}">
${bare ? '' : html`<header class="site"><p class="brand">${HUB_NAME[lang]}</p></header>`}
${framed ? html`<div class="frame-content">
${body}
</div>` : html`<main id="main">
${body}
</main>`}
</body>
</html>`;
}

export function errorPage(lang: Language, title: string, detail: string): SafeHtml {
  return layout({ lang, title, body: html`<h1>${title}</h1><p class="lead">${detail}</p>` });
}

function actorLabel(event: CaseEvent | RequestSummary, lang: Language): string {
  const it = lang === 'it';
  if (event.type === 'review-requested') return it ? 'Sistema' : 'System';
  switch (event.actor.type) {
    case 'submitter':
      return it ? 'Referente' : 'Submitter';
    case 'reviewer':
      if (event.actor.role === 'coordinator') return it ? 'Coordinatore dello Hub' : 'Hub coordinator';
      return it ? 'Revisore dello Hub' : 'Hub reviewer';
    case 'system':
      return it ? 'Sistema' : 'System';
  }
}

/** "2 reviewers", "1 coordinator": who was asked, counted, never named. */
function askedLabel(summary: RequestSummary, lang: Language): string {
  const it = lang === 'it';
  const parts = [
    summary.reviewers > 0 ? `${summary.reviewers} ${it ? (summary.reviewers === 1 ? 'revisore' : 'revisori') : summary.reviewers === 1 ? 'reviewer' : 'reviewers'}` : '',
    summary.coordinators > 0
      ? `${summary.coordinators} ${it ? (summary.coordinators === 1 ? 'coordinatore' : 'coordinatori') : summary.coordinators === 1 ? 'coordinator' : 'coordinators'}`
      : '',
  ].filter(Boolean);
  return parts.join(it ? ' e ' : ' and ');
}

function requestLabel(summary: RequestSummary, lang: Language): string {
  const it = lang === 'it';
  const asked = askedLabel(summary, lang);
  switch (summary.reason) {
    case 'review':
      return it ? `Revisione richiesta a ${asked} (giro ${summary.round})` : `Review requested from ${asked} (round ${summary.round})`;
    case 'reminder':
      return it ? `Promemoria inviato a ${asked} (giro ${summary.round})` : `Reminder sent to ${asked} (round ${summary.round})`;
    case 'escalation':
      return it
        ? `Nessuna decisione nei tempi: caso inoltrato a ${asked} dello Hub`
        : `No decision in time: case escalated to ${asked} of the Hub`;
  }
}

function eventLabel(event: CaseEvent | RequestSummary, lang: Language): string {
  const it = lang === 'it';
  if ('reviewers' in event) return requestLabel(event, lang);
  switch (event.type) {
    case 'review-requested':
      return it ? 'Revisione richiesta' : 'Review requested';
    case 'submitted':
      return it ? 'Caso inviato' : 'Case submitted';
    case 'amended':
      return it ? 'Caso modificato' : 'Case amended';
    case 'contact-confirmed':
      return it ? 'Indirizzo email confermato' : 'Email address confirmed';
    case 'status-changed':
      return `${statusLabel(event.from ?? '', lang)} → ${statusLabel(event.to ?? '', lang)}`;
  }
}

function thanksNotice(lang: Language, record: CaseRecord): SafeHtml {
  const it = lang === 'it';
  const email = record.data.contact.email;
  const text = record.awaitingConfirmation
    ? it
      ? `Il riferimento del caso è ${record.reference}. Abbiamo inviato un messaggio a ${email}: aprite il collegamento che contiene per confermare l'indirizzo. I revisori dello Hub vedranno il caso solo dopo la conferma.`
      : `Your case reference is ${record.reference}. We have sent a message to ${email}: open the link in it to confirm your address. The Hub's reviewers see the case only once you confirm.`
    : it
      ? `Il riferimento del caso è ${record.reference}. Abbiamo inviato una ricevuta a ${email} con il collegamento a questa pagina.`
      : `Your case reference is ${record.reference}. We have sent a receipt to ${email} with the link to this page.`;
  const heading = record.awaitingConfirmation
    ? it ? 'Grazie: confermate il vostro indirizzo email' : 'Thank you: please confirm your email address'
    : it ? 'Grazie, caso ricevuto' : 'Thank you, case received';
  return html`<div class="notice success" role="status"><h1>${heading}</h1><p>${text}</p></div>`;
}

/** The page behind the confirmation link: a button, since mail scanners follow links but do not post forms. */
export function confirmPage(lang: Language, record: CaseRecord, action: string, token: string): SafeHtml {
  const it = lang === 'it';
  return layout({
    lang,
    title: it ? `Conferma dell'indirizzo, caso ${record.reference}` : `Confirm your address, case ${record.reference}`,
    referrerPolicy: 'same-origin',
    body: html`<h1>${it ? 'Confermate il vostro indirizzo email' : 'Confirm your email address'}</h1>
<p class="lead">${it ? `Il caso «${record.data.title}» (${record.reference}) è stato inviato con l'indirizzo ${record.data.contact.email}. Confermate che è vostro: solo allora i revisori dello Hub lo esamineranno.` : `The case "${record.data.title}" (${record.reference}) was sent with the address ${record.data.contact.email}. Confirm that it is yours: only then will the Hub's reviewers look at it.`}</p>
<form method="post" action="${action}">
<input type="hidden" name="token" value="${token}">
<input type="hidden" name="lang" value="${lang}">
<button type="submit">${it ? 'Confermo il mio indirizzo' : 'I confirm my address'}</button>
</form>
<p class="muted">${it ? 'Se non avete inviato voi questo caso, ignorate il messaggio: senza conferma il caso viene chiuso e i dati cancellati.' : 'If you did not send this case, ignore the message: without a confirmation the case is closed and its data erased.'}</p>`,
  });
}

/** After the confirmation, or for a case that expired unconfirmed. */
export function confirmClosedPage(lang: Language, record: CaseRecord, state: 'confirmed' | 'closed'): SafeHtml {
  const it = lang === 'it';
  const confirmed = state === 'confirmed';
  const title = confirmed ? (it ? 'Indirizzo confermato' : 'Address confirmed') : it ? 'Caso chiuso' : 'Case closed';
  const text = confirmed
    ? it
      ? `Grazie: il caso ${record.reference} è ora con i revisori dello Hub. Riceverete un messaggio con l'esito; lo stato si segue dal collegamento nel primo messaggio.`
      : `Thank you: case ${record.reference} is now with the Hub's reviewers. You will get a message with the outcome; follow its status from the link in the first message.`
    : it
      ? `Il caso ${record.reference} non è stato confermato in tempo ed è stato chiuso. Potete inviarlo di nuovo dal modulo.`
      : `Case ${record.reference} was not confirmed in time and has been closed. You can send it again from the form.`;
  return layout({ lang, title, body: html`<div class="notice${confirmed ? ' success' : ''}" role="status"><h1>${title}</h1><p>${text}</p></div>` });
}

/** What the status page of an approved need lists, with where each practice is in the catalogue. */
export interface StatusPageMatches extends NeedMatches {
  catalogUrl: (practice: PracticeView) => string;
  /** The Hub's address for introductions, when the stage has one. */
  hubContactEmail?: string;
}

/**
 * The practices that answer an approved need: each with its partner, public fields and why it
 * answers; never a contact of the practice, since the Hub introduces the people.
 */
function matchesSection(lang: Language, matches: StatusPageMatches): SafeHtml {
  const it = lang === 'it';
  const list = (values: readonly string[]) => values.map((value) => valueLabel(value, lang)).join(', ');
  const row = (label: string, values: readonly string[]) => (values.length ? html`<dt>${label}</dt><dd>${list(values)}</dd>` : '');
  const write = matches.hubContactEmail
    ? html`${it ? 'Per conoscere chi ha realizzato uno di questi progetti, scrivete allo Hub: vi metterà in contatto' : 'To meet the people behind one of these projects, write to the Hub to be introduced'}: <a href="mailto:${matches.hubContactEmail}">${matches.hubContactEmail}</a>.`
    : it ? 'Per conoscere chi ha realizzato uno di questi progetti, scrivete allo Hub: vi metterà in contatto.' : 'To meet the people behind one of these projects, write to the Hub to be introduced.';
  const count = matches.practices.length;
  const lead = count === 0
    ? it ? 'Nessun progetto approvato risponde ancora a questo bisogno: vi scriveremo quando uno sarà approvato.' : 'No approved project answers this need yet: we will write to you when one is approved.'
    : it ? `${count === 1 ? 'Un progetto approvato risponde' : `${count} progetti approvati rispondono`} a questo bisogno, dal più vicino.` : `${count === 1 ? 'One approved project answers' : `${count} approved projects answer`} this need, closest first.`;
  return html`<section class="matches" aria-labelledby="matches-title" data-rules-version="${matches.rulesVersion}">
<h2 id="matches-title">${it ? 'Progetti che rispondono al bisogno' : 'Projects that answer this need'}</h2>
<p>${lead}</p>
${count ? html`<ol class="match-list">${matches.practices.map(
    (practice) => html`<li class="match" data-case="${practice.reference}">
<h3><a href="${matches.catalogUrl(practice)}">${practice.title}</a></h3>
<p class="muted">${valueLabel(practice.kind, lang)} · ${practice.partnerName}</p>
<p class="why">${it ? 'Perché' : 'Why'}: ${reasonsText(practice.reasons, lang)}</p>
<dl class="facts">
<dt>${fieldLabel('facility', lang)}</dt><dd>${practice.facility.name}</dd>
${row(fieldLabel('clinicalAreas', lang), practice.clinicalAreas)}
${row(fieldLabel('telexServices', lang), practice.telexServices)}
${row(fieldLabel('careSettings', lang), practice.careSettings)}
${row(fieldLabel('targetPopulation', lang), practice.targetPopulation)}
${row(fieldLabel('technologies', lang), practice.technologies)}
${practice.stage ? html`<dt>${fieldLabel('stage', lang)}</dt><dd>${valueLabel(practice.stage, lang)}</dd>` : ''}
${practice.medicalDevice ? html`<dt>${fieldLabel('medicalDevice', lang)}</dt><dd>${valueLabel(practice.medicalDevice, lang, 'medicalDevice')}</dd>` : ''}
</dl>
</li>`,
  )}</ol>` : ''}
<p class="introduce">${write}</p>
</section>`;
}

/** The submitter's view of a case: where it stands and what happened to it, and for an approved need the practices that answer it. */
export function statusPage(
  lang: Language,
  record: CaseRecord,
  history: CaseEvent[],
  options: { thanks?: boolean; embedded?: boolean; framed?: boolean; matches?: StatusPageMatches } = {},
): SafeHtml {
  const it = lang === 'it';
  const title = it ? `Caso ${record.reference}` : `Case ${record.reference}`;
  return layout({
    lang,
    title,
    embedded: options.embedded,
    framed: options.framed,
    scripts: options.embedded || options.framed ? ['/assets/form.js'] : [],
    body: html`
${options.thanks ? thanksNotice(lang, record) : ''}
${!options.thanks && record.awaitingConfirmation ? html`<div class="notice" role="status"><p>${it ? `In attesa della conferma dell'indirizzo email: aprire il collegamento del messaggio inviato a ${record.data.contact.email}. I revisori vedranno il caso dopo la conferma.` : `Waiting for the email address to be confirmed: open the link in the message sent to ${record.data.contact.email}. The reviewers see the case once it is confirmed.`}</p></div>` : ''}
<h${options.thanks ? '2' : '1'} class="case-title">${record.data.title}</h${options.thanks ? '2' : '1'}>
<dl class="facts">
<dt>${it ? 'Riferimento' : 'Reference'}</dt><dd>${record.reference}</dd>
<dt>${it ? 'Stato' : 'Status'}</dt><dd><span class="status status-${record.status}">${statusLabel(record.status, lang)}</span></dd>
<dt>${it ? 'Tipo' : 'Kind'}</dt><dd>${valueLabel(record.data.kind, lang)}</dd>
<dt>${it ? 'Struttura' : 'Facility'}</dt><dd>${record.data.facility.name}</dd>
<dt>${it ? 'Inviato il' : 'Submitted on'}</dt><dd>${formatDateTime(record.createdAt, lang)}</dd>
</dl>
${options.matches ? matchesSection(lang, options.matches) : ''}
<h2>${it ? 'Cronologia' : 'History'}</h2>
<ol class="history">
${historyForHolder(history).map(
  (event) =>
    html`<li><time datetime="${event.at}">${formatDateTime(event.at, lang)}</time> <span>${eventLabel(event, lang)}</span> <span class="muted">(${actorLabel(event, lang)})</span>${'note' in event && event.note ? html`<blockquote>${event.note}</blockquote>` : ''}</li>`,
)}
</ol>`,
  });
}
