import { join } from 'node:path';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IConfigurationSet } from 'aws-cdk-lib/aws-ses';
import type { Construct } from 'constructs';
import { keys } from '../../shared/store/keys';
import { functionEntry, REPO_ROOT } from '../paths';
import { FUNCTIONS, type FunctionName } from '../routes';

/** Properties of a {@link HubFunction}. */
export interface HubFunctionProps {
  /** The folder under `functions/`; also gives the description. */
  name: FunctionName;
  /** The function's environment, usually from `functionEnvironment()`. */
  environment: Record<string, string>;
  /** @default 10 seconds */
  timeout?: Duration;
}

/** What a function may do with a table; `read-snapshots` also writes, but only the metrics snapshot items. */
export type TableAccessLevel = 'read' | 'readwrite' | 'read-snapshots';

/**
 * A Lambda function of hub-intake: runtime, architecture, tracing, log group and bundling are
 * fixed here once, so every function is built and observed the same way.
 */
export class HubFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: HubFunctionProps) {
    super(scope, id, {
      entry: functionEntry(props.name),
      handler: 'handler',
      description: FUNCTIONS[props.name].description,
      // Pinned rather than "latest" so a CDK upgrade never changes the runtime silently.
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      // Operational logs only (personal data lives in the table), so they go with the stack.
      logGroup: new LogGroup(scope, `${id}Logs`, {
        retention: RetentionDays.THREE_MONTHS,
        removalPolicy: RemovalPolicy.DESTROY,
      }),
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
        target: 'node22',
        format: OutputFormat.ESM,
        // Some CommonJS dependencies (middy, Powertools) call require(), which an ESM bundle lacks.
        banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
        // The SDK is bundled too: the version is the one we tested, and cold starts do not depend on the runtime's copy.
        externalModules: [],
        mainFields: ['module', 'main'],
      },
    });
  }

  /** Grants the least the function needs on the table; the table name comes with the function environment. */
  bindTable(table: ITable, access: TableAccessLevel): void {
    if (access === 'readwrite') {
      table.grantReadWriteData(this);
      return;
    }
    table.grantReadData(this);
    if (access === 'read-snapshots') {
      // Writes limited by partition key: the aggregation can store snapshots and touch nothing else.
      this.addToRolePolicy(
        new PolicyStatement({
          actions: ['dynamodb:PutItem'],
          resources: [table.tableArn],
          conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...keys.snapshotPartitions] } },
        }),
      );
      table.encryptionKey?.grantEncrypt(this);
    }
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

