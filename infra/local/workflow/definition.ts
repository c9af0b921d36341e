import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { stageConfig, type StageConfig } from '../../config';
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

/** Where synthesized definitions are kept when `HUB_INTAKE_CACHE_DIR` is unset: not committed, not under `.data`. */
export const DEFAULT_WORKFLOW_CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'hub-intake');

/** How {@link resolveWorkflowDefinition} finds or makes the definition. */
export interface WorkflowLoadOptions {
  /** The cache folder. @default `HUB_INTAKE_CACHE_DIR`, else {@link DEFAULT_WORKFLOW_CACHE_DIR} */
  cacheDir?: string;
}

/** A definition and where it came from. */
export interface ResolvedWorkflow {
  workflow: WorkflowDefinition;
  /** `cache`: read from the cache file, aws-cdk-lib not loaded; `synthesis`: the CDK app was synthesized. */
  source: 'cache' | 'synthesis';
  /** The hash of everything the definition depends on ({@link workflowInputs}). */
  hash: string;
  /** The cache file read or written. */
  file: string;
}

/**
 * The case-review state machine for stage `local`, with the review timings replaced by `review`:
 * exactly the definition `cdk deploy` ships. Read from the cache when a definition was made from
 * the same inputs before; otherwise the CDK app is synthesized in this process (aws-cdk-lib is
 * loaded only then, by a dynamic import) and the result cached.
 */
export async function loadWorkflowDefinition(review: ReviewTimings = {}, options: WorkflowLoadOptions = {}): Promise<WorkflowDefinition> {
  return (await resolveWorkflowDefinition(review, options)).workflow;
}

/** {@link loadWorkflowDefinition}, saying whether the definition came from the cache and which file holds it. */
export async function resolveWorkflowDefinition(review: ReviewTimings = {}, options: WorkflowLoadOptions = {}): Promise<ResolvedWorkflow> {
  const cacheDir = options.cacheDir ?? (process.env.HUB_INTAKE_CACHE_DIR || DEFAULT_WORKFLOW_CACHE_DIR);
  // Validates the timings first (a bad value stops the start whether or not the cache holds anything).
  const inputs = workflowInputs(review);
  const hash = sha256(JSON.stringify(inputs));
  const file = join(cacheDir, `workflow-${hash.slice(0, 24)}.json`);
  const cached = readCached(file, hash);
  if (cached) return { workflow: cached, source: 'cache', hash, file };
  // The only way into aws-cdk-lib from the runtime (test/unit/runtime-imports.test.ts keeps it so).
  const { synthesizeLocalTemplate } = await import('./synthesize');
  const workflow = workflowFromTemplate(synthesizeLocalTemplate(review));
  writeCached(cacheDir, file, { format: CACHE_FORMAT, hash, inputs, workflow });
  return { workflow, source: 'synthesis', hash, file };
}

/** Bumped when the cache file's shape changes. */
const CACHE_FORMAT = 1;
/** Cache files kept per folder: the newest, so that switching between a few timings or branches stays fast. */
const CACHE_KEEP = 8;

/** Everything the synthesized definition depends on, as hashed for its cache key. */
export interface WorkflowInputs {
  format: number;
  /** The `local` stage's configuration with the review timings applied (validated). */
  config: StageConfig;
  /** The partition, region and account the resolver writes into ARNs. */
  pseudo: LocalPseudoParameters;
  /** `CDK_*` variables of the environment, which CDK reads while synthesizing. */
  cdkEnvironment: Record<string, string>;
  /** sha-256 of cdk.json (its feature flags are the app's context). */
  cdkJson: string;
  /** Repository path → sha-256 of every source file that synthesis and this resolver import, transitively. */
  sources: Record<string, string>;
  /** Every package those files import → its installed version. */
  packages: Record<string, string>;
}

/**
 * The inputs of the definition: the stage configuration, the source files reached by imports from
 * the synthesis module and this one (the constructs, stacks, config and routes they read), the
 * installed versions of the packages they import (aws-cdk-lib above all) and cdk.json. Found by
 * reading the import statements, so that a file added to the app or moved counts without a list
 * to keep up to date. A few milliseconds; nothing of aws-cdk-lib is loaded.
 */
export function workflowInputs(review: ReviewTimings = {}, pseudo: LocalPseudoParameters = LOCAL_PSEUDO_PARAMETERS): WorkflowInputs {
  const here = fileURLToPath(import.meta.url);
  const graph = sourceGraph([here, join(dirname(here), `synthesize${extname(here)}`)]);
  const cdkEnvironment = Object.fromEntries(
    Object.entries(process.env)
      .filter((entry): entry is [string, string] => entry[0].startsWith('CDK_') && entry[1] !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return {
    format: CACHE_FORMAT,
    config: stageConfig('local', { review }),
    pseudo,
    cdkEnvironment,
    cdkJson: sha256(readFileSync(join(REPO_ROOT, 'cdk.json'))),
    sources: graph.sources,
    packages: graph.packages,
  };
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** A relative import's file: as written, or with a TypeScript extension or `/index.ts` added. */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}.mts`, join(base, 'index.ts'), base.replace(/\.(m?)js$/, '.$1ts')];
  return candidates.find((candidate) => {
    try {
      return statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** `aws-cdk-lib/aws-iam` → `aws-cdk-lib`; `@scope/name/x` → `@scope/name`. */
const packageName = (specifier: string) => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/**
 * Specifiers of `import … from '…'` and `export … from '…'` statements (type-only ones included),
 * of `import '…'`, `import('…')` and `require('…')`.
 */
const IMPORT_SPECIFIERS = [
  /^\s*(?:import|export)\b[^;='"]*?\bfrom\s*['"]([^'"\s]+)['"]/gm,
  /^\s*import\s*['"]([^'"\s]+)['"]/gm,
  /\b(?:import|require)\(\s*['"]([^'"\s]+)['"]\s*\)/g,
];

/** What a module specifier looks like (not an ellipsis in a comment). */
const MODULE_SPECIFIER = /^[\w@.][\w@.:/-]*$/;

/** The source files reached from `entries` through relative imports, each hashed, and the versions of the packages they import. */
function sourceGraph(entries: string[]): { sources: Record<string, string>; packages: Record<string, string> } {
  const seen = new Map<string, string>();
  const packages = new Set<string>();
  const pending = entries.filter((entry) => statSync(entry, { throwIfNoEntry: false })?.isFile());
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    seen.set(file, sha256(text));
    for (const specifier of IMPORT_SPECIFIERS.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1]!))) {
      if (!MODULE_SPECIFIER.test(specifier)) continue;
      if (specifier.startsWith('.')) {
        const target = resolveRelative(file, specifier);
        if (target && !seen.has(target)) pending.push(target);
      } else if (!specifier.startsWith('node:') && !isBuiltin(specifier)) {
        packages.add(packageName(specifier));
      }
    }
  }
  const sources = Object.fromEntries([...seen].map(([file, digest]) => [relative(REPO_ROOT, file).split(sep).join('/'), digest] as const).sort(([a], [b]) => a.localeCompare(b)));
  const versions = Object.fromEntries(
    [...packages].sort().map((name) => {
      try {
        return [name, (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown'];
      } catch {
        return [name, 'not installed'];
      }
    }),
  );
  return { sources, packages: versions };
}

/** The cache file's content. */
interface CacheEntry {
  format: number;
  hash: string;
  inputs: WorkflowInputs;
  workflow: WorkflowDefinition;
}

/** The cached definition of `hash`, or undefined when there is none or it is unreadable (then it is made again). */
function readCached(file: string, hash: string): WorkflowDefinition | undefined {
  let entry: Partial<CacheEntry>;
  try {
    entry = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheEntry>;
  } catch {
    return undefined;
  }
  const workflow = entry.workflow;
  const valid =
    entry.format === CACHE_FORMAT &&
    entry.hash === hash &&
    typeof workflow?.definition?.States === 'object' &&
    typeof workflow.definition.StartAt === 'string' &&
    typeof workflow.taskFunctions === 'object' &&
    workflow.taskFunctions !== null;
  return valid ? workflow : undefined;
}

/**
 * Writes the cache file atomically (a temporary file of this process, then a rename), so that
 * runtimes starting at once never read half a file, and keeps the {@link CACHE_KEEP} newest. A
 * cache that cannot be written only costs the next start a synthesis.
 */
function writeCached(dir: string, file: string, entry: CacheEntry): void {
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temporary, `${JSON.stringify(entry)}\n`);
    renameSync(temporary, file);
  } catch {
    rmSync(temporary, { force: true });
    return;
  }
  try {
    const others = readdirSync(dir)
      .filter((name) => /^workflow-[0-9a-f]+\.json$/.test(name))
      .map((name) => ({ path: join(dir, name), mtime: statSync(join(dir, name), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const old of others.slice(CACHE_KEEP)) rmSync(old.path, { force: true });
  } catch {
    // Another runtime pruning the same folder at the same time: nothing to do.
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
