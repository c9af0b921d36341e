import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContext, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import { browserTestsEnabled, launchBrowser } from '../support/browser';
import { postCase, postForm, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

/**
 * Every page the Hub shows a person, checked by axe-core in Chromium, at a phone's and a
 * desktop's size, on its own and, where partners frame it, inside a partner's page.
 *
 * The standard: WCAG 2.0 and 2.1, levels A and AA, plus axe's best practices (landmarks, one
 * main, one h1, heading order, ...), every impact level: one violation of any of them fails.
 * Rules axe marks "experimental" are not run, nor those of WCAG 2.2 or AAA. Besides axe, which
 * does not check it, every element a person can Tab to must show a focus ring they can see.
 *
 * The pages keep their strict Content-Security-Policy while checked: axe's source is given to the
 * browser as an init script of the context (through its debugging protocol, which no page's policy
 * blocks, in every frame), rather than added as a script tag (which the policy refuses) or with
 * `bypassCSP` (which would also apply inline styles that real visitors never see, and so check
 * another page than theirs).
 *
 * To check a new page, add a line to PAGES: its name and how to reach it.
 */

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'desktop', width: 1280, height: 800 },
] as const;

const REVIEWER = 'revisore.accessibilita@hub.example.org';
/** Waits for the browser: generous, so that a busy machine is slow rather than failing. */
const ACTION_TIMEOUT_MS = 15_000;
/** The form's proof-of-work, solved in the browser: about a second, far more on a busy machine. */
const SOLVE_TIMEOUT_MS = 25_000;

/** What the table's entries reach the pages with: the runtime, the partner's site, and the links the seed cases mailed. */
interface Seed {
  hub: string;
  partnerSite: string;
  statusLink: string;
  approvedStatusLink: string;
  /** An approved need: its status page lists the approved practices that answer it. */
  approvedNeedStatusLink: string;
  closedStatusLink: string;
  thanksLink: string;
  confirmLink: string;
  expiredConfirmLink: string;
  reviewLink: string;
  decidedReviewLink: string;
  editLink: string;
  /** A fresh case through the form, unconfirmed: its confirmation link (for a page that confirms it). */
  freshConfirmLink(): Promise<string>;
  /** A fresh case sent back for changes: its edit link (for a page that amends it). */
  freshEditLink(): Promise<string>;
}

/** Where axe runs: the page, or the Hub's frame inside a partner's page. */
type Target = Page | Frame;

interface CheckedPage {
  name: string;
  open(page: Page, seed: Seed): Promise<Target>;
}

/** Opens `url` and checks it answered `status`. */
async function visit(page: Page, url: string, status = 200): Promise<Page> {
  const response = await page.goto(url);
  expect(response?.status(), url).toBe(status);
  return page;
}

/** Opens a partner page that frames the Hub, and returns the Hub's frame once loaded. */
async function framed(page: Page, hostUrl: string, frameUrl: RegExp): Promise<Frame> {
  await visit(page, hostUrl);
  await expect.poll(() => page.frames().some((frame) => frameUrl.test(frame.url())), { timeout: ACTION_TIMEOUT_MS }).toBe(true);
  const frame = page.frames().find((candidate) => frameUrl.test(candidate.url()))!;
  await frame.waitForLoadState('load');
  return frame;
}

/** Opens every disclosure, as a person clicking each would: axe checks only what is shown. */
async function openDetails(page: Page): Promise<Page> {
  const closed = page.locator('details:not([open]) > summary');
  expect(await closed.count()).toBeGreaterThan(0);
  while ((await closed.count()) > 0) await closed.first().click();
  return page;
}

/** Clicks `button` and waits for the page its form posts to, which must answer `status`. */
async function post(page: Page, button: ReturnType<Page['getByRole']>, status: number): Promise<Page> {
  // The form's post waits for its proof-of-work: as long as a solve may take.
  const posted = page.waitForResponse((answer) => answer.request().method() === 'POST' && answer.request().isNavigationRequest(), { timeout: SOLVE_TIMEOUT_MS });
  const [response] = await Promise.all([posted, button.click()]);
  expect(response.status(), response.url()).toBe(status);
  await page.waitForLoadState('load');
  return page;
}

/** The English form filled in as a person would, but with a contact outside the partner's email domains: the server's 422. */
async function formWithErrors(page: Page, seed: Seed): Promise<Page> {
  await visit(page, `${seed.hub}/form?partner=humanitas&lang=en`);
  await page.getByRole('radio', { name: 'Digital hospital application' }).check();
  await page.getByLabel('Title').fill('Digital pathway for oncology day hospital');
  await page.getByLabel('Summary').fill('An app that guides patients through their oncology day hospital visits.');
  await page.getByRole('checkbox', { name: 'Oncology' }).check();
  await page.getByLabel('Facility name').fill('Humanitas Cancer Center');
  await page.getByLabel('Contact name').fill('Anna Neri');
  await page.getByLabel('Contact email').fill('anna.neri@gmail.com');
  await page.getByRole('checkbox', { name: /privacy notice/ }).check();
  await post(page, page.getByRole('button', { name: 'Submit the case' }), 422);
  await page.getByRole('alert').waitFor();
  return page;
}

/** The resubmit link of a case, from its status link (the outcome mail's button points there). */
const resubmitLink = (statusLink: string) => statusLink.replace(/\/cases\/([0-9A-Z]{26})\?/, '/cases/$1/resubmit?');
/** A partner's page (another origin) that frames `src` in an iframe of its own, with its own title. */
const iframeHost = (seed: Seed, src: string) => `${seed.partnerSite}/iframe?src=${encodeURIComponent(src)}`;
/** A partner's page with the one script tag of embed.js. */
const embedHost = (seed: Seed, lang: 'it' | 'en') => `${seed.partnerSite}/embed?lang=${lang}`;

const PAGES: CheckedPage[] = [
  { name: 'the form, in Italian', open: (page, seed) => visit(page, `${seed.hub}/form?partner=humanitas&lang=it`) },
  { name: 'the form, in English', open: (page, seed) => visit(page, `${seed.hub}/form?partner=humanitas&lang=en`) },
  {
    name: 'the form of a Tele-X case (its services shown), the check done',
    open: async (page, seed) => {
      await visit(page, `${seed.hub}/form?partner=humanitas&lang=it`);
      await page.getByRole('radio', { name: 'Servizio di Tele-X' }).check();
      await expect.poll(() => page.locator('altcha-widget input[type=checkbox]').isChecked(), { timeout: SOLVE_TIMEOUT_MS }).toBe(true);
      return page;
    },
  },
  {
    name: 'the form when no challenge can be had',
    open: async (page, seed) => {
      await page.route(/\/challenge\?/, (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"status":503}' }));
      await visit(page, `${seed.hub}/form?partner=humanitas&lang=en`);
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('reload the page');
      return page;
    },
  },
  { name: 'the form with the errors of a refused submission', open: formWithErrors },
  { name: 'the form framed by embed.js on a partner’s page, in Italian', open: (page, seed) => framed(page, embedHost(seed, 'it'), /\/form\?/) },
  { name: 'the form framed by embed.js on a partner’s page, in English', open: (page, seed) => framed(page, embedHost(seed, 'en'), /\/form\?/) },
  { name: 'the thank-you page in a partner’s frame', open: (page, seed) => framed(page, iframeHost(seed, seed.thanksLink), /thanks=1/) },
  { name: 'the status page of a case', open: (page, seed) => visit(page, seed.statusLink) },
  { name: 'the status page of an approved case', open: (page, seed) => visit(page, seed.approvedStatusLink) },
  {
    name: 'the status page of an approved need, with the practices that answer it',
    open: async (page, seed) => {
      const opened = await visit(page, seed.approvedNeedStatusLink);
      expect(await opened.locator('.match').count()).toBeGreaterThan(0);
      return opened;
    },
  },
  { name: 'the status page of a case closed unconfirmed', open: (page, seed) => visit(page, seed.closedStatusLink) },
  { name: 'the contact-confirmation page with its button', open: (page, seed) => visit(page, seed.confirmLink) },
  {
    name: 'the page after the confirmation button',
    open: async (page, seed) => post(await visit(page, await seed.freshConfirmLink()), page.getByRole('button', { name: 'Confermo il mio indirizzo' }), 200),
  },
  { name: 'the review page from a reviewer’s mail', open: (page, seed) => visit(page, seed.reviewLink) },
  {
    name: 'the review page with the error of a rejection without a comment',
    open: async (page, seed) => {
      await visit(page, `${seed.reviewLink}?lang=en`);
      await page.getByRole('radio', { name: 'Reject' }).check();
      return post(page, page.getByRole('button', { name: 'Record the decision' }), 422);
    },
  },
  { name: 'a review link once the case is decided', open: (page, seed) => visit(page, seed.decidedReviewLink) },
  { name: 'the edit page after changes are requested', open: (page, seed) => visit(page, seed.editLink) },
  {
    name: 'the page after amending a case',
    open: async (page, seed) => post(await visit(page, await seed.freshEditLink()), page.getByRole('button', { name: 'Invia il caso' }), 200),
  },
  { name: 'the dashboard, in Italian, its data tables open', open: async (page, seed) => openDetails(await visit(page, `${seed.hub}/dashboard?lang=it`)) },
  { name: 'the dashboard, in English, its data tables open', open: async (page, seed) => openDetails(await visit(page, `${seed.hub}/dashboard?lang=en`)) },
  { name: 'the report, in Italian', open: (page, seed) => visit(page, `${seed.hub}/report?lang=it`) },
  { name: 'the report, in English', open: (page, seed) => visit(page, `${seed.hub}/report?lang=en`) },
  { name: 'the catalogue', open: (page, seed) => visit(page, `${seed.hub}/catalog?lang=en`) },
  { name: 'the catalogue, filtered, one case a page', open: (page, seed) => visit(page, `${seed.hub}/catalog?lang=it&kind=telex&clinicalArea=cardiology&limit=1`) },
  { name: 'the catalogue with no case matching', open: (page, seed) => visit(page, `${seed.hub}/catalog?lang=en&kind=proposal`) },
  { name: 'the figures to frame, alone', open: (page, seed) => visit(page, `${seed.hub}/embed/figures?lang=it`) },
  { name: 'the figures in a partner’s frame', open: (page, seed) => framed(page, iframeHost(seed, `${seed.hub}/embed/figures?lang=en`), /\/embed\/figures/) },
  { name: 'the landing page of the embedded runtime, in Italian', open: (page, seed) => visit(page, `${seed.hub}/?lang=it`) },
  { name: 'the landing page of the embedded runtime, in English', open: (page, seed) => visit(page, `${seed.hub}/?lang=en`) },
  { name: 'the privacy notice, in Italian', open: (page, seed) => visit(page, `${seed.hub}/privacy?lang=it`) },
  { name: 'the privacy notice, in English', open: (page, seed) => visit(page, `${seed.hub}/privacy?lang=en`) },
  {
    name: 'the catalogue’s second page, with its way back',
    open: async (page, seed) => {
      await visit(page, `${seed.hub}/catalog?lang=en&limit=1`);
      await Promise.all([page.waitForURL(/cursor=/), page.locator('a[rel=next]').click()]);
      await page.locator('a[rel=prev]').waitFor();
      return page;
    },
  },
  { name: 'the resubmit link of a case that is not closed (409)', open: (page, seed) => visit(page, resubmitLink(seed.statusLink), 409) },
  { name: 'the resubmit link of a case closed unconfirmed, its contact erased (409)', open: (page, seed) => visit(page, resubmitLink(seed.closedStatusLink), 409) },
  { name: 'the 404 page of a forged link', open: (page, seed) => visit(page, `${seed.hub}/review/${'x'.repeat(43)}`, 404) },
  { name: 'the 410 page of an expired link', open: (page, seed) => visit(page, seed.expiredConfirmLink, 410) },
];

interface AxeNode {
  target: unknown[];
  html: string;
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

/** axe's rules about a whole page's landmarks: a framed page leaves them to the partner's page around it. */
const PAGE_LEVEL_RULES = ['landmark-one-main', 'region'] as const;

/** Runs axe (the context's init script) in `target`'s document and answers its violations. */
async function axeViolations(target: Target, context: unknown = null, disabled: readonly string[] = []): Promise<AxeViolation[]> {
  expect(await target.evaluate('typeof window.axe'), `axe-core in ${target.url()}`).toBe('object');
  // The project compiles without the DOM library: the page's globals are reached through globalThis.
  return target.evaluate(
    async ({ tags, context, disabled }) => {
      const axe = (globalThis as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
      const results = await axe.run(context ?? (globalThis as unknown as { document: unknown }).document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
        rules: Object.fromEntries(disabled.map((rule) => [rule, { enabled: false }])),
      });
      return results.violations.map(({ id, impact, help, helpUrl, nodes }) => ({
        id,
        impact,
        help,
        helpUrl,
        nodes: nodes.map(({ target, html, failureSummary }) => ({ target, html, failureSummary })),
      }));
    },
    { tags: AXE_TAGS, context, disabled: [...disabled] },
  );
}

/** The violations as a person reads them: rule, impact, what to do, and each element with why. */
function report(violations: readonly AxeViolation[]): string {
  return violations
    .map(
      (violation) =>
        `${violation.id} (${violation.impact ?? 'no impact'}): ${violation.help}\n  ${violation.helpUrl}\n` +
        violation.nodes
          .map((node) => `  - ${node.target.map(String).join(' >>> ')}\n    ${node.html.slice(0, 300)}\n    ${(node.failureSummary ?? '').replace(/\n/g, '\n    ')}`)
          .join('\n'),
    )
    .join('\n\n');
}

/** Relative luminance of an sRGB colour given as `rgb(r, g, b)`, `rgba(...)` or as channels. */
function luminance([r, g, b]: readonly number[]): number {
  const linear = (channel: number) => {
    const value = channel / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!);
}
const contrast = (a: readonly number[], b: readonly number[]) => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
};

/**
 * What the browser draws around each element a person can Tab to, focused in turn: its outline,
 * and the background the outline lies on (the nearest ancestor's that is not transparent).
 */
const FOCUS_PROBE = `(() => {
  // Any CSS colour (rgb, oklch, color-mix...) as sRGB channels and alpha, through a canvas pixel.
  const canvas = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  const rgba = (colour) => {
    canvas.clearRect(0, 0, 1, 1);
    canvas.fillStyle = colour;
    canvas.fillRect(0, 0, 1, 1);
    const [r, g, b, a] = canvas.getImageData(0, 0, 1, 1).data;
    return [r, g, b, a / 255];
  };
  // The ancestors' backgrounds, composited from the first opaque one (or the white canvas) up.
  const backgroundOf = (element) => {
    const layers = [];
    for (let node = element.parentElement; node; node = node.parentElement) {
      const colour = rgba(getComputedStyle(node).backgroundColor);
      if (colour[3] > 0) layers.push(colour);
      if (colour[3] >= 1) break;
    }
    return layers.reverse().reduce((under, [r, g, b, a]) => [r, g, b].map((channel, i) => channel * a + under[i] * (1 - a)), [255, 255, 255]).map(Math.round);
  };
  const tabbable = [...document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')].filter(
    (element) => element.tabIndex >= 0 && !element.disabled && element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden',
  );
  return tabbable.map((element) => {
    element.focus();
    const style = getComputedStyle(element);
    return {
      html: element.outerHTML.slice(0, 160),
      outline: { style: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: rgba(style.outlineColor).slice(0, 3) },
      background: backgroundOf(element),
    };
  });
})()`;

interface FocusRing {
  html: string;
  outline: { style: string; width: number; colour: number[] };
  background: number[];
}

/**
 * Every element a person can Tab to whose focus ring they may miss (WCAG 2.1 2.4.7 and 1.4.11):
 * no outline, one under 2 px, or one under 3:1 against the background it lies on. The browser's
 * own ring (`auto`) counts as visible: it is drawn in two tones for that. One Tab first, so that
 * the browser shows focus as it does to a keyboard user; then each element is focused in turn
 * (one call, rather than a key press and a read per element).
 */
async function faintFocusRings(page: Page): Promise<string[]> {
  await page.keyboard.press('Tab');
  const rings = (await page.evaluate(FOCUS_PROBE)) as FocusRing[];
  return rings.flatMap(({ html, outline: { style, width, colour }, background }) => {
    if (style === 'auto') return [];
    const ratio = contrast(colour, background);
    if (style !== 'none' && width >= 2 && ratio >= 3) return [];
    return [`${html}\n    outline ${style} ${width}px rgb(${colour.join(', ')}), ${ratio.toFixed(2)}:1 against rgb(${background.join(', ')})`];
  });
}

/** A partner's web site at another origin than the Hub's (127.0.0.1; the Hub is at localhost), which the local stage lets frame the Hub. */
async function startPartnerSite(hubUrl: string): Promise<{ url: string; close(): Promise<void> }> {
  const shell = (lang: string, body: string) => `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Humanitas: digital health</title></head>
<body><main><h1>Humanitas</h1>${body}</main></body>
</html>`;
  const escape = (value: string) => value.replace(/[&<>"]/g, (char) => `&#${char.charCodeAt(0)};`);
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://partner');
    const lang = url.searchParams.get('lang') === 'en' ? 'en' : 'it';
    let body: string | undefined;
    if (url.pathname === '/embed') body = shell(lang, `<script src="${hubUrl}/embed.js" data-partner="humanitas" data-lang="${lang}"></script>`);
    // A page with four known faults: no language, an image with no text, faint text, a field with no label.
    if (url.pathname === '/flawed') body = '<!doctype html><title>Flawed</title><main><h1>Flawed</h1><img src="data:,"><p style="color: #bbb">Faint text</p><input type="text"></main>';
    if (url.pathname === '/iframe') body = shell('en', `<iframe title="Digital Health Innovation Hub" style="width: 100%; height: 900px; border: 0" src="${escape(url.searchParams.get('src') ?? '')}"></iframe>`);
    if (body === undefined) response.writeHead(404).end();
    else response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe.skipIf(!browserTestsEnabled)('accessibility of every page (axe-core: WCAG 2.1 A and AA, and best practices)', () => {
  let runtime: Runtime;
  let browser: Browser;
  let partnerSite: Awaited<ReturnType<typeof startPartnerSite>>;
  let seed: Seed;
  const startedAt = Date.now();
  let checks = 0;

  const mailsTo = (address: string) => runtime.mails().filter((mail) => mail.to.includes(address));
  const linkIn = (text: string, pattern: RegExp, what: string) => {
    const link = pattern.exec(text)?.[0];
    if (!link) throw new Error(`no ${what} in ${text}`);
    return link;
  };
  const reviewLinkOf = async (reference: string) =>
    linkIn((await waitFor(`the review mail of ${reference}`, () => mailsTo(REVIEWER).find((mail) => mail.subject.includes(reference)))).text, /http:\/\/\S+\/review\/[A-Za-z0-9_-]+/, 'review link');
  const statusOf = async (statusUrl: string) => ((await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string }).status;
  const decide = async (link: string, decision: string, comment = '') => {
    const answer = await fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: new URLSearchParams({ decision, comment }).toString(),
    });
    expect(answer.status).toBe(200);
  };

  /** A case sent by a partner's system, with the link its reviewer got. */
  async function caseInReview(overrides: Record<string, unknown> = {}) {
    const input = validCase(overrides);
    const response = await postCase(runtime, input);
    expect(response.status).toBe(201);
    const created = (await response.json()) as { reference: string; statusUrl: string };
    return { ...created, email: (input.contact as { email: string }).email, reviewLink: await reviewLinkOf(created.reference) };
  }

  /** A case sent through the form: its status and confirmation links. */
  async function formCase(overrides: Record<string, unknown> = {}) {
    const input = validCase(overrides);
    const email = (input.contact as { email: string }).email;
    const response = await postForm(runtime, input);
    expect(response.status).toBe(303);
    const thanksLink = new URL(response.headers.get('location') ?? '', runtime.url).href;
    const mail = await waitFor(`the confirmation mail to ${email}`, () => mailsTo(email).find((m) => /\/confirm\?token=/.test(m.text)));
    return { thanksLink, statusLink: thanksLink.replace(/&thanks=1.*$/, ''), confirmLink: linkIn(mail.text, /https?:\/\/\S+\/confirm\?token=\S+/, 'confirmation link') };
  }

  /** A case the reviewer sent back for changes: the edit link mailed to its contact. */
  async function sentBackCase(): Promise<string> {
    const { email, reviewLink } = await caseInReview({ title: 'Teleconsulto oncologico' });
    await decide(reviewLink, 'changes', 'Aggiungere il codice ministeriale della struttura.');
    const mail = await waitFor('the changes mail', () => mailsTo(email).find((m) => /\/edit\?token=/.test(m.text)));
    return linkIn(mail.text, /http:\/\/\S+\/edit\?token=\S+/, 'edit link');
  }

  /** A form case left unconfirmed past its window and closed by the daily purge: its confirmation link now answers 410. */
  async function expiredFormCase(): Promise<{ confirmLink: string; statusLink: string }> {
    const { confirmLink, statusLink } = await formCase({ title: 'Caso mai confermato' });
    const { resetConfig } = await import('../../shared/config');
    const { resetWiring } = await import('../../shared/wiring');
    // The functions read the window from their environment: one second, for this one purge.
    process.env.CONFIRM_WINDOW_SECONDS = '1';
    try {
      resetConfig();
      resetWiring();
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(((await runtime.runScheduled('purge-personal-data')) as { unconfirmed: number }).unconfirmed).toBeGreaterThanOrEqual(1);
    } finally {
      delete process.env.CONFIRM_WINDOW_SECONDS;
      resetConfig();
      resetWiring();
    }
    return { confirmLink, statusLink };
  }

  beforeAll(async () => {
    runtime = await startTestRuntime({ REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '3600', AMEND_WINDOW_SECONDS: '3600' });
    partnerSite = await startPartnerSite(runtime.url);
    const launched = launchBrowser();

    // First the case that expires, so that the purge closes no other.
    const expired = await expiredFormCase();

    // Approved cases, for the dashboard, its trend and the catalogue.
    const approved = await Promise.all([
      caseInReview({ language: 'en' }),
      caseInReview({ kind: 'hospital-app', title: 'App di accoglienza in reparto', telexServices: undefined, technologies: ['mobile-app'], facility: { name: 'Ospedale San Raffaele' }, partner: 'gruppo-san-donato' }),
      caseInReview({ kind: 'need', title: 'Bisogno di teleconsulto', telexServices: undefined, partner: 'ieo', facility: { name: 'IEO' } }),
    ]);
    await Promise.all(approved.map(({ reviewLink }) => decide(reviewLink, 'approve', 'Un modello per la regione.')));
    await Promise.all(approved.map(({ statusUrl }) => waitFor('the case approved', async () => (await statusOf(statusUrl)) === 'approved')));
    for (let run = 0; run < 2; run++) expect((await fetch(`${runtime.url}/_local/aggregate`, { method: 'POST' })).status).toBe(200);

    // A case in review, and one sent back for changes.
    const inReview = await caseInReview({ language: 'en', title: 'Telemonitoraggio BPCO' });
    const editLink = await sentBackCase();

    const pending = await formCase({ language: 'en' });
    seed = {
      hub: runtime.url,
      partnerSite: partnerSite.url,
      statusLink: pending.statusLink,
      thanksLink: pending.thanksLink,
      confirmLink: pending.confirmLink,
      expiredConfirmLink: expired.confirmLink,
      approvedStatusLink: approved[0]!.statusUrl,
      approvedNeedStatusLink: approved[2]!.statusUrl,
      closedStatusLink: expired.statusLink,
      reviewLink: inReview.reviewLink,
      decidedReviewLink: approved[0]!.reviewLink,
      editLink,
      freshConfirmLink: async () => (await formCase()).confirmLink,
      freshEditLink: sentBackCase,
    };
    browser = await launched;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await partnerSite?.close();
    await runtime?.close();
    console.info(`accessibility: ${checks} checks passed (of ${PAGES.length} pages × ${VIEWPORTS.length} sizes): no violation, every focus ring visible; ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  });

  /** A browser context of that size, with axe in every document, frames included, before the page's own scripts. */
  async function checkingContext(viewport: { width: number; height: number }): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, locale: 'it-IT' });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    await context.addInitScript({ content: AXE_SOURCE });
    return context;
  }

  it('reports the violations of a page that has them, so that a page with none says something', async () => {
    // Prepare
    const context = await checkingContext(VIEWPORTS[1]);
    try {
      const page = await context.newPage();
      await visit(page, `${seed.partnerSite}/flawed`);

      // Act
      const violations = await axeViolations(page);

      // Assess
      expect(violations.map((violation) => violation.id).sort()).toEqual(['color-contrast', 'html-has-lang', 'image-alt', 'label']);
      expect(report(violations)).toMatch(/^image-alt \(critical\): Images must have alternative text\n {2}https:\/\/dequeuniversity\.com\/rules\/axe\/[\d.]+\/image-alt/m);
    } finally {
      await context.close();
    }
  });

  it('ties each error of a refused form or decision to its field, so a screen reader reads it there', async () => {
    // Act: a decision to reject with no comment, and a form post without the consent.
    const decision = await fetch(`${seed.reviewLink}?lang=en`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: 'decision=reject&comment=',
    });
    const noDecision = await fetch(`${seed.reviewLink}?lang=en`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: 'comment=' });
    const form = await postForm(runtime, validCase({ consent: undefined }), { headers: { accept: 'text/html' } });

    // Assess
    expect(decision.status).toBe(422);
    expect(await decision.text()).toMatch(/<textarea id="field-comment"[^>]* aria-describedby="field-comment-hint field-comment-error" aria-invalid="true">/);
    expect(noDecision.status).toBe(422);
    expect(await noDecision.text()).toMatch(/<fieldset [^>]*id="field-decision" aria-describedby="field-decision-error">[\s\S]*<p class="field-error" id="field-decision-error">/);
    expect(form.status).toBe(422);
    expect(await form.text()).toMatch(/<input id="field-consent" [^>]*aria-describedby="[^"]*field-consent-error" aria-invalid="true">/);
  });

  describe.each(VIEWPORTS)('at $name size ($width×$height)', (viewport) => {
    let context: BrowserContext;

    beforeAll(async () => {
      context = await checkingContext(viewport);
    });
    afterAll(async () => {
      await context?.close();
    });

    it.each(PAGES)('$name has no violation and shows where the keyboard focus is', async (checked) => {
      const page = await context.newPage();
      try {
        // Act
        const target = await checked.open(page, seed);
        // A framed page has no landmark of its own (the partner's page around it has them), so the
        // two rules about a whole page's landmarks (one main, all content in landmarks) apply to
        // the partner's page, not to the frame's document; every other rule runs in the frame.
        const violations = await axeViolations(target, null, target === page ? [] : PAGE_LEVEL_RULES);
        // The iframe embed.js inserts is the Hub's too: its title and the like, checked on the partner's page.
        const frameElement = target === page ? [] : await axeViolations(page, { include: [['iframe']] });

        // Where the keyboard is, which axe does not check: on the Hub's own pages (the frames show the same ones).
        const faintRings = target === page ? await faintFocusRings(page) : [];

        // Assess
        expect(faintRings, `\nfocus hard to see:\n  - ${faintRings.join('\n  - ')}`).toEqual([]);
        expect(violations.map((violation) => violation.id), `\n${report(violations)}`).toEqual([]);
        expect(frameElement.map((violation) => violation.id), `\n${report(frameElement)}`).toEqual([]);
        checks += 1;
      } finally {
        await page.close();
      }
    }, 60_000); // a page behind the form's proof-of-work waits for the solve
  });
});
