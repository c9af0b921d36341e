import { createRequire } from 'node:module';
import { Validations, type App } from 'aws-cdk-lib';
import type * as CdkNag from 'cdk-nag';
import { stageConfig, type StageOverrides } from './config';
import { EdgeStack } from './stacks/edge-stack';
import { StatefulStack } from './stacks/stateful-stack';
import { StatelessStack } from './stacks/stateless-stack';

/** The stacks of one stage of hub-intake. */
export interface HubIntakeStacks {
  /** us-east-1: the web ACL, the certificate and the access logs of the distribution. */
  edge: EdgeStack;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** How {@link buildApp} builds. */
export interface BuildOptions {
  /**
   * Checks the stacks against the cdk-nag packs of {@link compliancePacks} when the app
   * synthesizes: an unacknowledged finding fails `cdk synth`. On for `cdk synth` (infra/app.ts)
   * and the compliance test; off for the embedded runtime's in-process synthesis, which only
   * reads the state machine back and must start fast.
   * @default false
   */
  compliance?: boolean;
}

/**
 * Adds the stacks of `stage` to `app`. Kept apart from `app.ts` so that tests build exactly
 * what `cdk synth` builds, without synthesizing at import. `overrides` (embedded runtime only)
 * replace parts of the stage's configuration, such as the review timings.
 */
export function buildApp(app: App, stage: string, overrides: StageOverrides = {}, options: BuildOptions = {}): HubIntakeStacks {
  const config = stageConfig(stage, overrides);
  const env = {
    account: config.env.account ?? process.env.CDK_DEFAULT_ACCOUNT,
    region: config.env.region ?? process.env.CDK_DEFAULT_REGION,
  };
  // Stack tags are explicit (@aws-cdk/core:explicitStackTags); CloudFormation passes them on to every resource.
  const tags = { project: 'hub-intake', stage: config.stage };
  const prefix = `HubIntake-${config.stage}`;
  // CloudFront reads web ACLs and certificates from us-east-1 only; the distribution, in the
  // stateless stack, reads them through cross-region references (CDK writes them to SSM
  // parameters in the consuming region), which need the regions of both stacks known at synth.
  const edge = new EdgeStack(app, `${prefix}-Edge`, {
    env: { account: env.account, region: 'us-east-1' },
    tags,
    description: `hub-intake ${config.stage}: the web ACL, certificate and access logs of the distribution (us-east-1)`,
    config,
    crossRegionReferences: true,
  });
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    tags,
    description: `hub-intake ${config.stage}: the case table, its key and its backups`,
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    tags,
    description: `hub-intake ${config.stage}: functions, HTTP API, mail, schedules, alarms`,
    config,
    table: stateful.table,
    edge,
    crossRegionReferences: true,
  });
  if (options.compliance) Validations.of(app).addPlugins(...compliancePacks());
  return { edge, stateful, stateless };
}

/**
 * The cdk-nag rule packs hub-intake complies with: AWS Solutions, Serverless and HIPAA Security,
 * verbose so that each finding explains itself. Every finding is fixed or acknowledged where it
 * arises, with a reason that names its compensating control (`infra/constructs/compliance.ts`).
 */
export function compliancePacks(): CdkNag.NagPack[] {
  // Loaded on demand: cdk-nag costs ~300 ms to load, which the embedded runtime does not pay.
  const nag = createRequire(import.meta.url)('cdk-nag') as typeof CdkNag;
  return [
    new nag.AwsSolutionsChecks(undefined, { verbose: true }),
    new nag.ServerlessChecks(undefined, { verbose: true }),
    new nag.HIPAASecurityChecks(undefined, { verbose: true }),
  ];
}
