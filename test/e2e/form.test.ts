import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { statusDeps } from '../../shared/wiring';
import { browserTestsEnabled, launchBrowser, validationMessage } from '../support/browser';
import { solvedChallenge, startTestRuntime } from '../support/runtime';

const REFERENCE = /HUB-\d{4}-[0-9A-Z]{6}/;

/** Where screenshots go when `E2E_SCREENSHOTS` names a folder (outside the repository, e.g. /tmp/hub-intake-e2e). */
const SCREENSHOTS = process.env.E2E_SCREENSHOTS;

const uniqueEmail = (name: string) => `${name}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.org`;

/** The id and status token of a case, read from the address of its status page. */
function caseLink(pageUrl: string): { id: string; token: string } {
  const url = new URL(pageUrl);
  const id = /^\/cases\/([^/]+)$/.exec(url.pathname)?.[1];
  const token = url.searchParams.get('token');
  if (!id || !token) throw new Error(`not a case status address: ${pageUrl}`);
  return { id, token };
}

describe.skipIf(!browserTestsEnabled)('the case form, used in a browser', () => {
  let runtime: Runtime;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    runtime = await startTestRuntime();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await runtime?.close();
  });

  beforeEach(async () => {
    context = await browser.newContext({ locale: 'it-IT' });
    context.setDefaultTimeout(15_000); // generous: a busy machine is slow rather than failing
    page = await context.newPage();
  });

  afterEach(async () => {
    await context?.close();
  });

  const openForm = async (lang: 'it' | 'en') => {
    const response = await page.goto(`${runtime.url}/form?partner=humanitas&lang=${lang}`);
    expect(response?.status()).toBe(200);
  };

  /** The fields every case needs, filled in the Italian form; the clinical area is left to the caller. */
  const fillRequiredFields = async (email: string) => {
    await page.getByRole('radio', { name: 'Bisogno' }).check();
    await page.getByLabel('Titolo').fill('Bisogno di telemonitoraggio in RSA');
    await page.getByLabel('Descrizione').fill('Serve una piattaforma di telemonitoraggio per gli ospiti delle RSA del territorio.');
    await page.getByLabel('Nome della struttura').fill('RSA Villa Serena');
    await page.getByLabel('Nome e cognome del referente').fill('Giulia Bianchi');
    await page.getByLabel('Email del referente').fill(email);
    await page.getByRole('checkbox', { name: /informativa privacy/ }).check();
  };

  it('stores a Tele-X case filled in like a person would, shows its reference and mails the receipt in Italian', async () => {
    // Prepare
    const email = uniqueEmail('maria.rossi');
    await openForm('it');

    // Act: every field, in the order a person meets them.
    await page.getByRole('radio', { name: 'Servizio di Tele-X' }).click();
    await page.getByLabel('Titolo').click();
    await page.keyboard.type('Televisita per lo scompenso cardiaco');
    await page.getByLabel('Descrizione').fill('Servizio di televisita e telemonitoraggio per pazienti con scompenso cardiaco cronico.');
    await page.getByRole('checkbox', { name: 'Televisita' }).check();
    await page.getByRole('checkbox', { name: 'Telemonitoraggio' }).check();
    await page.getByRole('checkbox', { name: 'Cardiologia' }).check();
    await page.getByRole('checkbox', { name: 'Pazienti cronici' }).check();
    await page.getByRole('checkbox', { name: 'Anziani fragili' }).check();
    await page.getByLabel('Nome della struttura').fill('Humanitas Research Hospital');
    await page.getByLabel('Codice ministeriale della struttura').fill('030906');
    await page.getByRole('checkbox', { name: 'Domicilio' }).check();
    await page.getByLabel('Fase del progetto').selectOption({ label: 'Attivo' });
    await page.getByLabel('Pazienti impattati').fill('1200');
    await page.getByLabel('Data di avvio').fill('2024-03-01');
    await page.getByRole('checkbox', { name: 'Piattaforma' }).check();
    await page.getByRole('checkbox', { name: 'Dispositivi indossabili e IoT' }).check();
    await page.getByRole('checkbox', { name: 'Regionale' }).check();
    await page.getByLabel('Rimborsabilità').selectOption({ label: 'Rimborsato dal SSN' });
    await page.getByRole('checkbox', { name: /^FSE/ }).check();
    await page.getByRole('checkbox', { name: 'HL7 FHIR' }).check();
    await page.getByLabel('Dispositivo medico (classe MDR)').selectOption({ label: 'Classe IIa' });
    await page.getByLabel('Nome e cognome del referente').fill('Maria Rossi');
    await page.getByLabel('Email del referente').fill(email);
    await page.getByLabel('Ruolo del referente').fill('Project manager');
    await page.getByRole('checkbox', { name: /informativa privacy/ }).check();
    await Promise.all([page.waitForURL(/\/cases\/[^/?]+\?.*thanks=1/), page.getByRole('button', { name: 'Invia il caso' }).click()]);

    // Assess: the thank-you page names the reference and the status, and asks to confirm the address first.
    await page.getByRole('heading', { name: 'Grazie: confermate il vostro indirizzo email' }).waitFor();
    const notice = await page.getByRole('status').innerText();
    const reference = REFERENCE.exec(notice)?.[0];
    expect(reference, notice).toBeDefined();
    expect(await page.locator('dl.facts').innerText()).toContain(reference);
    expect(await page.locator('.status').innerText()).toBe('Ricevuto');

    // Assess: the status link answers JSON with the case as typed.
    const { id, token } = caseLink(page.url());
    const status = await fetch(`${runtime.url}/cases/${id}?token=${encodeURIComponent(token)}`, { headers: { accept: 'application/json' } });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({
      id,
      reference,
      status: expect.stringMatching(/^(submitted|in_review)$/),
      kind: 'telex',
      title: 'Televisita per lo scompenso cardiaco',
      history: expect.arrayContaining([expect.objectContaining({ type: 'submitted', actor: 'submitter' })]),
    });

    // Assess: every value typed is stored.
    const stored = await statusDeps().cases.get(id);
    expect(stored?.data).toEqual({
      partner: 'humanitas',
      kind: 'telex',
      title: 'Televisita per lo scompenso cardiaco',
      summary: 'Servizio di televisita e telemonitoraggio per pazienti con scompenso cardiaco cronico.',
      facility: { name: 'Humanitas Research Hospital', code: '030906' },
      contact: { name: 'Maria Rossi', email, role: 'Project manager' },
      telexServices: ['televisita', 'telemonitoraggio'],
      clinicalAreas: ['cardiology'],
      careSettings: ['home'],
      technologies: ['platform', 'wearable-iot'],
      stage: 'active',
      patientsImpacted: 1200,
      funding: ['regional'],
      reimbursement: 'reimbursed',
      interoperability: ['fse', 'fhir'],
      startDate: '2024-03-01',
      targetPopulation: ['chronic-patients', 'frail-elderly'],
      medicalDevice: 'class-iia',
      language: 'it',
      consent: true,
    });

    // Assess: the one mail, to the address typed, in Italian, asks to confirm it and carries the status link.
    // It follows the answer, from the table's stream: read the mailbox once the stream has run, however slow the machine.
    await runtime.streamIdle();
    const mails = runtime.mails().filter((mail) => mail.to.includes(email));
    expect(mails.map((mail) => mail.subject)).toEqual([`Confermate il vostro indirizzo per il caso ${reference}`]);
    expect(mails[0]?.text).toContain('Gentile Maria Rossi');
    expect(mails[0]?.text).toMatch(new RegExp(`${runtime.url}/cases/${id}/confirm\\?token=\\S+`));
    expect(mails[0]?.text).toContain(`${runtime.url}/cases/${id}?token=${encodeURIComponent(token)}`);

    if (SCREENSHOTS) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.setViewportSize({ width: 390, height: 844 });
      await page.screenshot({ path: join(SCREENSHOTS, 'thank-you-phone.png'), fullPage: true });
    }
  });

  it('offers the target population as optional checkboxes and the medical device class as an optional choice, in English too', async () => {
    await openForm('en');
    const population = page.getByRole('group', { name: /Target population/ });
    expect(await population.getByRole('checkbox').count()).toBe(8);
    expect(await population.getByRole('checkbox', { name: 'Frail elderly people' }).isChecked()).toBe(false);
    const device = page.getByLabel('Medical device (MDR class)');
    expect(await device.locator('option').allInnerTexts()).toEqual([expect.any(String), 'Not a medical device', 'Class I', 'Class IIa', 'Class IIb', 'Class III']);
    expect(await device.inputValue()).toBe('');
    expect(await page.locator('#field-medicalDevice').getAttribute('required')).toBeNull();
  });

  it('shows the Tele-X services only while the case is a Tele-X case', async () => {
    // Prepare
    await openForm('it');
    const services = page.locator('fieldset#field-telexServices');

    // Assess: hidden before a kind is chosen
    expect(await services.isVisible()).toBe(false);

    // Act + Assess: a need has no Tele-X services
    await page.getByRole('radio', { name: 'Bisogno' }).check();
    expect(await services.isVisible()).toBe(false);

    // Act + Assess: a Tele-X case asks for them, and they are sent
    await page.getByRole('radio', { name: 'Servizio di Tele-X' }).check();
    expect(await services.isVisible()).toBe(true);
    expect(await services.getByRole('checkbox', { name: 'Televisita' }).isEnabled()).toBe(true);

    // Act + Assess: switching away hides them again and keeps them out of the post
    await page.getByRole('radio', { name: 'Proposta progettuale' }).check();
    expect(await services.isVisible()).toBe(false);
    expect(await services.locator('input').first().isDisabled()).toBe(true);
  });

  it('keeps a case with no clinical area from being sent, saying why', async () => {
    // Prepare
    await openForm('it');
    await fillRequiredFields(uniqueEmail('giulia.bianchi'));
    const posts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    });
    const firstArea = page.getByRole('checkbox', { name: 'Cardiologia' });

    // Act
    await page.getByRole('button', { name: 'Invia il caso' }).click();

    // Assess: the browser stops at the clinical areas, the first invalid field, and says why.
    await page.waitForFunction('document.activeElement?.value === "cardiology"');
    expect(await validationMessage(firstArea)).toBe('Scegliere almeno un valore.');
    expect(new URL(page.url()).pathname).toBe('/form');
    expect(posts).toEqual([]);

    // Act + Assess: one clinical area lifts the objection.
    await firstArea.check();
    expect(await validationMessage(firstArea)).toBe('');
  });

  it('answers a form post with no clinical area with the form again: 422, the error next to the field, the values kept', async () => {
    // Prepare: what a browser without form.js, or a script, would post.
    const body = new URLSearchParams([
      ['partner', 'humanitas'],
      ['kind', 'telex'],
      ['title', 'Teleriabilitazione dopo ictus'],
      ['summary', 'Percorso di teleriabilitazione domiciliare per pazienti dimessi dopo un ictus.'],
      ['telexServices', 'teleriabilitazione'],
      ['facility.name', 'Humanitas Gavazzeni'],
      ['contact.name', 'Luca Verdi'],
      ['contact.email', uniqueEmail('luca.verdi')],
      ['language', 'it'],
      ['consent', 'true'],
      ['website', ''],
      ['altcha', await solvedChallenge('humanitas')],
    ]);

    // Act
    const response = await fetch(`${runtime.url}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body,
      redirect: 'manual',
    });

    // Assess: the same form, in Italian, with the error next to the clinical areas and the values kept.
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    await page.setContent(await response.text());
    expect(await page.getByRole('alert').getByRole('heading').innerText()).toBe('Il modulo contiene errori');
    const areas = page.locator('fieldset#field-clinicalAreas');
    expect(await areas.getAttribute('class')).toContain('has-error');
    expect(await areas.getAttribute('aria-describedby')).toContain('field-clinicalAreas-error');
    expect((await areas.locator('#field-clinicalAreas-error').innerText()).length).toBeGreaterThan(0);
    expect(await page.getByRole('alert').getByRole('link').first().getAttribute('href')).toBe('#field-clinicalAreas');
    expect(await page.getByLabel('Titolo').inputValue()).toBe('Teleriabilitazione dopo ictus');
    expect(await page.getByLabel('Nome della struttura').inputValue()).toBe('Humanitas Gavazzeni');
    expect(await page.getByRole('radio', { name: 'Servizio di Tele-X' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Teleriabilitazione' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: /informativa privacy/ }).isChecked()).toBe(true);
    expect(await page.locator('.field-error').count()).toBe(1);
  });

  it('puts the error of a blank facility or contact next to its fields', async () => {
    // Prepare: a browser sends every text input; blank ones count as absent, so no facility or contact arrives.
    const body = new URLSearchParams([
      ['partner', 'humanitas'],
      ['kind', 'need'],
      ['title', 'Bisogno di teleconsulto'],
      ['summary', 'Serve un teleconsulto tra specialisti per le RSA del territorio.'],
      ['clinicalAreas', 'geriatrics'],
      ['facility.name', ''],
      ['facility.code', ''],
      ['contact.name', ''],
      ['contact.email', ''],
      ['contact.role', ''],
      ['consent', 'true'],
      ['altcha', await solvedChallenge('humanitas')],
    ]);

    // Act
    const response = await fetch(`${runtime.url}/cases?lang=it`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body,
    });

    // Assess
    expect(response.status).toBe(422);
    await page.setContent(await response.text());
    for (const id of ['field-facility-name', 'field-contact-name', 'field-contact-email']) {
      expect(await page.locator(`#${id}`).getAttribute('aria-invalid')).toBe('true');
      expect((await page.locator(`#${id}-error`).innerText()).length).toBeGreaterThan(0);
    }
    const links = await page.getByRole('alert').getByRole('link').evaluateAll((anchors) => anchors.map((a) => (a as unknown as { hash: string }).hash));
    expect(links).toEqual(['#field-facility-name', '#field-contact-name']);
  });

  it('speaks English when opened with lang=en', async () => {
    // Act
    await openForm('en');

    // Assess
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Submit a case to the Hub');
    expect(await page.getByRole('group', { name: /Kind of case/ }).isVisible()).toBe(true);
    expect(await page.getByRole('radio', { name: 'Tele-X service' }).isVisible()).toBe(true);
    expect(await page.getByLabel('Facility name').isVisible()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Cardiology' }).isVisible()).toBe(true);
    expect(await page.getByRole('radio', { name: 'English' }).isChecked()).toBe(true);
    expect(await page.getByRole('button', { name: 'Submit the case' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Italiano' }).getAttribute('href')).toBe('/form?partner=humanitas&lang=it');
  });

  it('keeps the honeypot field away from people', async () => {
    // Act
    await openForm('it');

    // Assess: off screen, out of the accessibility tree and out of the tab order.
    const honeypot = page.locator('input[name="website"]');
    const box = await honeypot.boundingBox();
    expect(box === null || box.x + box.width <= 0).toBe(true);
    expect(await page.getByRole('textbox', { name: 'Non compilare questo campo' }).count()).toBe(0);
    expect(await honeypot.getAttribute('tabindex')).toBe('-1');
    expect(await honeypot.inputValue()).toBe('');
  });

  it('fits a phone screen with no sideways scrolling', async () => {
    // Prepare
    await page.setViewportSize({ width: 390, height: 844 });

    // Act
    await openForm('it');
    await page.getByRole('radio', { name: 'Servizio di Tele-X' }).check();

    // Assess
    const widths = await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]');
    expect(widths).toEqual([390, 390]);
    const button = await page.getByRole('button', { name: 'Invia il caso' }).boundingBox();
    expect(button?.height).toBeGreaterThanOrEqual(44);
    if (SCREENSHOTS) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'form-phone.png'), fullPage: true });
    }
  });
});
