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

/** A bundle to load, by name. */
export interface LoadTarget {
  name: string;
  file: string;
}

/** The module-load times of one bundle, in milliseconds. */
export interface LoadTimes {
  name: string;
  samples: number[];
  median: number;
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

/** One import of `file` in a new `node` process; its time in milliseconds. */
async function loadOnce(file: string, env: Record<string, string>): Promise<number> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', LOADER, pathToFileURL(file).href], { env, timeout: 30_000 });
  const ms = Number(stdout.trim().split('\n').at(-1));
  if (!Number.isFinite(ms)) throw new Error(`loading ${file} printed ${JSON.stringify(stdout)}`);
  return ms;
}

/**
 * Loads every target `runs` times, round-robin (so that drift of the machine spreads over all
 * of them alike), one process at a time; `envFor` gives each target's environment.
 */
export async function measureLoadTimes(targets: readonly LoadTarget[], runs: number, envFor: (target: LoadTarget) => Record<string, string>): Promise<LoadTimes[]> {
  const samples = new Map(targets.map((target) => [target.name, [] as number[]]));
  // One unrecorded round first: the disk cache of the bundles and of node itself is warm for all.
  for (const target of targets) await loadOnce(target.file, envFor(target));
  for (let i = 0; i < runs; i++) {
    for (const target of targets) samples.get(target.name)!.push(await loadOnce(target.file, envFor(target)));
  }
  return targets.map(({ name }) => {
    const list = samples.get(name)!;
    return { name, samples: list, median: median(list) };
  });
}
