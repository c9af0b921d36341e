import { join, relative } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../infra/paths';

/**
 * `npm start` must not load aws-cdk-lib (617 modules, about 2.5 s) to start: the module graph of
 * the runtime's entry, every function handler it loads included, is bundled by esbuild, with the
 * CDK packages and the one synthesis module (loaded only when the definition cache misses) kept
 * out and every import of them recorded.
 */

const CDK_PACKAGES = /^(aws-cdk-lib|constructs|cdk-nag)(\/|$)/;
const SYNTHESIS_MODULE = 'infra/local/workflow/synthesize.ts';

interface Edge {
  importer: string;
  target: string;
  kind: string;
}

/** The imports of CDK packages and of the synthesis module reached from `entry`, through static and dynamic imports alike. */
async function cdkImportsOf(entry: string): Promise<{ edges: Edge[]; inputs: string[] }> {
  const edges: Edge[] = [];
  const record: Plugin = {
    name: 'record-cdk-imports',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: CDK_PACKAGES }, (args) => {
        edges.push({ importer: relative(REPO_ROOT, args.importer), target: args.path, kind: args.kind });
        return { path: args.path, external: true };
      });
      pluginBuild.onResolve({ filter: /[/\\]synthesize(\.ts)?$/ }, (args) => {
        const target = relative(REPO_ROOT, join(args.resolveDir, args.path.endsWith('.ts') ? args.path : `${args.path}.ts`));
        if (target !== SYNTHESIS_MODULE) return undefined;
        edges.push({ importer: relative(REPO_ROOT, args.importer), target, kind: args.kind });
        return { path: args.path, external: true };
      });
    },
  };
  const result = await build({
    entryPoints: [join(REPO_ROOT, entry)],
    absWorkingDir: REPO_ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    outdir: 'out',
    splitting: true,
    logLevel: 'silent',
    loader: { '.node': 'empty' },
    plugins: [record],
  });
  return { edges, inputs: Object.keys((result.metafile as Metafile).inputs) };
}

describe('the embedded runtime’s module graph', () => {
  it('imports nothing of aws-cdk-lib, constructs or cdk-nag but through the synthesis module, loaded by a dynamic import', async () => {
    const { edges, inputs } = await cdkImportsOf('infra/local/main.ts');
    // The graph is the whole runtime: the runtime, the engine and every function handler.
    expect(inputs).toEqual(expect.arrayContaining(['infra/local/runtime.ts', 'infra/local/workflow/engine.ts', 'functions/submit-case/handler.ts', 'functions/record-outcome/handler.ts']));
    expect(inputs.filter((input) => /node_modules[/\\](aws-cdk-lib|constructs|cdk-nag)[/\\]/.test(input))).toEqual([]);
    expect(edges).toEqual([{ importer: 'infra/local/workflow/definition.ts', target: SYNTHESIS_MODULE, kind: 'dynamic-import' }]);
  });

  it('would see aws-cdk-lib imported by a module of the construct layer (the check can fail)', async () => {
    const { edges } = await cdkImportsOf('infra/constructs/review-workflow.ts');
    expect(edges).toContainEqual({ importer: 'infra/constructs/review-workflow.ts', target: 'aws-cdk-lib', kind: 'import-statement' });
  });
});
