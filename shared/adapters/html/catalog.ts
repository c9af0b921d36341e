import { CASE_KINDS, CLINICAL_AREAS, TELEX_SERVICES, type Language } from '../../core/case';
import { catalogSearch, type CatalogFilters, type CatalogItem } from '../../app/catalog';
import { fieldLabel, formatDateTime, valueLabel } from '../../core/i18n';
import type { Partner } from '../../core/partners';
import { html, type SafeHtml } from './html';
import { layout } from './pages';

export interface CatalogPageOptions {
  lang: Language;
  items: readonly CatalogItem[];
  filters: CatalogFilters;
  partners: readonly Partner[];
  /** The query string of the next page, when there is one. */
  nextSearch?: string;
}

const T = {
  title: { it: 'Catalogo dei progetti approvati', en: 'Catalogue of approved projects' },
  lead: {
    it: 'I casi di sanità digitale approvati dai revisori dello Hub, dalle decisioni più recenti.',
    en: "Digital health cases approved by the Hub's reviewers, most recent decisions first.",
  },
  any: { it: 'Tutti', en: 'Any' },
  clinicalArea: { it: 'Area clinica', en: 'Clinical area' },
  telexService: { it: 'Servizio di Tele-X', en: 'Tele-X service' },
  filter: { it: 'Filtra', en: 'Filter' },
  csv: { it: 'Scarica in CSV', en: 'Download as CSV' },
  xlsx: { it: 'Scarica il foglio di calcolo (.xlsx)', en: 'Download as a spreadsheet (.xlsx)' },
  none: { it: 'Nessun caso approvato corrisponde ai filtri.', en: 'No approved case matches the filters.' },
  next: { it: 'Pagina successiva', en: 'Next page' },
  decided: { it: 'Approvato il', en: 'Approved on' },
} satisfies Record<string, Record<Language, string>>;

function select(name: string, label: string, chosen: string | undefined, options: readonly { value: string; label: string }[], lang: Language): SafeHtml {
  return html`<div class="field"><label for="f-${name}">${label}</label>
<select id="f-${name}" name="${name}"><option value="">${T.any[lang]}</option>${options.map(
    (option) => html`<option value="${option.value}"${option.value === chosen ? html` selected` : ''}>${option.label}</option>`,
  )}</select></div>`;
}

function card(item: CatalogItem, lang: Language): SafeHtml {
  const list = (values: readonly string[]) => (values.length ? values.map((value) => valueLabel(value, lang)).join(', ') : undefined);
  const row = (label: string, value: string | number | undefined) => (value === undefined ? '' : html`<dt>${label}</dt><dd>${value}</dd>`);
  return html`<article class="case" id="${item.reference}">
<h2>${item.title}</h2>
<p class="muted">${item.reference} · ${valueLabel(item.kind, lang)} · ${item.partnerName}</p>
<dl class="facts">
${row(fieldLabel('facility', lang), item.facility.code ? `${item.facility.name} (${item.facility.code})` : item.facility.name)}
${row(fieldLabel('telexServices', lang), list(item.telexServices))}
${row(fieldLabel('clinicalAreas', lang), list(item.clinicalAreas))}
${row(fieldLabel('careSettings', lang), list(item.careSettings))}
${row(fieldLabel('technologies', lang), list(item.technologies))}
${row(fieldLabel('stage', lang), item.stage ? valueLabel(item.stage, lang) : undefined)}
${row(fieldLabel('patientsImpacted', lang), item.patientsImpacted?.toLocaleString(lang === 'it' ? 'it-IT' : 'en-GB'))}
${row(fieldLabel('funding', lang), list(item.funding))}
${row(fieldLabel('reimbursement', lang), item.reimbursement ? valueLabel(item.reimbursement, lang) : undefined)}
${row(fieldLabel('interoperability', lang), list(item.interoperability))}
${row(fieldLabel('startDate', lang), item.startDate)}
${row(T.decided[lang], formatDateTime(item.decidedAt, lang))}
</dl>
<p class="summary">${item.summary}</p>
</article>`;
}

/** The catalogue for people: filters, one card per case, a link to the next page and to the exports. */
export function catalogPage({ lang, items, filters, partners, nextSearch }: CatalogPageOptions): SafeHtml {
  const labelled = (values: readonly string[]) => values.map((value) => ({ value, label: valueLabel(value, lang) }));
  const body = html`<h1>${T.title[lang]}</h1>
<p class="lead">${T.lead[lang]}</p>
<form method="get" action="/catalog" class="filters">
<input type="hidden" name="lang" value="${lang}">
${select('kind', fieldLabel('kind', lang), filters.kind, labelled(CASE_KINDS), lang)}
${select('clinicalArea', T.clinicalArea[lang], filters.clinicalArea, labelled(CLINICAL_AREAS), lang)}
${select('telexService', T.telexService[lang], filters.telexService, labelled(TELEX_SERVICES), lang)}
${select('partner', fieldLabel('partner', lang), filters.partner, partners.map((partner) => ({ value: partner.id, label: partner.name })), lang)}
<p><button type="submit">${T.filter[lang]}</button> <a href="/catalog.csv${catalogSearch(filters)}">${T.csv[lang]}</a> <a href="/catalog.xlsx${catalogSearch(filters, { lang })}">${T.xlsx[lang]}</a></p>
</form>
${items.length ? items.map((item) => card(item, lang)) : html`<p>${T.none[lang]}</p>`}
${nextSearch ? html`<p><a rel="next" href="/catalog${nextSearch}">${T.next[lang]}</a></p>` : ''}`;
  return layout({ lang, title: T.title[lang], body });
}
