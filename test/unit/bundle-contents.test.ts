import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureHubFunctionProps, esbuildOptionsFromCdk } from '../../infra/bench/hub-bundling';
import { functionEntry, REPO_ROOT } from '../../infra/paths';
import { FUNCTIONS, type FunctionName } from '../../infra/routes';

const names = Object.keys(FUNCTIONS) as FunctionName[];

/** The npm packages whose files end up in each function's bundle, built with `HubFunction`'s own options. */
let packages: Map<FunctionName, Set<string>>;

const packageOf = (input: string): string | undefined => {
  const parts = input.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return undefined;
  const first = parts[at + 1] ?? '';
  return first.startsWith('@') ? `${first}/${parts[at + 2] ?? ''}` : first;
};

beforeAll(async () => {
  const props = await captureHubFunctionProps(names[0]!, {});
  const options = esbuildOptionsFromCdk(props, 'unused');
  // Every function in one build: same options as the deployed bundles, but unminified and kept in memory.
  const { outfile: _outfile, ...rest } = options;
  const result = await build({
    ...rest,
    entryPoints: Object.fromEntries(names.map((name) => [name, functionEntry(name)])),
    outdir: 'bundle-contents',
    absWorkingDir: REPO_ROOT,
    minify: false,
    sourcemap: false,
    write: false,
    logLevel: 'error',
  });
  const metafile: Metafile = result.metafile!;
  packages = new Map();
  for (const output of Object.values(metafile.outputs)) {
    const name = names.find((candidate) => output.entryPoint === `functions/${candidate}/handler.ts`);
    if (!name) continue;
    packages.set(name, new Set(Object.keys(output.inputs).flatMap((input) => packageOf(input) ?? [])));
  }
}, 60_000);

describe("each function's bundle", () => {
  it('is built for every function', () => {
    expect([...packages.keys()].sort()).toEqual([...names].sort());
  });

  it.each(names)('of %s holds the SES client exactly when it sends mail', (name) => {
    expect(packages.get(name)?.has('@aws-sdk/client-sesv2')).toBe(FUNCTIONS[name].sendsMail);
  });

  it.each(names)('of %s holds the Step Functions client exactly when it starts or answers the review workflow', (name) => {
    const spec = FUNCTIONS[name];
    expect(packages.get(name)?.has('@aws-sdk/client-sfn')).toBe(spec.startsWorkflow || spec.answersWorkflow);
  });
});
