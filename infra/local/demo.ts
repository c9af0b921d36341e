// `npm run demo`: fills a hub-intake with the member organisations' cases through the real HTTP API,
// reviews them from the reviewers' mail links, and checks that the Hub's published table comes out.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEMO_CASES, PUBLISHED_FIGURES, type DemoCase } from './demo-cases';
import type { Findings, Share } from '../../shared/core/findings';
import { parseReviewerText, type Reviewer } from '../../shared/core/reviewers';
import { stageConfig } from '../config';

export type Log = (line: string) => void;

type Headline = { [K in keyof typeof PUBLISHED_FIGURES]: number };

/**
 * The reviewers and the coordinator of the runtime the demo starts for itself (`REVIEWERS` and
 * `COORDINATORS` unless the environment sets them): two reviewers of member organisations that
 * submit demo cases, so that the demo shows their own organisation's cases never reach them.
 */
export const DEMO_REVIEWERS: readonly Reviewer[] = [
  { email: 'revisore.humanitas@hub.example.org', organisation: 'humanitas' },
  { email: 'revisore.maugeri@hub.example.org', organisation: 'maugeri' },
];
export const DEMO_COORDINATORS: readonly Reviewer[] = [{ email: 'coordinamento@hub.example.org' }];

/**
 * The reviewers and coordinators the demo checks the mailbox against: those of `REVIEWERS` and
 * `COORDINATORS` when this process has them (the same shell as the runtime's `npm start`), else
 * the demo's own and the `local` stage's defaults, what a runtime started without them has.
 */
export function knownReviewers(env: Record<string, string | undefined>): Reviewer[] {
  const listed = (raw: string | undefined): Reviewer[] | undefined => {
    if (!raw) return undefined;
    const parsed = parseReviewerText(raw);
    if (!parsed.ok) throw new DemoError(`REVIEWERS or COORDINATORS cannot be read: ${parsed.problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('; ')}`);
    return parsed.value;
  };
  const local = stageConfig('local');
  return [
    ...(listed(env.REVIEWERS) ?? [...DEMO_REVIEWERS, ...local.reviewers]),
    ...(listed(env.COORDINATORS) ?? [...DEMO_COORDINATORS, ...local.coordinators]),
  ];
}

/** How the review mails of the demo's cases were routed, by what the demo knows of the reviewers. */
export interface DemoRouting {
  /** Review mails of the demo's cases (first requests, reminders, escalations). */
  reviewMails: number;
  /** Of the demo's cases, those from the organisation of a reviewer the demo knows. */
  casesFromReviewersOrganisations: number;
  /** Review mails that reached a reviewer of the submitting organisation: always 0, else the demo fails. */
  ownOrganisation: number;
}

export interface DemoResult {
  headline: Headline;
  routing: DemoRouting;
  /** The findings of the report, as the aggregation computed them. */
  findings: Findings;
  dashboardUrl: string;
  /** The report, in Italian (`?lang=en` for English). */
  reportUrl: string;
  /** Cases submitted by this run, and cases an earlier run had submitted already (same Idempotency-Key). */
  submitted: { created: number; replayed: number };
  /** Each approved need of the demo and the approved practices that answer it, as its status page lists them. */
  matches: NeedShown[];
}

/** An approved need and its matching practices, from the need's status link. */
export interface NeedShown {
  key: string;
  reference: string;
  title: string;
  practices: { reference: string; title: string; partnerName: string; why: string }[];
}

/** Why the demo could not reproduce the figures; the message says what to do. */
export class DemoError extends Error {}

interface Submitted {
  demo: DemoCase;
  id: string;
  reference: string;
  /** The case's status link, on the runtime's own URL. */
  statusUrl: string;
}

const FINAL = { approve: 'approved', reject: 'rejected' } as const;
const DECIDED = new Set(['approved', 'rejected', 'expired', 'failed']);
const POLL_MS = 150;
const CONCURRENCY = 6;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Runs `task` over `items`, `limit` at a time, keeping the order of the results. */
async function pooled<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Calls the runtime; a refused connection becomes a DemoError that names the URL. */
async function call(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new DemoError(`hub-intake at ${new URL(url).origin} did not answer ${init?.method ?? 'GET'} ${new URL(url).pathname}: ${error instanceof Error ? (error.cause as Error | undefined)?.message ?? error.message : String(error)}`);
  }
}

async function problemText(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { title?: string; detail?: string; errors?: { path: string; message: string }[] };
    return [body.title, body.detail, ...(body.errors ?? []).map((e) => `${e.path}: ${e.message}`)].filter(Boolean).join(' ');
  } catch {
    return text.slice(0, 200);
  }
}

interface MailEntry {
  to: string[];
  subject: string;
  text: string;
}

/**
 * Fills the hub-intake at `baseUrl` with the demo cases, reviews each from the link in a reviewer's
 * mail, runs the aggregation and checks the Hub's published figures. Safe to run twice against the
 * same runtime: submissions carry an Idempotency-Key and decided cases are left alone.
 */
export async function runDemo(
  baseUrl: string,
  log: Log = console.log,
  options: { timeoutMs?: number; reviewers?: readonly Reviewer[] } = {},
): Promise<DemoResult> {
  const run: DemoRun = { base: baseUrl.replace(/\/+$/, ''), deadline: Date.now() + (options.timeoutMs ?? 120_000), log };
  const approvals = DEMO_CASES.filter((demo) => demo.decision === 'approve').length;
  const partners = new Set(DEMO_CASES.map((demo) => demo.input.partner)).size;
  log(`Submitting ${DEMO_CASES.length} cases of ${partners} member organisations to ${run.base} ...`);

  const { submitted, replayed } = await submitCases(run);
  log(`  ${submitted.length - replayed} submitted${replayed ? `, ${replayed} already there from an earlier run` : ''}`);
  const decidedByUs = await reviewCases(run, submitted);
  await awaitOutcomes(run, submitted);
  log(`  ${submitted.length} decided (${decidedByUs} now, ${submitted.length - decidedByUs} before): ${approvals} approved, ${submitted.length - approvals} rejected`);
  const routing = await checkRouting(run, submitted, options.reviewers ?? knownReviewers(process.env));
  const { headline, findings } = await checkFigures(run, approvals);
  const matches = await showMatches(run, submitted);
  const dashboardUrl = `${run.base}/dashboard`;
  const reportUrl = `${run.base}/report?lang=it`;
  log(`Dashboard: ${dashboardUrl}`);
  log(`Catalogue: ${run.base}/catalog (CSV: ${run.base}/catalog.csv, spreadsheet: ${run.base}/catalog.xlsx)`);
  logFindings(log, findings);
  log(`Report: ${reportUrl} (English: ${run.base}/report?lang=en; print it for a PDF)`);
  return { headline, routing, findings, dashboardUrl, reportUrl, submitted: { created: submitted.length - replayed, replayed }, matches };
}

/** "42.3% (11 of 26)" */
const shareText = (part: Share) => `${part.percent === null ? '-' : `${part.percent}%`} (${part.count} of ${part.total})`;

/** 5. The report's computed findings, one line each, as /metrics and /report have them. */
function logFindings(log: Log, findings: Findings): void {
  log(`The report's findings (rules ${findings.version}, over ${findings.projects} approved projects):`);
  const rows: [string, string][] = [
    ['leading clinical areas', findings.leadingClinicalAreas.map((area) => `${area.area} ${area.percent}%`).join(', ') || '-'],
    ['reimbursement unclear or not stated', shareText(findings.reimbursementUnclear)],
    ['interoperable with the FSE or through FHIR', shareText(findings.interoperable)],
    ['funded by the PNRR', shareText(findings.pnrrFunded)],
    ['at home / in hospital', `${shareText(findings.settings.home)} / ${shareText(findings.settings.hospital)}`],
    ['mature (active, scaled or concluded)', shareText(findings.stages.mature)],
  ];
  for (const [label, value] of rows) log(`  ${label.padEnd(44)} ${value}`);
}

/** 6. Shows, for each approved need, the approved practices that answer it, as its submitter sees them on the status page. */
async function showMatches({ log }: DemoRun, submitted: readonly Submitted[]): Promise<NeedShown[]> {
  const needs = submitted.filter((item) => item.demo.input.kind === 'need' && item.demo.decision === 'approve');
  const shown = await pooled(needs, CONCURRENCY, async (item): Promise<NeedShown> => {
    const response = await call(`${item.statusUrl}&lang=it`, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new DemoError(`GET ${new URL(item.statusUrl).pathname} for ${item.reference} answered ${response.status}: ${await problemText(response)}`);
    const body = (await response.json()) as { matches?: { practices: NeedShown['practices'] } };
    const practices = (body.matches?.practices ?? []).map(({ reference, title, partnerName, why }) => ({ reference, title, partnerName, why }));
    return { key: item.demo.key, reference: item.reference, title: item.demo.input.title, practices };
  });
  log('Needs and the practices that answer them (the need\'s status page):');
  for (const need of shown) {
    log(`  ${need.reference} ${need.title}: ${need.practices.length === 0 ? 'none yet' : need.practices.length === 1 ? '1 practice' : `${need.practices.length} practices`}`);
    need.practices.forEach((practice, index) => log(`    ${index + 1}. ${practice.title} (${practice.partnerName}) - ${practice.why}`));
  }
  return shown;
}

/** One run of the demo: the runtime's URL, when to give up, where to report. */
interface DemoRun {
  base: string;
  deadline: number;
  log: Log;
}

/** 1. Submits through the public API, as a partner's integration would: with the partner's own key. */
async function submitCases({ base }: DemoRun): Promise<{ submitted: Submitted[]; replayed: number }> {
  const onBase = (link: string) => {
    const url = new URL(link, base);
    return `${base}${url.pathname}${url.search}`;
  };
  const keys = new Map<string, Promise<string>>();
  const keyFor = (partner: string) => {
    let key = keys.get(partner);
    if (!key) {
      key = call(`${base}/_local/partner-keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ partner }) }).then(async (response) => {
        if (response.status !== 201) throw new DemoError(`POST /_local/partner-keys for ${partner} answered ${response.status}: ${await problemText(response)} (the demo needs the embedded runtime, npm start)`);
        return ((await response.json()) as { key: string }).key;
      });
      keys.set(partner, key);
    }
    return key;
  };
  let replayed = 0;
  const submitted = await pooled(DEMO_CASES, CONCURRENCY, async (demo): Promise<Submitted> => {
    const response = await call(`${base}/cases`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Bearer ${await keyFor(demo.input.partner)}`,
        'idempotency-key': `hub-demo-${demo.key}`,
      },
      body: JSON.stringify(demo.input),
    });
    if (response.status !== 201) {
      throw new DemoError(`POST /cases for "${demo.key}" answered ${response.status}: ${await problemText(response)}`);
    }
    if (response.headers.get('idempotent-replayed') === 'true') replayed += 1;
    const body = (await response.json()) as { id: string; reference: string; statusUrl: string };
    return { demo, id: body.id, reference: body.reference, statusUrl: onBase(body.statusUrl) };
  });
  return { submitted, replayed };
}

/** The status of a submitted case, from its status link. */
async function statusOf(item: Submitted): Promise<string> {
  const response = await call(item.statusUrl, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new DemoError(`GET ${new URL(item.statusUrl).pathname} for ${item.reference} answered ${response.status}: ${await problemText(response)}`);
  return ((await response.json()) as { status: string }).status;
}

/**
 * 2. Reviews each case that is not decided yet, from the link in the reviewer mail of its
 * reference, polling the mailbox until every such mail has come. Returns how many this run decided.
 */
async function reviewCases({ base, deadline, log }: DemoRun, submitted: readonly Submitted[]): Promise<number> {
  const initial = await pooled(submitted, CONCURRENCY, statusOf);
  let pending = submitted.filter((_, index) => !DECIDED.has(initial[index]!));
  const toReject = pending.filter((item) => item.demo.decision === 'reject').length;
  log(`Reviewing ${pending.length} cases (${pending.length - toReject} to approve, ${toReject} to reject) from the reviewer links in ${base}/_local/mail ...`);
  let decidedByUs = 0;
  while (pending.length > 0) {
    if (Date.now() > deadline) {
      throw new DemoError(`No reviewer mail arrived for ${pending.map((item) => item.reference).join(', ')}. Are reviewers configured (REVIEWERS) and the workflow running?`);
    }
    const mails = await mailbox(base);
    const waiting: Submitted[] = [];
    await pooled(pending, CONCURRENCY, async (item) => {
      // Newest first: with several reviewers, any one of them decides; a reminder supersedes the first mail.
      const mail = mails.find((m) => m.subject.includes(`${item.reference} da revisionare`));
      const link = mail?.text.match(/\/review\/[A-Za-z0-9_-]+/)?.[0];
      if (!link) {
        waiting.push(item);
        return;
      }
      const form = new URLSearchParams({ decision: item.demo.decision, ...(item.demo.comment ? { comment: item.demo.comment } : {}) });
      const answer = await call(`${base}${link}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: form.toString(),
      });
      // 409: decided already (another reviewer, or an earlier run); the status check below says how.
      if (answer.status !== 200 && answer.status !== 409) {
        throw new DemoError(`The review of ${item.reference} (${item.demo.key}) answered ${answer.status} to "${item.demo.decision}".`);
      }
      await answer.arrayBuffer();
      if (answer.status === 200) decidedByUs += 1;
    });
    pending = waiting;
    if (pending.length > 0) await sleep(POLL_MS);
  }
  return decidedByUs;
}

/** 3. Waits until every case has its outcome, and checks it is the intended one. */
async function awaitOutcomes({ deadline }: DemoRun, submitted: readonly Submitted[]): Promise<void> {
  let undecided = [...submitted];
  while (undecided.length > 0) {
    const statuses = await pooled(undecided, CONCURRENCY, statusOf);
    const wrong = undecided
      .map((item, index) => ({ item, status: statuses[index]! }))
      .filter(({ item, status }) => DECIDED.has(status) && status !== FINAL[item.demo.decision]);
    if (wrong.length > 0) {
      throw new DemoError(`Cases ended differently than intended: ${wrong.map(({ item, status }) => `${item.reference} (${item.demo.key}) is ${status}, not ${FINAL[item.demo.decision]}`).join('; ')}.`);
    }
    undecided = undecided.filter((_, index) => !DECIDED.has(statuses[index]!));
    if (undecided.length === 0) break;
    if (Date.now() > deadline) throw new DemoError(`Still undecided after the reviews: ${undecided.map((item) => `${item.reference} (${item.demo.key})`).join(', ')}.`);
    await sleep(POLL_MS);
  }
}

/** The mailbox of the runtime, newest first. */
async function mailbox(base: string): Promise<MailEntry[]> {
  const response = await call(`${base}/_local/mail`, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    throw new DemoError(`GET /_local/mail answered ${response.status}: the demo needs the embedded runtime (npm start), whose mailbox holds the reviewers' links.`);
  }
  return (await response.json()) as MailEntry[];
}

/**
 * 3b. Checks the conflict-of-interest rule in the mailbox: no review mail of a case (its first
 * request, a reminder, an escalation) went to a reviewer of the organisation that submitted it.
 */
async function checkRouting({ base, log }: DemoRun, submitted: readonly Submitted[], reviewers: readonly Reviewer[]): Promise<DemoRouting> {
  const mails = await mailbox(base);
  const organisationOf = new Map(reviewers.filter((r) => r.organisation).map((r) => [r.email.toLowerCase(), r.organisation!]));
  const ownOrganisations = new Set(organisationOf.values());
  let reviewMails = 0;
  const conflicts: string[] = [];
  for (const item of submitted) {
    const forCase = mails.filter((m) => m.subject.includes(item.reference) && /da revisionare|senza decisione/.test(m.subject));
    reviewMails += forCase.length;
    for (const mail of forCase) {
      for (const to of mail.to) {
        if (organisationOf.get(to.toLowerCase()) === item.demo.input.partner) conflicts.push(`${item.reference} (${item.demo.input.partner}) to ${to}`);
      }
    }
  }
  const fromOwn = submitted.filter((item) => ownOrganisations.has(item.demo.input.partner)).length;
  if (conflicts.length > 0) throw new DemoError(`Review mails reached a reviewer of the submitting organisation: ${conflicts.join('; ')}.`);
  if (ownOrganisations.size === 0) {
    log('Conflict of interest: no reviewer of a member organisation is known to the demo; nothing to check.');
  } else {
    log(
      `Conflict of interest: ${fromOwn} cases came from the organisations of reviewers (${[...ownOrganisations].join(', ')}); ` +
        `none of the ${reviewMails} review mails reached a reviewer of the submitting organisation.`,
    );
  }
  return { reviewMails, casesFromReviewersOrganisations: fromOwn, ownOrganisation: conflicts.length };
}

/** 4. Aggregates now rather than waiting for the schedule, and compares with the published table. */
async function checkFigures({ base, log }: DemoRun, approvals: number): Promise<{ headline: Headline; findings: Findings }> {
  log('Aggregating ...');
  const aggregated = await call(`${base}/_local/aggregate`, { method: 'POST', headers: { accept: 'application/json' } });
  if (!aggregated.ok) throw new DemoError(`POST /_local/aggregate answered ${aggregated.status}: ${await problemText(aggregated)}`);
  const snapshot = (await aggregated.json()) as { headline: Headline; casesConsidered: number; findings: Findings };
  const rows: [keyof Headline, string][] = [
    ['hospitalStructures', 'Strutture ospedaliere / hospital structures'],
    ['telexProjects', 'Progetti di Tele-X mappati / Tele-X projects'],
    ['patientsImpacted', 'Pazienti impattati / patients reached'],
    ['hospitalApps', 'Applicazioni digitali per ospedale / hospital apps'],
  ];
  const format = (value: number) => value.toLocaleString('it-IT');
  const mismatches = rows.filter(([field]) => snapshot.headline[field] !== PUBLISHED_FIGURES[field]);
  log('The Hub figures:');
  for (const [field, label] of rows) {
    const ok = snapshot.headline[field] === PUBLISHED_FIGURES[field];
    log(`  ${label.padEnd(52)} ${format(snapshot.headline[field]).padStart(7)}  ${ok ? 'ok' : `expected ${format(PUBLISHED_FIGURES[field])}`}`);
  }
  if (mismatches.length > 0) {
    const others = snapshot.casesConsidered - approvals;
    throw new DemoError(
      `The figures differ from the Hub's published table (${mismatches.map(([field]) => `${field} ${snapshot.headline[field]} instead of ${PUBLISHED_FIGURES[field]}`).join(', ')}).` +
        (others > 0 ? ` The runtime holds ${others} approved cases besides the demo's: run the demo on a fresh runtime (DATA_DIR=memory npm start, or no npm start at all).` : ''),
    );
  }
  return { headline: snapshot.headline, findings: snapshot.findings };
}

/** What answers at `url`: a local hub-intake (its mailbox answers), something else, or nothing. */
async function probe(url: string): Promise<'hub-intake' | 'other' | 'nothing'> {
  try {
    const response = await fetch(`${url}/_local/mail`, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(3000) });
    const body: unknown = response.ok ? await response.json().catch(() => undefined) : await response.arrayBuffer();
    return Array.isArray(body) ? 'hub-intake' : 'other';
  } catch {
    return 'nothing';
  }
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.LOG_LEVEL ??= 'WARN';
  const target = (process.env.DEMO_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  const found = await probe(target);
  if (found === 'hub-intake') {
    await runDemo(target);
    return;
  }
  if (found === 'other' && process.env.DEMO_URL) {
    throw new DemoError(`${target} answers, but not as a hub-intake started with npm start (GET /_local/mail). Point DEMO_URL at one, or unset it to let the demo start its own.`);
  }

  console.log(`No hub-intake answers at ${target}: starting one in this process (DATA_DIR=${process.env.DATA_DIR ?? 'memory'}) ...`);
  const { settingsFromEnv, startRuntime } = await import('./runtime');
  const settings = settingsFromEnv({
    // Reviewers of member organisations, so that the run shows their own cases never reach them.
    REVIEWERS: JSON.stringify(DEMO_REVIEWERS),
    COORDINATORS: JSON.stringify(DEMO_COORDINATORS),
    ...process.env,
    PORT: process.env.PORT ?? '0',
    DATA_DIR: process.env.DATA_DIR ?? 'memory',
  });
  const runtime = await startRuntime({ ...settings, accessLog: process.env.ACCESS_LOG === 'on' });
  let stopping = false;
  const stop = (code: number) => {
    if (stopping) return;
    stopping = true;
    runtime.close().then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  try {
    await runDemo(runtime.url);
  } catch (error) {
    stopping = true;
    await runtime.close().catch(() => undefined);
    throw error;
  }
  console.log(`\nhub-intake keeps running on ${runtime.url} so you can look around (mail viewer: ${runtime.mailViewerUrl}). Ctrl+C stops it.`);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  main().catch((error: unknown) => {
    console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
    if (!(error instanceof DemoError) && error instanceof Error && error.stack) console.error(error.stack);
    process.exit(1);
  });
}
