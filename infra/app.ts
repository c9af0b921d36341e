import { App } from 'aws-cdk-lib';
import { buildApp } from './hub-intake-app';

// The stage is the only input: `cdk synth -c stage=prod`.
const app = new App();
buildApp(app, String(app.node.tryGetContext('stage') ?? 'dev'));
app.synth();
