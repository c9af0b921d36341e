import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Request, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { CHALLENGE_FIELD, verifySolution } from '../../shared/app/challenge';
import { browserTestsEnabled, launchBrowser, validationMessage } from '../support/browser';
import { startTestRuntime } from '../support/runtime';

/** Where screenshots go when `E2E_SCREENSHOTS` names a folder (outside the repository, e.g. /tmp/hub-intake-e2e). */
const SCREENSHOTS = process.env.E2E_SCREENSHOTS;

/** A solve takes seconds on a loaded 2-core machine; a laptop's browser needs about one. */
const SOLVE_TIMEOUT = 25_000;

const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 900 },
] as const;

describe.skipIf(!browserTestsEnabled)('the form’s proof-of-work challenge, in a browser', () => {
  let runtime: Runtime;
  let browser: Browser;
  let context: BrowserContext;
  let hmacKey: string;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    hmacKey = process.env.CHALLENGE_HMAC_KEY ?? '';
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  afterEach(async () => {
    await context?.close();
  });

  async function openForm(size: { width: number; height: number }, lang: 'it' | 'en' = 'it'): Promise<Page> {
    context = await browser.newContext({ locale: lang === 'it' ? 'it-IT' : 'en-GB', viewport: size });
    context.setDefaultTimeout(SOLVE_TIMEOUT);
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    (page as Page & { cspViolations?: string[] }).cspViolations = violations;
    const response = await page.goto(`${runtime.url}/form?partner=humanitas&lang=${lang}`);
    expect(response?.status()).toBe(200);
    return page;
  }

  /** Answers the form's post in the test, so that the payload is checked here and nothing is stored. */
  async function capturePost(page: Page): Promise<() => Promise<URLSearchParams>> {
    let resolve: (body: URLSearchParams) => void = () => undefined;
    const posted = new Promise<URLSearchParams>((r) => (resolve = r));
    await page.route(/\/cases\?/, async (route: Route, request: Request) => {
      if (request.method() !== 'POST') return route.continue();
      resolve(new URLSearchParams(request.postData() ?? ''));
      await route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: '<!doctype html><title>ok</title><p>posted</p>' });
    });
    return () => posted;
  }

  const fillRequiredFields = async (page: Page) => {
    await page.getByRole('radio', { name: 'Bisogno' }).check();
    await page.getByLabel('Titolo').fill('Bisogno di telemonitoraggio in RSA');
    await page.getByLabel('Descrizione').fill('Serve una piattaforma di telemonitoraggio per gli ospiti delle RSA del territorio.');
    await page.getByRole('checkbox', { name: 'Geriatria' }).check();
    await page.getByLabel('Nome della struttura').fill('RSA Villa Serena');
    await page.getByLabel('Nome e cognome del referente').fill('Giulia Bianchi');
    await page.getByLabel('Email del referente').fill('giulia.bianchi@example.org');
    await page.getByRole('checkbox', { name: /informativa privacy/ }).check();
  };

  const widgetCheckbox = (page: Page) => page.locator('altcha-widget input[type=checkbox]');
  const status = (page: Page) => page.locator('#challenge-status');

  it.each(SIZES)('solves at load and posts a payload the server accepts for that partner only ($name)', async (size) => {
    // Prepare
    const page = await openForm(size);
    const post = await capturePost(page);

    // Act: a person fills in the form; the widget solves meanwhile.
    await fillRequiredFields(page);
    await expect.poll(() => widgetCheckbox(page).isChecked(), { timeout: SOLVE_TIMEOUT }).toBe(true);
    expect(await status(page).textContent()).toBe('Verificato: il modulo si può inviare');
    await page.getByRole('button', { name: 'Invia il caso' }).click();
    const body = await post();

    // Assess
    const payload = body.get(CHALLENGE_FIELD);
    expect(payload).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(await verifySolution({ payload, partnerId: 'humanitas', now: new Date(), hmacKey })).toMatchObject({ ok: true });
    expect(await verifySolution({ payload, partnerId: 'ieo', now: new Date(), hmacKey })).toEqual({ ok: false, reason: 'wrong-partner' });
    const solveMs = (JSON.parse(Buffer.from(payload ?? '', 'base64').toString()) as { solution: { time: number } }).solution.time;
    console.info(`challenge solved in ${Math.round(solveMs)} ms (${size.name})`);
  }, 90_000);

  it.each(SIZES)('fits the $name screen with the widget in view of its label and no sideways scrolling', async (size) => {
    // Act
    const page = await openForm(size);
    await expect.poll(() => widgetCheckbox(page).isChecked(), { timeout: SOLVE_TIMEOUT }).toBe(true);

    // Assess
    const widths = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as number[];
    expect(widths[0]).toBe(widths[1]);
    const widget = await page.locator('altcha-widget').boundingBox();
    expect(widget && widget.x >= 0 && widget.x + widget.width <= size.width).toBe(true);
    expect((page as Page & { cspViolations?: string[] }).cspViolations).toEqual([]);
    if (SCREENSHOTS) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.locator('fieldset.challenge').scrollIntoViewIfNeeded();
      // The check mark animates in.
      await page.waitForTimeout(1_000);
      await page.screenshot({ path: join(SCREENSHOTS, `challenge-${size.name}.png`) });
    }
  }, 60_000);

  it('works from the keyboard alone: Tab reaches the check, Space runs it again, Enter sends', async () => {
    // Prepare
    const page = await openForm(SIZES[1]);
    const post = await capturePost(page);
    await fillRequiredFields(page);
    await expect.poll(() => widgetCheckbox(page).isChecked(), { timeout: SOLVE_TIMEOUT }).toBe(true);

    // Act: from the consent box's link to the privacy notice, Tab goes to the check, whose label names it.
    await page.getByRole('link', { name: /informativa privacy/ }).focus();
    await page.keyboard.press('Tab');
    expect(await widgetCheckbox(page).evaluate((element) => element === (element.ownerDocument as unknown as { activeElement: unknown }).activeElement)).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Verificato: il modulo si può inviare' }).count()).toBe(1);
    if (SCREENSHOTS) await page.locator('fieldset.challenge').screenshot({ path: join(SCREENSHOTS, 'challenge-focus.png') });
    await page.keyboard.press('Space');
    await expect.poll(() => widgetCheckbox(page).isChecked()).toBe(false);
    await page.keyboard.press('Space');
    await expect.poll(() => widgetCheckbox(page).isChecked(), { timeout: SOLVE_TIMEOUT }).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');

    // Assess
    const payload = (await post()).get(CHALLENGE_FIELD);
    expect(await verifySolution({ payload, partnerId: 'humanitas', now: new Date(), hmacKey })).toMatchObject({ ok: true });
  }, 90_000);

  it('holds a post sent while the check runs, says why, and sends it once the check is done', async () => {
    // Prepare: the challenge is held back until the test lets it through.
    context = await browser.newContext({ locale: 'it-IT' });
    context.setDefaultTimeout(SOLVE_TIMEOUT);
    const page = await context.newPage();
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    await page.route(/\/challenge\?/, async (route) => {
      await released;
      await route.continue();
    });
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await page.goto(`${runtime.url}/form?partner=humanitas&lang=it`);
    const post = await capturePost(page);
    await fillRequiredFields(page);

    // Act
    await page.getByRole('button', { name: 'Invia il caso' }).click();

    // Assess: nothing posted, and the browser says to wait.
    await page.waitForTimeout(300);
    expect(posts).toEqual([]);
    expect(await validationMessage(widgetCheckbox(page))).toMatch(/attendere/);
    expect(await status(page).textContent()).toBe('Verifica in corso…');
    release();
    const payload = (await post()).get(CHALLENGE_FIELD);
    expect(posts).toHaveLength(1);
    expect(await verifySolution({ payload, partnerId: 'humanitas', now: new Date(), hmacKey })).toMatchObject({ ok: true });
  }, 60_000);

  it('does not send by itself a post that had other errors besides the running check', async () => {
    // Prepare
    context = await browser.newContext({ locale: 'it-IT' });
    const page = await context.newPage();
    let release: () => void = () => undefined;
    const released = new Promise<void>((r) => (release = r));
    await page.route(/\/challenge\?/, async (route) => {
      await released;
      await route.continue();
    });
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    await page.goto(`${runtime.url}/form?partner=humanitas&lang=it`);

    // Act: submitted blank, then the person completes it while the check finishes.
    await page.getByRole('button', { name: 'Invia il caso' }).click();
    await fillRequiredFields(page);
    release();
    await expect.poll(() => widgetCheckbox(page).isChecked(), { timeout: SOLVE_TIMEOUT }).toBe(true);

    // Assess: the person decides when to send.
    await page.waitForTimeout(500);
    expect(posts).toEqual([]);
  }, 60_000);

  it('says what to do when no challenge can be had, in English on the English form', async () => {
    // Prepare
    context = await browser.newContext({ locale: 'en-GB' });
    const page = await context.newPage();
    await page.route(/\/challenge\?/, (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"status":503}' }));

    // Act
    await page.goto(`${runtime.url}/form?partner=humanitas&lang=en`);

    // Assess
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('Tick the box again; if that does not help, reload the page.');
    expect(await widgetCheckbox(page).isChecked()).toBe(false);
    await page.getByRole('button', { name: 'Submit the case' }).click();
    expect(await validationMessage(widgetCheckbox(page))).toBe('Tick “I am not a robot” and wait for the check before submitting.');
  });
});
