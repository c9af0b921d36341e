import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import type { StageConfig } from '../../config';
import { REPO_ROOT } from '../../paths';
import { FUNCTIONS, type FunctionName } from '../../routes';

/** Review timings that replace the `local` stage's (REVIEW_WINDOW_SECONDS, REMINDERS, AMEND_WINDOW_SECONDS). */
export type ReviewTimings = Partial<StageConfig['review']>;

/** The case-review state machine as the embedded runtime runs it. */
export interface WorkflowDefinition {
  /** The Amazon States Language definition, every CloudFormation intrinsic resolved. */
  definition: StateMachineDefinition;
  /** For each Task state (by state name), the function it invokes. */
  taskFunctions: Record<string, FunctionName>;
}

/** The account and region that the embedded runtime pretends to be in; they only appear in ARNs. */
export interface LocalPseudoParameters {
  partition: string;
  region: string;
  accountId: string;
}

/** The pseudo parameters used when none are given: the same account as the runtime's `localContext`. */
export const LOCAL_PSEUDO_PARAMETERS: LocalPseudoParameters = {
  partition: 'aws',
  region: process.env.AWS_REGION ?? 'eu-south-1',
  accountId: '000000000000',
};

/** One resource of a CloudFormation template, as far as the resolver reads it. */
interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
}

/** A synthesized CloudFormation template, as far as the resolver reads it. */
export interface CfnTemplate {
  Resources: Record<string, TemplateResource>;
}

/**
 * Synthesizes the app for stage `local` in this process (esbuild bundling skipped, the same
 * feature flags as `cdk synth` from cdk.json) and reads the case-review state machine back from
 * the stateless stack's template. So `npm start` runs exactly the definition `cdk deploy` ships,
 * with only the review timings replaced by `review`.
 *
 * CDK is imported lazily: modules that merely import this one (for example `npm run invoke`
 * through the runtime) do not pay for loading aws-cdk-lib.
 */
export async function loadWorkflowDefinition(review: ReviewTimings = {}): Promise<WorkflowDefinition> {
  const [{ App }, { buildApp }] = await Promise.all([import('aws-cdk-lib'), import('../../hub-intake-app')]);
  const { context } = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const outdir = mkdtempSync(join(tmpdir(), 'hub-intake-workflow-'));
  try {
    const app = new App({
      outdir,
      context: { ...context, 'aws:cdk:bundling-stacks': [] },
      // The built-in CloudFormation validation loads a WebAssembly rule engine that costs ~4 s on
      // every `npm start`; `cdk synth` and the infra tests still validate this very template.
      builtinCloudFormationValidation: false,
    });
    const { stateless } = buildApp(app, 'local', { review });
    const template = app.synth().getStackArtifact(stateless.artifactId).template as CfnTemplate;
    return workflowFromTemplate(template);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Reads the one `AWS::StepFunctions::StateMachine` of `template`: its definition with every
 * intrinsic resolved, and the function behind each Task state. Kept apart from the synthesis so
 * that a cached template (or any other) can be read the same way.
 */
export function workflowFromTemplate(template: CfnTemplate, pseudo: LocalPseudoParameters = LOCAL_PSEUDO_PARAMETERS): WorkflowDefinition {
  const machines = Object.entries(template.Resources).filter(([, resource]) => resource.Type === 'AWS::StepFunctions::StateMachine');
  if (machines.length !== 1) throw new Error(`Expected one AWS::StepFunctions::StateMachine in the stateless stack, found ${machines.length}`);
  const [machineId, machine] = machines[0]!;
  const definitionString = machine.Properties?.DefinitionString;
  if (definitionString === undefined) {
    throw new Error(`State machine ${machineId} has no DefinitionString (only DefinitionString is supported by the embedded runtime)`);
  }
  const resolver = new IntrinsicResolver(template, pseudo);
  const text = resolver.resolve(definitionString, `${machineId}.DefinitionString`);
  if (typeof text !== 'string') throw new Error(`${machineId}.DefinitionString resolved to ${typeof text}, not a string`);
  // The resolved string is the ASL document itself; the engine validates it when it starts.
  const definition = JSON.parse(text) as StateMachineDefinition;
  return { definition, taskFunctions: taskFunctionsOf(definition, template, resolver) };
}

type StatesMap = StateMachineDefinition['States'];

/** A Task state of a definition. */
export type TaskStateDefinition = Extract<StatesMap[string], { Type: 'Task' }>;

/** Every Task state by name, including those nested in Parallel branches and Map processors. */
export function taskStatesOf(states: StatesMap): [string, TaskStateDefinition][] {
  return Object.entries(states).flatMap(([name, state]): [string, TaskStateDefinition][] => {
    if (state.Type === 'Task') return [[name, state]];
    if (state.Type === 'Parallel') return state.Branches.flatMap((branch) => taskStatesOf(branch.States));
    if (state.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      return processor ? taskStatesOf(processor.States) : [];
    }
    return [];
  });
}

/** `arn:<partition>:states:::lambda:invoke` and its `.waitForTaskToken` variant. */
export const LAMBDA_INVOKE_RESOURCE = /^arn:[^:]+:states:::lambda:invoke(\.waitForTaskToken)?$/;
/** A Lambda function ARN used directly as the resource (`payloadResponseOnly`). */
export const LAMBDA_FUNCTION_RESOURCE = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/;

function taskFunctionsOf(definition: StateMachineDefinition, template: CfnTemplate, resolver: IntrinsicResolver): Record<string, FunctionName> {
  const byDescription = new Map<string, FunctionName>(
    (Object.keys(FUNCTIONS) as FunctionName[]).map((name) => [FUNCTIONS[name].description, name]),
  );
  const result: Record<string, FunctionName> = {};
  for (const [stateName, state] of taskStatesOf(definition.States)) {
    let target: unknown;
    if (LAMBDA_INVOKE_RESOURCE.test(state.Resource)) {
      const parameters = state.Parameters;
      target = parameters && typeof parameters === 'object' && !Array.isArray(parameters) ? parameters.FunctionName : undefined;
    } else if (LAMBDA_FUNCTION_RESOURCE.test(state.Resource)) {
      target = state.Resource;
    } else {
      throw new Error(`Task state "${stateName}" uses resource ${state.Resource}; the embedded runtime only runs Lambda functions`);
    }
    if (typeof target !== 'string') throw new Error(`Task state "${stateName}" has no static Parameters.FunctionName`);
    const logicalId = resolver.lambdaFor(target);
    if (!logicalId) throw new Error(`Task state "${stateName}" invokes ${target}, which is no Lambda function of the stack`);
    const description = template.Resources[logicalId]?.Properties?.Description;
    const name = typeof description === 'string' ? byDescription.get(description) : undefined;
    if (!name) {
      throw new Error(`Task state "${stateName}" invokes ${logicalId}, whose description matches no entry of FUNCTIONS in infra/routes.ts`);
    }
    result[stateName] = name;
  }
  return result;
}

/**
 * A small resolver for the intrinsics CDK puts in a state machine definition: `Fn::Join`, `Ref`,
 * `Fn::GetAtt` and `Fn::Sub`. Resources resolve to stand-in names and ARNs built from their
 * logical ids, which it remembers, so that a Task's function can be traced back to its resource.
 */
class IntrinsicResolver {
  /** Stand-in ARN or name of a Lambda function → its logical id. */
  private readonly lambdas = new Map<string, string>();

  constructor(
    private readonly template: CfnTemplate,
    private readonly pseudo: LocalPseudoParameters,
  ) {}

  /** The logical id of the Lambda function that an ARN or name produced by this resolver stands for. */
  lambdaFor(reference: string): string | undefined {
    // A qualified ARN (`...:function:Name:$LATEST`) names the same function.
    return this.lambdas.get(reference) ?? this.lambdas.get(reference.replace(/^(arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+):[^:]+$/, '$1'));
  }

  resolve(value: unknown, where: string): unknown {
    if (Array.isArray(value)) return value.map((item, index) => this.resolve(item, `${where}[${index}]`));
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      return this.intrinsic(key, argument, where);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, this.resolve(v, `${where}.${k}`)]));
  }

  private intrinsic(name: string, argument: unknown, where: string): unknown {
    switch (name) {
      case 'Ref':
        if (typeof argument !== 'string') throw new Error(`${where}: Ref takes a name, got ${JSON.stringify(argument)}`);
        return this.ref(argument, where);
      case 'Fn::GetAtt': {
        const [id, attribute] = typeof argument === 'string' ? splitOnce(argument, '.') : Array.isArray(argument) ? argument : [];
        if (typeof id !== 'string' || typeof attribute !== 'string') throw new Error(`${where}: malformed Fn::GetAtt ${JSON.stringify(argument)}`);
        return this.getAtt(id, attribute, where);
      }
      case 'Fn::Join': {
        if (!Array.isArray(argument) || argument.length !== 2) throw new Error(`${where}: malformed Fn::Join`);
        const [separator, parts] = argument;
        const resolved = this.resolve(parts, where);
        if (typeof separator !== 'string' || !Array.isArray(resolved)) throw new Error(`${where}: malformed Fn::Join`);
        return resolved.map((part) => scalar(part, where)).join(separator);
      }
      case 'Fn::Sub': {
        const [text, variables] = typeof argument === 'string' ? [argument, {}] : Array.isArray(argument) ? argument : [];
        if (typeof text !== 'string' || variables === null || typeof variables !== 'object') throw new Error(`${where}: malformed Fn::Sub`);
        const values = this.resolve(variables, where) as Record<string, unknown>;
        return text.replace(/\$\{(!?)([^}]*)\}/g, (_, literal: string, reference: string) => {
          if (literal) return `\${${reference}}`;
          if (reference in values) return scalar(values[reference], where);
          const [id, attribute] = splitOnce(reference, '.');
          return scalar(attribute === undefined || reference.startsWith('AWS::') ? this.ref(reference, where) : this.getAtt(id, attribute, where), where);
        });
      }
      default:
        throw new Error(`${where}: the embedded runtime cannot resolve ${name} (it knows Ref, Fn::GetAtt, Fn::Join and Fn::Sub)`);
    }
  }

  private ref(name: string, where: string): string {
    switch (name) {
      case 'AWS::Partition':
        return this.pseudo.partition;
      case 'AWS::Region':
        return this.pseudo.region;
      case 'AWS::AccountId':
        return this.pseudo.accountId;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::NoValue':
        throw new Error(`${where}: AWS::NoValue is not supported in a state machine definition`);
    }
    const resource = this.template.Resources[name];
    if (!resource) throw new Error(`${where}: Ref to unknown resource or parameter ${name}`);
    // CloudFormation would give the physical name; the logical id stands in for it.
    if (resource.Type === 'AWS::Lambda::Function') this.lambdas.set(name, name);
    return name;
  }

  private getAtt(id: string, attribute: string, where: string): string {
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`${where}: Fn::GetAtt on unknown resource ${id}`);
    if (attribute !== 'Arn') throw new Error(`${where}: the embedded runtime cannot resolve Fn::GetAtt ${id}.${attribute} (only .Arn)`);
    const { partition, region, accountId } = this.pseudo;
    if (resource.Type === 'AWS::Lambda::Function') {
      const arn = `arn:${partition}:lambda:${region}:${accountId}:function:${id}`;
      this.lambdas.set(arn, id);
      return arn;
    }
    const service = resource.Type.split('::')[1]?.toLowerCase() ?? 'unknown';
    return `arn:${partition}:${service}:${region}:${accountId}:${id}`;
  }
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + separator.length)];
}

function scalar(value: unknown, where: string): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`${where}: expected a string after resolving, got ${JSON.stringify(value)}`);
}
