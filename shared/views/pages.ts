import type { Language } from '../domain/case';
import type { CaseEvent, CaseRecord } from '../domain/case-record';
import { formatDateTime, statusLabel, valueLabel } from '../domain/i18n';
import { html, type SafeHtml } from './html';

/** Version of the static assets, part of their URLs so that a new release is never served stale CSS. */
export const ASSET_VERSION = '1';

export interface LayoutOptions {
  lang: Language;
  title: string;
  body: SafeHtml;
  /** `embedded` pages drop the Hub header: they live inside a partner's iframe. */
  embedded?: boolean;
  scripts?: string[];
  /**
   * The page's own referrer policy, over the `no-referrer` header of every response. A page whose
   * form posts to the Hub needs one that keeps the Origin header: under `no-referrer` a browser
   * posts with `Origin: null`, which the Hub refuses (403) as a site not allowed for the partner.
   */
  referrerPolicy?: 'same-origin';
}

/** The shell of every HTML page: responsive, accessible, no inline script or style. */
export function layout({ lang, title, body, embedded = false, scripts = [], referrerPolicy }: LayoutOptions): SafeHtml {
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
${scripts.map((src) => html`<script src="${src}?v=${ASSET_VERSION}" defer></script>`)}
</head>
<body class="${embedded ? 'embedded' : 'standalone'}">
${embedded ? '' : html`<header class="site"><p class="brand">Lombardy Digital Health Innovation Hub</p></header>`}
<main id="main">
${body}
</main>
</body>
</html>`;
}

export function errorPage(lang: Language, title: string, detail: string): SafeHtml {
  return layout({ lang, title, body: html`<h1>${title}</h1><p class="lead">${detail}</p>` });
}

function actorLabel(event: CaseEvent, lang: Language): string {
  const it = lang === 'it';
  switch (event.actor.type) {
    case 'submitter':
      return it ? 'Referente' : 'Submitter';
    case 'reviewer':
      return it ? 'Revisore dello Hub' : 'Hub reviewer';
    case 'system':
      return it ? 'Sistema' : 'System';
  }
}

function eventLabel(event: CaseEvent, lang: Language): string {
  const it = lang === 'it';
  switch (event.type) {
    case 'submitted':
      return it ? 'Caso inviato' : 'Case submitted';
    case 'amended':
      return it ? 'Caso modificato' : 'Case amended';
    case 'status-changed':
      return `${statusLabel(event.from ?? '', lang)} → ${statusLabel(event.to ?? '', lang)}`;
  }
}

/** The submitter's view of a case: where it stands and what happened to it. */
export function statusPage(
  lang: Language,
  record: CaseRecord,
  history: CaseEvent[],
  options: { thanks?: boolean; embedded?: boolean } = {},
): SafeHtml {
  const it = lang === 'it';
  const title = it ? `Caso ${record.reference}` : `Case ${record.reference}`;
  return layout({
    lang,
    title,
    embedded: options.embedded,
    scripts: options.embedded ? ['/assets/form.js'] : [],
    body: html`
${options.thanks ? html`<div class="notice success" role="status"><h1>${it ? 'Grazie, caso ricevuto' : 'Thank you, case received'}</h1><p>${it ? `Il riferimento del caso è ${record.reference}. Abbiamo inviato una ricevuta a ${record.data.contact.email} con il collegamento a questa pagina.` : `Your case reference is ${record.reference}. We have sent a receipt to ${record.data.contact.email} with the link to this page.`}</p></div>` : ''}
<h${options.thanks ? '2' : '1'} class="case-title">${record.data.title}</h${options.thanks ? '2' : '1'}>
<dl class="facts">
<dt>${it ? 'Riferimento' : 'Reference'}</dt><dd>${record.reference}</dd>
<dt>${it ? 'Stato' : 'Status'}</dt><dd><span class="status status-${record.status}">${statusLabel(record.status, lang)}</span></dd>
<dt>${it ? 'Tipo' : 'Kind'}</dt><dd>${valueLabel(record.data.kind, lang)}</dd>
<dt>${it ? 'Struttura' : 'Facility'}</dt><dd>${record.data.facility.name}</dd>
<dt>${it ? 'Inviato il' : 'Submitted on'}</dt><dd>${formatDateTime(record.createdAt, lang)}</dd>
</dl>
<h2>${it ? 'Cronologia' : 'History'}</h2>
<ol class="history">
${history.map(
  (event) =>
    html`<li><time datetime="${event.at}">${formatDateTime(event.at, lang)}</time> <span>${eventLabel(event, lang)}</span> <span class="muted">(${actorLabel(event, lang)})</span>${event.note ? html`<blockquote>${event.note}</blockquote>` : ''}</li>`,
)}
</ol>`,
  });
}
