import type { App } from 'aws-cdk-lib';
import { stageConfig, type StageOverrides } from './config';
import { StatefulStack } from './stacks/stateful-stack';
import { StatelessStack } from './stacks/stateless-stack';

/** The stacks of one stage of hub-intake. */
export interface HubIntakeStacks {
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/**
 * Adds the stacks of `stage` to `app`. Kept apart from `app.ts` so that tests build exactly
 * what `cdk synth` builds, without synthesizing at import. `overrides` (embedded runtime only)
 * replace parts of the stage's configuration, such as the review timings.
 */
export function buildApp(app: App, stage: string, overrides: StageOverrides = {}): HubIntakeStacks {
  const config = stageConfig(stage, overrides);
  const env = {
    account: config.env.account ?? process.env.CDK_DEFAULT_ACCOUNT,
    region: config.env.region ?? process.env.CDK_DEFAULT_REGION,
  };
  // Stack tags are explicit (@aws-cdk/core:explicitStackTags); CloudFormation passes them on to every resource.
  const tags = { project: 'hub-intake', stage: config.stage };
  const prefix = `HubIntake-${config.stage}`;
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    env,
    tags,
    description: `hub-intake ${config.stage}: the case table and its key`,
  });
  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    env,
    tags,
    description: `hub-intake ${config.stage}: functions, HTTP API, mail, schedules, alarms`,
    config,
    table: stateful.table,
  });
  return { stateful, stateless };
}
