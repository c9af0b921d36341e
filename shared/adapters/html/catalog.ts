import { CASE_KINDS, CLINICAL_AREAS, MEDICAL_DEVICE_CLASSES, TARGET_POPULATIONS, TELEX_SERVICES, type Language } from '../../core/case';
import { catalogSearch, type CatalogFilters, type CatalogItem } from '../../app/catalog';
import { fieldLabel, formatDateTime, valueLabel } from '../../core/i18n';
import type { Partner } from '../../core/partners';
import { html, type SafeHtml } from './html';
import { layout } from './pages';

/** Where the page stands in the catalogue: its size and the cursor it was asked with, as given in the query. */
export interface CatalogPagePosition {
  limit?: string;
  cursor?: string;
  before?: string;
}

export interface CatalogPageOptions {
  lang: Language;
  items: readonly CatalogItem[];
  filters: CatalogFilters;
  partners: readonly Partner[];
  /** Approved cases matching the filters, on every page. */
  total: number;
  /** How this page was asked for: the language switch keeps it. */
  position?: CatalogPagePosition;
  /** The cursor of the next page (`cursor=`), when there is one. */
  nextCursor?: string;
  /** The cursor of the previous page (`before=`), when there is one. */
  previousCursor?: string;
}

const T = {
  title: { it: 'Catalogo dei progetti approvati', en: 'Catalogue of approved projects' },
  lead: {
    it: 'I casi di sanità digitale approvati dai revisori dello Hub, dalle decisioni più recenti.',
    en: "Digital health cases approved by the Hub's reviewers, most recent decisions first.",
  },
  otherLanguage: { it: 'English', en: 'Italiano' },
  any: { it: 'Tutti', en: 'Any' },
  clinicalArea: { it: 'Area clinica', en: 'Clinical area' },
  telexService: { it: 'Servizio di Tele-X', en: 'Tele-X service' },
  targetPopulation: { it: 'Popolazione destinataria', en: 'Target population' },
  medicalDevice: { it: 'Dispositivo medico', en: 'Medical device' },
  filters: { it: 'Filtri del catalogo', en: 'Catalogue filters' },
  filter: { it: 'Filtra', en: 'Filter' },
  active: { it: 'Filtri attivi:', en: 'Active filters:' },
  remove: { it: 'Togli il filtro', en: 'Remove the filter' },
  removeAll: { it: 'Togli tutti i filtri', en: 'Remove all filters' },
  links: { it: 'Altri modi di vedere i dati', en: 'Other ways to see the data' },
  dashboard: { it: 'Lo Hub in cifre', en: 'The Hub in figures' },
  csv: { it: 'Scarica in CSV', en: 'Download as CSV' },
  xlsx: { it: 'Scarica il foglio di calcolo (.xlsx)', en: 'Download as a spreadsheet (.xlsx)' },
  none: { it: 'Nessun caso approvato corrisponde ai filtri.', en: 'No approved case matches the filters.' },
  pages: { it: 'Pagine del catalogo', en: 'Catalogue pages' },
  previous: { it: 'Pagina precedente', en: 'Previous page' },
  next: { it: 'Pagina successiva', en: 'Next page' },
  first: { it: 'Prima pagina', en: 'First page' },
  decided: { it: 'Approvato il', en: 'Approved on' },
  answering: { it: 'Progetti che rispondono', en: 'Projects that answer it' },
} satisfies Record<string, Record<Language, string>>;

const locale = (lang: Language) => (lang === 'it' ? 'it-IT' : 'en-GB');

/** A count as people of the language write it (1.234 / 1,234). */
const formatCount = (value: number, lang: Language) => new Intl.NumberFormat(locale(lang)).format(value);

/** "N results", with the language's plural. */
export function resultCount(total: number, lang: Language): string {
  const n = formatCount(total, lang);
  if (lang === 'it') return total === 0 ? 'Nessun risultato' : total === 1 ? '1 risultato' : `${n} risultati`;
  return total === 0 ? 'No results' : total === 1 ? '1 result' : `${n} results`;
}

/** A calendar date (`YYYY-MM-DD`, no time, so no zone) in the language's words: 1 marzo 2025, 1 March 2025. */
function formatDay(day: string, lang: Language): string {
  const [year, month, date] = day.split('-').map(Number);
  if (!year || !month || !date) return day;
  return new Intl.DateTimeFormat(locale(lang), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, date)));
}

function select(name: string, label: string, chosen: string | undefined, options: readonly { value: string; label: string }[], lang: Language): SafeHtml {
  return html`<div class="field"><label for="f-${name}">${label}</label>
<select id="f-${name}" name="${name}"><option value="">${T.any[lang]}</option>${options.map(
    (option) => html`<option value="${option.value}"${option.value === chosen ? html` selected` : ''}>${option.label}</option>`,
  )}</select></div>`;
}

function card(item: CatalogItem, lang: Language): SafeHtml {
  const list = (values: readonly string[]) => (values.length ? values.map((value) => valueLabel(value, lang)).join(', ') : undefined);
  const row = (label: string, value: string | SafeHtml | undefined) => (value === undefined ? '' : html`<dt>${label}</dt><dd>${value}</dd>`);
  return html`<article class="case" id="${item.reference}" aria-labelledby="${item.reference}-title">
<h2 id="${item.reference}-title">${item.title}</h2>
<p class="muted">${item.reference} · ${valueLabel(item.kind, lang)} · ${item.partnerName}</p>
<dl class="facts">
${row(fieldLabel('facility', lang), item.facility.code ? `${item.facility.name} (${item.facility.code})` : item.facility.name)}
${row(fieldLabel('telexServices', lang), list(item.telexServices))}
${row(fieldLabel('clinicalAreas', lang), list(item.clinicalAreas))}
${row(fieldLabel('targetPopulation', lang), list(item.targetPopulation))}
${row(fieldLabel('careSettings', lang), list(item.careSettings))}
${row(fieldLabel('technologies', lang), list(item.technologies))}
${row(fieldLabel('stage', lang), item.stage ? valueLabel(item.stage, lang) : undefined)}
${row(fieldLabel('patientsImpacted', lang), item.patientsImpacted === undefined ? undefined : html`<span data-value="${item.patientsImpacted}">${formatCount(item.patientsImpacted, lang)}</span>`)}
${row(fieldLabel('funding', lang), list(item.funding))}
${row(fieldLabel('reimbursement', lang), item.reimbursement ? valueLabel(item.reimbursement, lang) : undefined)}
${row(fieldLabel('interoperability', lang), list(item.interoperability))}
${row(fieldLabel('medicalDevice', lang), item.medicalDevice ? valueLabel(item.medicalDevice, lang, 'medicalDevice') : undefined)}
${row(fieldLabel('startDate', lang), item.startDate ? html`<time datetime="${item.startDate}">${formatDay(item.startDate, lang)}</time>` : undefined)}
${row(T.decided[lang], html`<time datetime="${item.decidedAt}">${formatDateTime(item.decidedAt, lang)}</time>`)}
${row(T.answering[lang], item.answeringPractices === undefined ? undefined : html`<span data-answering-practices="${item.answeringPractices}">${formatCount(item.answeringPractices, lang)}</span>`)}
</dl>
<p class="summary">${item.summary}</p>
</article>`;
}

/** The filters in force, each a link to the same catalogue without it. */
function activeFilters(filters: CatalogFilters, partners: readonly Partner[], lang: Language): SafeHtml | '' {
  const named: { name: keyof CatalogFilters; label: string; value: string }[] = [];
  if (filters.kind) named.push({ name: 'kind', label: fieldLabel('kind', lang), value: valueLabel(filters.kind, lang) });
  if (filters.clinicalArea) named.push({ name: 'clinicalArea', label: T.clinicalArea[lang], value: valueLabel(filters.clinicalArea, lang) });
  if (filters.telexService) named.push({ name: 'telexService', label: T.telexService[lang], value: valueLabel(filters.telexService, lang) });
  if (filters.targetPopulation) named.push({ name: 'targetPopulation', label: T.targetPopulation[lang], value: valueLabel(filters.targetPopulation, lang) });
  if (filters.medicalDevice) named.push({ name: 'medicalDevice', label: T.medicalDevice[lang], value: valueLabel(filters.medicalDevice, lang, 'medicalDevice') });
  if (filters.partner) named.push({ name: 'partner', label: fieldLabel('partner', lang), value: partners.find((p) => p.id === filters.partner)?.name ?? filters.partner });
  if (!named.length) return '';
  const without = (name: keyof CatalogFilters) => {
    const rest = { ...filters };
    delete rest[name];
    return `/catalog${catalogSearch(rest, { lang })}`;
  };
  return html`<div class="active-filters"><p id="active-filters-label">${T.active[lang]}</p><ul aria-labelledby="active-filters-label">${named.map(
    (filter) =>
      html`<li><a class="chip" href="${without(filter.name)}" data-remove-filter="${filter.name}"><span class="visually-hidden">${T.remove[lang]} </span>${filter.label}: ${filter.value}<span class="chip-x" aria-hidden="true">×</span></a></li>`,
  )}</ul>${named.length > 1 ? html`<p><a href="/catalog?lang=${lang}" data-remove-filter="all">${T.removeAll[lang]}</a></p>` : ''}</div>`;
}

function langSwitch(options: CatalogPageOptions): SafeHtml {
  const other: Language = options.lang === 'it' ? 'en' : 'it';
  const href = `/catalog${catalogSearch(options.filters, { ...options.position, lang: other })}`;
  return html`<p class="lang-switch"><a href="${href}" lang="${other}" hreflang="${other}">${T.otherLanguage[options.lang]}</a></p>`;
}

function pageNav(options: CatalogPageOptions): SafeHtml | '' {
  const { lang, filters, position, nextCursor, previousCursor } = options;
  if (!nextCursor && !previousCursor) return '';
  const limit = position?.limit;
  const href = (extra: Record<string, string | undefined>) => `/catalog${catalogSearch(filters, { limit, ...extra, lang })}`;
  return html`<nav class="pager" aria-label="${T.pages[lang]}">
${previousCursor ? html`<a rel="prev" href="${href({ before: previousCursor })}"><span aria-hidden="true">←</span>${T.previous[lang]}</a>` : html`<span></span>`}
${nextCursor ? html`<a rel="next" href="${href({ cursor: nextCursor })}">${T.next[lang]}<span aria-hidden="true">→</span></a>` : ''}
</nav>`;
}

/** The catalogue for people: filters (and which are on), the count, one card per case, pages both ways, the exports. */
export function catalogPage(options: CatalogPageOptions): SafeHtml {
  const { lang, items, filters, partners, total } = options;
  const labelled = (values: readonly string[], field?: string) => values.map((value) => ({ value, label: valueLabel(value, lang, field) }));
  const exports = catalogSearch(filters, { lang });
  const body = html`<div class="catalog">
<div class="dash-head"><div><h1>${T.title[lang]}</h1><p class="lead">${T.lead[lang]}</p></div>${langSwitch(options)}</div>
<nav class="catalog-links" aria-label="${T.links[lang]}"><a href="/dashboard?lang=${lang}">${T.dashboard[lang]}</a> · <a href="/catalog.csv${exports}" download>${T.csv[lang]}</a> · <a href="/catalog.xlsx${exports}" download>${T.xlsx[lang]}</a></nav>
<form method="get" action="/catalog" class="filters" role="search" aria-label="${T.filters[lang]}">
<input type="hidden" name="lang" value="${lang}">
<div class="filter-fields">
${select('kind', fieldLabel('kind', lang), filters.kind, labelled(CASE_KINDS), lang)}
${select('clinicalArea', T.clinicalArea[lang], filters.clinicalArea, labelled(CLINICAL_AREAS), lang)}
${select('telexService', T.telexService[lang], filters.telexService, labelled(TELEX_SERVICES), lang)}
${select('targetPopulation', T.targetPopulation[lang], filters.targetPopulation, labelled(TARGET_POPULATIONS), lang)}
${select('medicalDevice', T.medicalDevice[lang], filters.medicalDevice, labelled(MEDICAL_DEVICE_CLASSES, 'medicalDevice'), lang)}
${select('partner', fieldLabel('partner', lang), filters.partner, partners.map((partner) => ({ value: partner.id, label: partner.name })), lang)}
</div>
<p><button type="submit">${T.filter[lang]}</button></p>
</form>
${activeFilters(filters, partners, lang)}
<p class="result-count" data-total="${total}">${resultCount(total, lang)}</p>
${items.length ? items.map((item) => card(item, lang)) : html`<p>${T.none[lang]}</p>`}
${pageNav(options)}
</div>`;
  return layout({ lang, title: T.title[lang], body });
}
