import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamo, type Emulator } from '../../infra/local/emulators';
import { aggregateMetrics } from '../../shared/app/aggregate';
import type { CaseInput } from '../../shared/core/case';
import type { CaseStatus } from '../../shared/core/case-record';
import { newCaseId } from '../../shared/core/ids';
import { createCaseStore, type CaseStore } from '../../shared/adapters/dynamodb/case-store';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createMetricsStore, type MetricsStore } from '../../shared/adapters/dynamodb/metrics-store';
import { validCase } from '../support/runtime';

let dynamo: Emulator;
let cases: CaseStore;
let metrics: MetricsStore;
/** The same store on a client whose queries come back two items a page. */
let smallPageMetrics: MetricsStore;
let queries = 0;
let clock = new Date('2026-03-02T10:00:00Z');
const now = () => clock;
const scans: unknown[] = [];

beforeAll(async () => {
  dynamo = await startDynamo('memory', 'aggregation');
  const doc = createDocumentClient(dynamo.endpoint);
  doc.middlewareStack.add((next, context) => async (args) => {
    if (context.commandName === 'ScanCommand') scans.push(args);
    return next(args);
  }, { step: 'initialize', name: 'recordScans' });
  cases = createCaseStore(doc, 'aggregation');
  metrics = createMetricsStore(doc, 'aggregation');
  smallPageMetrics = createMetricsStore(withPagesOf(doc, 2), 'aggregation');
});
afterAll(async () => {
  await dynamo?.close();
});

/** The same client, with every Query limited to `limit` items a page and counted. */
function withPagesOf(client: DynamoDBDocumentClient, limit: number): DynamoDBDocumentClient {
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return (command: unknown) => {
        if (!(command instanceof QueryCommand)) return send(command);
        queries += 1;
        return send(new QueryCommand({ ...command.input, Limit: limit }));
      };
    },
  });
}

/** Stores a case and walks it to `status` through real transitions. */
async function storeCase(status: CaseStatus, overrides: Record<string, unknown> = {}) {
  const id = newCaseId();
  const data = validCase(overrides) as unknown as CaseInput;
  const { record } = await cases.create({ id, reference: `HUB-2026-${id.slice(-6)}`, data, channel: 'api', statusTokenHash: 'h', at: clock.toISOString(), commit: { kind: 'submitted', effects: '' }, commitDueAt: clock.toISOString() });
  // What the stream's run of the commit records: the first version, the event, the status count.
  await cases.recordCommit(record!, { kind: 'submitted' });
  const path: Record<CaseStatus, CaseStatus[]> = {
    submitted: [],
    in_review: ['in_review'],
    changes_requested: ['in_review', 'changes_requested'],
    approved: ['in_review', 'approved'],
    rejected: ['in_review', 'rejected'],
    expired: ['in_review', 'expired'],
    failed: ['failed'],
  };
  let from: CaseStatus = 'submitted';
  for (const [step, to] of path[status].entries()) {
    const at = new Date(clock.getTime() + (step + 1) * 3_600_000).toISOString();
    expect(await cases.transition({ id, expectedRevision: step + 1, from, to, actor: { type: 'system', name: 'test' }, at })).toBe(true);
    from = to;
  }
  return id;
}

describe('the aggregation', () => {
  it('counts approved cases only, whatever else is stored', async () => {
    await storeCase('approved', { facility: { name: 'Ospedale Maggiore' }, patientsImpacted: 100 });
    await storeCase('approved', { facility: { name: 'ospedale  MAGGIORE' }, patientsImpacted: 50 });
    await storeCase('approved', { kind: 'hospital-app', telexServices: undefined, facility: { name: 'IEO', code: '030913' } });
    await storeCase('approved', { kind: 'need', telexServices: undefined });
    await storeCase('approved', { kind: 'proposal', telexServices: undefined });
    for (const status of ['submitted', 'in_review', 'changes_requested', 'rejected', 'expired', 'failed'] as const) {
      await storeCase(status, { facility: { name: `Not counted ${status}` }, patientsImpacted: 1_000_000 });
    }
    const { snapshot, readCapacity } = await aggregateMetrics({ metrics, now });
    expect(snapshot.headline).toEqual({ hospitalStructures: 2, telexProjects: 2, patientsImpacted: 150, hospitalApps: 1 });
    expect(snapshot.submissions).toEqual({ need: 1, proposal: 1 });
    expect(snapshot.casesConsidered).toBe(5);
    expect(snapshot.pipeline.byStatus).toEqual({ submitted: 1, in_review: 1, changes_requested: 1, approved: 5, rejected: 1, expired: 1, failed: 1 });
    expect(snapshot.pipeline.medianHoursToDecision).toBe(2);
    expect(snapshot.asOf <= snapshot.generatedAt).toBe(true);
    expect(readCapacity).toBeGreaterThan(0);
    expect(scans).toHaveLength(0);
  });

  it('keeps a history, newest first, and the latest snapshot with an entity tag', async () => {
    clock = new Date('2026-03-03T10:00:00Z');
    const first = await aggregateMetrics({ metrics, now });
    await storeCase('approved', { facility: { name: 'Ospedale Nuovo' }, patientsImpacted: 7 });
    clock = new Date('2026-03-03T11:00:00Z');
    const second = await aggregateMetrics({ metrics, now });
    expect(second.snapshot.headline.telexProjects).toBe(first.snapshot.headline.telexProjects + 1);
    expect(second.etag).not.toBe(first.etag);
    expect(await metrics.latest()).toEqual({ snapshot: second.snapshot, etag: second.etag });
    const page = await metrics.history(1);
    expect(page.items[0]?.generatedAt).toBe('2026-03-03T11:00:00.000Z');
    const next = await metrics.history(1, page.cursor);
    expect(next.items[0]?.generatedAt).toBe('2026-03-03T10:00:00.000Z');
  });

  it('folds the approved cases page by page into the same figures, reading a page only when the last one is counted', async () => {
    await storeCase('approved', { kind: 'hospital-app', telexServices: undefined, partner: 'ieo', facility: { name: 'Ospedale Nuovo' } });
    await storeCase('rejected');
    clock = new Date('2026-03-04T10:00:00Z');
    const whole = await aggregateMetrics({ metrics, now });
    queries = 0;
    const paged = await aggregateMetrics({ metrics: smallPageMetrics, now });
    expect(whole.snapshot.casesConsidered).toBe(7);
    // 7 approved cases in pages of 2 (the last page tells there is no more), 2 rejected in 1 or 2 pages.
    expect(queries).toBeGreaterThanOrEqual(5);
    expect(paged.snapshot).toEqual(whole.snapshot);
    expect(paged.etag).toBe(whole.etag);
    expect(paged.readCapacity).toBeGreaterThan(0);

    queries = 0;
    const pages = smallPageMetrics.approvedCases()[Symbol.asyncIterator]();
    const first = await pages.next();
    expect(first.done).toBe(false);
    expect(first.value.items).toHaveLength(2);
    expect(queries).toBe(1);
    await pages.next();
    expect(queries).toBe(2);
    await pages.return?.();
  });

  it('leaves the last good snapshot in place when a run fails, before the first page or after some', async () => {
    const before = await metrics.latest();
    const failing: MetricsStore = {
      ...metrics,
      approvedCases: async function* () {
        throw new Error('throttled');
      },
    };
    await expect(aggregateMetrics({ metrics: failing, now })).rejects.toThrow('throttled');
    const failingLater: MetricsStore = {
      ...smallPageMetrics,
      approvedCases: async function* () {
        let pages = 0;
        for await (const page of smallPageMetrics.approvedCases()) {
          if (++pages === 3) throw new Error('throttled on page 3');
          yield page;
        }
      },
    };
    clock = new Date('2026-03-04T11:00:00Z');
    await expect(aggregateMetrics({ metrics: failingLater, now })).rejects.toThrow('throttled on page 3');
    expect(await metrics.latest()).toEqual(before);
    expect((await metrics.history(1)).items[0]?.generatedAt).toBe(before?.snapshot.generatedAt);
  });
});
