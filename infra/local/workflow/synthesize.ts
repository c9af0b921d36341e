import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../../hub-intake-app';
import { REPO_ROOT } from '../../paths';
import type { CfnTemplate, ReviewTimings } from './definition';

/**
 * Synthesizes the app for stage `local` in this process (esbuild bundling skipped, the same
 * feature flags as `cdk synth` from cdk.json) and returns the stateless stack's template, which
 * holds the case-review state machine. So `npm start` runs exactly the definition `cdk deploy`
 * ships, with only the review timings replaced by `review`.
 *
 * The one module of the embedded runtime that imports aws-cdk-lib (about 2.5 s to load): it is
 * loaded by a dynamic import from `definition.ts`, and only when the cache has no definition.
 */
export function synthesizeLocalTemplate(review: ReviewTimings = {}): CfnTemplate {
  const { context } = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const outdir = mkdtempSync(join(tmpdir(), 'hub-intake-workflow-'));
  try {
    const app = new App({
      outdir,
      context: { ...context, 'aws:cdk:bundling-stacks': [] },
      // The built-in CloudFormation validation loads a WebAssembly rule engine that costs ~4 s;
      // `cdk synth` and the infra tests still validate this very template.
      builtinCloudFormationValidation: false,
    });
    const { stateless } = buildApp(app, 'local', { review });
    return app.synth().getStackArtifact(stateless.artifactId).template as CfnTemplate;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
