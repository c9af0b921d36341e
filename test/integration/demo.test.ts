import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoError, runDemo } from '../../infra/local/demo';
import { DEMO_CASES, PUBLISHED_FIGURES } from '../../infra/local/demo-cases';
import type { Runtime } from '../../infra/local/runtime';
import { postCase, startTestRuntime } from '../support/runtime';

let runtime: Runtime;

beforeAll(async () => {
  runtime = await startTestRuntime({ REVIEWERS: 'demo.reviewer@hub.example.org' });
});
afterAll(async () => {
  await runtime?.close();
});

describe('npm run demo', () => {
  it('reproduces the Hub’s published table through the HTTP API and the reviewers’ links', async () => {
    const lines: string[] = [];
    const result = await runDemo(runtime.url, (line) => lines.push(line), { timeoutMs: 35_000 });
    expect(result.headline).toEqual({ hospitalStructures: 8, telexProjects: 23, patientsImpacted: 59_200, hospitalApps: 3 });
    expect(result.submitted).toEqual({ created: DEMO_CASES.length, replayed: 0 });
    expect(result.dashboardUrl).toBe(`${runtime.url}/dashboard`);
    expect(lines.join('\n')).toContain(`Dashboard: ${runtime.url}/dashboard`);

    // The published snapshot is the one the demo checked; rejected cases are in the pipeline, not the figures.
    const metrics = (await (await fetch(`${runtime.url}/metrics`)).json()) as {
      headline: typeof PUBLISHED_FIGURES;
      submissions: { need: number; proposal: number };
      pipeline: { byStatus: Record<string, number> };
    };
    expect(metrics.headline).toEqual(PUBLISHED_FIGURES);
    expect(metrics.submissions).toEqual({ need: 2, proposal: 2 });
    expect(metrics.pipeline.byStatus).toMatchObject({ approved: DEMO_CASES.length - 2, rejected: 2 });

    // The catalogue lists the approved cases and none of the contacts.
    const csv = await (await fetch(`${runtime.url}/catalog.csv`)).text();
    expect(csv.trim().split('\r\n')).toHaveLength(DEMO_CASES.length - 2 + 1);
    for (const { input } of DEMO_CASES) expect(csv).not.toContain(input.contact.email);
  }, 40_000);

  it('submits nothing twice and decides nothing twice when run again', async () => {
    const result = await runDemo(runtime.url, () => undefined, { timeoutMs: 20_000 });
    expect(result.submitted).toEqual({ created: 0, replayed: DEMO_CASES.length });
    expect(result.headline).toEqual(PUBLISHED_FIGURES);
  });

  it('fails, naming the figures that differ, when the runtime holds other approved cases', async () => {
    const extra = { ...DEMO_CASES[0]!.input, title: 'Un progetto in più, fuori dalla demo', facility: { name: 'Ospedale Fuori Demo' } };
    const response = await postCase(runtime, extra);
    const { reference, statusUrl } = (await response.json()) as { reference: string; statusUrl: string };
    let link: string | undefined;
    for (let i = 0; i < 200 && !link; i++) {
      link = runtime.mails().find((mail) => mail.subject.includes(`${reference} da revisionare`))?.text.match(/\/review\/[\w-]+/)?.[0];
      if (!link) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const decided = await fetch(`${runtime.url}${link}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' });
    expect(decided.status).toBe(200);
    for (let i = 0; i < 200; i++) {
      if (((await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string }).status === 'approved') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const run = runDemo(runtime.url, () => undefined, { timeoutMs: 20_000 });
    await expect(run).rejects.toThrow(DemoError);
    await expect(run).rejects.toThrow(/hospitalStructures 9 instead of 8, telexProjects 24 instead of 23, patientsImpacted 64000 instead of 59200.*1 approved cases besides/);
  });

  it('fails with a clear message when no hub-intake answers', async () => {
    await expect(runDemo('http://127.0.0.1:9', () => undefined)).rejects.toThrow(DemoError);
  });
});
