import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import readExcelFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import type { CatalogItem } from '../../shared/app/catalog';
import type { MetricsSnapshot } from '../../shared/core/metrics';
import { postCase, postForm, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

/**
 * The target population and the medical device class, end to end: submitted as JSON by a
 * partner's system and as a urlencoded post of the Hub's form, reviewed, approved, and then in the
 * catalogue (page, JSON, CSV, spreadsheet, filters) and in the metrics and the dashboard.
 */

const REVIEWER = 'classi@hub.example.org';
let runtime: Runtime;
let snapshot: MetricsSnapshot;
const references: Record<'json' | 'form' | 'plain', string> = { json: '', form: '', plain: '' };

const unique = () => randomBytes(5).toString('hex');
const statusOf = async (statusUrl: string) => ((await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string; reference: string });

/** Approves the case from its review mail and waits until it is approved. */
async function approve(reference: string, statusUrl: string): Promise<void> {
  const mail = await waitFor(`the review mail of ${reference}`, () => runtime.mails().find((m) => m.to.includes(REVIEWER) && m.subject.includes(reference)));
  const link = /\/review\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  // The page a reviewer opens shows both classifications.
  const page = await (await fetch(`${runtime.url}${link}?lang=en`)).text();
  if (reference === references.json) {
    expect(page).toContain('<dt>Target population</dt><dd>Chronic patients, Frail elderly people</dd>');
    expect(page).toContain('<dt>Medical device (MDR class)</dt><dd>Class IIa</dd>');
  }
  const answer = await fetch(`${runtime.url}${link}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=approve' });
  expect(answer.status).toBe(200);
  await waitFor(`${reference} approved`, async () => ((await statusOf(statusUrl)).status === 'approved' ? true : undefined));
}

async function viaJson(overrides: Record<string, unknown>): Promise<string> {
  const response = await postCase(runtime, validCase({ contact: { name: 'Maria Rossi', email: `m${unique()}@example.org` }, ...overrides }));
  expect(response.status).toBe(201);
  const { reference, statusUrl } = (await response.json()) as { reference: string; statusUrl: string };
  await approve(reference, statusUrl);
  return reference;
}

async function viaForm(overrides: Record<string, unknown>): Promise<string> {
  const email = `f${unique()}@example.org`;
  const response = await postForm(runtime, validCase({ contact: { name: 'Franco Neri', email }, ...overrides }));
  expect(response.status).toBe(303);
  // The thank-you page is the case's status page: its address, less the language, is the status URL.
  const statusUrl = new URL((response.headers.get('location') ?? '').replace(/&lang=.*$/, ''), runtime.url).toString();
  const { reference } = await statusOf(statusUrl);
  const confirmation = await waitFor('the confirmation mail', () => runtime.mails().find((m) => m.to.includes(email) && /Conferm/.test(m.subject)));
  const link = new URL(/https?:\/\/\S+\/confirm\?token=\S+/.exec(confirmation.text)![0]);
  const confirmed = await fetch(`${link.origin}${link.pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: link.searchParams.get('token') ?? '' }),
  });
  expect(confirmed.status).toBe(200);
  await approve(reference, statusUrl);
  return reference;
}

beforeAll(async () => {
  runtime = await startTestRuntime({ REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '600' });
  references.json = await viaJson({
    title: 'Telemonitoraggio dello scompenso per anziani fragili',
    targetPopulation: ['chronic-patients', 'frail-elderly'],
    medicalDevice: 'class-iia',
  });
  references.form = await viaForm({
    partner: 'humanitas',
    kind: 'hospital-app',
    telexServices: undefined,
    title: 'App di accoglienza per i bambini ricoverati',
    targetPopulation: ['paediatric', 'caregivers'],
    medicalDevice: 'none',
  });
  references.plain = await viaJson({ title: 'Televisita senza classificazioni', targetPopulation: undefined, medicalDevice: undefined });
  const aggregated = await fetch(`${runtime.url}/_local/aggregate`, { method: 'POST' });
  expect(aggregated.status).toBe(200);
  snapshot = (await (await fetch(`${runtime.url}/metrics`)).json()) as MetricsSnapshot;
}, 90_000);

afterAll(async () => {
  await runtime?.close();
});

const catalogJson = async (query = '') =>
  ((await (await fetch(`${runtime.url}/catalog${query}`, { headers: { accept: 'application/json' } })).json()) as { items: CatalogItem[] }).items;

describe('the target population and the medical device class', () => {
  it('are in the published JSON Schema', async () => {
    const schema = (await (await fetch(`${runtime.url}/schema/case.json`)).json()) as { properties: Record<string, { enum?: string[]; items?: { enum?: string[] } }> };
    expect(schema.properties.targetPopulation?.items?.enum).toContain('frail-elderly');
    expect(schema.properties.medicalDevice?.enum).toEqual(['none', 'class-i', 'class-iia', 'class-iib', 'class-iii']);
  });

  it('reach the catalogue as given, from a JSON submission and from the form, and nothing for a case without them', async () => {
    const items = await catalogJson('?limit=100');
    const byReference = new Map(items.map((item) => [item.reference, item]));
    expect(byReference.get(references.json)).toMatchObject({ targetPopulation: ['chronic-patients', 'frail-elderly'], medicalDevice: 'class-iia' });
    expect(byReference.get(references.form)).toMatchObject({ targetPopulation: ['paediatric', 'caregivers'], medicalDevice: 'none' });
    const plain = byReference.get(references.plain)!;
    expect(plain.targetPopulation).toEqual([]);
    expect(plain).not.toHaveProperty('medicalDevice');
    for (const item of items) expect(JSON.stringify(item)).not.toMatch(/example\.org|Maria Rossi|Franco Neri/);
  });

  it('filter the catalogue, and an unknown value answers 400', async () => {
    expect((await catalogJson('?targetPopulation=paediatric')).map((item) => item.reference)).toEqual([references.form]);
    expect((await catalogJson('?medicalDevice=class-iia')).map((item) => item.reference)).toEqual([references.json]);
    expect(await catalogJson('?medicalDevice=class-iii')).toEqual([]);
    const refused = await fetch(`${runtime.url}/catalog?medicalDevice=class-iv`, { headers: { accept: 'application/json', 'accept-language': 'en' } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { detail: string }).detail).toContain('medicalDevice does not accept "class-iv"');
    const page = await (await fetch(`${runtime.url}/catalog?lang=en&targetPopulation=caregivers`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('<dt>Target population</dt><dd>Paediatric patients, Caregivers</dd>');
    expect(page).toContain('<dt>Medical device (MDR class)</dt><dd>Not a medical device</dd>');
  });

  it('are columns of the CSV and of the spreadsheet, labelled there, with no contact data', async () => {
    const csv = await (await fetch(`${runtime.url}/catalog.csv`)).text();
    expect(csv).not.toMatch(/example\.org|Maria Rossi|Franco Neri/);
    const [header, ...rows] = parse(csv.replace(/^\uFEFF/, '')) as string[][];
    const at = (row: string[], column: string) => row[header!.indexOf(column)];
    const jsonRow = rows.find((row) => at(row, 'reference') === references.json)!;
    expect([at(jsonRow, 'targetPopulation'), at(jsonRow, 'medicalDevice')]).toEqual(['chronic-patients;frail-elderly', 'class-iia']);
    const xlsx = Buffer.from(await (await fetch(`${runtime.url}/catalog.xlsx?lang=it`)).arrayBuffer());
    const [sheet] = await readExcelFile(xlsx);
    const [names, ...cells] = sheet!.data;
    const formRow = cells.find((row) => row[names!.indexOf('Riferimento')] === references.form)!;
    expect(formRow[names!.indexOf('Popolazione destinataria')]).toBe('Pazienti pediatrici, Caregiver');
    expect(formRow[names!.indexOf('Dispositivo medico (classe MDR)')]).toBe('Non è un dispositivo medico');
    expect(JSON.stringify(sheet!.data)).not.toMatch(/example\.org|Maria Rossi|Franco Neri/);
  });

  it('are broken down in the metrics, every value listed, and charted on the dashboard', async () => {
    expect(snapshot.headline).toMatchObject({ telexProjects: 2, hospitalApps: 1 });
    expect(snapshot.breakdowns.targetPopulation).toMatchObject({ 'chronic-patients': 1, 'frail-elderly': 1, paediatric: 1, caregivers: 1, disabled: 0 });
    expect(snapshot.breakdowns.medicalDevice).toEqual({ none: 1, 'class-i': 0, 'class-iia': 1, 'class-iib': 0, 'class-iii': 0 });
    const dashboard = await (await fetch(`${runtime.url}/dashboard?lang=en`)).text();
    expect(dashboard).toContain('id="chart-targetPopulation"');
    expect(dashboard).toContain('id="chart-medicalDevice"');
    expect(dashboard).toContain('Not a medical device');
  });
});
