import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Runtime, Tracing, type EventSourceMapping, type EventSourceMappingOptions } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { BUNDLED_PARTNERS_IDENTIFIER } from '../../shared/config';
import { generateCaseJsonSchema } from '../../shared/core/case';
import { generateCaseQuestionnaire } from '../../shared/core/questionnaire';
import { generateOpenApiDocument } from '../../shared/adapters/http/openapi';
import { INDEX } from '../../shared/adapters/dynamodb/keys';
import { functionEntry, REPO_ROOT } from '../paths';
import { FUNCTIONS, type FunctionName, type TableAction, type TableGrant } from '../routes';
import { acknowledge } from './compliance';
import { ManagedPolicyRole } from './managed-policy-role';

/** Where the events of failed invocations go. */
export type FailedInvocations =
  /** Invoked asynchronously (a schedule): events that fail every retry go to this queue. */
  | { deadLetterQueue: IQueue }
  /** Only ever invoked synchronously, by this caller, which gets every error itself. */
  | { synchronousCaller: string };

/** Properties of a {@link HubFunction}. */
export interface HubFunctionProps {
  /** The folder under `functions/`; also gives the description. */
  name: FunctionName;
  /** The function's environment, usually from `deployedFunctionEnvironment()`. */
  environment: Record<string, string>;
  /**
   * The stage's partners as JSON (`partnersJson()`), bundled into the code rather than put in the
   * environment: `shared/config.ts` reads them from there.
   * @default - none bundled: the function reads `PARTNERS` from its environment
   */
  partners?: string;
  /** @default 10 seconds */
  timeout?: Duration;
  /** The key that encrypts the function's log group. */
  logEncryptionKey: IKey;
  failedInvocations: FailedInvocations;
  /** @default - none: the function draws on the account's unreserved concurrency */
  reservedConcurrency?: number;
}

/** The actions that write items: a function granted any of them also needs the key's write actions. */
const WRITE_ACTIONS: ReadonlySet<TableAction> = new Set(['PutItem', 'UpdateItem', 'BatchWriteItem', 'DeleteItem']);

/**
 * What DynamoDB does with the table's customer-managed key on the caller's behalf: decrypt to
 * read; generate and re-encrypt data keys to write (CDK's `GenerateDataKey*` and `ReEncrypt*`,
 * without the key-pair variants that DynamoDB never uses).
 */
const KEY_ACTIONS = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  write: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
} as const;

/**
 * What Lambda's event source mapping needs to read a DynamoDB stream (its shards, iterators and
 * records), allowed on the one stream as AWS's own example policy does, not on every resource.
 */
const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetShardIterator', 'dynamodb:GetRecords', 'dynamodb:ListStreams'] as const;

/**
 * A Lambda function of hub-intake: runtime, architecture, tracing, log group, role and bundling
 * are fixed here once, so every function is built, observed and reviewed the same way.
 */
export class HubFunction extends NodejsFunction {
  /** The partners' JSON bundled into the code, if any. */
  public readonly bundledPartners?: string;

  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    // Its own role rather than CDK's default, which attaches the AWS-managed
    // AWSLambdaBasicExecutionRole (logs:* on every log group): this one may write its own log group only.
    const role = new ManagedPolicyRole(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    // Operational logs only (personal data lives in the table), so they go with the stack.
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
      encryptionKey: props.logEncryptionKey,
    });
    const failed = props.failedInvocations;
    super(scope, id, {
      entry: functionEntry(props.name),
      handler: 'handler',
      description: FUNCTIONS[props.name].description,
      // The latest Node.js runtime, pinned rather than "latest" so a CDK upgrade never changes it silently.
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      reservedConcurrentExecutions: props.reservedConcurrency,
      deadLetterQueue: 'deadLetterQueue' in failed ? failed.deadLetterQueue : undefined,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      environment: {
        ...props.environment,
        NODE_OPTIONS: '--enable-source-maps',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      },
      bundling: {
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings, not a copy of the sources.
        sourcesContent: false,
        target: 'node24',
        format: OutputFormat.ESM,
        // Some CommonJS dependencies (middy, Powertools) call require(), which an ESM bundle lacks.
        banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
        // The SDK is bundled too: the version is the one we tested, and cold starts do not depend on the runtime's copy.
        externalModules: [],
        mainFields: ['module', 'main'],
        // The partners as a string constant: no call at start, and none of the environment's 4 KB.
        ...(props.partners === undefined ? {} : { inject: [partnersModule(props.partners)] }),
        // The case's JSON Schema, its FHIR Questionnaire and the OpenAPI document generated now, not
        // on each request: `#case-schema`, `#case-questionnaire` and `#openapi` become the generated
        // modules, and no bundle carries zod's generator. Aliases rather than injected modules,
        // which esbuild would import into every module of every bundle.
        esbuildArgs: { '--alias': generatedDocumentAliases() },
      },
    });
    logGroup.grantWrite(role);
    this.bundledPartners = props.partners;

    acknowledge(
      this,
      'HIPAA.Security-LambdaInsideVPC',
      'hub-intake has nothing in a VPC to reach: its functions call only DynamoDB, SES, Step Functions and X-Ray, ' +
        'public AWS APIs that authorise every call with IAM and are reached over TLS. Compensating controls: a ' +
        'least-privilege role per function (its table access, its sender and configuration set, its state machine), ' +
        'the table encrypted with its own KMS key, and no inbound network path to any function but the API.',
    );
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      'The only statement on every resource is the one active tracing adds, xray:PutTraceSegments and ' +
        'xray:PutTelemetryRecords, which support no resource-level permissions; they write traces and read nothing. ' +
        'The compliance test fails if any other action is ever allowed on every resource.',
    );
    if ('synchronousCaller' in failed) {
      const reason =
        `${props.name} is only ever invoked synchronously, by ${failed.synchronousCaller}, which receives every error ` +
        'itself; Lambda sends events to a dead-letter queue for asynchronous invocations only, so one would stay empty. ' +
        'Compensating control: its Errors and Throttles alarms notify the ops topic. The scheduled functions, which are ' +
        'invoked asynchronously, do have a dead-letter queue.';
      acknowledge(this, 'Serverless-LambdaDLQ', reason);
      acknowledge(this, 'HIPAA.Security-LambdaDLQ', reason);
    }
  }

  /**
   * Grants the function exactly its {@link TableGrant}s on the table: each grant's actions on the
   * table (limited to its partitions with `dynamodb:LeadingKeys`, and to its attributes, when the
   * grant says so), Query on the indexes it names and on no other, and the KMS actions those need.
   * Written out rather than CDK's `table.grant*`, which allow `<table>/index/*` and
   * `kms:GenerateDataKey*`-style wildcards: here every action, index and KMS action is named.
   */
  bindTable(table: ITable, grants: TableGrant | readonly TableGrant[]): void {
    const list: readonly TableGrant[] = Array.isArray(grants) ? grants : [grants as TableGrant];
    let writes = false;
    for (const grant of list) {
      if (grant.actions.length > 0) {
        this.addToRolePolicy(
          new PolicyStatement({
            actions: grant.actions.map((action) => `dynamodb:${action}`),
            resources: [table.tableArn],
            conditions: tableConditions(grant),
          }),
        );
      }
      if (grant.indexes?.length) {
        this.addToRolePolicy(
          new PolicyStatement({
            actions: ['dynamodb:Query'],
            resources: grant.indexes.map((name) => `${table.tableArn}/index/${INDEX[name]}`),
          }),
        );
      }
      writes ||= grant.actions.some((action) => WRITE_ACTIONS.has(action));
    }
    table.encryptionKey?.grant(this, ...KEY_ACTIONS.read);
    if (writes) table.encryptionKey?.grant(this, ...KEY_ACTIONS.write);
  }

  /**
   * Feeds the function from the table's stream through an event source mapping with `options`
   * (filter, batching, retries, on-failure destination), and lets it read that stream and no
   * other: {@link STREAM_ACTIONS} on the stream's ARN, and the table key's decrypt, which reading
   * the records of a table under a customer-managed key needs. Written out rather than CDK's
   * `DynamoEventSource`, whose grant also allows `dynamodb:ListStreams` on every resource.
   */
  bindStream(table: ITable, options: Omit<EventSourceMappingOptions, 'eventSourceArn'>): EventSourceMapping {
    const streamArn = table.tableStreamArn;
    if (!streamArn) throw new Error(`${this.node.path} reads the stream of ${table.node.path}, which has none`);
    this.addToRolePolicy(new PolicyStatement({ actions: [...STREAM_ACTIONS], resources: [streamArn] }));
    table.encryptionKey?.grant(this, ...KEY_ACTIONS.read);
    const mapping = this.addEventSourceMapping('Stream', { ...options, eventSourceArn: streamArn });
    // Lambda checks the role's access to the stream when the mapping is created: the role and its
    // policy (a child of the role) come first.
    if (this.role) mapping.node.addDependency(this.role);
    return mapping;
  }

  /**
   * Lets the function send mail as `from` only, through `configurationSet` only, and tells it
   * the set's name (`SES_CONFIGURATION_SET`).
   */
  bindMail(from: string, configurationSet: IConfigurationSet): void {
    const stack = Stack.of(this);
    const domain = from.slice(from.lastIndexOf('@') + 1);
    const identity = (name: string) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    this.addEnvironment('SES_CONFIGURATION_SET', configurationSet.configurationSetName);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        // SES authorises against the email identity if it is verified, else the domain's: allow both, nothing else.
        resources: [
          identity(domain),
          identity(from),
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSet.configurationSetName }),
        ],
      }),
    );
  }
}

/**
 * A module that exports the partners' JSON under the identifier `shared/config.ts` reads, for
 * esbuild to inject: a reference to that global identifier becomes an import of this constant.
 * A generated file rather than a `define`, because CDK passes a define's value through a shell
 * unquoted, and the partners' names hold spaces and quotes.
 */
function partnersModule(json: string): string {
  return generatedModule('partners', `export const ${BUNDLED_PARTNERS_IDENTIFIER} = ${JSON.stringify(json)};\n`);
}

/** The import of the case's JSON Schema (`package.json` `imports`: `shared/core/case-schema.ts`). */
const CASE_SCHEMA_IMPORT = '#case-schema';
/** The import of the form's FHIR Questionnaire (`shared/core/case-questionnaire.ts`). */
const CASE_QUESTIONNAIRE_IMPORT = '#case-questionnaire';
/** The import of the OpenAPI document (`shared/adapters/http/openapi-document.ts`). */
const OPENAPI_IMPORT = '#openapi';

/** The documents generated at synthesis, once per process: every function's bundle gets the same. */
let documents: { questionnaire: unknown; openApi: unknown } | undefined;

/** The aliases of the documents generated at synthesis, as esbuild's `--alias:<import>=<module>`. */
function generatedDocumentAliases(): string[] {
  documents ??= { questionnaire: generateCaseQuestionnaire(generateCaseJsonSchema()), openApi: generateOpenApiDocument() };
  return [
    `${CASE_SCHEMA_IMPORT}=${caseSchemaModule()}`,
    `${CASE_QUESTIONNAIRE_IMPORT}=${literalModule('case-questionnaire', 'questionnaire', documents.questionnaire)}`,
    `${OPENAPI_IMPORT}=${literalModule('openapi', 'openApi', documents.openApi)}`,
  ];
}

/** A generated module exporting `name()`, which returns `value` as a literal (the run-time module's function, made at synthesis). */
function literalModule(kind: string, name: string, value: unknown): string {
  return generatedModule(kind, `export function ${name}() {\n  return VALUE;\n}\nconst VALUE = ${JSON.stringify(value)};\n`);
}

/**
 * A module that stands in for `shared/core/case-schema.ts` in the bundles: the same function,
 * returning the schema generated here rather than at run time (a file, as an alias names a
 * module). Its `$id` stays empty: serve-form fills it with the stage's address on each request.
 */
function caseSchemaModule(): string {
  const schema = JSON.stringify(generateCaseJsonSchema());
  return generatedModule('case-schema', `export function caseSchema() {\n  return SCHEMA;\n}\nconst SCHEMA = ${schema};\n`);
}

/**
 * A generated module of the bundles, whose `code` follows a do-not-edit line. Named by its
 * content (so stages and parallel syntheses never overwrite each other's), under the project
 * root (which Docker bundling mounts), in a folder git ignores.
 */
function generatedModule(kind: string, code: string): string {
  const source = `// Generated by infra/constructs/hub-function.ts for the bundles; do not edit.\n${code}`;
  const digest = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const dir = join(REPO_ROOT, 'node_modules', '.cache', 'hub-intake');
  const file = join(dir, `${kind}-${digest}.mjs`);
  if (!existsSync(file) || readFileSync(file, 'utf8') !== source) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, source);
  }
  return file;
}

/** The conditions of a grant's table statement: its partitions and its attributes, if it names them. */
function tableConditions(grant: TableGrant): Record<string, Record<string, unknown>> | undefined {
  const conditions: Record<string, Record<string, unknown>> = {};
  if (grant.leadingKeys?.length) {
    const wildcard = grant.leadingKeys.some((key) => key.includes('*'));
    conditions[wildcard ? 'ForAllValues:StringLike' : 'ForAllValues:StringEquals'] = { 'dynamodb:LeadingKeys': [...grant.leadingKeys] };
  }
  if (grant.attributes?.length) {
    const operator = 'ForAllValues:StringEquals';
    conditions[operator] = { ...conditions[operator], 'dynamodb:Attributes': [...grant.attributes] };
    // Without it, a request that names no attributes would read them all.
    conditions.StringEqualsIfExists = { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' };
  }
  return Object.keys(conditions).length > 0 ? conditions : undefined;
}
