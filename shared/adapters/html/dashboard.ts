import type { Language } from '../../core/case';
import { CASE_STATUSES } from '../../core/case-record';
import { formatDateTime, statusLabel, valueLabel } from '../../core/i18n';
import { CLINICAL_AREAS } from '../../core/case';
import { BREAKDOWNS, MEDIAN_MIN_DECISIONS, type Breakdown, type MetricsSnapshot, type StructureCount } from '../../core/metrics';
import { barChart, dataTable, lineChart, type Bar } from './charts';
import { html, type SafeHtml } from './html';
import { layout } from './pages';

/**
 * The version of the dashboard's markup: part of its entity tag, so that a new release is not
 * answered 304 with a page made by the previous one. Change it whenever the pages change.
 */
export const DASHBOARD_VERSION = '3';

type Bilingual = Record<Language, string>;

/** The Hub's published figures, in the order and with the words of its report. */
export const HEADLINE = ['hospitalStructures', 'telexProjects', 'patientsImpacted', 'hospitalApps'] as const;
export type Headline = (typeof HEADLINE)[number];

export const HEADLINE_LABELS: Record<Headline, Bilingual> = {
  hospitalStructures: { it: 'Strutture ospedaliere', en: 'Hospital structures' },
  telexProjects: { it: 'Progetti di Tele-X mappati', en: 'Tele-X projects mapped' },
  patientsImpacted: { it: 'Pazienti impattati', en: 'Patients reached' },
  hospitalApps: { it: 'Applicazioni digitali per ospedale', en: 'Digital hospital applications' },
};

const BREAKDOWN_LABELS: Record<Breakdown, Bilingual> = {
  telexService: { it: 'Servizi di Tele-X', en: 'Tele-X services' },
  clinicalArea: { it: 'Aree cliniche', en: 'Clinical areas' },
  careSetting: { it: 'Setting di cura', en: 'Care settings' },
  technology: { it: 'Tecnologie', en: 'Technologies' },
  partner: { it: 'Partner', en: 'Partners' },
  stage: { it: 'Fase del progetto', en: 'Project stage' },
  funding: { it: 'Finanziamento', en: 'Funding' },
  reimbursement: { it: 'Rimborsabilità', en: 'Reimbursement' },
  targetPopulation: { it: 'Popolazione destinataria', en: 'Target population' },
  medicalDevice: { it: 'Classe di dispositivo medico (MDR)', en: 'Medical device class (MDR)' },
};

/** Breakdowns where a case has at most one value: the cases with none are shown as "not stated". */
const SINGLE_VALUED: ReadonlySet<Breakdown> = new Set(['partner', 'stage', 'reimbursement', 'medicalDevice']);
/** Breakdowns whose values have an order of their own (a project's life, the MDR's risk classes); the others are sorted by count. */
const ORDERED: ReadonlySet<Breakdown> = new Set(['stage', 'medicalDevice']);

const NOT_STATED = '(not-stated)';

const T = {
  it: {
    title: 'Lo Hub in cifre',
    lead: 'La medicina digitale in Lombardia: i casi raccolti dai partner del Digital Health Innovation Hub e approvati dai suoi revisori.',
    updated: 'Aggiornato al',
    rules: 'regole di conteggio',
    headline: 'Cifre principali',
    notYet: 'Le cifre non sono ancora state calcolate',
    notYetDetail: 'Vengono calcolate automaticamente a intervalli regolari dai casi approvati: tornate tra qualche minuto.',
    breakdowns: 'Progetti per classificazione',
    breakdownsLead:
      'Progetti di Tele-X e applicazioni digitali per ospedale approvati. Un progetto può rientrare in più voci della stessa classificazione; le voci senza progetti non compaiono nei grafici e sono elencate sotto ciascuno.',
    telexOnly: 'Solo progetti di Tele-X.',
    none: 'Nessun progetto',
    noneFor: 'Nessun progetto:',
    notStated: 'Non indicato',
    chartData: 'Dati del grafico',
    cases: 'Progetti',
    count: 'Casi',
    pipeline: 'Bisogni, proposte e revisione',
    needs: 'Bisogni approvati',
    proposals: 'Proposte progettuali approvate',
    median: 'Tempo mediano di decisione',
    medianNone: 'nessuna decisione ancora',
    medianTooFew: (min: string, count: string) => `Compare da ${min} decisioni in su: finora ${count}. Con meno casi la mediana dice più di quei casi che della revisione.`,
    byStatus: 'Casi per stato',
    byStatusLead: 'Tutti i casi ricevuti, di ogni tipo, secondo il loro stato attuale.',
    noneInStatus: 'Nessun caso:',
    noCases: 'Nessun caso',
    status: 'Stato',
    trend: 'Andamento',
    trendLead: (from: string, to: string) => `Le cifre principali dal ${from} al ${to}.`,
    trendOnce: (at: string) => `Finora le cifre sono state calcolate una sola volta, il ${at}: l'andamento comparirà dal prossimo calcolo.`,
    computedAt: 'Calcolo',
    reach: 'Pazienti e strutture',
    patientsByArea: 'Pazienti impattati per area clinica',
    patientsByAreaNote: 'Pazienti dichiarati dai progetti di Tele-X; un progetto di più aree conta i suoi pazienti in ciascuna, quindi le aree possono sommare più del totale.',
    area: 'Area clinica',
    patients: 'Pazienti',
    noPatients: 'Nessun paziente dichiarato',
    noPatientsFor: 'Nessun paziente dichiarato:',
    structures: 'Le strutture ospedaliere contate',
    structuresLead: (count: string) => `Le ${count} strutture dei progetti di Tele-X e delle applicazioni per ospedale approvati, ciascuna contata una volta: per codice ministeriale o, senza, per nome.`,
    structure: 'Struttura',
    code: 'Codice',
    noStructures: 'Nessuna struttura ancora.',
    structuresLater: 'L’elenco comparirà dal prossimo calcolo delle cifre.',
    embed: 'Le cifre sul vostro sito',
    embedLead: 'I partner dello Hub mostrano le quattro cifre principali nelle proprie pagine con questo frammento: si aggiornano da sole e il riquadro prende l’altezza del contenuto.',
    embedLabel: 'Frammento HTML da incollare',
    about: 'Come sono calcolate',
    generatedAt: 'Calcolate il',
    asOf: 'Dati al',
    considered: 'Casi approvati considerati',
    rulesVersion: 'Versione delle regole di conteggio',
    romeTime: 'ora italiana',
    definitions: [
      'Si contano solo i casi approvati dai revisori dello Hub.',
      'Strutture ospedaliere: strutture distinte dei progetti di Tele-X e delle applicazioni per ospedale; una struttura è il suo codice ministeriale, o in sua assenza il nome (senza distinzione di maiuscole, accenti e spazi).',
      'Pazienti impattati: somma dei pazienti dichiarati dai progetti di Tele-X.',
    ],
    json: 'Le cifre in formato JSON',
    catalog: 'Il catalogo dei progetti',
    report: 'Il rapporto dello Hub',
    otherLanguage: 'English',
    fullDashboard: 'Tutte le cifre dello Hub',
    newTab: '(si apre in una nuova scheda)',
    hours: (value: string) => `${value} ore`,
    days: (value: string) => `${value} giorni`,
    minutes: (value: string) => `${value} minuti`,
  },
  en: {
    title: 'The Hub in figures',
    lead: 'Digital medicine in Lombardy: the cases collected by the partners of the Digital Health Innovation Hub and approved by its reviewers.',
    updated: 'Updated',
    rules: 'counting rules',
    headline: 'Headline figures',
    notYet: 'The figures have not been computed yet',
    notYetDetail: 'They are computed automatically at regular intervals from the approved cases: please come back in a few minutes.',
    breakdowns: 'Projects by classification',
    breakdownsLead:
      'Approved Tele-X projects and digital hospital applications. A project may count under several values of one classification; values with no projects are left out of the charts and listed under each.',
    telexOnly: 'Tele-X projects only.',
    none: 'No projects',
    noneFor: 'No projects:',
    notStated: 'Not stated',
    chartData: 'Chart data',
    cases: 'Projects',
    count: 'Cases',
    pipeline: 'Needs, proposals and review',
    needs: 'Approved needs',
    proposals: 'Approved project proposals',
    median: 'Median time to decision',
    medianNone: 'no decision yet',
    medianTooFew: (min: string, count: string) => `Shown from ${min} decisions on: ${count} so far. With fewer cases a median says more about those cases than about the review.`,
    byStatus: 'Cases by status',
    byStatusLead: 'Every case received, of every kind, by its current status.',
    noneInStatus: 'No cases:',
    noCases: 'No cases',
    status: 'Status',
    trend: 'Trend',
    trendLead: (from: string, to: string) => `The headline figures from ${from} to ${to}.`,
    trendOnce: (at: string) => `So far the figures have been computed only once, on ${at}: the trend appears after the next computation.`,
    computedAt: 'Computed',
    reach: 'Patients and structures',
    patientsByArea: 'Patients reached by clinical area',
    patientsByAreaNote: 'Patients stated by Tele-X projects; a project of several areas counts its patients in each, so the areas may add up to more than the total.',
    area: 'Clinical area',
    patients: 'Patients',
    noPatients: 'No patients stated',
    noPatientsFor: 'No patients stated:',
    structures: 'The hospital structures counted',
    structuresLead: (count: string) => `The ${count} structures of approved Tele-X projects and hospital applications, each counted once: by its ministerial code or, without one, by its name.`,
    structure: 'Structure',
    code: 'Code',
    noStructures: 'No structures yet.',
    structuresLater: 'The list appears after the next computation of the figures.',
    embed: 'The figures on your site',
    embedLead: 'The Hub’s partners show the four headline figures on their own pages with this snippet: they keep themselves up to date and the frame takes the height of its content.',
    embedLabel: 'HTML snippet to paste',
    about: 'How they are computed',
    generatedAt: 'Computed on',
    asOf: 'Data as of',
    considered: 'Approved cases considered',
    rulesVersion: 'Counting rules version',
    romeTime: 'Rome time',
    definitions: [
      'Only cases approved by the Hub’s reviewers count.',
      'Hospital structures: distinct facilities of Tele-X projects and hospital applications; a facility is its ministerial code or, without one, its name (ignoring case, accents and spaces).',
      'Patients reached: the sum of the patients stated by Tele-X projects.',
    ],
    json: 'The figures as JSON',
    catalog: 'The catalogue of projects',
    report: 'The Hub’s report',
    otherLanguage: 'Italiano',
    fullDashboard: 'All the Hub’s figures',
    newTab: '(opens in a new tab)',
    hours: (value: string) => `${value} hours`,
    days: (value: string) => `${value} days`,
    minutes: (value: string) => `${value} minutes`,
  },
} as const;

const locale = (lang: Language) => (lang === 'it' ? 'it-IT' : 'en-GB');

/** A count as people of the language write it: 59.200 in Italian, 59,200 in English. */
export function formatNumber(value: number, lang: Language): string {
  return new Intl.NumberFormat(locale(lang), { maximumFractionDigits: 1 }).format(value);
}

/** A duration in hours, in the unit that reads best. */
function formatHours(hours: number, lang: Language): string {
  const t = T[lang];
  if (hours < 1) return t.minutes(formatNumber(Math.round(hours * 60), lang));
  if (hours < 48) return t.hours(formatNumber(Math.round(hours * 10) / 10, lang));
  return t.days(formatNumber(Math.round((hours / 24) * 10) / 10, lang));
}

const time = (iso: string, lang: Language) => html`<time datetime="${iso}">${formatDateTime(iso, lang)}</time>`;

function langSwitch(lang: Language, path: string): SafeHtml {
  const other: Language = lang === 'it' ? 'en' : 'it';
  return html`<p class="lang-switch"><a href="${path}?lang=${other}" lang="${other}" hreflang="${other}">${T[lang].otherLanguage}</a></p>`;
}

/** The four figures, big, with their labels; `data-metric` and `data-value` say which and how much to scripts and tests. */
function figures(snapshot: MetricsSnapshot, lang: Language, compact = false): SafeHtml {
  return html`<ul class="figures${compact ? ' compact' : ''}">${HEADLINE.map(
    (name) =>
      html`<li class="figure" data-metric="${name}" data-value="${snapshot.headline[name]}"><span class="figure-value">${formatNumber(snapshot.headline[name], lang)}</span> <span class="figure-label">${HEADLINE_LABELS[name][lang]}</span></li>`,
  )}</ul>`;
}

/** A chart with its title, notes and the same data as a table. */
function chartCard(options: { id: string; title: string; notes: (string | undefined)[]; chart: SafeHtml; table: SafeHtml; lang: Language; attributes?: string }): SafeHtml {
  return html`<figure class="card chart-card" id="card-${options.id}" data-chart="${options.attributes ?? options.id}">
<figcaption><h3>${options.title}</h3></figcaption>
${options.chart}
${options.notes.filter(Boolean).map((note) => html`<p class="chart-note">${note}</p>`)}
<details class="chart-data"><summary>${T[options.lang].chartData}</summary>${options.table}</details>
</figure>`;
}

/** The bars of one breakdown, labelled, without zeros, with "not stated" where it applies. */
export function breakdownBars(
  breakdown: Breakdown,
  snapshot: MetricsSnapshot,
  lang: Language,
  partnerName: (id: string) => string,
): { bars: Bar[]; zeros: Bar[] } {
  const label = (key: string) => (key === NOT_STATED ? T[lang].notStated : breakdown === 'partner' ? partnerName(key) : valueLabel(key, lang, breakdown));
  // A snapshot of earlier rules may lack a breakdown: nothing of it is shown, not every project as "not stated".
  const counted = snapshot.breakdowns[breakdown];
  const counts = counted ?? {};
  const all: Bar[] = Object.entries(counts).map(([key, value]) => ({ key, label: label(key), value }));
  if (SINGLE_VALUED.has(breakdown) && counted) {
    const projects = snapshot.headline.telexProjects + snapshot.headline.hospitalApps;
    const missing = projects - all.reduce((sum, bar) => sum + bar.value, 0);
    if (missing > 0) all.push({ key: NOT_STATED, label: label(NOT_STATED), value: missing });
  }
  const ordered = ORDERED.has(breakdown)
    ? all
    : all
        .map((bar, index) => ({ bar, index }))
        .sort((a, b) => b.bar.value - a.bar.value || (breakdown === 'partner' ? a.bar.label.localeCompare(b.bar.label, locale(lang)) : a.index - b.index))
        .map(({ bar }) => bar);
  return { bars: ordered.filter((bar) => bar.value > 0), zeros: ordered.filter((bar) => bar.value <= 0) };
}

function breakdownCard(breakdown: Breakdown, snapshot: MetricsSnapshot, lang: Language, partnerName: (id: string) => string): SafeHtml {
  const t = T[lang];
  const title = BREAKDOWN_LABELS[breakdown][lang];
  const { bars, zeros } = breakdownBars(breakdown, snapshot, lang, partnerName);
  const format = (value: number) => formatNumber(value, lang);
  const id = `chart-${breakdown}`;
  return chartCard({
    id,
    attributes: breakdown,
    lang,
    title,
    chart: barChart(bars, { id, title, description: `${t.breakdowns}: ${title}.`, format, emptyText: t.none }),
    notes: [
      breakdown === 'telexService' ? t.telexOnly : undefined,
      zeros.length ? `${t.noneFor} ${zeros.map((bar) => bar.label).join(', ')}.` : undefined,
    ],
    table: dataTable(title, [title, t.cases], [...bars, ...zeros].map((bar) => [bar.label, format(bar.value)])),
  });
}

function pipelineSection(snapshot: MetricsSnapshot, lang: Language): SafeHtml {
  const t = T[lang];
  const format = (value: number) => formatNumber(value, lang);
  const all: Bar[] = CASE_STATUSES.map((status) => ({ key: status, label: statusLabel(status, lang), value: snapshot.pipeline.byStatus[status] ?? 0 }));
  const bars = all.filter((bar) => bar.value > 0);
  const zeros = all.filter((bar) => bar.value <= 0);
  const median = snapshot.pipeline.medianHoursToDecision;
  // Snapshots of rules before 2026.2 have no count of decisions: their median stands as it was.
  const decisions = snapshot.pipeline.decisions;
  const tooFew = median === null && decisions !== undefined && decisions > 0;
  return html`<section class="dash-section" aria-labelledby="pipeline-heading">
<h2 id="pipeline-heading">${t.pipeline}</h2>
<div class="charts">
<ul class="stats">
<li class="stat" data-metric="needs" data-value="${snapshot.submissions.need}"><span class="stat-value">${format(snapshot.submissions.need)}</span> <span class="stat-label">${t.needs}</span></li>
<li class="stat" data-metric="proposals" data-value="${snapshot.submissions.proposal}"><span class="stat-value">${format(snapshot.submissions.proposal)}</span> <span class="stat-label">${t.proposals}</span></li>
${median === null
  ? html`<li class="stat stat-pending" data-metric="medianHoursToDecision" data-value="" data-decisions="${decisions ?? ''}"><span class="stat-label">${t.median}</span> <span class="stat-note">${tooFew ? t.medianTooFew(format(MEDIAN_MIN_DECISIONS), format(decisions)) : `${t.medianNone}.`}</span></li>`
  : html`<li class="stat" data-metric="medianHoursToDecision" data-value="${median}"><span class="stat-value">${formatHours(median, lang)}</span> <span class="stat-label">${t.median}</span></li>`}
</ul>
${chartCard({
  id: 'chart-pipeline',
  attributes: 'pipeline',
  lang,
  title: t.byStatus,
  chart: barChart(bars, { id: 'chart-pipeline', title: t.byStatus, description: t.byStatusLead, format, emptyText: t.noCases }),
  notes: [t.byStatusLead, zeros.length ? `${t.noneInStatus} ${zeros.map((bar) => bar.label).join(', ')}.` : undefined],
  table: dataTable(t.byStatus, [t.status, t.count], all.map((bar) => [bar.label, format(bar.value)])),
})}
</div>
</section>`;
}

const isEmpty = (snapshot: MetricsSnapshot) => HEADLINE.every((name) => snapshot.headline[name] === 0);

/**
 * The snapshots worth drawing: oldest to newest, from the first that counts anything (the runs of
 * the schedule before the first approval would draw a flat zero and then a spike), dropping those
 * whose figures equal both neighbours' (a flat stretch keeps its ends, so the line has the same shape).
 * With nothing counted anywhere, the newest snapshot alone.
 */
export function trendPoints(history: readonly MetricsSnapshot[]): MetricsSnapshot[] {
  const all = [...history].sort((a, b) => Date.parse(a.generatedAt) - Date.parse(b.generatedAt));
  const start = all.findIndex((snapshot) => !isEmpty(snapshot));
  const sorted = start === -1 ? all.slice(-1) : all.slice(start);
  const same = (a: MetricsSnapshot | undefined, b: MetricsSnapshot | undefined) =>
    a !== undefined && b !== undefined && HEADLINE.every((name) => a.headline[name] === b.headline[name]);
  return sorted.filter((snapshot, index) => !(same(sorted[index - 1], snapshot) && same(snapshot, sorted[index + 1])));
}

function trendSection(history: readonly MetricsSnapshot[], latest: MetricsSnapshot, lang: Language): SafeHtml {
  const t = T[lang];
  const snapshots = history.length ? history : [latest];
  const points = trendPoints(snapshots);
  const format = (value: number) => formatNumber(value, lang);
  const first = points[0]!;
  const last = points[points.length - 1]!;
  if (points.length < 2) {
    return html`<section class="dash-section" aria-labelledby="trend-heading"><h2 id="trend-heading">${t.trend}</h2>
<p class="card trend-once" data-trend="single">${t.trendOnce(formatDateTime(first.generatedAt, lang))}</p></section>`;
  }
  const spanHours = (Date.parse(last.generatedAt) - Date.parse(first.generatedAt)) / 3_600_000;
  const tick = new Intl.DateTimeFormat(locale(lang), {
    timeZone: 'Europe/Rome',
    day: 'numeric',
    month: 'short',
    ...(spanHours < 48 ? { hour: '2-digit', minute: '2-digit' } : { year: spanHours > 24 * 300 ? 'numeric' : undefined }),
  });
  const formatTime = (iso: string) => tick.format(new Date(iso));
  const lead = t.trendLead(formatDateTime(first.generatedAt, lang), formatDateTime(last.generatedAt, lang));
  const charts = HEADLINE.map((name) => {
    const title = HEADLINE_LABELS[name][lang];
    const id = `trend-${name}`;
    return html`<figure class="card trend-card" data-trend="${name}"><figcaption><h3>${title}</h3></figcaption>${lineChart(
      points.map((snapshot) => ({ at: snapshot.generatedAt, value: snapshot.headline[name] })),
      { id, title: `${t.trend}: ${title}`, description: lead, format, formatTime },
    )}</figure>`;
  });
  const table = dataTable(
    t.trend,
    [t.computedAt, ...HEADLINE.map((name) => HEADLINE_LABELS[name][lang])],
    [...points].reverse().map((snapshot) => [formatDateTime(snapshot.generatedAt, lang), ...HEADLINE.map((name) => format(snapshot.headline[name]))]),
  );
  return html`<section class="dash-section" aria-labelledby="trend-heading"><h2 id="trend-heading">${t.trend}</h2>
<p class="section-lead">${lead}</p>
<div class="trends">${charts}</div>
<details class="chart-data card"><summary>${t.chartData}</summary>${table}</details>
</section>`;
}

/** Patients by clinical area, as a chart with its table: the figure the Hub's report comments area by area. */
function patientsCard(snapshot: MetricsSnapshot, lang: Language): SafeHtml | '' {
  const t = T[lang];
  const counts = snapshot.patientsByClinicalArea;
  if (!counts) return '';
  const format = (value: number) => formatNumber(value, lang);
  const all: Bar[] = CLINICAL_AREAS.map((area) => ({ key: area, label: valueLabel(area, lang), value: counts[area] ?? 0 }))
    .map((bar, index) => ({ bar, index }))
    .sort((a, b) => b.bar.value - a.bar.value || a.index - b.index)
    .map(({ bar }) => bar);
  const bars = all.filter((bar) => bar.value > 0);
  const zeros = all.filter((bar) => bar.value <= 0);
  return chartCard({
    id: 'chart-patients',
    attributes: 'patientsByClinicalArea',
    lang,
    title: t.patientsByArea,
    chart: barChart(bars, { id: 'chart-patients', title: t.patientsByArea, description: t.patientsByAreaNote, format, emptyText: t.noPatients }),
    notes: [t.patientsByAreaNote, zeros.length && bars.length ? `${t.noPatientsFor} ${zeros.map((bar) => bar.label).join(', ')}.` : undefined],
    table: dataTable(t.patientsByArea, [t.area, t.patients], all.map((bar) => [bar.label, format(bar.value)])),
  });
}

/** The structures behind "N hospital structures", by name, with their code and projects. */
function structuresCard(snapshot: MetricsSnapshot, lang: Language): SafeHtml {
  const t = T[lang];
  const format = (value: number) => formatNumber(value, lang);
  const structures: readonly StructureCount[] | undefined = snapshot.structures;
  const body = !structures
    ? html`<p class="muted">${t.structuresLater}</p>`
    : structures.length === 0
      ? html`<p class="muted">${t.noStructures}</p>`
      : html`<p class="chart-note">${t.structuresLead(format(structures.length))}</p>
<div class="table-scroll"><table class="data structures"><caption class="visually-hidden">${t.structures}</caption><thead><tr><th scope="col">${t.structure}</th><th scope="col">${t.code}</th><th scope="col" class="num">${t.cases}</th></tr></thead><tbody>${structures.map(
          (structure) => html`<tr data-structure><th scope="row">${structure.name}</th><td>${structure.code ?? '—'}</td><td class="num">${format(structure.projects)}</td></tr>`,
        )}</tbody></table></div>`;
  return html`<section class="card structures-card" id="structures" aria-labelledby="structures-heading"><h3 id="structures-heading">${t.structures}</h3>${body}</section>`;
}

function reachSection(snapshot: MetricsSnapshot, lang: Language): SafeHtml {
  const t = T[lang];
  return html`<section class="dash-section" aria-labelledby="reach-heading"><h2 id="reach-heading">${t.reach}</h2>
<div class="charts">${patientsCard(snapshot, lang)}${structuresCard(snapshot, lang)}</div>
</section>`;
}

/** The tag a partner pastes to frame the figures (embed.js with `data-view="figures"`). */
export function figuresSnippet(baseUrl: string, lang: Language): string {
  return `<script src="${baseUrl}/embed.js" data-view="figures" data-lang="${lang}" async></script>`;
}

function embedSection(baseUrl: string, lang: Language): SafeHtml {
  const t = T[lang];
  return html`<section class="dash-section card embed-snippet" aria-labelledby="embed-heading"><h2 id="embed-heading">${t.embed}</h2>
<p>${t.embedLead}</p>
<p class="snippet-label">${t.embedLabel}</p>
<pre><code data-snippet="figures">${figuresSnippet(baseUrl, lang)}</code></pre>
</section>`;
}

function aboutSection(snapshot: MetricsSnapshot, lang: Language): SafeHtml {
  const t = T[lang];
  return html`<section class="dash-section card about" aria-labelledby="about-heading"><h2 id="about-heading">${t.about}</h2>
<dl class="facts">
<dt>${t.generatedAt}</dt><dd>${time(snapshot.generatedAt, lang)} (${t.romeTime})</dd>
<dt>${t.asOf}</dt><dd>${time(snapshot.asOf, lang)} (${t.romeTime})</dd>
<dt>${t.considered}</dt><dd>${formatNumber(snapshot.casesConsidered, lang)}</dd>
<dt>${t.rulesVersion}</dt><dd data-rules-version>${snapshot.rulesVersion}</dd>
</dl>
<ul class="definitions">${t.definitions.map((line) => html`<li>${line}</li>`)}</ul>
<p class="links"><a href="/metrics">${t.json}</a> · <a href="/catalog?lang=${lang}">${t.catalog}</a> · <a href="/report?lang=${lang}" data-link="report">${t.report}</a></p>
</section>`;
}

export interface DashboardModel {
  lang: Language;
  /** The latest snapshot; none before the first aggregation. */
  snapshot?: MetricsSnapshot;
  /** Earlier snapshots, in any order (the latest among them or not). */
  history: readonly MetricsSnapshot[];
  /** A partner's display name from its id. */
  partnerName: (id: string) => string;
  /** The Hub's public address, for the embed snippet partners copy. */
  baseUrl: string;
}

/** The public dashboard: the Hub's figures, every breakdown as a chart, the pipeline and the trend. */
export function renderDashboard({ lang, snapshot, history, partnerName, baseUrl }: DashboardModel): SafeHtml {
  const t = T[lang];
  if (!snapshot) {
    return layout({
      lang,
      title: t.title,
      body: html`<div class="dashboard" data-state="empty">${langSwitch(lang, '/dashboard')}<h1>${t.title}</h1>
<div class="notice card" role="status"><h2>${t.notYet}</h2><p>${t.notYetDetail}</p></div></div>`,
    });
  }
  return layout({
    lang,
    title: t.title,
    body: html`<div class="dashboard">
<div class="dash-head">
<div><h1>${t.title}</h1><p class="lead">${t.lead}</p></div>
${langSwitch(lang, '/dashboard')}
</div>
<p class="provenance">${t.updated} ${time(snapshot.generatedAt, lang)} · ${t.rules} ${snapshot.rulesVersion} · <a href="/report?lang=${lang}">${t.report}</a></p>
<section aria-labelledby="headline-heading"><h2 id="headline-heading" class="visually-hidden">${t.headline}</h2>${figures(snapshot, lang)}</section>
<section class="dash-section" aria-labelledby="breakdowns-heading"><h2 id="breakdowns-heading">${t.breakdowns}</h2>
<p class="section-lead">${t.breakdownsLead}</p>
<div class="charts">${BREAKDOWNS.map((breakdown) => breakdownCard(breakdown, snapshot, lang, partnerName))}</div>
</section>
${reachSection(snapshot, lang)}
${pipelineSection(snapshot, lang)}
${trendSection(history, snapshot, lang)}
${embedSection(baseUrl, lang)}
${aboutSection(snapshot, lang)}
</div>`,
  });
}

export interface FiguresEmbedModel {
  lang: Language;
  snapshot?: MetricsSnapshot;
  /** The absolute address of the full dashboard (the page lives on a partner's site). */
  dashboardUrl: string;
  /** Inside a partner's iframe: no landmarks of its own (see `isFramed`). */
  framed?: boolean;
}

/** The four figures alone, for a partner's page to frame; it reports its height like the form. */
export function renderFiguresEmbed({ lang, snapshot, dashboardUrl, framed = false }: FiguresEmbedModel): SafeHtml {
  const t = T[lang];
  return layout({
    lang,
    title: t.title,
    embedded: !framed,
    framed,
    scripts: ['/assets/form.js'],
    body: html`<div class="embed-figures"${snapshot ? '' : html` data-state="empty"`}>
<h1 class="visually-hidden">${t.title}</h1>
${snapshot ? figures(snapshot, lang, true) : html`<p class="notice card" role="status">${t.notYet}.</p>`}
<p class="embed-foot"><a href="${dashboardUrl}" target="_blank" rel="noopener">${t.fullDashboard}<span class="visually-hidden"> ${t.newTab}</span></a>${snapshot ? html` <span class="muted">· ${t.updated} ${time(snapshot.generatedAt, lang)}</span>` : ''}</p>
</div>`,
  });
}
