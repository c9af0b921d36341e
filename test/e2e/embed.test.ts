import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { browserTestsEnabled, launchBrowser } from '../support/browser';
import { startTestRuntime } from '../support/runtime';

/** Waits for the browser: generous, so that a busy machine is slow rather than failing. */
const ACTION_TIMEOUT_MS = 15_000;
const POLL = { timeout: ACTION_TIMEOUT_MS };

/** A partner's web page at another origin, with the one script tag the Hub asks partners to add. */
function partnerPage(hubUrl: string, scriptAttributes = ''): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Humanitas: digital health</title></head>
<body>
<header><p>Humanitas</p><nav><a href="/">Home</a></nav></header>
<main>
<h1>Tell the Hub about your project</h1>
<script src="${hubUrl}/embed.js" data-partner="humanitas" data-lang="en"${scriptAttributes}></script>
</main>
<footer><p>Humanitas</p><p>Contatti, sedi, lavora con noi, privacy: the rest of a real partner page, below the form.</p><div style="height: 2400px"></div></footer>
</body>
</html>`;
}

/** The partner's site: `/` embeds the form; `/short-wait` does too, giving the form 2 seconds to show. */
async function startPartnerSite(hubUrl: string): Promise<{ port: number; close(): Promise<void> }> {
  const pages = new Map([
    ['/', partnerPage(hubUrl)],
    ['/short-wait', partnerPage(hubUrl, ' data-timeout="2"')],
  ]);
  const server: Server = createServer((request, response) => {
    const page = pages.get(request.url ?? '');
    if (!page) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const FRAME_TOLERANCE_PX = 3;

describe.skipIf(!browserTestsEnabled)('the form embedded in a partner’s page with embed.js', () => {
  let runtime: Runtime;
  let browser: Browser;
  let partnerSite: Awaited<ReturnType<typeof startPartnerSite>>;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    partnerSite = await startPartnerSite(runtime.url);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await partnerSite?.close();
    await runtime?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  /** The partner page at an origin the local stage allows for every partner (the Hub is at localhost). */
  const partnerPage = (path = '/') => `http://127.0.0.1:${partnerSite.port}${path}`;
  /** The link embed.js puts where the form cannot show. */
  const fallbackLink = () => page.getByRole('link', { name: 'Open the form to submit a case to the Digital Health Innovation Hub (opens in a new tab)' });
  /** Asserts the partner's page shows the link to the form in place of the frame. */
  const expectFallback = async () => {
    await fallbackLink().waitFor();
    expect(await fallbackLink().getAttribute('href')).toBe(`${runtime.url}/form?partner=humanitas&lang=en`);
    expect(await fallbackLink().getAttribute('target')).toBe('_blank');
    expect(await fallbackLink().getAttribute('rel')).toBe('noopener');
    expect(await page.locator('p.hub-intake-fallback').innerText()).toContain('The Hub’s form cannot be shown on this page.');
    expect(await page.locator('iframe').count()).toBe(0);
  };
  /** The Hub's frame on the partner page, once it shows an address matching `url`. */
  const hubFrame = async (url: RegExp): Promise<Frame> => {
    await expect.poll(() => page.frames().some((frame) => url.test(frame.url())), POLL).toBe(true);
    const frame = page.frames().find((candidate) => url.test(candidate.url()));
    if (!frame) throw new Error(`no frame at ${url}`);
    await frame.waitForLoadState();
    return frame;
  };
  /** The iframe's height on the partner page. */
  const iframeHeight = async () => (await page.locator('iframe').boundingBox())?.height ?? 0;
  /** The height of what the page inside the iframe shows (its root element's box, whatever the iframe's size). */
  const contentHeight = async (frame: Frame) => Number(await frame.evaluate('document.documentElement.getBoundingClientRect().height'));

  it('shows the Hub’s form in an iframe on the partner’s page', async () => {
    // Act
    await page.goto(partnerPage());

    // Assess
    const form = page.frameLocator('iframe[title="Submit a case to the Digital Health Innovation Hub"]');
    await form.getByRole('heading', { name: 'Submit a case to the Hub' }).waitFor();
    expect(await form.getByRole('button', { name: 'Submit the case' }).isVisible()).toBe(true);
    expect(await form.locator('p.partner').innerText()).toContain('Humanitas');
    expect(await page.locator('iframe').getAttribute('src')).toBe(`${runtime.url}/form?partner=humanitas&lang=en&embed=1`);
  });

  it('adds no main, banner or contentinfo to the partner’s page, which has its own', async () => {
    // Act
    await page.goto(partnerPage());
    const frame = await hubFrame(/\/form\?/);
    await frame.getByRole('heading', { name: 'Submit a case to the Hub' }).waitFor();

    // Assess: the frame has none of them, and its heading; the partner's page keeps one of each.
    for (const role of ['main', 'banner', 'contentinfo'] as const) {
      expect(await frame.getByRole(role).count(), role).toBe(0);
      expect(await page.getByRole(role).count(), role).toBe(1);
    }
    expect(await frame.getByRole('heading', { level: 1 }).count()).toBe(1);
    // Nor does the form in the other language, which the frame shows next.
    await frame.getByRole('link', { name: 'Italiano' }).click();
    await frame.getByRole('heading', { name: 'Segnala un caso allo Hub' }).waitFor();
    expect(await frame.getByRole('main').count()).toBe(0);
  });

  it('opens the privacy notice in a new tab, leaving what was typed in the form', async () => {
    // Prepare
    await page.goto(partnerPage());
    const form = page.frameLocator('iframe');
    await form.getByLabel('Title').fill('Digital pathway for oncology day hospital');

    // Act
    const [notice] = await Promise.all([context.waitForEvent('page'), form.getByRole('link', { name: /privacy notice/ }).click()]);
    await notice.waitForLoadState();

    // Assess
    expect(notice.url()).toBe(`${runtime.url}/privacy?lang=en`);
    await notice.getByRole('heading', { name: 'Privacy notice', level: 1 }).waitFor();
    expect(await notice.getByRole('main').count()).toBe(1);
    expect(await form.getByLabel('Title').inputValue()).toBe('Digital pathway for oncology day hospital');
  });

  it('grows the iframe to the height of the form, so the form never scrolls inside it', async () => {
    // Act
    await page.goto(partnerPage());
    const frame = await hubFrame(/\/form\?/);

    // Assess
    await expect.poll(iframeHeight, POLL).toBeGreaterThan(1500);
    await expect.poll(async () => Math.abs((await iframeHeight()) - (await contentHeight(frame))), POLL).toBeLessThanOrEqual(FRAME_TOLERANCE_PX);
  });

  it('stores a case submitted through the embedded form and shows the thank-you page in the frame', async () => {
    // Prepare
    const email = `anna.neri.${Date.now().toString(36)}@example.org`;
    await page.goto(partnerPage());
    const form = page.frameLocator('iframe');

    // Act
    await form.getByRole('radio', { name: 'Digital hospital application' }).check();
    await form.getByLabel('Title').fill('Digital pathway for oncology day hospital');
    await form.getByLabel('Summary').fill('An app that guides patients through their oncology day hospital visits.');
    await form.getByRole('checkbox', { name: 'Oncology' }).check();
    await form.getByLabel('Facility name').fill('Humanitas Cancer Center');
    await form.getByLabel('Contact name').fill('Anna Neri');
    await form.getByLabel('Contact email').fill(email);
    await form.getByRole('checkbox', { name: /privacy notice/ }).check();
    await form.getByRole('button', { name: 'Submit the case' }).click();

    // Assess: the thank-you page, inside the frame, on the partner's page.
    await form.getByRole('heading', { name: 'Thank you: please confirm your email address' }).waitFor();
    expect(await form.getByRole('main').count()).toBe(0);
    expect(new URL(page.url()).origin).toBe(`http://127.0.0.1:${partnerSite.port}`);
    const reference = /HUB-\d{4}-[0-9A-Z]{6}/.exec(await form.getByRole('status').innerText())?.[0];
    expect(reference).toBeDefined();

    // Assess: the case is stored as typed.
    const frame = await hubFrame(/\/cases\//);
    const link = new URL(frame.url());
    const status = await fetch(`${runtime.url}${link.pathname}?token=${encodeURIComponent(link.searchParams.get('token') ?? '')}`, {
      headers: { accept: 'application/json' },
    });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({
      reference,
      status: expect.stringMatching(/^(submitted|in_review)$/),
      kind: 'hospital-app',
      title: 'Digital pathway for oncology day hospital',
    });
    // The mail follows the answer, from the table's stream.
    await runtime.streamIdle();
    expect(runtime.mails().find((mail) => mail.to.includes(email))?.subject).toBe(`Confirm your address for case ${reference}`);

    // Assess: the frame fits the (shorter) thank-you page.
    await expect.poll(async () => Math.abs((await iframeHeight()) - (await contentHeight(frame))), POLL).toBeLessThanOrEqual(FRAME_TOLERANCE_PX);

    // Assess: the partner's page shows the thank-you page from its top, though the button was at the bottom of a long form.
    // (scrollIntoView may land a fraction of a pixel above the top.)
    const frameTop = async () => (await page.locator('iframe').boundingBox())?.y ?? -100;
    await expect.poll(frameTop, POLL).toBeGreaterThan(-1);
    const top = await frameTop();
    expect(top).toBeLessThan(page.viewportSize()?.height ?? 0);
  });

  it('lets the form be framed only by the Hub and the partner’s own sites', async () => {
    // Act
    const humanitas = await fetch(`${runtime.url}/form?partner=humanitas&lang=en`);
    const ieo = await fetch(`${runtime.url}/form?partner=ieo&lang=en`);

    // Assess
    const frameAncestors = (response: Response) =>
      response.headers
        .get('content-security-policy')
        ?.split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .find(([name]) => name === 'frame-ancestors')
        ?.slice(1);
    expect(frameAncestors(humanitas)).toEqual(["'self'", 'https://www.humanitas.it', 'https://humanitas.it', 'http://localhost:*', 'http://127.0.0.1:*']);
    expect(frameAncestors(ieo)).toEqual(["'self'", 'https://www.ieo.it', 'https://ieo.it', 'http://localhost:*', 'http://127.0.0.1:*']);
    expect(humanitas.headers.get('x-frame-options')).toBeNull();
  });

  it('is refused by the browser on a site that is not the partner’s, which shows a link to the form instead', async () => {
    // Prepare: the same partner page, from an origin humanitas does not have (*.localhost is loopback in Chromium).
    const elsewhere = `http://elsewhere.localhost:${partnerSite.port}/`;
    const refusal = page.waitForEvent('console', { predicate: (message) => message.text().includes('frame-ancestors') });

    // Act
    await page.goto(elsewhere);

    // Assess: the browser blocks the framing, the form never shows, and the link takes its place.
    expect((await refusal).text()).toMatch(/violates the following Content Security Policy directive: "frame-ancestors/);
    await expectFallback();
    expect(page.frames().map((frame) => frame.url())).toEqual([elsewhere]);
  });

  it('opens the form from the link in a new tab, as a page of the Hub', async () => {
    // Prepare
    await page.goto(`http://elsewhere.localhost:${partnerSite.port}/`);
    await fallbackLink().waitFor();

    // Act
    const [form] = await Promise.all([context.waitForEvent('page'), fallbackLink().click()]);
    await form.waitForLoadState();

    // Assess
    expect(form.url()).toBe(`${runtime.url}/form?partner=humanitas&lang=en`);
    await form.getByRole('heading', { name: 'Submit a case to the Hub' }).waitFor();
    expect(await form.getByRole('button', { name: 'Submit the case' }).isVisible()).toBe(true);
    expect(await form.getByRole('main').count()).toBe(1);
    expect(await form.getByRole('banner').count()).toBe(1);
  });

  it('shows the link when the form cannot be reached', async () => {
    // Prepare: the network fails on the way to the form.
    await page.route(/\/form\?/, (route) => route.abort('connectionrefused'));

    // Act
    await page.goto(partnerPage());

    // Assess
    await expectFallback();
  });

  it('shows the link when the form does not answer within data-timeout', async () => {
    // Prepare: the form's request hangs, never answered.
    await page.route(/\/form\?/, () => undefined);

    // Act
    const started = Date.now();
    await page.goto(partnerPage('/short-wait'), { waitUntil: 'domcontentloaded' });

    // Assess: the link, once the 2 seconds are over and not before.
    await expectFallback();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('keeps the form, not the link, on a partner’s site well past the wait', async () => {
    // Act
    await page.goto(partnerPage('/short-wait'));
    const form = page.frameLocator('iframe');
    await form.getByRole('heading', { name: 'Submit a case to the Hub' }).waitFor();
    await page.waitForTimeout(3500);

    // Assess
    expect(await page.locator('iframe').count()).toBe(1);
    expect(await fallbackLink().count()).toBe(0);
  });
});
