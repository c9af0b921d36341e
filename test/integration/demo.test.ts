import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_COORDINATORS, DEMO_REVIEWERS, DemoError, runDemo } from '../../infra/local/demo';
import { DEMO_CASES, PUBLISHED_FIGURES } from '../../infra/local/demo-cases';
import type { Runtime } from '../../infra/local/runtime';
import { postCase, startTestRuntime } from '../support/runtime';
import { waitFor } from '../support/wait';

/** The demo's own deadline and each test's: a busy machine may take several times what an idle one needs. */
const DEMO_PATIENCE_MS = 120_000;
const TEST_PATIENCE_MS = DEMO_PATIENCE_MS + 30_000;

let runtime: Runtime;

beforeAll(async () => {
  // The reviewers the demo starts its own runtime with: of Humanitas and of Maugeri, which both submit demo cases.
  runtime = await startTestRuntime({ REVIEWERS: JSON.stringify(DEMO_REVIEWERS), COORDINATORS: JSON.stringify(DEMO_COORDINATORS) });
});
afterAll(async () => {
  await runtime?.close();
});

describe('npm run demo', () => {
  it('reproduces the Hub’s published table through the HTTP API and the reviewers’ links', async () => {
    const lines: string[] = [];
    const result = await runDemo(runtime.url, (line) => lines.push(line), { timeoutMs: DEMO_PATIENCE_MS });
    expect(result.headline).toEqual({ hospitalStructures: 8, telexProjects: 23, patientsImpacted: 59_200, hospitalApps: 3 });
    expect(result.submitted).toEqual({ created: DEMO_CASES.length, replayed: 0 });
    expect(result.dashboardUrl).toBe(`${runtime.url}/dashboard`);
    expect(lines.join('\n')).toContain(`Dashboard: ${runtime.url}/dashboard`);

    // No case reached a reviewer of its own organisation, and the output says so.
    const fromOwn = DEMO_CASES.filter(({ input }) => ['humanitas', 'maugeri'].includes(input.partner)).length;
    expect(result.routing).toEqual({ reviewMails: expect.any(Number), casesFromReviewersOrganisations: fromOwn, ownOrganisation: 0 });
    expect(result.routing.reviewMails).toBeGreaterThanOrEqual(DEMO_CASES.length);
    expect(lines.join('\n')).toContain(
      `Conflict of interest: ${fromOwn} cases came from the organisations of reviewers (humanitas, maugeri); none of the ${result.routing.reviewMails} review mails reached a reviewer of the submitting organisation.`,
    );
    const mails = runtime.mails();
    for (const reviewer of DEMO_REVIEWERS) {
      const own = DEMO_CASES.filter(({ input }) => input.partner === reviewer.organisation).map(({ input }) => input.title);
      const got = mails.filter((m) => m.to.includes(reviewer.email)).map((m) => m.text);
      expect(got.length, reviewer.email).toBeGreaterThan(0);
      for (const title of own) expect(got.some((text) => text.includes(title)), `${reviewer.email}: ${title}`).toBe(false);
    }

    // It ends with the report's computed findings and its address; the findings resemble the Hub's report.
    expect(result.reportUrl).toBe(`${runtime.url}/report?lang=it`);
    expect(lines.at(-1)).toBe(`Report: ${runtime.url}/report?lang=it (English: ${runtime.url}/report?lang=en; print it for a PDF)`);
    const { findings } = result;
    expect(findings.projects).toBe(PUBLISHED_FIGURES.telexProjects + PUBLISHED_FIGURES.hospitalApps);
    expect(findings.leadingClinicalAreas.map((area) => area.area).sort()).toEqual(['cardiology', 'oncology', 'pulmonology', 'rehabilitation']);
    expect(findings.leadingClinicalAreas[0]!.area).toBe('cardiology');
    // Reimbursement is often unclear: more projects unclear or silent about it than reimbursed.
    const metricsNow = (await (await fetch(`${runtime.url}/metrics`)).json()) as { findings: typeof findings };
    expect(findings.reimbursementUnclear.count).toBeGreaterThan(findings.projects / 3);
    expect(metricsNow.findings).toEqual(findings);
    const findingLines = lines.slice(lines.findIndex((line) => line.startsWith("The report's findings")));
    expect(findingLines[0]).toBe(`The report's findings (rules ${findings.version}, over ${findings.projects} approved projects):`);
    expect(findingLines[1]).toMatch(/^ {2}leading clinical areas +cardiology \d+(\.\d)?%, /);
    expect(findingLines[2]).toContain(`reimbursement unclear or not stated`);
    expect(findingLines[2]).toContain(`${findings.reimbursementUnclear.percent}% (${findings.reimbursementUnclear.count} of ${findings.projects})`);
    expect(findingLines).toHaveLength(8);

    // The published snapshot is the one the demo checked; rejected cases are in the pipeline, not the figures.
    const metrics = (await (await fetch(`${runtime.url}/metrics`)).json()) as {
      headline: typeof PUBLISHED_FIGURES;
      submissions: { need: number; proposal: number };
      pipeline: { byStatus: Record<string, number> };
    };
    expect(metrics.headline).toEqual(PUBLISHED_FIGURES);
    expect(metrics.submissions).toEqual({ need: 2, proposal: 2 });
    expect(metrics.pipeline.byStatus).toMatchObject({ approved: DEMO_CASES.length - 2, rejected: 2 });

    // The RSA's need shows the two approved practices that answer it, closest first, with their partners.
    const rsa = result.matches.find((need) => need.key === 'kos-bisogno-rsa');
    expect(rsa?.practices.map(({ title, partnerName }) => ({ title, partnerName }))).toEqual([
      { title: 'Telerefertazione degli ECG per le RSA del territorio', partnerName: 'Gruppo San Donato' },
      { title: 'Teleassistenza per anziani fragili dopo la dimissione', partnerName: 'Fondazione Don Carlo Gnocchi' },
    ]);
    expect(rsa?.practices[0]?.why).toBe('stessa area clinica: Geriatria; stesso setting di cura: RSA; stessa popolazione destinataria: Anziani fragili');
    expect(lines.join('\n')).toContain(`${rsa?.reference} Bisogno: monitoraggio notturno degli ospiti delle RSA: 2 practices`);
    // A need only in "other" is answered by no practice: "other" says too little to match on.
    expect(result.matches.find((need) => need.key === 'assolombarda-bisogno-fse')?.practices).toEqual([]);

    // The catalogue lists the approved cases and none of the contacts.
    const csv = await (await fetch(`${runtime.url}/catalog.csv`)).text();
    expect(csv.trim().split('\r\n')).toHaveLength(DEMO_CASES.length - 2 + 1);
    for (const { input } of DEMO_CASES) expect(csv).not.toContain(input.contact.email);
  }, TEST_PATIENCE_MS);

  it('submits nothing twice and decides nothing twice when run again', async () => {
    const result = await runDemo(runtime.url, () => undefined, { timeoutMs: DEMO_PATIENCE_MS });
    expect(result.submitted).toEqual({ created: 0, replayed: DEMO_CASES.length });
    expect(result.headline).toEqual(PUBLISHED_FIGURES);
  }, TEST_PATIENCE_MS);

  it('fails, naming the figures that differ, when the runtime holds other approved cases', async () => {
    const extra = { ...DEMO_CASES[0]!.input, title: 'Un progetto in più, fuori dalla demo', facility: { name: 'Ospedale Fuori Demo' } };
    const response = await postCase(runtime, extra);
    const { reference, statusUrl } = (await response.json()) as { reference: string; statusUrl: string };
    const link = await waitFor('the review link', () => runtime.mails().find((mail) => mail.subject.includes(`${reference} da revisionare`))?.text.match(/\/review\/[\w-]+/)?.[0]);
    const decided = await fetch(`${runtime.url}${link}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' });
    expect(decided.status).toBe(200);
    await waitFor('the extra case approved', async () => ((await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string }).status === 'approved');
    const run = runDemo(runtime.url, () => undefined, { timeoutMs: DEMO_PATIENCE_MS });
    await expect(run).rejects.toThrow(DemoError);
    await expect(run).rejects.toThrow(/hospitalStructures 9 instead of 8, telexProjects 24 instead of 23, patientsImpacted 64000 instead of 59200.*1 approved cases besides/);
  }, TEST_PATIENCE_MS);

  it('fails with a clear message when no hub-intake answers', async () => {
    await expect(runDemo('http://127.0.0.1:9', () => undefined)).rejects.toThrow(DemoError);
  });
});
