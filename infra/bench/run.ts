import './env';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem, type } from 'node:os';
import { join } from 'node:path';
import { functionEnvironment, stageConfig } from '../config';
import { REPO_ROOT } from '../paths';
import { measureAggregation, type AggregationRun } from './aggregation';
import { BASELINE, buildBundles, type BundleResult } from './bundles';
import { invocationEnvironment, lambdaEnvironment, measureFirstInvocations, measureLoadTimes, outcomeSummary, type FirstInvocationTimes, type LoadTarget, type LoadTimes } from './cold-start';
import { BENCH_CHALLENGE_KEY, openTable } from './harness';
import { startSes } from '../local/emulators';
import { TABLE_KEY_NAMES } from '../local/table';
import { FUNCTIONS, type FunctionName, type FunctionSpec } from '../routes';
import { kb, ms, renderTable, times, type Row, type Section } from './report';
import { measureStartUp, type StartUpResult } from './start-up';
import { median, ratio, round } from './stats';
import { measureSubmitLatency, type SubmitLatencyResult } from './submit-latency';
import { countTransitions, type TransitionCount } from './transitions';
import { measureWriteCapacity, type StepCapacity, type WriteCapacityResult } from './write-capacity';

/**
 * `npm run bench`: measures, side by side in one run on this machine, the bundle sizes, cold
 * starts, warm submission latency, aggregation cost and per-case capacity of hub-intake, prints
 * a table against the targets and writes every raw number to bench/results.json.
 * `BENCH_QUICK=1` shrinks the sizes for a smoke run.
 */

/** The targets, as the figures are judged. */
export const TARGETS = {
  /** Bytes a function's bundle may weigh over the bare DynamoDB handler's, bundled the same way. */
  bundleOverBaselineBytes: 150_000,
  /** Module load of a function against the bare handler's. */
  coldStartRatio: 1.4,
  /** Module load plus first invocation of a function against the bare handler's (which reads one item). */
  coldStartFirstInvocationRatio: 1.6,
  /** Warm submit p50 against a bare put of the same item (p99 is reported against it too). */
  submitLatencyRatio: 1.5,
  /** Sequential DynamoDB round trips of a warm submission without an Idempotency-Key. */
  submitRoundTrips: 1,
  perCaseGrowth: 1.2,
  readCapacityRatio: 1.1,
  peakHeapGrowth: 1.2,
  /** `npm start` to its banner, warm cache, in milliseconds. */
  startMs: 3_000,
} as const;

/**
 * The sections of the bench, by the names that `npm run bench -- <name> ...` selects (all when
 * none is given): for example `npm run bench -- start`.
 */
export const SECTIONS = ['bundles', 'cold-start', 'submit', 'aggregation', 'capacity', 'start'] as const;
export type SectionName = (typeof SECTIONS)[number];

/** The sections named in `args`, or all of them; an unknown name is an error that lists the known ones. */
export function selectedSections(args: readonly string[]): Set<SectionName> {
  const unknown = args.filter((arg) => !(SECTIONS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new Error(`unknown bench section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  return new Set(args.length > 0 ? (args as SectionName[]) : SECTIONS);
}

/** How much to measure: the full run, or a smoke run with `BENCH_QUICK=1`. */
export interface BenchSettings {
  quick: boolean;
  coldStartRuns: number;
  latencyN: number;
  latencyWarmup: number;
  aggregationSizes: number[];
  aggregationRepeats: number;
  startColdRuns: number;
  startWarmRuns: number;
}

export function benchSettings(quick: boolean): BenchSettings {
  return quick
    ? { quick, coldStartRuns: 5, latencyN: 100, latencyWarmup: 20, aggregationSizes: [500, 2_000, 5_000], aggregationRepeats: 2, startColdRuns: 1, startWarmRuns: 3 }
    : { quick, coldStartRuns: 20, latencyN: 500, latencyWarmup: 50, aggregationSizes: [1_000, 10_000, 100_000], aggregationRepeats: 5, startColdRuns: 3, startWarmRuns: 5 };
}

const progress = (message: string) => process.stderr.write(`… ${message}\n`);
const count = (value: number) => value.toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
/** The size the aggregation's cost is extrapolated to. */
const ESTIMATE_CASES = 1_000_000;

/** The environment `cdk deploy` gives the functions of the production stage. */
function deployedEnvironment(): Record<string, string> {
  const cfg = stageConfig('prod');
  return functionEnvironment(cfg, { tableName: 'hub-intake-prod-Table', publicBaseUrl: cfg.publicBaseUrl ?? 'https://intake.example.org' });
}

/** The key of an item that does not exist: the baseline's first invocation reads it. */
const MISSING_KEY = { [TABLE_KEY_NAMES[0]]: 'CASE#00000000000000000000000000', [TABLE_KEY_NAMES[1]]: 'CASE' };
/** The case-review state machine the functions are told of; nothing answers for it (see LocalEndpoints.sfn). */
const BENCH_STATE_MACHINE_ARN = 'arn:aws:states:eu-south-1:000000000000:stateMachine:hub-intake-prod-CaseReview';

/** A function's first-invocation event: its sample in `events/`; the baseline's, a read of a missing item. */
function firstEvent(name: string): unknown {
  if (name === BASELINE) return { key: MISSING_KEY };
  return JSON.parse(readFileSync(join(REPO_ROOT, 'events', `${name}.json`), 'utf8')) as unknown;
}

/**
 * The cold-start series: module load with the functions' own environment (source maps on) and
 * without source maps, then module load plus first invocation with the functions' environment,
 * against one dynalite table in a child process (the table the bundles' TABLE_NAME names) and the
 * SES emulator, here, for the whole series.
 */
async function measureColdStarts(bundles: { functions: BundleResult[]; baseline: BundleResult; runtimeEnvironment: Record<string, string> }, runs: number) {
  const targets: LoadTarget[] = [bundles.baseline, ...bundles.functions].map(({ name, file }) => ({ name, file }));
  const { NODE_OPTIONS: _sourceMaps, ...withoutSourceMaps } = bundles.runtimeEnvironment;
  const lambda = await measureLoadTimes(targets, runs, (target) => lambdaEnvironment(bundles.runtimeEnvironment, target.name));
  progress('cold starts without source maps');
  const noSourceMaps = await measureLoadTimes(targets, runs, (target) => lambdaEnvironment(withoutSourceMaps, target.name));
  progress('cold starts with a first invocation');
  const table = await openTable(bundles.runtimeEnvironment.TABLE_NAME ?? 'hub-intake-bench', { ownProcess: true });
  const ses = await startSes();
  try {
    const endpoints = { dynamodb: table.endpoint, ses: ses.endpoint, sfn: ses.endpoint, stateMachineArn: BENCH_STATE_MACHINE_ARN };
    const invoked = targets.map((target) => ({ ...target, event: firstEvent(target.name) }));
    const firstInvocation = await measureFirstInvocations(invoked, runs, (target) => {
      // As the stack gives it to the functions that check the form's challenges.
      const spec: FunctionSpec | undefined = FUNCTIONS[target.name as FunctionName];
      const challenges: Record<string, string> = spec?.checksChallenges ? { CHALLENGE_HMAC_KEY: BENCH_CHALLENGE_KEY } : {};
      return invocationEnvironment({ ...lambdaEnvironment(bundles.runtimeEnvironment, target.name), ...challenges }, endpoints);
    });
    return { lambda, noSourceMaps, firstInvocation };
  } finally {
    await ses.close();
    await table.close();
  }
}

const packagesLine = (bundle: BundleResult) => bundle.topPackages.map((p) => `${p.path} ${kb(p.bytes)}`).join(', ');

function bundleSection(functions: BundleResult[], baseline: BundleResult, options: Record<string, unknown>): Section {
  const rows: Row[] = functions.map((bundle) => ({
    figure: `1 bundle ${bundle.name}`,
    value: `${kb(bundle.bytes)}, ${bundle.bytes >= baseline.bytes ? '+' : '-'}${kb(Math.abs(bundle.bytes - baseline.bytes))} (map ${kb(bundle.sourceMapBytes)})`,
    target: `<= baseline + ${kb(TARGETS.bundleOverBaselineBytes)}`,
    met: bundle.bytes - baseline.bytes <= TARGETS.bundleOverBaselineBytes,
  }));
  rows.push({ figure: `1 bundle ${BASELINE}`, value: kb(baseline.bytes), target: 'reference' });
  const largest = [...functions].sort((a, b) => b.bytes - a.bytes)[0]!;
  return {
    title: '1 bundle size',
    rows,
    note:
      `esbuild with HubFunction's own bundling options, read from the construct (${JSON.stringify(options)}); bytes of index.mjs without its map. ` +
      `Heaviest packages of ${largest.name}: ${packagesLine(largest)}; heaviest folders: ${largest.topFolders.map((f) => `${f.path} ${kb(f.bytes)}`).join(', ')}. ` +
      'Top inputs of every bundle are listed below the table.',
  };
}

function coldStartSection(cold: { lambda: LoadTimes[]; noSourceMaps: LoadTimes[]; firstInvocation: FirstInvocationTimes[] }, runs: number, nodeOptions: string | undefined): Section {
  const base = cold.lambda.find((t) => t.name === BASELINE)!;
  const baseNoMaps = cold.noSourceMaps.find((t) => t.name === BASELINE)!;
  const rows: Row[] = cold.lambda.filter((t) => t.name !== BASELINE).map((t) => {
    const noMaps = cold.noSourceMaps.find((other) => other.name === t.name)!;
    return {
      figure: `2 cold start ${t.name}`,
      value: `${times(t.median / base.median)} (${ms(t.median, 1)} vs ${ms(base.median, 1)}; no maps ${times(noMaps.median / baseNoMaps.median)})`,
      target: `<= ${times(TARGETS.coldStartRatio)}`,
      met: t.median / base.median <= TARGETS.coldStartRatio,
    };
  });
  rows.unshift({ figure: `2 cold start ${BASELINE}`, value: `${ms(base.median, 1)} (no maps ${ms(baseNoMaps.median, 1)})`, target: 'reference' });
  const baseFirst = cold.firstInvocation.find((t) => t.name === BASELINE)!;
  rows.push({ figure: `2 cold start + first invocation ${BASELINE}`, value: `${ms(baseFirst.median, 1)} (${outcomeSummary(baseFirst.outcomes)})`, target: 'reference' });
  for (const t of cold.firstInvocation.filter((other) => other.name !== BASELINE)) {
    const value = t.median / baseFirst.median;
    rows.push({
      figure: `2 cold start + first invocation ${t.name}`,
      value: `${times(value)} (${ms(t.median, 1)} vs ${ms(baseFirst.median, 1)}; ${outcomeSummary(t.outcomes)})`,
      target: `<= ${times(TARGETS.coldStartFirstInvocationRatio)}`,
      met: value <= TARGETS.coldStartFirstInvocationRatio,
    });
  }
  return {
    title: '2 cold start (module load; module load + first invocation)',
    rows,
    note:
      `median of ${runs} fresh node ${process.version} processes each timing await import(bundle), round-robin over the bundles, ` +
      `in the function's environment (NODE_OPTIONS=${nodeOptions ?? 'unset'}, AWS_REGION, no credentials); "no maps" = the same without NODE_OPTIONS. ` +
      'The baseline creates its DynamoDB document client at import; our handlers create theirs on first call. ' +
      '"+ first invocation": as many more processes, each timing the import and one call of handler(event, context) together, with the function\'s sample event ' +
      '(events/<function>.json) and a minimal Lambda context, the baseline reading one missing item; in the same environment pointed at one dynalite table in a child process ' +
      '(DYNAMODB_ENDPOINT) and the SES emulator (SES_ENDPOINT, also given as SFN_ENDPOINT: a workflow call fails), dummy credentials. ' +
      'The table is empty, so most sample events find no case; in parentheses what each call answered (HTTP status), returned, or threw.',
  };
}

function latencySection(latency: SubmitLatencyResult): Section {
  const p50 = ratio(latency.submit.p50, latency.barePut.p50);
  const rows: Row[] = [
    {
      figure: '3 submit p50',
      value: `${times(p50)} (${ms(latency.submit.p50)} vs bare put ${ms(latency.barePut.p50)})`,
      target: `<= ${times(TARGETS.submitLatencyRatio)}`,
      met: p50 <= TARGETS.submitLatencyRatio,
    },
    {
      figure: '3 submit p50 vs a conditional put',
      value: `${times(ratio(latency.submit.p50, latency.conditionalPut.p50))} (conditional put ${ms(latency.conditionalPut.p50)}: the condition alone costs ${ms(latency.conditionalPut.p50 - latency.barePut.p50)} on dynalite)`,
      target: '—',
    },
    { figure: '3 submit p99', value: `${times(ratio(latency.submit.p99, latency.barePut.p99))} (${ms(latency.submit.p99)} vs bare put ${ms(latency.barePut.p99)})`, target: '—' },
    { figure: '3 submit, our code only', value: `p50 ${ms(latency.codeOnly.p50)}, p99 ${ms(latency.codeOnly.p99)} (storage answering at once)`, target: '—' },
  ];
  for (const { path, calls } of latency.roundTrips) {
    const keyed = path.includes('Idempotency-Key');
    rows.push({
      figure: `3 round trips, ${path}`,
      value: `${calls.length}: ${calls.join(' → ')}`,
      target: keyed ? '<= 3 (2 writes)' : `<= ${TARGETS.submitRoundTrips}`,
      met: keyed ? calls.length <= 3 && calls.filter((call) => !call.startsWith('Get')).length <= 2 : calls.length <= TARGETS.submitRoundTrips,
    });
  }
  return {
    title: '3 warm submit latency',
    rows,
    note:
      `in process on dynalite (memory), N=${latency.n} after ${latency.warmup} warm-up, submitCase to its answer interleaved with one PutCommand of the same case item to the same table. ` +
      'Neither SES nor Step Functions is on the response path: the table stream runs each commit after the answer (receipt, workflow start), ' +
      `here between samples and untimed (${latency.commitsRun} receipts sent by the stream for ${latency.n + latency.warmup} submissions). ` +
      'A partner\'s key is read once a minute per instance (KEY_CACHE_MS), so a warm partner submission is its one write; ' +
      "a form submission also reads whether its contact confirmed the address, which decides between the receipt and the confirmation mail and the answer's awaitingConfirmation.",
  };
}

function aggregationSection(runs: AggregationRun[]): Section {
  const rows: Row[] = [];
  for (const run of runs) {
    rows.push({ figure: `4 seed +${count(run.seed.added)} cases`, value: `${(run.seed.ms / 1000).toFixed(1)} s (${count(Math.round(run.seed.itemsPerSecond))} items/s)`, target: 'setup' });
  }
  for (const run of runs) {
    rows.push({ figure: `4 aggregate ${count(run.cases)} cases`, value: `${ms(run.medianMs, 1)} = ${(run.perCaseMs * 1000).toFixed(1)} µs/case`, target: '—' });
  }
  const [middle, largest] = runs.slice(-2);
  if (middle && largest) {
    const growth = ratio(largest.perCaseMs, middle.perCaseMs);
    rows.push({ figure: `4 per-case time ${count(largest.cases)}/${count(middle.cases)}`, value: times(growth), target: `<= ${times(TARGETS.perCaseGrowth)}`, met: growth <= TARGETS.perCaseGrowth });
  }
  for (const run of runs) {
    rows.push({
      figure: `4 peak heap ${count(run.cases)} cases`,
      value:
        `live ${mb(run.heap.live.peak)} (idle ${mb(run.heap.live.idle)}), with garbage ${mb(run.heap.sampled.peak)}; ` +
        `holding every case: live ${mb(run.heapHoldingAll.live.peak)}, with garbage ${mb(run.heapHoldingAll.sampled.peak)}`,
      target: '—',
    });
  }
  if (middle && largest) {
    const growth = ratio(largest.heap.live.peak, middle.heap.live.peak);
    rows.push({
      figure: `4 peak heap ${count(largest.cases)}/${count(middle.cases)}`,
      value:
        `live ${times(growth)}, with garbage ${times(ratio(largest.heap.sampled.peak, middle.heap.sampled.peak))}; ` +
        `holding every case: live ${times(ratio(largest.heapHoldingAll.live.peak, middle.heapHoldingAll.live.peak))}`,
      target: `<= ${times(TARGETS.peakHeapGrowth)}`,
      met: growth <= TARGETS.peakHeapGrowth,
    });
  }
  for (const run of runs) {
    const value = ratio(run.readCapacity, run.minimumReadCapacity);
    rows.push({
      figure: `4 read capacity ${count(run.cases)} cases`,
      value: `${times(value)} (${round(run.readCapacity, 1)} RCU vs min ${round(run.minimumReadCapacity, 1)})`,
      target: `<= ${times(TARGETS.readCapacityRatio)}`,
      met: value <= TARGETS.readCapacityRatio,
    });
  }
  const last = runs.at(-1)!;
  const estimateMs = last.perCaseMs * ESTIMATE_CASES;
  rows.push(
    { figure: `4 estimate ${count(ESTIMATE_CASES)} cases, time`, value: `~${(estimateMs / 1000).toFixed(0)} s (${(last.perCaseMs * 1000).toFixed(1)} µs/case at ${count(last.cases)})`, target: 'estimate' },
    { figure: `4 estimate ${count(ESTIMATE_CASES)} cases, read`, value: `~${count(Math.round((last.readCapacity / last.cases) * ESTIMATE_CASES))} RCU (${round(last.readCapacity / last.cases, 4)} RCU/case at ${count(last.cases)})`, target: 'estimate' },
  );
  return {
    title: '4 aggregation',
    rows,
    note:
      'approved case items written as the store writes them (case item of CaseStore.create, approved as transition leaves it; summary ~600 chars, contact), ' +
      `BatchWriteItem, growing the same table, in dynalite run in a child process (so its work and memory are not the client's, as on AWS); ` +
      `aggregateMetrics with the real store, median of ${last.samples.length} timed runs after one unrecorded run. ` +
      'Minimum RCU = (sum over index items of their DynamoDB size: the table and index keys plus the STATUS_INDEX_ATTRIBUTES projection, ' +
      'attribute names + values in UTF-8, numbers 1 byte per 2 digits + 1, lists and maps 3 + 1 per element) / 4096 x 0.5 (GSI reads are eventually consistent), ' +
      `unrounded; DynamoDB rounds each page of up to 1 MB up to 4 KB. Reported = ConsumedCapacity summed over the pages, as dynalite computes it (strings counted in UTF-16 units). ` +
      `An index projecting only METRIC_ATTRIBUTES would need ${round(last.minimumReadCapacityMetricOnly, 1)} RCU at ${count(last.cases)} cases. ` +
      'Peak heap: two more aggregateMetrics runs per size, each after two global.gc() (idle = heapUsed then); process.memoryUsage().heapUsed sampled before and after every DynamoDB call ' +
      '(after: a page in memory as received and as returned), "live" with a global.gc() before each sample (the memory the run holds, what must fit in the function), ' +
      '"with garbage" without, plus every 1 ms (it counts what V8 has not yet collected, which follows its own heuristics); the target is on the live peak. ' +
      `Array buffers outside the heap (response bodies, the hours list: 8 bytes per decided case) peaked at ${mb(last.heap.live.peakArrayBuffers)} at ${count(last.cases)}. ` +
      '"Holding every case" is the former way measured the same way (queryAll, then computeMetrics), for comparison. ' +
      `The ${count(ESTIMATE_CASES)} figures are estimates, not measurements: the per-case time and RCU measured at ${count(last.cases)} times ${count(ESTIMATE_CASES)}; ` +
      'the time is dynalite\'s on this machine, where DynamoDB would add a network round trip per page of up to 1 MB.',
  };
}

/** Index writes DynamoDB adds to a step's writes, at least one each: dynalite reports none of them. */
const indexWrites = (step: StepCapacity) => step.operations.reduce((sum, o) => sum + o.indexKeysWritten.length, 0);
const stepSummary = (step: StepCapacity) =>
  `${step.writeUnits} WCU in ${step.writes} writes, +${indexWrites(step)} index writes (+${step.readUnits} RCU in ${step.reads} reads)`;

function capacitySection(capacity: WriteCapacityResult, transitions: TransitionCount[]): Section {
  const rows: Row[] = [
    { figure: '5 write capacity per submission', value: stepSummary(capacity.submission), target: '—' },
    { figure: '5 write capacity per submission w/ key', value: stepSummary(capacity.submissionWithKey), target: '—' },
    { figure: '5 write capacity per decision', value: stepSummary(capacity.decision), target: '—' },
    ...capacity.decisionSteps.map((step) => ({ figure: `5   of which ${step.step}`, value: stepSummary(step), target: '—' })),
    ...transitions.map((t) => ({ figure: `5 state transitions ${t.scenario}`, value: `${t.transitions} (${t.status})`, target: '—' })),
  ];
  const submissionIndexWrites = capacity.submission.operations.filter((o) => o.indexKeysWritten.length > 0).map((o) => `${o.item} → ${o.indexKeysWritten.join('+')}`);
  return {
    title: '5 capacity per case',
    rows,
    note:
      "ReturnConsumedCapacity TOTAL on every call through a middleware, units as dynalite reports them: the table's own, 1 WCU per started KB; " +
      `DynamoDB also writes each GSI whose keys a write sets or removes, at least 1 WCU each and 2 when a key changes (submission: ${submissionIndexWrites.join(', ')}); ` +
      'dynalite does not report those, so "+N index writes" counts them. ' +
      `States entered per execution of the synthesized case-review definition with tasks answering at once: ${transitions.map((t) => `${t.scenario}: ${t.states.join(' > ')}`).join('; ')}.`,
  };
}

function startUpSection(start: StartUpResult): Section {
  const seconds = (value: number) => `${(value / 1000).toFixed(2)} s`;
  const runtime = (samples: StartUpResult['warm']) => median(samples.map((sample) => sample.runtimeMs ?? Number.NaN));
  const processes = [...new Set([...start.cold, ...start.warm].map((sample) => sample.nodeProcesses ?? 'unknown'))];
  return {
    title: '6 local start',
    rows: [
      {
        figure: '6 npm start to banner, warm cache',
        value: `${seconds(start.warmMedianMs)} (startRuntime ${ms(runtime(start.warm), 0)})`,
        target: `<= ${seconds(TARGETS.startMs)}`,
        met: start.warmMedianMs <= TARGETS.startMs,
      },
      { figure: '6 npm start to banner, cold cache', value: `${seconds(start.coldMedianMs)} (startRuntime ${ms(runtime(start.cold), 0)})`, target: '—' },
      { figure: '6 node processes of npm start', value: processes.join(', '), target: '1', met: processes.length === 1 && processes[0] === 1 },
    ],
    note:
      `${start.command} with PORT=0 DATA_DIR=memory, timed from the spawn to the line "hub-intake listening on" on its stdout, then SIGTERM; ` +
      `median of ${start.warm.length} starts sharing a cache folder (HUB_INTAKE_CACHE_DIR) that one unrecorded start filled, and of ${start.cold.length} each with an empty one ` +
      '(the case-review definition synthesized: aws-cdk-lib loaded). "startRuntime" is the runtime\'s own "started in" (emulators, engine, listen), the rest is npm, node, ' +
      'tsx and the imports. Node processes counted in the command\'s process tree (/proc) at the banner. ' +
      `An absolute time, not a ratio: the machine's load average was ${start.loadAverage.before.toFixed(1)} before and ${start.loadAverage.after.toFixed(1)} after (${cpus().length} cores).`,
  };
}

/** The heaviest inputs of each bundle, printed under the table. */
function heaviestListing(functions: BundleResult[]): string {
  return [
    'Heaviest inputs per bundle (bytes in the minified output; files, then packages):',
    ...functions.flatMap((bundle) => [
      `  ${bundle.name}: ${bundle.topInputs.map((input) => `${input.path.replace(/^node_modules\//, '')} ${kb(input.bytes)}`).join(', ')}`,
      `  ${' '.repeat(bundle.name.length)}  packages: ${packagesLine(bundle)}`,
    ]),
  ].join('\n');
}

function machine() {
  const list = cpus();
  return { cpuModel: list[0]?.model ?? 'unknown', cpuCount: list.length, node: process.version, os: `${type()} ${release()}`, totalMemoryGB: round(totalmem() / 2 ** 30, 1) };
}

/** What one run measured, by section; a section not selected is absent. */
interface Figures {
  bundles?: Awaited<ReturnType<typeof buildBundles>>;
  cold?: Awaited<ReturnType<typeof measureColdStarts>>;
  latency?: SubmitLatencyResult;
  aggregation?: AggregationRun[];
  capacity?: WriteCapacityResult;
  transitions?: TransitionCount[];
  startUp?: StartUpResult;
}

/** Runs the selected sections' measurements, one after the other, saying what it is doing. */
async function measure(wanted: ReadonlySet<string>, settings: BenchSettings, outdir: string): Promise<Figures> {
  const figures: Figures = {};
  if (wanted.has('bundles') || wanted.has('cold-start')) {
    progress(`bundling every function (${settings.quick ? 'quick' : 'full'} run)`);
    figures.bundles = await buildBundles(outdir, deployedEnvironment());
  }
  if (figures.bundles && wanted.has('cold-start')) {
    progress(`cold starts: ${settings.coldStartRuns} loads of ${figures.bundles.functions.length + 1} bundles`);
    figures.cold = await measureColdStarts(figures.bundles, settings.coldStartRuns);
  }
  if (wanted.has('submit')) {
    progress(`warm submit latency: N=${settings.latencyN}`);
    figures.latency = await measureSubmitLatency(settings.latencyN, settings.latencyWarmup);
  }
  if (wanted.has('aggregation')) {
    progress(`aggregation: ${settings.aggregationSizes.map(count).join(' → ')} approved cases`);
    figures.aggregation = await measureAggregation(settings.aggregationSizes, settings.aggregationRepeats, progress);
  }
  if (wanted.has('submit') || wanted.has('capacity')) {
    progress('write capacity per submission and decision');
    figures.capacity = await measureWriteCapacity();
  }
  if (wanted.has('capacity')) {
    progress('state transitions of the case-review workflow');
    figures.transitions = await countTransitions();
  }
  if (wanted.has('start')) {
    progress(`npm start: ${settings.startColdRuns} cold and ${settings.startWarmRuns} warm starts`);
    figures.startUp = await measureStartUp(outdir, settings.startColdRuns, settings.startWarmRuns);
  }
  return figures;
}

/** The table's sections for what was measured, in the order of SECTIONS. */
function sectionsOf(figures: Figures, wanted: ReadonlySet<string>, settings: BenchSettings): Section[] {
  const { bundles, cold, latency, aggregation, capacity, transitions, startUp } = figures;
  return [
    bundles && wanted.has('bundles') ? bundleSection(bundles.functions, bundles.baseline, bundles.options.bundling as Record<string, unknown>) : undefined,
    bundles && cold ? coldStartSection(cold, settings.coldStartRuns, bundles.runtimeEnvironment.NODE_OPTIONS) : undefined,
    latency ? latencySection(latency) : undefined,
    aggregation ? aggregationSection(aggregation) : undefined,
    capacity && transitions ? capacitySection(capacity, transitions) : undefined,
    startUp ? startUpSection(startUp) : undefined,
  ].filter((section): section is Section => section !== undefined);
}

/** Writes the raw numbers, the machine and the date to `bench/results.json`; returns the file. */
function writeResults(figures: Figures, sections: Section[], run: { wanted: ReadonlySet<string>; settings: BenchSettings; durationSeconds: number; host: ReturnType<typeof machine> }): string {
  const { bundles } = figures;
  const results = {
    date: new Date().toISOString(),
    machine: run.host,
    settings: run.settings,
    sections: [...run.wanted],
    durationSeconds: run.durationSeconds,
    targets: TARGETS,
    bundling: bundles && { options: bundles.options.bundling, runtime: bundles.options.runtime, environment: bundles.runtimeEnvironment },
    figures: {
      bundles: bundles && { functions: bundles.functions, baseline: bundles.baseline },
      coldStart: figures.cold,
      submitLatency: figures.latency,
      aggregation: figures.aggregation,
      writeCapacity: figures.capacity,
      transitions: figures.transitions,
      startUp: figures.startUp,
    },
    table: sections,
  };
  const file = join(REPO_ROOT, 'bench', 'results.json');
  mkdirSync(join(REPO_ROOT, 'bench'), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

async function main(): Promise<void> {
  const started = performance.now();
  const settings = benchSettings(process.env.BENCH_QUICK === '1');
  const wanted = selectedSections(process.argv.slice(2));
  const outdir = mkdtempSync(join(tmpdir(), 'hub-intake-bench-'));
  try {
    const figures = await measure(wanted, settings, outdir);
    const sections = sectionsOf(figures, wanted, settings);
    const durationSeconds = round((performance.now() - started) / 1000, 1);
    console.log(renderTable(sections));
    if (figures.bundles && wanted.has('bundles')) console.log(`\n${heaviestListing(figures.bundles.functions)}`);
    const host = machine();
    const misses = sections.flatMap((section) => section.rows).filter((row) => row.met === false).length;
    console.log(`\n${misses} figure(s) miss their target. Took ${durationSeconds} s on ${host.cpuCount} x ${host.cpuModel}, node ${host.node}.`);
    console.log(`Raw numbers: ${writeResults(figures, sections, { wanted, settings, durationSeconds, host })}`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

await main();
