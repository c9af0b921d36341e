import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureHubFunctionProps, esbuildOptionsFromCdk } from '../../infra/bench/hub-bundling';
import { functionEntry, REPO_ROOT } from '../../infra/paths';
import { FUNCTIONS, type FunctionName } from '../../infra/routes';
import { generateCaseJsonSchema } from '../../shared/core/case';
import { generateCaseQuestionnaire } from '../../shared/core/questionnaire';
import { generateOpenApiDocument } from '../../shared/adapters/http/openapi';

const names = Object.keys(FUNCTIONS) as FunctionName[];

/** The npm packages whose files end up in each function's bundle, built with `HubFunction`'s own options. */
let packages: Map<FunctionName, Set<string>>;
/** The code of each function's bundle. */
let code: Map<FunctionName, string>;
/** `HubFunction`'s esbuild options, without an entry or an output. */
let stackOptions: BuildOptions;

/**
 * What zod's `z.toJSONSchema` brings into a bundle: the table of every type's JSON Schema
 * processor it hands the generator, used by nothing a function calls otherwise
 * (`zod/v4/core/json-schema-processors.js`). The rest of the generator (`to-json-schema.js`)
 * is in every bundle that uses zod, because zod's schema classes have a `toJSONSchema()` method.
 */
const JSON_SCHEMA_GENERATOR_MARKER = 'allProcessors';

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
  const { outfile: _outfile, entryPoints: _entryPoints, ...rest } = options;
  stackOptions = rest;
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
  code = new Map();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    const name = names.find((candidate) => output.entryPoint === `functions/${candidate}/handler.ts`);
    if (!name) continue;
    packages.set(name, new Set(Object.keys(output.inputs).flatMap((input) => packageOf(input) ?? [])));
    code.set(name, result.outputFiles!.find((outputFile) => outputFile.path === join(REPO_ROOT, file))!.text);
  }
}, 60_000);

describe("each function's bundle", () => {
  it('is built for every function', () => {
    expect([...packages.keys()].sort()).toEqual([...names].sort());
  });

  it.each(names)('of %s holds the SES client exactly when it sends mail', (name) => {
    expect(packages.get(name)?.has('@aws-sdk/client-sesv2')).toBe(FUNCTIONS[name].sendsMail);
  });

  it.each(names)('of %s holds the zip library exactly when it writes the spreadsheet', (name) => {
    expect(packages.get(name)?.has('fflate')).toBe(name === 'get-catalog');
  });

  it.each(names)('of %s holds the Step Functions client exactly when it starts or answers the review workflow', (name) => {
    const spec = FUNCTIONS[name];
    expect(packages.get(name)?.has('@aws-sdk/client-sfn')).toBe(spec.startsWorkflow || spec.answersWorkflow);
  });
});

describe("serve-form's JSON Schema", () => {
  let dir: string;
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("is served without zod's JSON Schema generator in the bundle", async () => {
    expect(code.get('serve-form')).toBeDefined();
    expect(code.get('serve-form')).not.toContain(JSON_SCHEMA_GENERATOR_MARKER);
    // The marker does find the generator: a bundle that generates the schema at run time holds it.
    const generating = await build({ ...stackOptions, entryPoints: ['shared/core/case-schema.ts'], outdir: 'generating', absWorkingDir: REPO_ROOT, minify: false, sourcemap: false, write: false, logLevel: 'error' });
    expect(generating.outputFiles.find((file) => /\.m?js$/.test(file.path))!.text).toContain(JSON_SCHEMA_GENERATOR_MARKER);
  });

  it('is bundled as the module generated at synthesis, identical to the one generated at run time', async () => {
    dir = mkdtempSync(join(tmpdir(), 'case-schema-'));
    // `#case-schema` as the handler imports it, bundled with the stack's options as deployed (minified).
    const result = await build({
      ...stackOptions,
      stdin: { contents: "export { caseSchema } from '#case-schema';", resolveDir: REPO_ROOT, loader: 'ts' },
      outfile: join(dir, 'index.mjs'),
      absWorkingDir: REPO_ROOT,
      logLevel: 'error',
    });
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((input) => /hub-intake\/case-schema-[0-9a-f]+\.mjs$/.test(input))).toBe(true);
    expect(inputs).not.toContain('shared/core/case-schema.ts');
    const bundled = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as { caseSchema: () => unknown };
    expect(JSON.stringify(bundled.caseSchema())).toBe(JSON.stringify(generateCaseJsonSchema()));
  });
});

describe('the documents generated at synthesis', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each(['serve-form', 'get-catalog'] as const)("leave %s's bundle without zod's JSON Schema generator", (name) => {
    expect(code.get(name)).toBeDefined();
    expect(code.get(name)).not.toContain(JSON_SCHEMA_GENERATOR_MARKER);
  });

  it.each([
    { module: '#case-questionnaire', name: 'questionnaire', kind: 'case-questionnaire', runtime: 'shared/core/case-questionnaire.ts', expected: () => generateCaseQuestionnaire(generateCaseJsonSchema()) },
    { module: '#openapi', name: 'openApi', kind: 'openapi', runtime: 'shared/adapters/http/openapi-document.ts', expected: () => generateOpenApiDocument() },
  ])('bundle $module as the literal generated at synthesis, identical to the one generated at run time', async ({ module, name, kind, runtime, expected }) => {
    const dir = mkdtempSync(join(tmpdir(), `${kind}-`));
    dirs.push(dir);
    const result = await build({
      ...stackOptions,
      stdin: { contents: `export { ${name} } from '${module}';`, resolveDir: REPO_ROOT, loader: 'ts' },
      outfile: join(dir, 'index.mjs'),
      absWorkingDir: REPO_ROOT,
      logLevel: 'error',
    });
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((input) => new RegExp(`hub-intake/${kind}-[0-9a-f]+\\.mjs$`).test(input))).toBe(true);
    expect(inputs).not.toContain(runtime);
    const bundled = (await import(pathToFileURL(join(dir, 'index.mjs')).href)) as Record<string, () => unknown>;
    expect(JSON.stringify(bundled[name]!())).toBe(JSON.stringify(expected()));
  });
});
