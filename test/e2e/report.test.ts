import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_PARTNERS } from '../../infra/config/partners';
import { runDemo } from '../../infra/local/demo';
import { DEMO_CASES } from '../../infra/local/demo-cases';
import type { Runtime } from '../../infra/local/runtime';
import type { Findings } from '../../shared/core/findings';
import type { ReportTexts } from '../../shared/core/report-texts';
import { browserTestsEnabled, launchBrowser } from '../support/browser';
import { startTestRuntime } from '../support/runtime';

const run = promisify(execFile);

/** What the Hub's editors saved with `npm run report-text -- set` before the runtime started. */
const EDITED: ReportTexts = {
  findings: [
    { title: { it: 'Telemedicina come servizio stabile', en: 'Telemedicine as a lasting service' }, text: { it: 'Ospedale & territorio < domicilio: un percorso unico.', en: 'Hospital & community < home: one pathway.' } },
    { title: { it: 'Dati che si parlano', en: 'Data that talk' }, text: { it: 'Il Fascicolo al centro.', en: 'The health record at the centre.' } },
  ],
  recommendations: [{ title: { it: 'Tariffe chiare entro un anno', en: 'Clear tariffs within a year' }, text: { it: 'Una regola regionale.', en: 'One regional rule.' } }],
};

const HEADINGS = {
  it: ['Le cifre', 'Che cosa dicono i dati', 'I risultati chiave', 'Le raccomandazioni', 'Provenienza dei dati'],
  en: ['The figures', 'What the data say', 'Key findings', 'Recommendations', 'Where the data come from'],
};
const FIGURES = { it: ['8', '23', '59.200', '3'], en: ['8', '23', '59,200', '3'] };
const LABELS = {
  it: ['Strutture ospedaliere', 'Progetti di Tele-X mappati', 'Pazienti impattati', 'Applicazioni digitali per ospedale'],
  en: ['Hospital structures', 'Tele-X projects mapped', 'Patients reached', 'Digital hospital applications'],
};

/** One line per run of spaces: the PDF breaks lines where the page does. */
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();
const percent = (value: number | null, lang: 'it' | 'en') => `${new Intl.NumberFormat(lang === 'it' ? 'it-IT' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(value ?? 0)}%`;

describe.skipIf(!browserTestsEnabled)('the report printed to PDF by headless Chromium', () => {
  let dir: string;
  let runtime: Runtime;
  let browser: Browser;
  let findings: Findings;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-pdf-'));
    const dataDir = join(dir, 'data');
    const file = join(dir, 'texts.json');
    await writeFile(file, JSON.stringify(EDITED));
    await run(join('node_modules', '.bin', 'tsx'), ['infra/ops/report-text.ts', 'set', '--file', file, '--by', 'Redazione dello Hub'], { env: { ...process.env, DATA_DIR: dataDir, TABLE_NAME: '' } });
    runtime = await startTestRuntime({ DATA_DIR: dataDir, REVIEWERS: 'revisore.rapporto@hub.example.org' });
    await runDemo(runtime.url, () => undefined, { timeoutMs: 150_000 });
    findings = ((await (await fetch(`${runtime.url}/metrics`)).json()) as { findings: Findings }).findings;
    browser = await launchBrowser();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The report in a language, printed as a person prints it, page by page as text. */
  async function printed(lang: 'it' | 'en') {
    const page = await browser.newPage();
    try {
      const response = await page.goto(`${runtime.url}/report?lang=${lang}`);
      expect(response?.status()).toBe(200);
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      const document = await getDocumentProxy(new Uint8Array(pdf));
      const { text } = await extractText(document, { mergePages: false });
      const size = (await document.getPage(1)).view;
      return { pages: text.map(flat), all: flat(text.join(' ')), size };
    } finally {
      await page.close();
    }
  }

  for (const lang of ['it', 'en'] as const) {
    it(`prints on A4, in ${lang}, the figures, the organisations, the findings with their numbers and rules, and the editors’ texts`, async () => {
      const { pages, all, size } = await printed(lang);
      // A4 in points: 210 × 297 mm.
      expect(size[2]).toBeCloseTo(595.3, 0);
      expect(size[3]).toBeCloseTo(841.9, 0);

      FIGURES[lang].forEach((value, index) => expect(all).toContain(`${value} ${LABELS[lang][index]}`));

      const partners = [...new Set(DEMO_CASES.filter((c) => c.decision === 'approve').map((c) => c.input.partner))];
      const names = partners.map((id) => LOCAL_PARTNERS.find((partner) => partner.id === id)!.name);
      for (const name of names) expect(all).toContain(name);
      // The organisations' table is not split across pages.
      const organisationsPage = pages.findIndex((text) => text.includes(names[0]!));
      for (const name of names) expect(pages[organisationsPage]).toContain(name);

      // Each computed finding with its number, as /metrics has it.
      const areaLabels = lang === 'it' ? { cardiology: 'Cardiologia', pulmonology: 'Pneumologia', oncology: 'Oncologia', rehabilitation: 'Riabilitazione' } : { cardiology: 'Cardiology', pulmonology: 'Pulmonology', oncology: 'Oncology', rehabilitation: 'Rehabilitation' };
      for (const area of findings.leadingClinicalAreas) expect(all).toContain(`${areaLabels[area.area as keyof typeof areaLabels]} ${percent(area.percent, lang)}`);
      const rule = lang === 'it' ? 'Regola:' : 'Rule:';
      const sections = lang === 'it'
        ? ['Rimborsabilità non chiara o non indicata', 'Interoperabili con il FSE o tramite FHIR', 'Finanziati dal PNRR']
        : ['Reimbursement unclear or not stated', 'Interoperable with the FSE or through FHIR', 'Funded by the PNRR'];
      const shares = [findings.reimbursementUnclear, findings.interoperable, findings.pnrrFunded];
      sections.forEach((title, index) => expect(all).toContain(`${title} ${percent(shares[index]!.percent, lang)}`));
      expect(all).toContain(lang === 'it' ? `A domicilio ${percent(findings.settings.home.percent, lang)} · In ospedale ${percent(findings.settings.hospital.percent, lang)}` : `At home ${percent(findings.settings.home.percent, lang)} · In hospital ${percent(findings.settings.hospital.percent, lang)}`);
      expect(all).toContain(`${lang === 'it' ? 'Maturi (attivi, su larga scala o conclusi)' : 'Mature (active, scaled or concluded)'} ${percent(findings.stages.mature.percent, lang)}`);
      expect(all.split(rule).length - 1).toBe(6);
      // The breakdowns by population and device class are printed whole, with their heading: never a heading alone at a page's foot.
      const profile = pages.find((text) => text.includes(lang === 'it' ? 'Popolazioni e dispositivi medici' : 'Populations and medical devices'));
      expect(profile).toContain(lang === 'it' ? 'Popolazione destinataria Progetti' : 'Target population Projects');
      expect(profile).toContain(lang === 'it' ? 'Dispositivo medico Progetti' : 'Medical device Projects');

      // The editors' texts, as written (escaped in the page, plain in print), and their version.
      for (const item of [...EDITED.findings, ...EDITED.recommendations]) {
        expect(all).toContain(item.title[lang]);
        expect(all).toContain(item.text[lang]);
      }
      expect(all).toContain(lang === 'it' ? 'Testi della redazione dello Hub, versione 1 del' : 'Texts of the Hub’s editors, version 1 of');

      // Provenance.
      expect(all).toContain(lang === 'it' ? `Casi approvati considerati ${DEMO_CASES.length - 2}` : `Approved cases considered ${DEMO_CASES.length - 2}`);
      expect(all).toMatch(lang === 'it' ? /Versione delle regole di conteggio \d{4}\.\d+/ : /Counting rules version \d{4}\.\d+/);

      // Each section starts a page; the navigation and the screen hint are not printed; links print their address.
      for (const heading of HEADINGS[lang]) expect(pages.some((text) => text.startsWith(heading)), heading).toBe(true);
      expect(all).not.toContain(lang === 'it' ? 'English' : 'Italiano');
      expect(all).not.toContain(lang === 'it' ? 'Per averne un PDF' : 'For a PDF');
      expect(all.replace(/\s/g, '')).toContain(`(${runtime.url}/dashboard?lang=${lang})`);
    }, 60_000);
  }
});
