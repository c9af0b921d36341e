import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { median } from './stats';

const run = promisify(execFile);

/**
 * Runs in a fresh Node process: times `await import(bundle)` and prints the milliseconds. Only
 * the import is timed, not Node's own start-up, which Lambda pays for every function alike.
 */
const LOADER = [
  'const url = process.argv[1];',
  'const started = performance.now();',
  'await import(url);',
  'process.stdout.write(String(performance.now() - started));',
].join('\n');

/**
 * Runs in a fresh Node process: times `await import(bundle)` plus one call of its `handler` with
 * the event (the second argument, JSON, parsed before the clock starts, as the Lambda runtime
 * does) and a minimal Lambda context, and prints the milliseconds and what the call did as JSON
 * on its last line. A call that throws is timed all the same. It then exits: the SDK's kept-alive
 * sockets would hold the process open, where Lambda would freeze it.
 */
const INVOKER = [
  'const [url, eventJson, functionName] = process.argv.slice(1);',
  'const event = JSON.parse(eventJson);',
  'const context = {',
  "  callbackWaitsForEmptyEventLoop: true, functionName, functionVersion: '$LATEST', memoryLimitInMB: '512',",
  '  invokedFunctionArn: `arn:aws:lambda:eu-south-1:000000000000:function:${functionName}`,',
  "  awsRequestId: crypto.randomUUID(), logGroupName: `/aws/lambda/${functionName}`, logStreamName: 'bench',",
  '  getRemainingTimeInMillis: () => 10_000, done() {}, fail() {}, succeed() {},',
  '};',
  'let outcome;',
  'const started = performance.now();',
  'try {',
  '  const { handler } = await import(url);',
  '  const result = await handler(event, context);',
  '  outcome = { statusCode: result?.statusCode, failedItems: Array.isArray(result?.batchItemFailures) ? result.batchItemFailures.length : undefined };',
  '} catch (error) {',
  '  outcome = { threw: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };',
  '}',
  'const ms = performance.now() - started;',
  "process.stdout.write(`\n${JSON.stringify({ ms, ...outcome })}\n`, () => process.exit(0));",
].join('\n');

/** A bundle to load, by name; `event` is what its first invocation is called with. */
export interface LoadTarget {
  name: string;
  file: string;
  event?: unknown;
}

/** What one first invocation did, as the invoking process reports it. */
export interface InvocationOutcome {
  statusCode?: number;
  /** Length of a stream or batch handler's `batchItemFailures`. */
  failedItems?: number;
  /** The error's name and message, when the handler threw. */
  threw?: string;
}

/**
 * A first invocation's outcome in words for the table: "answered 404", "threw: TypeError: …",
 * "1 failed item(s)", or "returned" for a handler that gives back no HTTP status.
 */
export function describeOutcome(outcome: InvocationOutcome): string {
  if (outcome.threw !== undefined) return `threw: ${outcome.threw.length > 80 ? `${outcome.threw.slice(0, 79)}…` : outcome.threw}`;
  if (outcome.statusCode !== undefined) return `answered ${outcome.statusCode}`;
  if (outcome.failedItems) return `${outcome.failedItems} failed item(s)`;
  return 'returned';
}

/** The distinct outcomes of a series of invocations, with how many runs had each when they differ: "answered 404" or "answered 201 x1, answered 409 x19". */
export function outcomeSummary(outcomes: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  if (counts.size <= 1) return outcomes[0] ?? 'not run';
  return [...counts].map(([outcome, n]) => `${outcome} x${n}`).join(', ');
}

/** The module-load times of one bundle, in milliseconds. */
export interface LoadTimes {
  name: string;
  samples: number[];
  median: number;
}

/** The times of module load plus first invocation of one bundle, and what each invocation did. */
export interface FirstInvocationTimes extends LoadTimes {
  outcomes: string[];
}

/**
 * The environment of a Lambda function at init, without anything of this machine's: the
 * function's configured variables and what the Lambda runtime sets that SDK and Powertools read.
 * No credentials: nothing is called at import.
 */
export function lambdaEnvironment(configured: Record<string, string>, functionName: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...configured,
    AWS_REGION: 'eu-south-1',
    AWS_DEFAULT_REGION: 'eu-south-1',
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  };
}

/** Where a first invocation's calls go: the bench's local emulators. */
export interface LocalEndpoints {
  dynamodb: string;
  ses: string;
  /** Step Functions; the bench gives the SES emulator's, so a workflow call fails and says so. */
  sfn: string;
  stateMachineArn: string;
}

/**
 * The environment of a first invocation: the function's at init (see {@link lambdaEnvironment})
 * pointed at `endpoints` as the embedded runtime points the functions (DYNAMODB_ENDPOINT and the
 * others of `shared/config.ts`), and for the baseline's plain client the SDK's own
 * AWS_ENDPOINT_URL_DYNAMODB; dummy credentials, which the emulators accept, here only.
 */
export function invocationEnvironment(atInit: Record<string, string>, endpoints: LocalEndpoints): Record<string, string> {
  return {
    ...atInit,
    DYNAMODB_ENDPOINT: endpoints.dynamodb,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    SES_ENDPOINT: endpoints.ses,
    SFN_ENDPOINT: endpoints.sfn,
    STATE_MACHINE_ARN: endpoints.stateMachineArn,
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
  };
}

/** One import of `file` in a new `node` process; its time in milliseconds. */
async function loadOnce(file: string, env: Record<string, string>): Promise<number> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', LOADER, pathToFileURL(file).href], { env, timeout: 30_000 });
  const ms = Number(stdout.trim().split('\n').at(-1));
  if (!Number.isFinite(ms)) throw new Error(`loading ${file} printed ${JSON.stringify(stdout)}`);
  return ms;
}

/** One import and first invocation of `target` in a new `node` process: its time and what the call did. */
async function invokeOnce(target: LoadTarget, env: Record<string, string>): Promise<{ ms: number; outcome: string }> {
  const args = ['--input-type=module', '-e', INVOKER, pathToFileURL(target.file).href, JSON.stringify(target.event ?? {}), target.name];
  const { stdout } = await run(process.execPath, args, { env, timeout: 30_000, maxBuffer: 16 * 1024 * 1024 });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  let report: InvocationOutcome & { ms?: unknown };
  try {
    report = JSON.parse(last) as InvocationOutcome & { ms?: unknown };
  } catch {
    throw new Error(`invoking ${target.file} printed ${JSON.stringify(stdout.slice(-500))}`);
  }
  if (typeof report.ms !== 'number' || !Number.isFinite(report.ms)) throw new Error(`invoking ${target.file} printed ${JSON.stringify(last)}`);
  return { ms: report.ms, outcome: describeOutcome(report) };
}

/**
 * Takes `runs` samples of every target, round-robin (so that drift of the machine spreads over
 * all of them alike), one process at a time, after one unrecorded round: the disk cache of the
 * bundles and of node itself is then warm for all.
 */
async function roundRobin<T>(targets: readonly LoadTarget[], runs: number, sample: (target: LoadTarget) => Promise<T>): Promise<Map<string, T[]>> {
  const samples = new Map(targets.map((target) => [target.name, [] as T[]]));
  for (const target of targets) await sample(target);
  for (let i = 0; i < runs; i++) {
    for (const target of targets) samples.get(target.name)!.push(await sample(target));
  }
  return samples;
}

/** Loads every target `runs` times, round-robin; `envFor` gives each target's environment. */
export async function measureLoadTimes(targets: readonly LoadTarget[], runs: number, envFor: (target: LoadTarget) => Record<string, string>): Promise<LoadTimes[]> {
  const samples = await roundRobin(targets, runs, (target) => loadOnce(target.file, envFor(target)));
  return targets.map(({ name }) => {
    const list = samples.get(name)!;
    return { name, samples: list, median: median(list) };
  });
}

/**
 * Loads every target and calls its handler once with its `event`, `runs` times, round-robin like
 * {@link measureLoadTimes}; `envFor` gives each target's environment, which must point the
 * functions at reachable endpoints.
 */
export async function measureFirstInvocations(targets: readonly LoadTarget[], runs: number, envFor: (target: LoadTarget) => Record<string, string>): Promise<FirstInvocationTimes[]> {
  const samples = await roundRobin(targets, runs, (target) => invokeOnce(target, envFor(target)));
  return targets.map(({ name }) => {
    const list = samples.get(name)!;
    const times = list.map((sample) => sample.ms);
    return { name, samples: times, median: median(times), outcomes: list.map((sample) => sample.outcome) };
  });
}
