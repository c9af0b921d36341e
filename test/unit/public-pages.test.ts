import { describe, expect, it } from 'vitest';
import { LOCAL_PARTNERS } from '../../infra/config/partners';
import type { CatalogItem } from '../../shared/app/catalog';
import { catalogPage, resultCount } from '../../shared/adapters/html/catalog';
import { figuresSnippet, renderDashboard, trendPoints } from '../../shared/adapters/html/dashboard';
import { computeMetrics, MEDIAN_MIN_DECISIONS, type MetricCase, type MetricsSnapshot } from '../../shared/core/metrics';

let seq = 0;
const approved = (overrides: Partial<MetricCase> = {}): MetricCase => ({
  id: `case-${++seq}`,
  kind: 'telex',
  partner: 'humanitas',
  facility: { name: 'Humanitas Research Hospital' },
  clinicalAreas: ['cardiology'],
  telexServices: ['televisita'],
  createdAt: '2026-03-01T10:00:00.000Z',
  decidedAt: '2026-03-02T10:00:00.000Z',
  ...overrides,
});

const snapshotOf = (cases: MetricCase[], generatedAt = '2026-03-05T10:00:00.000Z'): MetricsSnapshot =>
  computeMetrics({ approved: cases, rejected: [], statusCounts: { approved: cases.length }, asOf: generatedAt, generatedAt });

const dashboard = (snapshot: MetricsSnapshot, lang: 'it' | 'en' = 'it', history: MetricsSnapshot[] = []) =>
  renderDashboard({ lang, snapshot, history, partnerName: (id) => id, baseUrl: 'https://hub.example.org' }).toString();

describe('the dashboard', () => {
  const cases = [
    approved({ facility: { name: 'Ospedale San Raffaele' }, clinicalAreas: ['pulmonology', 'rehabilitation'], patientsImpacted: 57_200 }),
    approved({ facility: { name: 'Humanitas', code: '030906' }, clinicalAreas: ['cardiology'], patientsImpacted: 12_000 }),
    approved({ kind: 'hospital-app', telexServices: undefined, facility: { name: 'ospedale san raffaele' } }),
  ];

  it('lists the structures it counts, as many as the headline figure, with their codes and projects', () => {
    const page = dashboard(snapshotOf(cases));
    const rows = [...page.matchAll(/<tr data-structure><th scope="row">([^<]+)<\/th><td>([^<]+)<\/td><td class="num">(\d+)<\/td><\/tr>/g)].map((m) => m.slice(1));
    expect(rows).toEqual([
      ['Humanitas', '030906', '1'],
      ['Ospedale San Raffaele', '—', '2'],
    ]);
    expect(page).toContain('data-metric="hospitalStructures" data-value="2"');
    expect(page).toContain('Le 2 strutture dei progetti');
  });

  it('shows patients by clinical area as a chart with its table, in the language’s numbers', () => {
    const it = dashboard(snapshotOf(cases));
    const card = /<figure[^>]*data-chart="patientsByClinicalArea"[\s\S]*?<\/figure>/.exec(it)?.[0] ?? '';
    expect(card).toContain('role="img"');
    expect(card).toMatch(/<g class="bar" data-key="pulmonology">[\s\S]*?57\.200/);
    expect(card).toContain('<th scope="row">Riabilitazione</th><td class="num">57.200</td>');
    expect(card).toContain('<th scope="row">Cardiologia</th><td class="num">12.000</td>');
    expect(card).toContain('Nessun paziente dichiarato: Oncologia, Neurologia');
    const en = dashboard(snapshotOf(cases), 'en');
    expect(en).toContain('Patients reached by clinical area');
    expect(en).toMatch(/data-key="pulmonology">[\s\S]*?57,200/);
  });

  it(`hides the median time to decision, saying why, below ${MEDIAN_MIN_DECISIONS} decisions, and shows it from then on`, () => {
    const few = dashboard(snapshotOf(cases));
    expect(few).toContain('data-metric="medianHoursToDecision" data-value="" data-decisions="3"');
    expect(few).toContain('Compare da 5 decisioni in su: finora 3.');
    expect(few).not.toMatch(/medianHoursToDecision[^>]*><span class="stat-value">/);
    const enough = snapshotOf([...cases, approved(), approved()]);
    expect(enough.pipeline.medianHoursToDecision).toBe(24);
    expect(dashboard(enough, 'en')).toMatch(/data-metric="medianHoursToDecision" data-value="24"><span class="stat-value">24 hours<\/span>/);
  });

  it('puts the site header and the title in the page’s language', () => {
    expect(dashboard(snapshotOf(cases), 'it')).toMatch(/<header class="site"><p class="brand">Digital Health Innovation Hub della Lombardia<\/p><\/header>/);
    expect(dashboard(snapshotOf(cases), 'it')).toContain('<title>Lo Hub in cifre</title>');
    expect(dashboard(snapshotOf(cases), 'en')).toMatch(/<header class="site"><p class="brand">Lombardy Digital Health Innovation Hub<\/p><\/header>/);
  });

  it('gives partners the snippet that frames the figures, escaped on the page', () => {
    expect(figuresSnippet('https://hub.example.org', 'en')).toBe('<script src="https://hub.example.org/embed.js" data-view="figures" data-lang="en" async></script>');
    expect(dashboard(snapshotOf(cases), 'it')).toContain(
      '<code data-snippet="figures">&lt;script src=&quot;https://hub.example.org/embed.js&quot; data-view=&quot;figures&quot; data-lang=&quot;it&quot; async&gt;&lt;/script&gt;</code>',
    );
  });

  it('charts the target population and the medical device class, the class in the MDR’s order with the projects that state none', () => {
    const snapshot = snapshotOf([
      approved({ targetPopulation: ['chronic-patients'], medicalDevice: 'class-iib' }),
      approved({ targetPopulation: ['chronic-patients', 'caregivers'], medicalDevice: 'none' }),
      approved({ medicalDevice: 'class-i' }),
      approved({}),
    ]);
    const page = dashboard(snapshot, 'en');
    expect(page).toContain('id="chart-targetPopulation"');
    expect(page).toContain('id="chart-medicalDevice"');
    const device = page.slice(page.indexOf('id="chart-medicalDevice"'));
    const order = ['Not a medical device', 'Class I', 'Class IIb', 'Not stated'].map((label) => device.indexOf(label));
    expect(order.every((at) => at > -1)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const italian = dashboard(snapshot, 'it');
    expect(italian).toContain('Popolazione destinataria');
    expect(italian).toContain('Non è un dispositivo medico');
  });

  it('copes with a snapshot of the earlier rules, which has no structures, areas or count of decisions', () => {
    const old = snapshotOf(cases) as unknown as Record<string, unknown> & { pipeline: Record<string, unknown> };
    delete old.structures;
    delete old.patientsByClinicalArea;
    delete old.pipeline.decisions;
    old.pipeline.medianHoursToDecision = 24;
    const page = dashboard(old as unknown as MetricsSnapshot);
    expect(page).toContain('L’elenco comparirà dal prossimo calcolo delle cifre.');
    expect(page).not.toContain('data-chart="patientsByClinicalArea"');
    expect(page).toContain('<span class="stat-value">24 ore</span>');
  });
});

describe('the trend', () => {
  const at = (hour: number) => `2026-03-05T${String(hour).padStart(2, '0')}:00:00.000Z`;
  const empty = (hour: number) => snapshotOf([], at(hour));
  const counted = (hour: number, n: number) => snapshotOf(Array.from({ length: n }, () => approved({ facility: { name: `H${seq}` } })), at(hour));

  it('starts at the first snapshot that counts anything: no flat zero before a spike', () => {
    const points = trendPoints([empty(1), counted(4, 3), empty(2), empty(3), counted(5, 4)]);
    expect(points.map((p) => p.generatedAt)).toEqual([at(4), at(5)]);
  });

  it('keeps a later fall to zero, and gives the newest snapshot alone when nothing was ever counted', () => {
    expect(trendPoints([counted(1, 2), empty(2)]).map((p) => p.generatedAt)).toEqual([at(1), at(2)]);
    expect(trendPoints([empty(3), empty(1), empty(2)]).map((p) => p.generatedAt)).toEqual([at(3)]);
  });

  it('draws no line from zero on the page: one counted snapshot after empty ones is a single computation', () => {
    const latest = counted(6, 2);
    const page = dashboard(latest, 'it', [empty(1), empty(2), latest]);
    expect(page).toContain('data-trend="single"');
    expect(page).not.toContain('chart-line');
  });
});

const item = (n: number, overrides: Partial<CatalogItem> = {}): CatalogItem => ({
  id: `01JAAAAAAAAAAAAAAAAAAAAA${String(n).padStart(2, '0')}`,
  reference: `HUB-2026-0000${n}`,
  title: `Progetto ${n}`,
  summary: 'Un progetto di telemedicina per pazienti cronici.',
  kind: 'telex',
  partner: 'humanitas',
  partnerName: 'Humanitas',
  facility: { name: 'Humanitas Research Hospital' },
  telexServices: ['televisita'],
  clinicalAreas: ['cardiology'],
  careSettings: [],
  technologies: [],
  funding: [],
  interoperability: [],
  targetPopulation: [],
  patientsImpacted: 59_200,
  startDate: '2025-03-01',
  decidedAt: '2026-07-01T08:30:00.000Z',
  ...overrides,
});

describe('the catalogue page', () => {
  const render = (options: Partial<Parameters<typeof catalogPage>[0]> = {}) =>
    catalogPage({ lang: 'it', items: [item(1), item(2)], filters: {}, partners: LOCAL_PARTNERS, total: 2, ...options }).toString();

  it('says how many cases match, with the language’s plural and digits', () => {
    expect(resultCount(0, 'it')).toBe('Nessun risultato');
    expect(resultCount(1, 'it')).toBe('1 risultato');
    expect(resultCount(1234, 'it')).toBe('1234 risultati'.replace('1234', new Intl.NumberFormat('it-IT').format(1234)));
    expect(resultCount(1234, 'en')).toBe('1,234 results');
    expect(resultCount(1, 'en')).toBe('1 result');
    expect(render({ total: 42 })).toContain('<p class="result-count" data-total="42">42 risultati</p>');
  });

  it('formats numbers and dates in the page’s language, times with their zone', () => {
    const it = render();
    expect(it).toContain('<span data-value="59200">59.200</span>');
    expect(it).toContain('<time datetime="2025-03-01">1 marzo 2025</time>');
    expect(it).toMatch(/<time datetime="2026-07-01T08:30:00.000Z">1 luglio 2026 alle ore 10:30 CEST<\/time>/);
    const en = render({ lang: 'en' });
    expect(en).toContain('<span data-value="59200">59,200</span>');
    expect(en).toContain('<time datetime="2025-03-01">1 March 2025</time>');
    expect(en).toMatch(/1 July 2026(,| at) 10:30 CEST/);
  });

  it('switches language keeping the filters and the page', () => {
    const page = render({ filters: { kind: 'telex', clinicalArea: 'cardiology' }, position: { limit: '5', cursor: 'abc' } });
    expect(page).toContain('<a href="/catalog?kind=telex&amp;clinicalArea=cardiology&amp;limit=5&amp;cursor=abc&amp;lang=en" lang="en" hreflang="en">English</a>');
  });

  it('shows the active filters, each removable, and a way to remove them all', () => {
    const page = render({ filters: { kind: 'telex', partner: 'humanitas' } });
    expect(page).toContain('Filtri attivi:');
    expect(page).toMatch(/<a class="chip" href="\/catalog\?partner=humanitas&amp;lang=it" data-remove-filter="kind"><span class="visually-hidden">Togli il filtro <\/span>Tipo di caso: Servizio di Tele-X<span class="chip-x" aria-hidden="true">×<\/span><\/a>/);
    expect(page).toContain('href="/catalog?kind=telex&amp;lang=it" data-remove-filter="partner"');
    expect(page).toContain('<a href="/catalog?lang=it" data-remove-filter="all">');
    expect(render()).not.toContain('Filtri attivi');
  });

  it('links the previous and the next page in a named navigation, keeping filters, size and language', () => {
    const page = render({ lang: 'en', filters: { kind: 'telex' }, position: { limit: '2', cursor: 'c1' }, previousCursor: 'p1', nextCursor: 'n1' });
    expect(page).toContain('<nav class="pager" aria-label="Catalogue pages">');
    expect(page).toContain('<a rel="prev" href="/catalog?kind=telex&amp;limit=2&amp;before=p1&amp;lang=en">');
    expect(page).toContain('<a rel="next" href="/catalog?kind=telex&amp;limit=2&amp;cursor=n1&amp;lang=en">');
    expect(render()).not.toContain('class="pager"');
  });

  it('shows each case’s target population and medical device class, and filters by them', () => {
    const page = render({
      lang: 'en',
      items: [item(1, { targetPopulation: ['paediatric', 'caregivers'], medicalDevice: 'none' }), item(2, { medicalDevice: 'class-iii' }), item(3)],
      filters: { targetPopulation: 'paediatric', medicalDevice: 'none' },
    });
    expect(page).toContain('<dt>Target population</dt><dd>Paediatric patients, Caregivers</dd>');
    expect(page).toContain('<dt>Medical device (MDR class)</dt><dd>Not a medical device</dd>');
    expect(page).toContain('<dt>Medical device (MDR class)</dt><dd>Class III</dd>');
    expect(page.split('<dt>Target population</dt>').length - 1).toBe(1);
    expect(page).toContain('<option value="paediatric" selected>Paediatric patients</option>');
    expect(page).toContain('<option value="none" selected>Not a medical device</option>');
    expect(page).toContain('data-remove-filter="targetPopulation"');
    expect(page).toContain('Medical device: Not a medical device');
    expect(page).toContain('<a href="/catalog.csv?targetPopulation=paediatric&amp;medicalDevice=none&amp;lang=en" download>');
  });

  it('links the dashboard and both exports with the filters and language', () => {
    const page = render({ lang: 'en', filters: { clinicalArea: 'oncology' } });
    expect(page).toContain('<a href="/dashboard?lang=en">The Hub in figures</a>');
    expect(page).toContain('<a href="/catalog.csv?clinicalArea=oncology&amp;lang=en" download>');
    expect(page).toContain('<a href="/catalog.xlsx?clinicalArea=oncology&amp;lang=en" download>');
    expect(page).toContain('role="search" aria-label="Catalogue filters"');
  });
});
