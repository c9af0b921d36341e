import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newCaseId } from '../../shared/core/ids';
import { keys } from '../../shared/adapters/dynamodb/keys';
import { random, submissionPayload } from './cases';
import { benchDeps, inMemoryPartnerKeys, submitAsPartner, nullTable, openTable } from './harness';
import { summarize, type TimingSummary } from './stats';

type Item = Record<string, unknown>;

export interface SubmitLatencyResult {
  n: number;
  warmup: number;
  /** `submitCase` end to end: validation, reference, case with version, event and outbox, effects run inline. */
  submit: TimingSummary;
  /** One PutCommand of the same case item to the same table. */
  barePut: TimingSummary;
  /** `submitCase` with a table that answers at once: our code's own share (validation, ids, items, mails). */
  codeOnly: TimingSummary;
  /** The case item the submissions wrote, as put by the bare writes (one example). */
  caseItem: Item;
  /** The raw samples, in milliseconds, in the order taken. */
  samples: { submit: number[]; barePut: number[]; codeOnly: number[] };
}

/** Keeps the last case item a `CaseStore` put through `doc`. */
function lastCaseItem(doc: DynamoDBDocumentClient): () => Item | undefined {
  let last: Item | undefined;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const item = (args.input as { Item?: Item }).Item;
      if (context.commandName === 'PutItemCommand' && item?.type === 'case') last = item;
      return next(args);
    },
    { step: 'initialize', name: 'benchLastCaseItem' },
  );
  return () => last;
}

/** The case item again under a new id, as a new case would be written. */
function asNewCase(item: Item): Item {
  const id = newCaseId();
  return { ...item, ...keys.case(id), ...keys.byStatus('submitted', String(item.createdAt), id), id };
}

const timed = async (work: () => Promise<unknown>): Promise<number> => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

/**
 * Warm submission latency in process on dynalite: `submitCase` with the real stores and recording
 * stand-ins for mail and workflow, against one bare put of the case item it writes. The two are
 * interleaved, one of each per iteration, so that both see the same table and the same machine.
 */
export async function measureSubmitLatency(n: number, warmup: number): Promise<SubmitLatencyResult> {
  const table = await openTable('bench-latency');
  try {
    const caseItem = lastCaseItem(table.doc);
    const deps = benchDeps(table);
    const rng = random(42);
    const asPartner = await submitAsPartner(deps);
    const submit = (i: number) => asPartner(submissionPayload(rng, i));
    const put = () => table.doc.send(new PutCommand({ TableName: table.tableName, Item: asNewCase(caseItem()!) }));
    const samples = { submit: [] as number[], barePut: [] as number[] };
    for (let i = 0; i < warmup + n; i++) {
      const submitMs = await timed(() => submit(i));
      const putMs = await timed(put);
      // Keep the mail stand-in from growing across 1,000 submissions.
      deps.mails.length = 0;
      if (i < warmup) continue;
      samples.submit.push(submitMs);
      samples.barePut.push(putMs);
    }
    const codeOnly = await measureCodeOnly(n, warmup);
    return { n, warmup, submit: summarize(samples.submit), barePut: summarize(samples.barePut), codeOnly: summarize(codeOnly), caseItem: caseItem()!, samples: { ...samples, codeOnly } };
  } finally {
    await table.close();
  }
}

/** `submitCase` timings with every DynamoDB call answered at once. */
async function measureCodeOnly(n: number, warmup: number): Promise<number[]> {
  const deps = { ...benchDeps(nullTable()), partnerKeys: inMemoryPartnerKeys() };
  const asPartner = await submitAsPartner(deps);
  const rng = random(42);
  const samples: number[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const ms = await timed(() => asPartner(submissionPayload(rng, i)));
    deps.mails.length = 0;
    if (i >= warmup) samples.push(ms);
  }
  return samples;
}
