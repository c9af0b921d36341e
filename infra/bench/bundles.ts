import { statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { functionEntry, REPO_ROOT } from '../paths';
import { FUNCTIONS, type FunctionName } from '../routes';
import { captureHubFunctionProps, esbuildOptionsFromCdk, outputFileName, type CapturedFunctionProps } from './hub-bundling';

/** The bare handler every function's cold start is compared with. */
export const BASELINE = 'baseline (DynamoDB client only)';
export const BASELINE_ENTRY = fileURLToPath(new URL('./baseline-handler.ts', import.meta.url));

/** One input file's share of a bundle. */
export interface InputShare {
  path: string;
  bytes: number;
}

/** A function bundle as built for Lambda, and what weighs in it. */
export interface BundleResult {
  name: string;
  /** The bundle (`index.mjs`), for the cold-start figure. */
  file: string;
  /** Minified bytes of the output module, without its source map. */
  bytes: number;
  sourceMapBytes: number;
  /** The five input files with the most bytes in the output. */
  topInputs: InputShare[];
  /** The same, summed by npm package (or folder of our own code). */
  topPackages: InputShare[];
  /** The same, summed by folder (`zod/v4/locales`). */
  topFolders: InputShare[];
  buildMs: number;
}

/**
 * The package an input file belongs to: the last `node_modules/<name>` (or `@scope/name`) in its
 * path, else the top two folders of our own code (`shared/adapters/html`).
 */
export function packageOf(path: string): string {
  const parts = path.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) {
    const first = parts[at + 1] ?? '';
    return first.startsWith('@') ? `${first}/${parts[at + 2] ?? ''}` : first;
  }
  // A folder of ours: `shared/core`, `shared/app`, or one adapter (`shared/adapters/ses`).
  const depth = parts[1] === 'adapters' ? 3 : 2;
  return `(ours) ${parts.slice(0, Math.min(depth, parts.length - 1)).join('/') || path}`;
}

/** The folder of an input file, without the leading `node_modules/`: `zod/v4/locales`. */
export const folderOf = (path: string): string => path.replace(/^(.*\/)?node_modules\//, '').replace(/\/[^/]*$/, '');

/**
 * The largest `count` contributions to an output of a metafile: by input file, by npm package
 * (or folder of our own code) and by folder.
 */
export function heaviestInputs(output: Metafile['outputs'][string], count = 5): Pick<BundleResult, 'topInputs' | 'topPackages' | 'topFolders'> {
  const files = Object.entries(output.inputs).map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }));
  const grouped = (keyOf: (path: string) => string) => {
    const sums = new Map<string, number>();
    for (const { path, bytes } of files) sums.set(keyOf(path), (sums.get(keyOf(path)) ?? 0) + bytes);
    return [...sums].map(([path, bytes]) => ({ path, bytes }));
  };
  const top = (list: InputShare[]) => list.sort((a, b) => b.bytes - a.bytes).slice(0, count);
  return { topInputs: top(files), topPackages: top(grouped(packageOf)), topFolders: top(grouped(folderOf)) };
}

/** Builds one entry with the captured options into `outdir/<name>/`. */
async function buildOne(name: string, props: CapturedFunctionProps, outdir: string): Promise<BundleResult> {
  const dir = join(outdir, name.replace(/[^a-z0-9-]+/gi, '-'));
  const options = esbuildOptionsFromCdk(props, dir);
  const started = performance.now();
  const result = await build({ ...options, absWorkingDir: REPO_ROOT });
  const buildMs = performance.now() - started;
  const file = join(dir, outputFileName(props.bundling));
  const output = result.metafile?.outputs[relative(REPO_ROOT, file)];
  if (!output) throw new Error(`esbuild reported no output ${file} for ${name}`);
  const map = `${file}.map`;
  return {
    name,
    file,
    bytes: statSync(file).size,
    sourceMapBytes: statSync(map, { throwIfNoEntry: false })?.size ?? 0,
    ...heaviestInputs(output),
    buildMs,
  };
}

/**
 * Builds every function of `FUNCTIONS` and the baseline handler into `outdir` with the bundling
 * options of `HubFunction`. Also returns the run-time environment `HubFunction` gives a function.
 */
export async function buildBundles(outdir: string, environment: Record<string, string>): Promise<{ functions: BundleResult[]; baseline: BundleResult; runtimeEnvironment: Record<string, string>; options: CapturedFunctionProps }> {
  const names = Object.keys(FUNCTIONS) as FunctionName[];
  const captured = await Promise.all(names.map((name) => captureHubFunctionProps(name, environment)));
  captured.forEach((props, i) => {
    if (props.entry !== functionEntry(names[i]!)) throw new Error(`HubFunction ${names[i]} bundles ${props.entry}, not its handler`);
  });
  const functions: BundleResult[] = [];
  // One at a time: esbuild already uses both cores, and build times stay comparable.
  for (const [i, name] of names.entries()) functions.push(await buildOne(name, captured[i]!, outdir));
  const reference = captured[0]!;
  const baseline = await buildOne(BASELINE, { ...reference, entry: BASELINE_ENTRY }, outdir);
  return { functions, baseline, runtimeEnvironment: reference.environment, options: reference };
}
