import { App } from 'aws-cdk-lib';
import { buildApp } from './hub-intake-app';

// The stage is the only input: `cdk synth -c stage=prod`. Every synth checks the stacks against
// the cdk-nag packs (AWS Solutions, Serverless, HIPAA Security): a finding fails it.
const app = new App();
buildApp(app, String(app.node.tryGetContext('stage') ?? 'dev'), {}, { compliance: true });
app.synth();
