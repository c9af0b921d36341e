import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { newCaseId } from '../../shared/core/ids';
import { keys } from '../../shared/adapters/dynamodb/keys';
import { random, submissionPayload } from './cases';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { createChallenge } from '../../shared/app/challenge';
import { submitCase } from '../../shared/app/submit-case';
import { streamInProcess } from '../local/stream';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { BENCH_CHALLENGE_KEY, benchDeps, inMemoryPartnerKeys, submitAsPartner, nullTable, openTable, type BenchDeps, type BenchTable } from './harness';
import { summarize, type TimingSummary } from './stats';

type Item = Record<string, unknown>;

/** The DynamoDB requests one submission sends before it answers, in order (each waits for the one before). */
export interface RoundTrips {
  path: string;
  calls: string[];
}

export interface SubmitLatencyResult {
  n: number;
  warmup: number;
  /** `submitCase` end to end, to its answer: validation, the caller's check, the one write of the case. */
  submit: TimingSummary;
  /** The sequential round trips of each way in: a partner's key, the same with an Idempotency-Key, the form. */
  roundTrips: RoundTrips[];
  /** Submissions whose commit the table's stream ran during the measurement (untimed, between samples). */
  commitsRun: number;
  /** One PutCommand of the same case item to the same table. */
  barePut: TimingSummary;
  /** The same put with the condition that makes it a create (`attribute_not_exists(pk)`). */
  conditionalPut: TimingSummary;
  /** `submitCase` with a table that answers at once: our code's own share (validation, ids, items, mails). */
  codeOnly: TimingSummary;
  /** The case item the submissions wrote, as put by the bare writes (one example). */
  caseItem: Item;
  /** The raw samples, in milliseconds, in the order taken. */
  samples: { submit: number[]; barePut: number[]; conditionalPut: number[]; codeOnly: number[] };
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
  const deps = benchDeps(table);
  // The stream runs each commit as on AWS, after the answer and elsewhere: between samples, never
  // inside one, with a client of its own (whose calls are not the submission's).
  const streamDoc = createDocumentClient(table.emulator!.endpoint);
  const streamDeps = benchDeps({ ...table, doc: streamDoc });
  const stream = streamInProcess(table.emulator!, table.tableName, streamDeps, { log: (message, extra) => console.error(message, extra) });
  try {
    const caseItem = lastCaseItem(table.doc);
    const rng = random(42);
    const asPartner = await submitAsPartner(deps);
    const submit = (i: number) => asPartner(submissionPayload(rng, i));
    const put = () => table.doc.send(new PutCommand({ TableName: table.tableName, Item: asNewCase(caseItem()!) }));
    // The same put, conditioned as a create is: dynalite reads the item first to check it.
    const putNew = () => table.doc.send(new PutCommand({ TableName: table.tableName, Item: asNewCase(caseItem()!), ConditionExpression: 'attribute_not_exists(pk)' }));
    const samples = { submit: [] as number[], barePut: [] as number[], conditionalPut: [] as number[] };
    let commitsRun = 0;
    for (let i = 0; i < warmup + n; i++) {
      // Both timed with the stream held, in alternating order, so that neither always follows the
      // stream's work; the stream then runs the commit, untimed.
      stream.pause();
      let submitMs: number;
      let putMs: number;
      if (i % 2 === 0) {
        submitMs = await timed(() => submit(i));
        putMs = await timed(put);
      } else {
        putMs = await timed(put);
        submitMs = await timed(() => submit(i));
      }
      const createMs = await timed(putNew);
      stream.resume();
      await stream.idle();
      // Each commit sends its receipt: one per submission once the stream has run.
      commitsRun += streamDeps.mails.length;
      streamDeps.mails.length = 0;
      // Keep the mail stand-in from growing across 1,000 submissions.
      deps.mails.length = 0;
      if (i < warmup) continue;
      samples.submit.push(submitMs);
      samples.barePut.push(putMs);
      samples.conditionalPut.push(createMs);
    }
    const codeOnly = await measureCodeOnly(n, warmup);
    const roundTrips = await measureRoundTrips(table, deps, asPartner);
    await stream.idle();
    streamDoc.destroy();
    return {
      n,
      warmup,
      submit: summarize(samples.submit),
      roundTrips,
      commitsRun,
      barePut: summarize(samples.barePut),
      conditionalPut: summarize(samples.conditionalPut),
      codeOnly: summarize(codeOnly),
      caseItem: caseItem()!,
      samples: { ...samples, codeOnly },
    };
  } finally {
    await stream.close();
    await table.close();
  }
}

/** Records the DynamoDB commands `doc` sends while `work` runs. */
async function callsDuring(doc: DynamoDBDocumentClient, work: () => Promise<unknown>): Promise<string[]> {
  const calls: string[] = [];
  const name = `benchRoundTrips${Math.random().toString(36).slice(2)}`;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      calls.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name },
  );
  try {
    await work();
  } finally {
    doc.middlewareStack.remove(name);
  }
  return calls;
}

/**
 * The round trips of one warm submission by each way in. `submitCase` awaits each call before
 * the next, so the calls it sends are its sequential round trips.
 */
async function measureRoundTrips(table: BenchTable, deps: BenchDeps, asPartner: Awaited<ReturnType<typeof submitAsPartner>>): Promise<RoundTrips[]> {
  const rng = random(99);
  const paths: RoundTrips[] = [];
  await asPartner(submissionPayload(rng, 0));
  paths.push({ path: 'partner key', calls: await callsDuring(table.doc, () => asPartner(submissionPayload(rng, 1))) });
  paths.push({ path: 'partner key, Idempotency-Key', calls: await callsDuring(table.doc, () => asPartner(submissionPayload(rng, 2), { idempotencyKey: 'bench-round-trips-0001' })) });
  const form = async (i: number) => {
    const payload = { ...submissionPayload(rng, i), altcha: await solvedBenchChallenge(String(submissionPayload(rng, i).partner)) };
    return submitCase(deps, { payload, lang: 'it', origin: deps.ownOrigin });
  };
  paths.push({ path: 'form (challenge)', calls: await callsDuring(table.doc, () => form(3)) });
  return paths;
}

/** A solved challenge of the bench's key, cheap to solve: the form's way in without a browser. */
async function solvedBenchChallenge(partner: string): Promise<string> {
  const challenge = await createChallenge({ partnerId: partner, now: new Date(), hmacKey: BENCH_CHALLENGE_KEY, maxNumber: 40, cost: 5 });
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('no solution found');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
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
