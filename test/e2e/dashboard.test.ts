import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_PARTNERS } from '../../infra/config/partners';
import type { Runtime } from '../../infra/local/runtime';
import { BREAKDOWNS, type MetricsSnapshot } from '../../shared/core/metrics';
import { browserTestsEnabled, launchBrowser } from '../support/browser';
import { postCase, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

const REVIEWER = 'revisore.cruscotto@hub.example.org';
const HEADLINE = ['hospitalStructures', 'telexProjects', 'patientsImpacted', 'hospitalApps'] as const;

/**
 * A small, known set of cases: three Tele-X projects at two hospitals (one named by its code twice
 * under two names, one with no code under two spellings), a hospital app at one of them, and a
 * need, which counts in none of the four figures.
 */
const CASES: Record<string, unknown>[] = [
  { partner: 'humanitas', facility: { name: 'Humanitas Research Hospital', code: '030906' }, patientsImpacted: 1200 },
  {
    partner: 'humanitas',
    title: 'Teleconsulto oncologico',
    facility: { name: 'Istituto Clinico Humanitas Rozzano', code: '030906' },
    telexServices: ['teleconsulto'],
    clinicalAreas: ['oncology'],
    patientsImpacted: 800,
  },
  {
    partner: 'gruppo-san-donato',
    title: 'Telemonitoraggio BPCO',
    facility: { name: 'Ospedale San Raffaele' },
    telexServices: ['telemonitoraggio'],
    clinicalAreas: ['pulmonology'],
    stage: 'scaled',
    patientsImpacted: 57_200,
  },
  {
    partner: 'gruppo-san-donato',
    kind: 'hospital-app',
    title: 'App di accoglienza in reparto',
    facility: { name: 'ospedale  SAN raffaele' },
    telexServices: undefined,
    technologies: ['mobile-app'],
    patientsImpacted: 5000,
  },
  { partner: 'ieo', kind: 'need', title: 'Bisogno di teleconsulto', facility: { name: 'IEO' }, telexServices: undefined, patientsImpacted: undefined },
];
const EXPECTED = { hospitalStructures: 2, telexProjects: 3, patientsImpacted: 59_200, hospitalApps: 1 };
const FORMATTED = {
  it: { hospitalStructures: '2', telexProjects: '3', patientsImpacted: '59.200', hospitalApps: '1' },
  en: { hospitalStructures: '2', telexProjects: '3', patientsImpacted: '59,200', hospitalApps: '1' },
};
const LABELS = {
  it: ['Strutture ospedaliere', 'Progetti di Tele-X mappati', 'Pazienti impattati', 'Applicazioni digitali per ospedale'],
  en: ['Hospital structures', 'Tele-X projects mapped', 'Patients reached', 'Digital hospital applications'],
};

/** A partner's page at another origin (127.0.0.1; the Hub is at localhost): a real server, as a browser only lets local pages frame local ones. */
async function startPartnerSite(body: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe.skipIf(!browserTestsEnabled)('the public dashboard and the embeddable figures, in a browser', () => {
  let runtime: Runtime;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  /** Submits a case and approves it through the reviewer's link, as a reviewer would. */
  async function approvedCase(overrides: Record<string, unknown>): Promise<void> {
    const response = await postCase(runtime, validCase(overrides));
    expect(response.status).toBe(201);
    const { reference, statusUrl } = (await response.json()) as { reference: string; statusUrl: string };
    const mail = await waitFor(`the review mail of ${reference}`, () =>
      runtime.mails().find((m) => m.to.includes(REVIEWER) && m.subject.includes(reference)),
    );
    const link = /(http:\/\/\S+\/review\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
    if (!link) throw new Error(`no review link in the mail of ${reference}`);
    const decided = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ decision: 'approve', comment: '' }).toString(),
    });
    expect(decided.status).toBe(200);
    await waitFor(`${reference} approved`, async () => {
      const status = (await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string };
      return status.status === 'approved';
    });
  }

  const aggregate = async () => {
    const response = await fetch(`${runtime.url}/_local/aggregate`, { method: 'POST' });
    expect(response.status).toBe(200);
    return (await response.json()) as MetricsSnapshot;
  };

  /** The four figures as the page shows them, and their raw values. */
  const shownFigures = async (scope: Page | ReturnType<Page['frameLocator']>) => {
    const shown: Record<string, { text: string; value: string | null; label: string }> = {};
    for (const name of HEADLINE) {
      const figure = scope.locator(`[data-metric=${name}]`);
      shown[name] = {
        text: (await figure.locator('.figure-value').innerText()).trim(),
        value: await figure.getAttribute('data-value'),
        label: (await figure.locator('.figure-label').innerText()).trim(),
      };
    }
    return shown;
  };

  const open = async (path: string) => {
    const response = await page.goto(`${runtime.url}${path}`);
    expect(response?.status()).toBe(200);
    return response!;
  };

  beforeAll(async () => {
    runtime = await startTestRuntime({ REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '600' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ locale: 'it-IT', viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(15_000); // generous: a busy machine is slow rather than failing
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  it('answers 200 with a page saying the figures are not computed yet before the first aggregation', async () => {
    // Act
    const dashboard = await fetch(`${runtime.url}/dashboard`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    const embed = await fetch(`${runtime.url}/embed/figures?lang=it`);

    // Assess
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get('content-type')).toMatch(/^text\/html/);
    expect(dashboard.headers.get('content-language')).toBe('en');
    expect(await dashboard.text()).toContain('The figures have not been computed yet');
    expect(embed.status).toBe(200);
    expect(await embed.text()).toContain('Le cifre non sono ancora state calcolate');
  });

  describe('once approved cases are aggregated', () => {
    let snapshot: MetricsSnapshot;

    beforeAll(async () => {
      await Promise.all(CASES.map((overrides) => approvedCase(overrides)));
      snapshot = await aggregate();
    });

    it('shows the four figures counted by the rules, in Italian, with every breakdown as an accessible chart', async () => {
      // Prepare: the aggregation itself counted as the rules say.
      expect(snapshot.headline).toEqual(EXPECTED);
      expect(snapshot.submissions.need).toBe(1);

      // Act
      await open('/dashboard?lang=it');

      // Assess: the figures, formatted and labelled as in the Hub's report.
      expect(await page.locator('html').getAttribute('lang')).toBe('it');
      const shown = await shownFigures(page);
      for (const [index, name] of HEADLINE.entries()) {
        expect(shown[name]).toEqual({ text: FORMATTED.it[name], value: String(EXPECTED[name]), label: LABELS.it[index] });
      }
      // Every breakdown is a chart, an image with a name, with its data in a table.
      for (const breakdown of BREAKDOWNS) {
        const card = page.locator(`[data-chart=${breakdown}]`);
        expect(await card.locator('svg[role=img]').count()).toBe(1);
        expect((await card.locator('svg > title').textContent())?.length).toBeGreaterThan(0);
        expect(await card.locator('details table').count()).toBe(1);
      }
      // Labels are people's words: partner names from the configuration, values from i18n.
      const partners = page.locator('[data-chart=partner] svg');
      expect(await partners.locator('[data-key=gruppo-san-donato] .bar-label').textContent()).toBe('Gruppo San Donato');
      expect(await partners.locator('[data-key=humanitas] .bar-value').textContent()).toBe('2');
      expect(await page.locator('[data-chart=telexService] [data-key=telemonitoraggio] .bar-label').textContent()).toBe('Telemonitoraggio');
      expect(await page.locator('[data-chart=telexService] [data-key=telemonitoraggio] .bar-value').textContent()).toBe('2');
      // Needs, the pipeline, provenance, and the trend that cannot be drawn from one snapshot.
      expect(await page.locator('[data-metric=needs]').getAttribute('data-value')).toBe('1');
      expect(await page.locator('[data-chart=pipeline] [data-key=approved] .bar-value').textContent()).toBe(String(CASES.length));
      expect(await page.locator('[data-rules-version]').textContent()).toBe(snapshot.rulesVersion);
      expect(await page.locator('[data-trend=single]').innerText()).toMatch(/una sola volta/);
      expect(await page.locator('svg.chart-line').count()).toBe(0);

      await page.screenshot({ path: join(tmpdir(), 'hub-dashboard-desktop.png'), fullPage: true });
    });

    it('speaks English with English number formatting', async () => {
      // Act
      await open('/dashboard?lang=en');

      // Assess
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      const shown = await shownFigures(page);
      for (const [index, name] of HEADLINE.entries()) {
        expect(shown[name]).toEqual({ text: FORMATTED.en[name], value: String(EXPECTED[name]), label: LABELS.en[index] });
      }
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('The Hub in figures');
      expect(await page.locator('[data-chart=clinicalArea] [data-key=pulmonology] .bar-label').textContent()).toBe('Pulmonology');
      expect(await page.getByRole('link', { name: 'Italiano' }).getAttribute('href')).toBe('/dashboard?lang=it');
    });

    it('draws the trend of the four figures once there are two snapshots, and fits a phone', async () => {
      // Prepare
      await aggregate();
      await page.setViewportSize({ width: 390, height: 844 });

      // Act
      await open('/dashboard?lang=it');

      // Assess: one line chart per figure, oldest to newest.
      const trends = page.locator('svg.chart-line');
      expect(await trends.count()).toBe(4);
      const times = await page.locator('[data-trend=patientsImpacted] circle.point').evaluateAll((points) => points.map((p) => p.getAttribute('data-at') ?? ''));
      expect(times).toHaveLength(2);
      expect(Date.parse(times[0]!)).toBeLessThan(Date.parse(times[1]!));
      expect(await page.locator('[data-trend=patientsImpacted] circle.point').last().getAttribute('data-value')).toBe('59200');
      // No sideways scrolling; the figures still readable.
      expect(await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')).toEqual([390, 390]);
      expect(await page.locator('[data-metric=patientsImpacted] .figure-value').innerText()).toBe('59.200');

      await page.screenshot({ path: join(tmpdir(), 'hub-dashboard-phone.png'), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.reload();
      await page.screenshot({ path: join(tmpdir(), 'hub-dashboard-desktop-trend.png'), fullPage: true });
    });

    it('is cached a minute and answers 304 to a client holding the same page, one tag per language', async () => {
      // Act
      const first = await fetch(`${runtime.url}/dashboard?lang=it`);
      const etag = first.headers.get('etag') ?? '';
      const again = await fetch(`${runtime.url}/dashboard?lang=it`, { headers: { 'if-none-match': etag } });
      const english = await fetch(`${runtime.url}/dashboard?lang=en`, { headers: { 'if-none-match': etag } });

      // Assess
      expect(first.status).toBe(200);
      expect(first.headers.get('cache-control')).toMatch(/^public, max-age=60\b/);
      expect(etag).toMatch(/^"[^"]+"$/);
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(await again.text()).toBe('');
      expect(english.status).toBe(200);
      expect(english.headers.get('etag')).not.toBe(etag);
    });

    it('serves the four figures alone to frame on partner sites, framable by every partner origin and no other', async () => {
      // Act
      const response = await open('/embed/figures?lang=it');

      // Assess: the policy.
      const csp = (await response.allHeaders())['content-security-policy'] ?? '';
      const ancestors = /frame-ancestors ([^;]+)/.exec(csp)?.[1]?.split(' ') ?? [];
      expect(ancestors).toEqual(expect.arrayContaining(["'self'", 'https://www.humanitas.it', 'https://www.icsmaugeri.it']));
      expect(new Set(ancestors)).toEqual(new Set(["'self'", ...LOCAL_PARTNERS.flatMap((partner) => partner.origins)]));
      expect(new Set(ancestors).size).toBe(ancestors.length);
      expect((await response.allHeaders())['x-frame-options']).toBeUndefined();
      // The page: the four figures and a way to the whole dashboard.
      const shown = await shownFigures(page);
      expect(HEADLINE.map((name) => shown[name]!.text)).toEqual(HEADLINE.map((name) => FORMATTED.it[name]));
      expect(await page.locator('svg').count()).toBe(0);
      const link = page.locator('a[href$="/dashboard?lang=it"]');
      expect(await link.getAttribute('target')).toBe('_blank');
      expect(await link.getAttribute('rel')).toBe('noopener');
      expect(await link.getAttribute('href')).toBe(`${runtime.url}/dashboard?lang=it`);

      // Act + Assess: framed by a partner's page in a real browser (the local stage allows 127.0.0.1 for every partner)...
      const partnerSite = await startPartnerSite(`<!doctype html><title>Partner</title><iframe src="${runtime.url}/embed/figures?lang=en"></iframe>`);
      try {
        await page.goto(partnerSite.url);
        expect(await page.frameLocator('iframe').locator('[data-metric=patientsImpacted] .figure-value').innerText()).toBe('59,200');

        // ...and refused on a site that is no partner's (*.localhost is loopback in Chromium).
        const elsewhere = partnerSite.url.replace('127.0.0.1', 'elsewhere.localhost');
        const refusal = page.waitForEvent('console', { predicate: (message) => message.text().includes('frame-ancestors') });
        await page.goto(elsewhere);
        expect((await refusal).text()).toMatch(/violates the following Content Security Policy directive: "frame-ancestors/);
        expect(await page.frameLocator('iframe').locator('[data-metric]').count()).toBe(0);
      } finally {
        await partnerSite.close();
      }
    });

    it('frames the figures with one embed.js tag and keeps the frame as tall as the figures, on a wide and a narrow page', async () => {
      // Prepare: a partner page with the snippet the dashboard gives.
      await open('/dashboard?lang=en');
      const snippet = await page.locator('code[data-snippet=figures]').innerText();
      expect(snippet).toBe(`<script src="${runtime.url}/embed.js" data-view="figures" data-lang="en" async></script>`);
      const partnerSite = await startPartnerSite(`<!doctype html><title>Partner</title><h1>Our partners</h1>${snippet}<footer style="height:1500px">Footer</footer>`);
      try {
        // Act
        await page.goto(partnerSite.url);
        const frame = page.frameLocator('iframe[title="The Digital Health Innovation Hub in figures"]');
        expect(await frame.locator('[data-metric=patientsImpacted] .figure-value').innerText()).toBe('59,200');
        const hub = page.frames().find((candidate) => candidate.url().includes('/embed/figures'))!;
        expect(hub.url()).toBe(`${runtime.url}/embed/figures?lang=en&embed=1`);
        // Framed, the figures have no landmark of their own: the partner's page has them.
        expect(await hub.locator('main, header, footer, [role=main], [role=banner], [role=contentinfo]').count()).toBe(0);
        const iframeHeight = async () => (await page.locator('iframe').boundingBox())?.height ?? 0;
        const contentHeight = async () => Number(await hub.evaluate('document.documentElement.getBoundingClientRect().height'));

        // Assess: the frame takes the height of its content (not its 220px start), and follows it when the page narrows.
        await expect.poll(async () => Math.abs((await iframeHeight()) - (await contentHeight())), { timeout: 10_000 }).toBeLessThanOrEqual(1);
        const wide = await iframeHeight();
        expect(wide).toBeGreaterThan(80);
        await page.setViewportSize({ width: 390, height: 844 });
        await expect.poll(async () => Math.abs((await iframeHeight()) - (await contentHeight())), { timeout: 10_000 }).toBeLessThanOrEqual(1);
        expect(await iframeHeight()).toBeGreaterThan(wide); // two figures a row instead of four
        expect(await hub.evaluate('document.documentElement.scrollHeight <= window.innerHeight + 1')).toBe(true);
        await page.screenshot({ path: join(tmpdir(), 'hub-embed-figures-phone.png'), fullPage: true });
      } finally {
        await partnerSite.close();
      }
    });

    it('lists the structures behind the headline figure, patients by area, and the median once five cases are decided', async () => {
      // Act
      await open('/dashboard?lang=it');

      // Assess: as many structures as the figure, by name.
      const rows = page.locator('#structures tbody tr');
      expect(await rows.count()).toBe(EXPECTED.hospitalStructures);
      expect(await rows.locator('th').allInnerTexts()).toEqual(['Humanitas Research Hospital', 'Ospedale San Raffaele']);
      expect(await page.getByRole('heading', { name: 'Le strutture ospedaliere contate' }).count()).toBe(1);
      // Patients by clinical area, with its data table.
      const patients = page.locator('[data-chart=patientsByClinicalArea]');
      expect(await patients.locator('[data-key=pulmonology] .bar-value').textContent()).toBe('57.200');
      expect(await patients.locator('svg[role=img]').count()).toBe(1);
      // Five decisions: just enough for a median.
      expect(await page.locator('[data-metric=medianHoursToDecision] .stat-value').count()).toBe(1);
      expect(await page.locator('header.site').innerText()).toBe('Digital Health Innovation Hub della Lombardia');
    });

    describe('the catalogue in a browser', () => {
      it('switches language keeping the filters, and removes a filter from its chip', async () => {
        // Act
        await open('/catalog?lang=it&kind=telex&limit=2');
        await page.getByRole('link', { name: 'English' }).click();

        // Assess
        await page.waitForURL(/lang=en/);
        const url = new URL(page.url());
        expect(url.searchParams.get('kind')).toBe('telex');
        expect(url.searchParams.get('limit')).toBe('2');
        expect(await page.locator('html').getAttribute('lang')).toBe('en');
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Catalogue of approved projects');
        expect(await page.locator('header.site').innerText()).toBe('Lombardy Digital Health Innovation Hub');
        expect(await page.locator('.result-count').innerText()).toBe(`${EXPECTED.telexProjects} results`);
        expect(await page.getByRole('combobox', { name: 'Kind of case' }).inputValue()).toBe('telex');
        await page.getByRole('link', { name: /Remove the filter/ }).click();
        await page.waitForURL((address) => !address.searchParams.has('kind'));
        expect(await page.locator('.result-count').innerText()).toBe(`${CASES.length} results`);
        expect(await page.locator('.active-filters').count()).toBe(0);
      });

      it('pages forward to the end and back to the start, the same cases on the way back', async () => {
        // Prepare
        await open('/catalog?lang=en&limit=2');
        const titles = () => page.locator('article.case h2').allInnerTexts();
        const forward: string[][] = [await titles()];
        expect(await page.getByRole('link', { name: 'Previous page' }).count()).toBe(0);

        // Act: forward with "Next page" until there is none...
        while (await page.getByRole('link', { name: 'Next page' }).count()) {
          await page.getByRole('navigation', { name: 'Catalogue pages' }).getByRole('link', { name: 'Next page' }).click();
          await page.waitForLoadState();
          forward.push(await titles());
          expect(forward.length).toBeLessThan(10);
        }
        // ...then back with "Previous page" until there is none.
        const backward: string[][] = [];
        while (await page.getByRole('link', { name: 'Previous page' }).count()) {
          await page.getByRole('link', { name: 'Previous page' }).click();
          await page.waitForLoadState();
          backward.push(await titles());
        }

        // Assess
        expect(forward.map((p) => p.length)).toEqual([2, 2, 1]);
        expect(new Set(forward.flat()).size).toBe(CASES.length);
        expect(backward).toEqual(forward.slice(0, -1).reverse());
        expect(await page.locator('.result-count').innerText()).toBe(`${CASES.length} results`);
        await page.setViewportSize({ width: 390, height: 844 });
        expect(await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')).toEqual([390, 390]);
      });
    });
  });
});
