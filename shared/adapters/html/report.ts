import { CASE_KINDS, STAGES, type Language } from '../../core/case';
import { formatDateTime, valueLabel } from '../../core/i18n';
import { FINDING_RULES, NOT_STATED, type FindingName, type Findings, type Share } from '../../core/findings';
import type { MetricsSnapshot } from '../../core/metrics';
import type { ReportText, ReportTextsVersion } from '../../core/report-texts';
import { dataTable } from './charts';
import { formatNumber, HEADLINE, HEADLINE_LABELS } from './dashboard';
import { html, type SafeHtml } from './html';
import { layout } from './pages';

/**
 * The version of the report's markup: part of its entity tag, so that a new release is not
 * answered 304 with a page made by the previous one. Change it whenever the page changes.
 */
export const REPORT_VERSION = '1';

/** The report's own stylesheet: its screen layout and how it prints (A4). */
export const REPORT_STYLESHEET = '/assets/report.css';

const T = {
  it: {
    title: 'Il rapporto dello Hub',
    lead: 'La medicina digitale in Lombardia secondo i casi raccolti dai partner del Digital Health Innovation Hub e approvati dai suoi revisori: rigenerato dai dati a ogni calcolo delle cifre.',
    nav: 'Il rapporto',
    otherLanguage: 'English',
    dashboard: 'Le cifre dello Hub',
    catalog: 'Il catalogo dei progetti',
    json: 'Le cifre in formato JSON',
    printHint: 'Per averne un PDF, stampate la pagina: è impaginata per il formato A4.',
    updated: 'Aggiornato al',
    notYet: 'Le cifre non sono ancora state calcolate',
    notYetDetail: 'Vengono calcolate automaticamente a intervalli regolari dai casi approvati: le parti del rapporto che ne dipendono compariranno dal prossimo calcolo.',
    organisations: 'Le organizzazioni coinvolte',
    organisationsLead: (count: string) => `Le ${count} organizzazioni partner dello Hub con almeno un caso approvato, di qualsiasi tipo.`,
    organisation: 'Organizzazione',
    cases: 'Casi approvati',
    noOrganisations: 'Nessuna organizzazione ha ancora un caso approvato.',
    figures: 'Le cifre',
    collected: 'Che cosa è stato raccolto',
    kind: 'Tipo di caso',
    computed: 'Che cosa dicono i dati',
    computedLead: (projects: string) => `Calcolati sui ${projects} progetti approvati (progetti di Tele-X e applicazioni digitali per ospedale). Ogni risultato riporta la regola che lo produce.`,
    computedLater: 'I risultati compariranno dal prossimo calcolo delle cifre.',
    rule: 'Regola',
    noProjects: 'Nessun progetto approvato ancora.',
    of: (count: string, total: string) => `${count} progetti su ${total}`,
    area: 'Area clinica',
    areasTable: 'Progetti per area clinica',
    stagesTable: 'Progetti per fase',
    share: 'Quota',
    projects: 'Progetti',
    stage: 'Fase',
    notStated: 'Non indicata',
    names: {
      leadingClinicalAreas: 'Le aree cliniche in testa',
      reimbursementUnclear: 'Rimborsabilità non chiara o non indicata',
      interoperable: 'Interoperabili con il FSE o tramite FHIR',
      pnrrFunded: 'Finanziati dal PNRR',
      settings: 'Domicilio e ospedale',
      stages: 'Le fasi raggiunte',
    } satisfies Record<FindingName, string>,
    reimbursementDetail: (unclear: string, notStated: string) => `${unclear} con rimborsabilità dichiarata non chiara, ${notStated} senza indicazione.`,
    interoperableDetail: (fse: string, fhir: string) => `${fse} integrati con il FSE, ${fhir} con FHIR.`,
    home: 'A domicilio',
    hospital: 'In ospedale',
    settingsDetail: (both: string, neither: string) => `${both} in entrambi; ${neither} in nessuno dei due (altri setting o non indicato).`,
    mature: 'Maturi (attivi, su larga scala o conclusi)',
    profile: 'Popolazioni e dispositivi medici',
    profileLead: 'Progetti approvati per popolazione destinataria e per classe di dispositivo medico (MDR).',
    profileNames: { targetPopulation: 'Popolazione destinataria', medicalDevice: 'Dispositivo medico' } as Record<string, string>,
    editorFindings: 'I risultati chiave',
    recommendations: 'Le raccomandazioni',
    editorial: (version: string, date: string) => `Testi della redazione dello Hub, versione ${version} del ${date}.`,
    editorialDefault: (date: string) => `Testi del primo rapporto dello Hub (versione 0 del ${date}), finché la redazione non ne salva una nuova versione.`,
    about: 'Provenienza dei dati',
    generatedAt: 'Calcolato il',
    asOf: 'Dati al',
    considered: 'Casi approvati considerati',
    rulesVersion: 'Versione delle regole di conteggio',
    findingsVersion: 'Versione delle regole dei risultati',
    textsVersion: 'Versione dei testi della redazione',
    romeTime: 'ora italiana',
    aboutLead: 'Si contano solo i casi approvati dai revisori dello Hub; gli stessi casi danno sempre le stesse cifre e gli stessi risultati.',
  },
  en: {
    title: 'The Hub’s report',
    lead: 'Digital medicine in Lombardy as told by the cases the partners of the Digital Health Innovation Hub collected and its reviewers approved: regenerated from the data every time the figures are computed.',
    nav: 'The report',
    otherLanguage: 'Italiano',
    dashboard: 'The Hub in figures',
    catalog: 'The catalogue of projects',
    json: 'The figures as JSON',
    printHint: 'For a PDF, print the page: it is laid out for A4 paper.',
    updated: 'Updated',
    notYet: 'The figures have not been computed yet',
    notYetDetail: 'They are computed automatically at regular intervals from the approved cases: the parts of the report that depend on them appear after the next computation.',
    organisations: 'The organisations involved',
    organisationsLead: (count: string) => `The ${count} partner organisations of the Hub with at least one approved case, of any kind.`,
    organisation: 'Organisation',
    cases: 'Approved cases',
    noOrganisations: 'No organisation has an approved case yet.',
    figures: 'The figures',
    collected: 'What was collected',
    kind: 'Kind of case',
    computed: 'What the data say',
    computedLead: (projects: string) => `Computed over the ${projects} approved projects (Tele-X projects and digital hospital applications). Each result gives the rule that produces it.`,
    computedLater: 'The results appear after the next computation of the figures.',
    rule: 'Rule',
    noProjects: 'No approved project yet.',
    of: (count: string, total: string) => `${count} of ${total} projects`,
    area: 'Clinical area',
    areasTable: 'Projects by clinical area',
    stagesTable: 'Projects by stage',
    share: 'Share',
    projects: 'Projects',
    stage: 'Stage',
    notStated: 'Not stated',
    names: {
      leadingClinicalAreas: 'The leading clinical areas',
      reimbursementUnclear: 'Reimbursement unclear or not stated',
      interoperable: 'Interoperable with the FSE or through FHIR',
      pnrrFunded: 'Funded by the PNRR',
      settings: 'Home and hospital',
      stages: 'The stages reached',
    } satisfies Record<FindingName, string>,
    reimbursementDetail: (unclear: string, notStated: string) => `${unclear} with reimbursement stated as unclear, ${notStated} not stating it.`,
    interoperableDetail: (fse: string, fhir: string) => `${fse} integrated with the FSE, ${fhir} with FHIR.`,
    home: 'At home',
    hospital: 'In hospital',
    settingsDetail: (both: string, neither: string) => `${both} in both; ${neither} in neither (other settings or not stated).`,
    mature: 'Mature (active, scaled or concluded)',
    profile: 'Populations and medical devices',
    profileLead: 'Approved projects by target population and by medical device class (MDR).',
    profileNames: { targetPopulation: 'Target population', medicalDevice: 'Medical device' } as Record<string, string>,
    editorFindings: 'Key findings',
    recommendations: 'Recommendations',
    editorial: (version: string, date: string) => `Texts of the Hub’s editors, version ${version} of ${date}.`,
    editorialDefault: (date: string) => `Texts of the Hub’s first report (version 0 of ${date}), until the editors save a new version.`,
    about: 'Where the data come from',
    generatedAt: 'Computed on',
    asOf: 'Data as of',
    considered: 'Approved cases considered',
    rulesVersion: 'Counting rules version',
    findingsVersion: 'Findings rules version',
    textsVersion: 'Editors’ texts version',
    romeTime: 'Rome time',
    aboutLead: 'Only cases approved by the Hub’s reviewers count; the same cases always give the same figures and the same findings.',
  },
} as const;

const KIND_LABELS: Record<string, Record<Language, string>> = {
  telex: { it: 'Progetti di Tele-X', en: 'Tele-X projects' },
  'hospital-app': { it: 'Applicazioni digitali per ospedale', en: 'Digital hospital applications' },
  need: { it: 'Bisogni', en: 'Needs' },
  proposal: { it: 'Proposte progettuali', en: 'Project proposals' },
};

/**
 * Breakdowns of the snapshot shown in the "populations and devices" section once the aggregation
 * computes them; the section is left out while none of them is in the snapshot.
 */
export const PROFILE_BREAKDOWNS = ['targetPopulation', 'medicalDevice'] as const;

const time = (iso: string, lang: Language) => html`<time datetime="${iso}">${formatDateTime(iso, lang)}</time>`;
const day = (iso: string, lang: Language) =>
  new Intl.DateTimeFormat(lang === 'it' ? 'it-IT' : 'en-GB', { timeZone: 'Europe/Rome', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(iso));

/**
 * A percentage as the language writes it, always with its one decimal so that a column of shares
 * lines up (42,3% and 37,0%, not 37%); a dash with nothing to divide by.
 */
export function formatPercent(percent: number | null, lang: Language): string {
  if (percent === null) return '—';
  return `${new Intl.NumberFormat(lang === 'it' ? 'it-IT' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(percent)}%`;
}

function section(id: string, title: string, body: SafeHtml | readonly SafeHtml[], first = false): SafeHtml {
  return html`<section class="report-section${first ? ' first' : ''}" id="${id}" aria-labelledby="${id}-heading"><h2 id="${id}-heading">${title}</h2>${body}</section>`;
}

function organisationsSection(findings: Findings | undefined, lang: Language, partnerName: (id: string) => string): SafeHtml {
  const t = T[lang];
  const collator = new Intl.Collator(lang, { sensitivity: 'base' });
  const rows = Object.entries(findings?.partners ?? {})
    .filter(([, count]) => count > 0)
    .map(([id, count]) => ({ id, name: partnerName(id), count }))
    .sort((a, b) => collator.compare(a.name, b.name));
  const body = !findings
    ? html`<p class="muted">${t.computedLater}</p>`
    : rows.length === 0
      ? html`<p class="muted">${t.noOrganisations}</p>`
      : html`<p>${t.organisationsLead(formatNumber(rows.length, lang))}</p>
<table class="data organisations"><caption class="visually-hidden">${t.organisations}</caption><thead><tr><th scope="col">${t.organisation}</th><th scope="col" class="num">${t.cases}</th></tr></thead><tbody>${rows.map(
          (row) => html`<tr data-partner="${row.id}"><th scope="row">${row.name}</th><td class="num">${formatNumber(row.count, lang)}</td></tr>`,
        )}</tbody></table>`;
  return section('organisations', t.organisations, body, true);
}

function figuresSection(snapshot: MetricsSnapshot, lang: Language): SafeHtml {
  const t = T[lang];
  const byKind = snapshot.findings?.byKind ?? {
    telex: snapshot.headline.telexProjects,
    'hospital-app': snapshot.headline.hospitalApps,
    need: snapshot.submissions.need,
    proposal: snapshot.submissions.proposal,
  };
  return section(
    'figures',
    t.figures,
    html`<ul class="figures">${HEADLINE.map(
      (name) =>
        html`<li class="figure" data-metric="${name}" data-value="${snapshot.headline[name]}"><span class="figure-value">${formatNumber(snapshot.headline[name], lang)}</span> <span class="figure-label">${HEADLINE_LABELS[name][lang]}</span></li>`,
    )}</ul>
<div data-collected>${dataTable(t.collected, [t.kind, t.cases], CASE_KINDS.map((kind) => [KIND_LABELS[kind]![lang], formatNumber(byKind[kind] ?? 0, lang)]))}</div>`,
  );
}

/** One computed finding: its name, its number, what it is made of and the rule that produced it. */
function finding(name: FindingName, lang: Language, value: string, body: SafeHtml | string): SafeHtml {
  const t = T[lang];
  return html`<article class="finding" data-finding="${name}"><h3>${t.names[name]}</h3>
<p class="finding-value">${value}</p>
${body}
<p class="finding-rule"><strong>${t.rule}:</strong> ${FINDING_RULES[name][lang]}</p></article>`;
}

const ofProjects = (part: Share, lang: Language) => T[lang].of(formatNumber(part.count, lang), formatNumber(part.total, lang));

function computedFindings(findings: Findings, lang: Language): SafeHtml[] {
  const t = T[lang];
  const n = (value: number) => formatNumber(value, lang);
  const pct = (part: Share) => formatPercent(part.percent, lang);
  const areas = findings.leadingClinicalAreas;
  const stageRows = [...STAGES, NOT_STATED].map((stage) => [stage === NOT_STATED ? t.notStated : valueLabel(stage, lang), n(findings.stages.byStage[stage] ?? 0)]);
  return [
    finding(
      'leadingClinicalAreas',
      lang,
      areas.length ? areas.map((area) => `${valueLabel(area.area, lang)} ${pct(area)}`).join(' · ') : '—',
      areas.length
        ? dataTable(t.areasTable, [t.area, t.projects, t.share], areas.map((area) => [valueLabel(area.area, lang), n(area.count), pct(area)]))
        : html`<p class="muted">${t.noProjects}</p>`,
    ),
    finding(
      'reimbursementUnclear',
      lang,
      pct(findings.reimbursementUnclear),
      html`<p>${ofProjects(findings.reimbursementUnclear, lang)}: ${t.reimbursementDetail(n(findings.reimbursementUnclear.unclear), n(findings.reimbursementUnclear.notStated))}</p>`,
    ),
    finding(
      'interoperable',
      lang,
      pct(findings.interoperable),
      html`<p>${ofProjects(findings.interoperable, lang)}: ${t.interoperableDetail(n(findings.interoperable.fse), n(findings.interoperable.fhir))}</p>`,
    ),
    finding('pnrrFunded', lang, pct(findings.pnrrFunded), html`<p>${ofProjects(findings.pnrrFunded, lang)}.</p>`),
    finding(
      'settings',
      lang,
      `${t.home} ${pct(findings.settings.home)} · ${t.hospital} ${pct(findings.settings.hospital)}`,
      html`<p>${t.home}: ${ofProjects(findings.settings.home, lang)}. ${t.hospital}: ${ofProjects(findings.settings.hospital, lang)}. ${t.settingsDetail(n(findings.settings.both), n(findings.settings.neither))}</p>`,
    ),
    finding(
      'stages',
      lang,
      `${t.mature} ${pct(findings.stages.mature)}`,
      html`<p>${ofProjects(findings.stages.mature, lang)}.</p>${dataTable(t.stagesTable, [t.stage, t.projects], stageRows)}`,
    ),
  ];
}

/**
 * Where the breakdowns by target population and medical device go: shown as soon as the snapshot
 * has them (PROFILE_BREAKDOWNS), whatever values they list.
 */
function profileSection(snapshot: MetricsSnapshot, lang: Language): SafeHtml | '' {
  const t = T[lang];
  const breakdowns = snapshot.breakdowns as Partial<Record<string, Record<string, number>>>;
  const present = PROFILE_BREAKDOWNS.filter((name) => breakdowns[name] !== undefined);
  if (present.length === 0) return '';
  return html`<div class="report-profile" id="profile" data-profile><h3>${t.profile}</h3><p>${t.profileLead}</p>${present.map((name) =>
    dataTable(
      t.profileNames[name] ?? name,
      [t.profileNames[name] ?? name, t.projects],
      Object.entries(breakdowns[name] ?? {})
        .sort(([, a], [, b]) => b - a)
        .map(([value, count]) => [valueLabel(value, lang, name), formatNumber(count, lang)]),
    ),
  )}</div>`;
}

function computedSection(snapshot: MetricsSnapshot, lang: Language): SafeHtml {
  const t = T[lang];
  const { findings } = snapshot;
  const body = findings
    ? html`<p>${t.computedLead(formatNumber(findings.projects, lang))}</p><div class="findings">${computedFindings(findings, lang)}</div>${profileSection(snapshot, lang)}`
    : html`<p class="muted">${t.computedLater}</p>${profileSection(snapshot, lang)}`;
  return section('computed', t.computed, body);
}

/** An editor's paragraph: blank lines separate paragraphs; everything is text, never markup. */
const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => html`<p>${part}</p>`);

function editorialSection(id: string, title: string, items: readonly ReportText[], texts: ReportTextsVersion, lang: Language): SafeHtml {
  const t = T[lang];
  const note = texts.version === 0 ? t.editorialDefault(day(texts.savedAt, lang)) : t.editorial(formatNumber(texts.version, lang), day(texts.savedAt, lang));
  return section(
    id,
    title,
    html`<p class="muted editorial-version" data-texts-version="${texts.version}">${note}</p>
<ol class="editorial">${items.map((item) => html`<li><h3>${item.title[lang]}</h3>${paragraphs(item.text[lang])}</li>`)}</ol>`,
  );
}

function aboutSection(snapshot: MetricsSnapshot | undefined, texts: ReportTextsVersion, lang: Language, baseUrl: string): SafeHtml {
  const t = T[lang];
  return section(
    'about',
    t.about,
    html`<p>${t.aboutLead}</p><dl class="facts">
${snapshot
  ? html`<dt>${t.generatedAt}</dt><dd>${time(snapshot.generatedAt, lang)} (${t.romeTime})</dd>
<dt>${t.asOf}</dt><dd>${time(snapshot.asOf, lang)} (${t.romeTime})</dd>
<dt>${t.considered}</dt><dd>${formatNumber(snapshot.casesConsidered, lang)}</dd>
<dt>${t.rulesVersion}</dt><dd data-rules-version>${snapshot.rulesVersion}</dd>
<dt>${t.findingsVersion}</dt><dd data-findings-version>${snapshot.findings?.version ?? '—'}</dd>`
  : ''}
<dt>${t.textsVersion}</dt><dd>${formatNumber(texts.version, lang)} (${day(texts.savedAt, lang)})</dd>
</dl>
<p class="links"><a href="${baseUrl}/dashboard?lang=${lang}">${t.dashboard}</a> · <a href="${baseUrl}/catalog?lang=${lang}">${t.catalog}</a> · <a href="${baseUrl}/metrics">${t.json}</a></p>`,
  );
}

export interface ReportModel {
  lang: Language;
  /** The latest snapshot; none before the first aggregation. */
  snapshot?: MetricsSnapshot;
  /** The editors' texts in force (version 0: the release's defaults). */
  texts: ReportTextsVersion;
  partnerName: (id: string) => string;
  /** The Hub's public address: the report's links are absolute, so that they print as addresses. */
  baseUrl: string;
}

/** The Hub's report, regenerated from the approved cases, with the editors' texts; prints to A4. */
export function renderReport({ lang, snapshot, texts, partnerName, baseUrl }: ReportModel): SafeHtml {
  const t = T[lang];
  const other: Language = lang === 'it' ? 'en' : 'it';
  return layout({
    lang,
    title: t.title,
    styles: [REPORT_STYLESHEET],
    body: html`<div class="report"${snapshot ? '' : html` data-state="empty"`}>
<nav class="report-nav" aria-label="${t.nav}"><ul>
<li><a href="/report?lang=${other}" lang="${other}" hreflang="${other}">${t.otherLanguage}</a></li>
<li><a href="/dashboard?lang=${lang}">${t.dashboard}</a></li>
<li><a href="/catalog?lang=${lang}">${t.catalog}</a></li>
</ul></nav>
<h1>${t.title}</h1>
<p class="lead">${t.lead}</p>
<p class="print-hint muted">${t.printHint}</p>
${snapshot
  ? html`<p class="provenance">${t.updated} ${time(snapshot.generatedAt, lang)} · ${t.considered}: ${formatNumber(snapshot.casesConsidered, lang)}</p>
${organisationsSection(snapshot.findings, lang, partnerName)}
${figuresSection(snapshot, lang)}
${computedSection(snapshot, lang)}`
  : html`<div class="notice card" role="status"><h2>${t.notYet}</h2><p>${t.notYetDetail}</p></div>`}
${editorialSection('key-findings', t.editorFindings, texts.texts.findings, texts, lang)}
${editorialSection('recommendations', t.recommendations, texts.texts.recommendations, texts, lang)}
${aboutSection(snapshot, texts, lang, baseUrl)}
</div>`,
  });
}
