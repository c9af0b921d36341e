import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { STATES } from '../../infra/config/workflow-states';
import { REPO_ROOT } from '../../infra/paths';
import { resolveWorkflowDefinition, workflowInputs } from '../../infra/local/workflow/definition';

/**
 * The synthesized case-review definition is cached by a hash of what it depends on, so that a
 * start with the same inputs reads it back without loading aws-cdk-lib; any other input gives
 * another hash, hence another synthesis.
 */

const run = promisify(execFile);
const dirs: string[] = [];
const cacheDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'hub-intake-workflow-cache-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A fresh node process, started as `npm start` starts the runtime, that resolves the definition
 * with `cacheDir` and says where it came from and how many aws-cdk-lib modules it loaded.
 */
const PROBE = [
  "import { createRequire } from 'node:module';",
  "import { pathToFileURL } from 'node:url';",
  'const [definitionModule, cacheDir] = process.argv.slice(1);',
  'const { resolveWorkflowDefinition } = await import(pathToFileURL(definitionModule).href);',
  'const resolved = await resolveWorkflowDefinition({}, { cacheDir });',
  "const cdkModules = Object.keys(createRequire(import.meta.url).cache).filter((path) => /[\\\\/]node_modules[\\\\/]aws-cdk-lib[\\\\/]/.test(path)).length;",
  'console.log(JSON.stringify({ source: resolved.source, file: resolved.file, cdkModules }));',
].join('\n');

async function startProbe(dir: string): Promise<{ source: string; file: string; cdkModules: number }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE, join(REPO_ROOT, 'infra/local/workflow/definition.ts'), dir], {
    cwd: REPO_ROOT,
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { source: string; file: string; cdkModules: number };
}

describe('the workflow definition cache', () => {
  it('synthesizes on a miss (two runtimes at once), and a second start reads the file without loading aws-cdk-lib', async () => {
    const dir = cacheDir();
    const [first, second] = await Promise.all([startProbe(dir), startProbe(dir)]);
    expect(first).toMatchObject({ source: 'synthesis' });
    expect(second).toMatchObject({ source: 'synthesis', file: first.file });
    expect(first.cdkModules).toBeGreaterThan(100);
    // Both wrote the same file by rename: one entry, no temporary file left, and it parses.
    expect(readdirSync(dir)).toEqual([first.file.slice(dir.length + 1)]);
    expect(JSON.parse(readFileSync(first.file, 'utf8'))).toMatchObject({ workflow: { definition: { StartAt: STATES.init } } });

    const warm = await startProbe(dir);
    expect(warm).toEqual({ source: 'cache', file: first.file, cdkModules: 0 });
  }, 120_000);

  it('gives another definition, under another hash, when a review timing changes', async () => {
    const dir = cacheDir();
    const base = await resolveWorkflowDefinition({}, { cacheDir: dir });
    const shorter = await resolveWorkflowDefinition({ windowSeconds: 90, reminders: 1 }, { cacheDir: dir });
    expect(shorter.hash).not.toBe(base.hash);
    expect(shorter.file).not.toBe(base.file);
    const task = (resolved: typeof base, name: string) => resolved.workflow.definition.States[name];
    expect(task(shorter, STATES.requestReview)).toMatchObject({ TimeoutSeconds: 90 });
    expect(task(base, STATES.requestReview)).not.toMatchObject({ TimeoutSeconds: 90 });
    expect(task(shorter, STATES.checkReminders)).toMatchObject({ Choices: [{ Variable: '$.attempt', NumericLessThan: 1 }] });

    // Each reads back as it was written; unset timings are the stage's own, so `{}` and explicit undefineds share a hash.
    const again = await resolveWorkflowDefinition({ windowSeconds: 90, reminders: 1, amendWindowSeconds: undefined }, { cacheDir: dir });
    expect(again).toMatchObject({ source: 'cache', hash: shorter.hash });
    expect(again.workflow).toEqual(shorter.workflow);
    expect(await resolveWorkflowDefinition({ windowSeconds: undefined }, { cacheDir: dir })).toMatchObject({ source: 'cache', hash: base.hash });
  }, 60_000);

  it('makes the definition again when the cache file is damaged', async () => {
    const dir = cacheDir();
    const made = await resolveWorkflowDefinition({ windowSeconds: 120 }, { cacheDir: dir });
    writeFileSync(made.file, '{"format":1,"hash":');
    const remade = await resolveWorkflowDefinition({ windowSeconds: 120 }, { cacheDir: dir });
    expect(remade).toMatchObject({ source: 'synthesis', file: made.file });
    expect(remade.workflow).toEqual(made.workflow);
    expect(await resolveWorkflowDefinition({ windowSeconds: 120 }, { cacheDir: dir })).toMatchObject({ source: 'cache' });
  }, 60_000);

  it('refuses a bad timing before reading the cache', async () => {
    await expect(resolveWorkflowDefinition({ windowSeconds: -5 }, { cacheDir: cacheDir() })).rejects.toThrow(/Invalid configuration for stage local/);
    await expect(resolveWorkflowDefinition({ reminders: Number.NaN }, { cacheDir: cacheDir() })).rejects.toThrow(/Invalid configuration for stage local/);
  });

  it('hashes the sources synthesis reads, found by their imports, and the installed aws-cdk-lib', () => {
    const inputs = workflowInputs();
    expect(Object.keys(inputs.sources)).toEqual(
      expect.arrayContaining([
        'infra/hub-intake-app.ts',
        'infra/stacks/stateless-stack.ts',
        'infra/constructs/review-workflow.ts',
        'infra/config/workflow-states.ts',
        'infra/config/index.ts',
        'infra/routes.ts',
        'infra/local/workflow/definition.ts',
        'infra/local/workflow/synthesize.ts',
      ]),
    );
    // The runtime's own modules are no input of the definition: editing them costs no synthesis.
    expect(Object.keys(inputs.sources)).not.toContain('infra/local/runtime.ts');
    const installed = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/aws-cdk-lib/package.json'), 'utf8')) as { version: string }).version;
    expect(inputs.packages['aws-cdk-lib']).toBe(installed);
    expect(inputs.packages.constructs).toMatch(/^\d+\.\d+\.\d+/);
    expect(inputs.config.review).toEqual(workflowInputs({ windowSeconds: undefined }).config.review);
    expect(workflowInputs({ amendWindowSeconds: 600 }).config.review.amendWindowSeconds).toBe(600);
  });
});
