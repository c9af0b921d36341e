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
async function startPartnerSite(hubUrl: string): Promise<{ port: number; close(): Promise<void> }> {
  const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Humanitas: digital health</title></head>
<body>
<h1>Tell the Hub about your project</h1>
<script src="${hubUrl}/embed.js" data-partner="humanitas" data-lang="en"></script>
<footer><p>Humanitas</p><p>Contatti, sedi, lavora con noi, privacy: the rest of a real partner page, below the form.</p><div style="height: 2400px"></div></footer>
</body>
</html>`;
  const server: Server = createServer((request, response) => {
    if (request.url !== '/') {
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
  const partnerPage = () => `http://127.0.0.1:${partnerSite.port}/`;
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
    expect(await page.locator('iframe').getAttribute('src')).toBe(`${runtime.url}/form?partner=humanitas&lang=en`);
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
    const email = `anna.neri+${Date.now().toString(36)}@example.org`;
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
    expect(frameAncestors(humanitas)).toEqual(["'self'", 'https://www.humanitas.it', 'http://localhost:*', 'http://127.0.0.1:*']);
    expect(frameAncestors(ieo)).toEqual(["'self'", 'https://www.ieo.it', 'http://localhost:*', 'http://127.0.0.1:*']);
    expect(humanitas.headers.get('x-frame-options')).toBeNull();
  });

  it('is refused by the browser on a site that is not the partner’s', async () => {
    // Prepare: the same partner page, from an origin humanitas does not have (*.localhost is loopback in Chromium).
    const elsewhere = `http://elsewhere.localhost:${partnerSite.port}/`;
    const refusal = page.waitForEvent('console', { predicate: (message) => message.text().includes('frame-ancestors') });

    // Act
    await page.goto(elsewhere);

    // Assess: the browser blocks the framing and the form never shows.
    expect((await refusal).text()).toMatch(/violates the following Content Security Policy directive: "frame-ancestors/);
    await expect.poll(() => page.frames().map((frame) => frame.url()), POLL).toEqual([elsewhere, 'chrome-error://chromewebdata/']);
    expect(await page.frameLocator('iframe').getByRole('button').count()).toBe(0);
  });
});
