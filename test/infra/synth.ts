import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type BuildOptions, type HubIntakeStacks } from '../../infra/hub-intake-app';
import { REPO_ROOT } from '../../infra/paths';
import { FUNCTIONS, type FunctionName } from '../../infra/routes';

/** One IAM policy statement as CloudFormation renders it. */
export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
}

/**
 * The templates of a stage as `cdk synth` builds them (same feature flags from cdk.json), but
 * without running esbuild.
 */
export function synthStage(stage: string): { stateful: Template; stateless: Template } {
  const { stacks } = buildStage(stage);
  return { stateful: Template.fromStack(stacks.stateful), stateless: Template.fromStack(stacks.stateless) };
}

/**
 * The app of a stage as `cdk synth` builds it (same feature flags from cdk.json, the same
 * `options`), not yet synthesized, and without running esbuild. `appProps` adds to the App's.
 */
export function buildStage(stage: string, options: BuildOptions = {}, appProps: AppProps = {}): { app: App; stacks: HubIntakeStacks } {
  const { context } = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = new App({ ...appProps, context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  return { app, stacks: buildApp(app, stage, {}, options) };
}

export const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The logical id of a function, found by its description (each one is unique). */
export function functionId(template: Template, name: FunctionName): string {
  const ids = Object.keys(template.findResources('AWS::Lambda::Function', { Properties: { Description: FUNCTIONS[name].description } }));
  if (ids.length !== 1) throw new Error(`expected one function ${name}, found ${ids.length}`);
  return ids[0]!;
}

/** The properties of a function resource that the tests read. */
export interface FunctionProps {
  Runtime: string;
  Handler: string;
  LoggingConfig: { LogGroup: { Ref: string } };
  Architectures: string[];
  TracingConfig: { Mode: string };
  Role: { 'Fn::GetAtt': [string, string] };
  Environment: { Variables: Record<string, unknown> };
  Timeout: number;
}

/** The function resource's properties. */
export function functionProps(template: Template, name: FunctionName): FunctionProps {
  return template.toJSON().Resources[functionId(template, name)].Properties;
}

/** Every statement of every policy attached to the function's role, inline or separate. */
export function roleStatements(template: Template, name: FunctionName): Statement[] {
  return statementsOfRole(template, functionProps(template, name).Role['Fn::GetAtt'][0]);
}

/** Every statement of every policy attached to the role with this logical id: inline, separate or customer-managed. */
export function statementsOfRole(template: Template, roleId: string): Statement[] {
  const role = template.toJSON().Resources[roleId];
  const inline: Statement[] = (role.Properties.Policies ?? []).flatMap((p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement);
  const attached = policyResources(template)
    .filter((policy) => (policy.Properties.Roles ?? []).some((ref: { Ref?: string }) => ref.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
  return [...inline, ...attached];
}

/** The policy resources of a template: `AWS::IAM::Policy` and `AWS::IAM::ManagedPolicy`. */
export function policyResources(template: Template): PolicyResource[] {
  return [...Object.values(template.findResources('AWS::IAM::Policy')), ...Object.values(template.findResources('AWS::IAM::ManagedPolicy'))] as PolicyResource[];
}

/** A policy resource as far as the tests read it. */
export interface PolicyResource {
  Properties: { Roles?: { Ref?: string }[]; PolicyDocument: { Statement: Statement[] } };
}

/** The actions a set of statements allows. */
export const allowedActions = (statements: Statement[]): string[] =>
  statements.filter((s) => s.Effect === 'Allow').flatMap((s) => asList(s.Action));
