import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { browserTestsEnabled, launchBrowser } from '../support/browser';
import { startTestRuntime } from '../support/runtime';

let runtime: Runtime;
let browser: Browser;

describe.skipIf(!browserTestsEnabled)('the landing page of the embedded runtime, in a browser', () => {
  beforeAll(async () => {
    runtime = await startTestRuntime({ REVIEW_WINDOW_SECONDS: '600' });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  it('shows its links as named links in labelled navigation, breaks no policy, and switches language', async () => {
    const context = await browser.newContext({ locale: 'it-IT' });
    const page = await context.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${runtime.url}/`);
    expect(await page.title()).toBe('hub-intake in locale');
    const people = page.getByRole('navigation', { name: 'Per provarlo' });
    for (const name of ['Modulo di invio di un caso', 'Casella di posta locale', 'Cruscotto', 'Catalogo dei progetti']) {
      await expect.poll(() => people.getByRole('link', { name }).count()).toBe(1);
    }
    const integrators = page.getByRole('navigation', { name: 'Per chi integra' });
    expect(await integrators.getByRole('link', { name: 'Schema JSON della segnalazione' }).getAttribute('href')).toBe('/schema/case.json');
    expect(await page.getByRole('definition').first().textContent()).toBe('10 min');
    // The first link is reached from the keyboard.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('English');

    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(/lang=en/);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByRole('navigation', { name: 'To try it' }).getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL(/\/dashboard/);
    expect(violations).toEqual([]);
    await context.close();
  });
});
