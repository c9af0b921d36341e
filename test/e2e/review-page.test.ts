import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { browserTestsEnabled, launchBrowser } from '../support/browser';
import { formBody, postCase, settled, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

const REVIEWER = 'revisore.telefono@hub.example.org';
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

/** A case with some optional fields left empty: they must not appear on the page at all. */
const FIRST_VERSION = validCase({
  language: 'en',
  title: 'Telemonitoraggio domiciliare dello scompenso cardiaco con dispositivi indossabili e una centrale operativa infermieristica per i pazienti fragili della ASST',
  contact: { name: 'Maria Rossi', email: `maria.rossi+${Date.now()}@example.org` },
  careSettings: undefined,
  funding: undefined,
  startDate: undefined,
  reimbursement: undefined,
});
const EMPTY_IN_FIRST = { en: ['Care settings', 'Funding', 'Start date', 'Reimbursement'], it: ['Setting di cura', 'Finanziamento', 'Data di avvio', 'Rimborsabilità'] };

/** The amendment: six fields changed (one nested value removed, one added), everything else as it was. */
const SECOND_VERSION = {
  ...FIRST_VERSION,
  title: 'Telemonitoraggio domiciliare dello scompenso cardiaco, seconda fase',
  facility: { name: 'Humanitas Research Hospital' },
  contact: { ...(FIRST_VERSION.contact as Record<string, unknown>), role: 'Direttore sanitario' },
  careSettings: ['home', 'outpatient'],
  technologies: ['wearable-iot', 'ai'],
  patientsImpacted: 1500,
};
const CHANGED = {
  en: ['Title', 'Ministerial facility code', 'Contact role', 'Care settings', 'Technologies', 'Patients reached'],
  it: ['Titolo', 'Codice ministeriale della struttura', 'Ruolo del referente', 'Setting di cura', 'Tecnologie', 'Pazienti impattati'],
};

describe.skipIf(!browserTestsEnabled)('the review page on a phone and on a desktop', () => {
  let runtime: Runtime;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    runtime = await startTestRuntime({ REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '600', AMEND_WINDOW_SECONDS: '600', REMINDERS: '1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await runtime?.close();
  });

  async function openAt(size: { width: number; height: number }, url: string, phone: boolean): Promise<Page> {
    const context = await browser.newContext({ viewport: size, ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}) });
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    const response = await page.goto(url);
    expect(response?.status()).toBe(200);
    return page;
  }

  /** Where the decision form ends, and where the whole of it, the button included, fits. */
  async function expectDecisionInFirstScreen(page: Page, size: { height: number }) {
    expect(await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY)).toBe(0);
    const form = await page.locator('form.decision-form').boundingBox();
    const button = await page.getByRole('button', { name: /Record the decision|Registra la decisione/ }).boundingBox();
    expect(form, 'the decision form is laid out').not.toBeNull();
    expect(form!.y).toBeGreaterThanOrEqual(0);
    expect(button!.y + button!.height, 'the button is within the first screen').toBeLessThanOrEqual(size.height);
    // The essentials come before it.
    const essentials = await page.locator('section.essentials').boundingBox();
    expect(essentials!.y).toBeLessThan(form!.y);
  }

  const shownTerms = (page: Page) => page.locator('dt').allInnerTexts();
  const changedFields = (page: Page) => page.locator('#changes .change-label').allInnerTexts();

  const reviewLinks = () =>
    runtime
      .mails()
      .filter((mail) => mail.to.includes(REVIEWER))
      .map((mail) => /(http:\/\/\S+\/review\/[A-Za-z0-9_-]+)/.exec(mail.text)?.[1])
      .filter((link): link is string => Boolean(link));

  it('shows the essentials and the decision in the first screen, no empty field, and in round 2 exactly what changed', async () => {
    const response = await postCase(runtime, FIRST_VERSION);
    expect(response.status).toBe(201);
    const email = (FIRST_VERSION.contact as { email: string }).email;
    const first = await waitFor('the round 1 review mail', () => reviewLinks()[0]);

    // Round 1, on a phone, in English.
    const phone = await openAt(PHONE, `${first}?lang=en`, true);
    await expectDecisionInFirstScreen(phone, PHONE);
    await expect(phone.locator('h1').innerText()).resolves.toBe(FIRST_VERSION.title);
    const essentials = await phone.locator('section.essentials dt').allInnerTexts();
    expect(essentials).toEqual(['Kind of case', 'Partner', 'Facility', 'Clinical areas', 'Review round', 'Decide by']);
    await expect(phone.locator('section.essentials').innerText()).resolves.toMatch(/CES?T/);
    const terms = await shownTerms(phone);
    for (const empty of EMPTY_IN_FIRST.en) expect(terms).not.toContain(empty);
    expect(await phone.locator('dd').allInnerTexts()).not.toContain('—');
    expect(await phone.locator('body').innerText()).not.toContain('—');
    expect(await phone.locator('#changes').count()).toBe(0);
    // Nothing overflows sideways on a phone.
    expect(await phone.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);

    // A rejection without a comment comes back with the error, its summary focused, the choice kept.
    await phone.getByLabel('Reject').check();
    await phone.getByRole('button', { name: 'Record the decision' }).click();
    await phone.waitForSelector('#error-summary');
    expect(await phone.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('error-summary');
    expect(await phone.getByLabel('Reject').isChecked()).toBe(true);

    // The reviewer asks for changes from the phone: a tap on the choice, a comment, the button.
    await phone.getByLabel('Request changes').check();
    await phone.getByLabel('Comment for the submitter').fill('Please describe the second phase.');
    await phone.getByRole('button', { name: 'Record the decision' }).click();
    await expect(phone.locator('h1').innerText()).resolves.toContain('Thank you, decision recorded');

    // The submitter amends the case from the edit link.
    const changesMail = await waitFor('the changes mail', () => runtime.mails().find((mail) => mail.to.includes(email) && /Changes requested/.test(mail.subject)));
    const editLink = /(http:\/\/\S+\/edit\?token=\S+)/.exec(changesMail.text)?.[1];
    expect(editLink).toBeDefined();
    const amended = await settled(
      runtime,
      fetch(editLink!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: formBody(SECOND_VERSION).toString() }),
    );
    expect(amended.status).toBe(200);

    // Round 2, on a phone: the decision still first, the changes listed, exactly.
    const second = await waitFor('the round 2 review mail', () => reviewLinks().find((link) => link !== first));
    const phone2 = await openAt(PHONE, `${second}?lang=en`, true);
    await expectDecisionInFirstScreen(phone2, PHONE);
    await expect(phone2.locator('#changes h2').innerText()).resolves.toBe('What changed since version 1');
    expect(await changedFields(phone2)).toEqual(CHANGED.en);
    await expect(phone2.locator('section.essentials').innerText()).resolves.toContain('6 fields changed');
    await expect(phone2.locator('#changes').innerText()).resolves.toContain('Please describe the second phase.');
    const technologies = phone2.locator('#changes li', { hasText: 'Technologies' });
    await expect(technologies.locator('ins').innerText()).resolves.toBe('Artificial intelligence');
    await expect(technologies.locator('del').innerText()).resolves.toBe('Platform');
    const patients = phone2.locator('#changes li', { hasText: 'Patients reached' });
    await expect(patients.locator('del').innerText()).resolves.toBe('1,200');
    await expect(patients.locator('ins').innerText()).resolves.toBe('1,500');
    for (const empty of ['Funding', 'Start date', 'Reimbursement']) expect(await shownTerms(phone2)).not.toContain(empty);

    // The same page on a desktop, in Italian: the decision in view, the changes in Italian.
    const desktop = await openAt(DESKTOP, `${second}?lang=it`, false);
    await expectDecisionInFirstScreen(desktop, DESKTOP);
    await expect(desktop.locator('#changes h2').innerText()).resolves.toBe('Cosa è cambiato dalla versione 1');
    expect(await changedFields(desktop)).toEqual(CHANGED.it);
    for (const empty of ['Finanziamento', 'Data di avvio', 'Rimborsabilità']) expect(await shownTerms(desktop)).not.toContain(empty);

    expect(cspViolations).toEqual([]);
  }, 60_000);
});
