// `GET /` of the embedded runtime: where `npm start` leads a person, with the links the banner
// prints. Only the embedded runtime has it: on AWS the Hub's partners link the form, the dashboard
// and the catalogue from their own sites, and half of these links (the mailbox) exist only here.
import type { Language } from '../../shared/core/case';
import { html, type SafeHtml } from '../../shared/adapters/html/html';
import { layout } from '../../shared/adapters/html/pages';
import { page, type HttpResult } from '../../shared/adapters/http/response';
import type { StageConfig } from '../config';
import { ROUTES } from '../routes';

type Bilingual = Record<Language, string>;

/** The review timing in force: the `local` stage's, or what REVIEW_WINDOW_SECONDS, REMINDERS, ESCALATION_WINDOW_SECONDS and AMEND_WINDOW_SECONDS set. */
export type ReviewTiming = StageConfig['review'];

/** One link of the landing page and the banner. */
export interface LocalLink {
  /** The banner's label. */
  name: string;
  label: Bilingual;
  /** What the page says of it. */
  about: Bilingual;
  /** Absolute, or a path of the runtime (with `{lang}` for the reader's language). */
  href: string;
}

const hasRoute = (path: string) => ROUTES.some((route) => route.method === 'GET' && route.path === path);

/** The partner whose form the links open: the Hub's own example. */
const EXAMPLE_PARTNER = 'humanitas';

/**
 * The links of the embedded runtime, in the order a visitor needs them: for people, then for
 * integrators. A page of the external contract is listed only where the route table has it.
 */
export function localLinks(mailViewerUrl: string): { people: LocalLink[]; integrators: LocalLink[] } {
  const optional = (path: string, link: Omit<LocalLink, 'href'>, href = path): LocalLink[] => (hasRoute(path) ? [{ ...link, href }] : []);
  return {
    people: [
      {
        name: 'form',
        label: { it: 'Modulo di invio di un caso', en: 'Case submission form' },
        about: { it: `come lo incorpora un partner (${EXAMPLE_PARTNER})`, en: `as a partner embeds it (${EXAMPLE_PARTNER})` },
        href: `/form?partner=${EXAMPLE_PARTNER}&lang={lang}`,
      },
      {
        name: 'mailbox',
        label: { it: 'Casella di posta locale', en: 'Local mailbox' },
        about: { it: 'le email inviate da questo runtime: ricevute, link di revisione, esiti', en: 'the mails this runtime sent: receipts, review links, outcomes' },
        href: mailViewerUrl,
      },
      {
        name: 'mailbox JSON',
        label: { it: 'Casella di posta in JSON', en: 'Mailbox as JSON' },
        about: { it: 'le stesse email, le più recenti per prime', en: 'the same mails, newest first' },
        href: '/_local/mail',
      },
      {
        name: 'dashboard',
        label: { it: 'Cruscotto', en: 'Dashboard' },
        about: { it: 'le cifre pubblicate dallo Hub, dai casi approvati', en: "the Hub's published figures, from the approved cases" },
        href: '/dashboard?lang={lang}',
      },
      {
        name: 'catalogue',
        label: { it: 'Catalogo dei progetti', en: 'Catalogue of projects' },
        about: { it: 'i casi approvati, solo i campi pubblici', en: 'the approved cases, public fields only' },
        href: '/catalog?lang={lang}',
      },
      ...optional('/report', {
        name: 'report',
        label: { it: 'Rapporto dello Hub', en: "The Hub's report" },
        about: { it: 'rigenerato dai casi approvati; si stampa in PDF', en: 'regenerated from the approved cases; prints to PDF' },
      }, '/report?lang={lang}'),
    ],
    integrators: [
      {
        name: 'schema',
        label: { it: 'Schema JSON della segnalazione', en: 'JSON Schema of the submission' },
        about: { it: 'il corpo di POST /cases', en: 'the body of POST /cases' },
        href: '/schema/case.json',
      },
      ...optional('/openapi.json', {
        name: 'OpenAPI',
        label: { it: 'OpenAPI dell’API pubblica', en: 'OpenAPI of the public API' },
        about: { it: 'OpenAPI 3.1', en: 'OpenAPI 3.1' },
      }),
      ...optional('/schema/case.questionnaire.json', {
        name: 'questionnaire',
        label: { it: 'Il modulo come FHIR Questionnaire', en: 'The form as a FHIR Questionnaire' },
        about: { it: 'FHIR R4', en: 'FHIR R4' },
      }),
      {
        name: 'embed.js',
        label: { it: 'Script di incorporamento', en: 'Embedding script' },
        about: { it: 'un tag script inserisce il modulo in una pagina del partner', en: "one script tag puts the form in a partner's page" },
        href: '/embed.js',
      },
      ...optional('/catalog.questionnaire-responses.json', {
        name: 'catalogue FHIR',
        label: { it: 'Catalogo come FHIR QuestionnaireResponse', en: 'Catalogue as FHIR QuestionnaireResponses' },
        about: { it: 'un Bundle FHIR R4 dei casi approvati, senza dati di contatto', en: 'a FHIR R4 Bundle of the approved cases, without contact data' },
      }),
      ...optional('/catalog.dha.json', {
        name: 'catalogue DHA',
        label: { it: 'Catalogo come progetti del Digital Health Atlas', en: 'Catalogue as Digital Health Atlas projects' },
        about: { it: 'i campi del modulo di progetto dell’OMS', en: "the fields of WHO's project form" },
      }),
      ...optional('/catalog.csv', {
        name: 'catalogue CSV',
        label: { it: 'Catalogo in CSV', en: 'Catalogue as CSV' },
        about: { it: 'per fogli di calcolo e script', en: 'for spreadsheets and scripts' },
      }),
    ],
  };
}

/** `604800` → `7 giorni` / `7 days`; `90` → `1 min 30 s`. */
export function formatDuration(seconds: number, lang: Language): string {
  const units: [number, Bilingual, Bilingual][] = [
    [86_400, { it: 'giorno', en: 'day' }, { it: 'giorni', en: 'days' }],
    [3_600, { it: 'ora', en: 'hour' }, { it: 'ore', en: 'hours' }],
    [60, { it: 'min', en: 'min' }, { it: 'min', en: 'min' }],
    [1, { it: 's', en: 's' }, { it: 's', en: 's' }],
  ];
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [size, one, many] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) parts.push(`${count} ${(count === 1 ? one : many)[lang]}`);
  }
  return parts.join(' ') || `0 ${units[3]![2][lang]}`;
}

/** The review timing in a sentence of the reader's language. */
export function describeTiming(timing: ReviewTiming, lang: Language): { window: string; reminders: string; escalation: string; changes: string } {
  const window = formatDuration(timing.windowSeconds, lang);
  const escalation = formatDuration(timing.escalationWindowSeconds ?? timing.windowSeconds, lang);
  const reminders =
    lang === 'it'
      ? timing.reminders === 0
        ? 'nessun promemoria: alla fine della finestra il caso passa ai coordinatori'
        : `${timing.reminders} promemoria, ciascuno con una nuova finestra di ${window}, poi il caso passa ai coordinatori`
      : timing.reminders === 0
        ? 'no reminder: at the end of the window the case escalates to the coordinators'
        : `${timing.reminders} ${timing.reminders === 1 ? 'reminder' : 'reminders'}, each with a new window of ${window}, then the case escalates to the coordinators`;
  const described =
    lang === 'it' ? `${escalation} per i coordinatori, poi il caso scade` : `${escalation} for the coordinators, then the case expires`;
  return { window, reminders, escalation: described, changes: formatDuration(timing.amendWindowSeconds, lang) };
}

const TEXT = {
  title: { it: 'hub-intake in locale', en: 'hub-intake on this machine' },
  lead: {
    it: 'Tutto hub-intake su questo computer, senza un account AWS: gli stessi handler e la stessa macchina a stati che girano su AWS.',
    en: 'The whole of hub-intake on this machine, with no AWS account: the same handlers and state machine that run on AWS.',
  },
  people: { it: 'Per provarlo', en: 'To try it' },
  integrators: { it: 'Per chi integra', en: 'For integrators' },
  timing: { it: 'Tempi della revisione in vigore', en: 'Review timing in force' },
  window: { it: 'Finestra di revisione', en: 'Review window' },
  reminders: { it: 'Promemoria', en: 'Reminders' },
  escalation: { it: 'Escalation', en: 'Escalation' },
  changes: { it: 'Finestra per le modifiche', en: 'Changes window' },
  timingNote: {
    it: 'Si cambiano con REVIEW_WINDOW_SECONDS, REMINDERS, ESCALATION_WINDOW_SECONDS e AMEND_WINDOW_SECONDS all’avvio di npm start.',
    en: 'Set them with REVIEW_WINDOW_SECONDS, REMINDERS, ESCALATION_WINDOW_SECONDS and AMEND_WINDOW_SECONDS when starting npm start.',
  },
  other: { it: 'English', en: 'Italiano' },
} satisfies Record<string, Bilingual>;

function linkList(links: LocalLink[], lang: Language): SafeHtml {
  return html`<ul class="links">${links.map(
    (link) => html`<li><a href="${link.href.replaceAll('{lang}', lang)}">${link.label[lang]}</a> <span class="muted">— ${link.about[lang]}</span></li>`,
  )}</ul>`;
}

/** The landing page in `lang`, under the same strict policy as every other page. */
export function landingPage(lang: Language, mailViewerUrl: string, timing: ReviewTiming): HttpResult {
  const links = localLinks(mailViewerUrl);
  const described = describeTiming(timing, lang);
  const other: Language = lang === 'it' ? 'en' : 'it';
  const body = html`<h1>${TEXT.title[lang]}</h1>
<p class="lead">${TEXT.lead[lang]}</p>
<p><a href="/?lang=${other}" hreflang="${other}" lang="${other}">${TEXT.other[lang]}</a></p>
<nav aria-labelledby="people"><h2 id="people">${TEXT.people[lang]}</h2>${linkList(links.people, lang)}</nav>
<nav aria-labelledby="integrators"><h2 id="integrators">${TEXT.integrators[lang]}</h2>${linkList(links.integrators, lang)}</nav>
<section aria-labelledby="timing"><h2 id="timing">${TEXT.timing[lang]}</h2>
<dl>
<dt>${TEXT.window[lang]}</dt><dd>${described.window}</dd>
<dt>${TEXT.reminders[lang]}</dt><dd>${described.reminders}</dd>
<dt>${TEXT.escalation[lang]}</dt><dd>${described.escalation}</dd>
<dt>${TEXT.changes[lang]}</dt><dd>${described.changes}</dd>
</dl>
<p class="muted">${TEXT.timingNote[lang]}</p>
</section>`;
  return page(200, layout({ lang, title: TEXT.title[lang], body }), { headers: { 'Content-Language': lang } });
}
