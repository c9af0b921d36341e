import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { AllowedMethods, CachePolicy, Distribution, HttpVersion, OriginProtocolPolicy, OriginRequestPolicy, OriginSslPolicy, PriceClass, SecurityPolicyProtocol, ViewerProtocolPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AaaaRecord, ARecord, HostedZone, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { CloudFrontTarget } from 'aws-cdk-lib/aws-route53-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { SCHEDULE_INPUT } from '../config/schedule-input';
import { COMMIT_STREAM } from '../config/stream';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { CloudWatchDimensionSource, ConfigurationSet, EmailSendingEvent, EventDestination, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER } from '../../shared/config';
import { API_THROTTLE, deployedFunctionEnvironment, partnersJson, type StageConfig } from '../config';
import { acknowledge, arnInFinding } from '../constructs/compliance';
import { logsKey as createLogsKey } from '../constructs/logs-key';
import { HubFunction, type FailedInvocations } from '../constructs/hub-function';
import { ManagedPolicyRole } from '../constructs/managed-policy-role';
import { ReviewWorkflow } from '../constructs/review-workflow';
import { pascal } from '../constructs/construct-ids';
import { addOpsAlarms, createOpsTopic } from '../constructs/ops-alarms';
import { addPublicRoutes, THROTTLING } from '../constructs/public-routes';
import type { EdgeStack } from './edge-stack';
import { FUNCTIONS, ROUTES, SCHEDULES, type FunctionName, type FunctionSpec } from '../routes';

/** Properties of the {@link StatelessStack}. */
export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  /** The table of the stateful stack. */
  table: ITable;
  /** The web ACL, certificate and log bucket of the distribution, in us-east-1. */
  edge: EdgeStack;
}

/** What the functions are given and granted, made before them. */
interface FunctionDependencies {
  table: ITable;
  publicBaseUrl: string;
  logsKey: IKey;
  originSecret: Secret;
  challengeKey: Secret;
  mail: ConfigurationSet;
}

/** Everything that can be replaced freely: functions, the HTTP API, mail, schedules and alarms. */
export class StatelessStack extends Stack {
  /** The functions, by name. */
  public readonly functions: Readonly<Record<FunctionName, HubFunction>>;
  public readonly httpApi: HttpApi;
  /** The case-review state machine. */
  public readonly stateMachine: StateMachine;
  /** Where failed asynchronous invocations (the schedules) and undeliverable ops mail end up. */
  public readonly deadLetters: Queue;
  /** Where the table stream's mappings send the batches that failed every retry or aged out. */
  public readonly streamFailures: Queue;
  /** Where every alarm goes. */
  public readonly opsTopic: Topic;
  /** The CloudFront distribution in front of the HTTP API: the only way in. */
  public readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config: cfg, table } = props;
    const logsKey = createLogsKey(this, 'LogsKey', 'hub-intake log groups (functions, API access logs, case-review executions)');
    this.httpApi = this.createHttpApi(cfg, logsKey);
    const mail = this.createMail();
    this.deadLetters = this.createDeadLetters();
    // The secret CloudFront sends the API with every request, and the functions expect.
    const originSecret = this.originSecret();
    // The key that signs the form's proof-of-work challenges, for the functions that make or check them.
    const challengeKey = this.generatedSecret('ChallengeKey', "the key that signs the form's proof-of-work challenges", 'are only signed and checked by the functions');
    this.distribution = this.createDistribution(cfg, props.edge, originSecret);
    // Links always point at the edge: the stage's domain, else the distribution's own name.
    const publicBaseUrl = cfg.publicBaseUrl ?? `https://${this.distribution.distributionDomainName}`;
    const functions = this.createFunctions(cfg, { table, publicBaseUrl, logsKey, originSecret, challengeKey, mail });
    this.streamFailures = this.createStreamFailures();
    this.addCommitStream(functions, table, this.streamFailures);
    const workflow = this.createWorkflow(cfg, functions, logsKey);
    this.stateMachine = workflow.stateMachine;
    this.functions = functions;
    addPublicRoutes(this.httpApi, functions);
    this.addSchedules(cfg, functions);
    this.opsTopic = createOpsTopic(this, cfg.opsEmail, this.deadLetters);
    addOpsAlarms(this, {
      functions,
      workflow,
      deadLetters: this.deadLetters,
      commitStream: { consumers: streamConsumers(), failures: this.streamFailures },
      topic: this.opsTopic,
    });
    this.addOutputs(workflow, publicBaseUrl, table);
  }

  /**
   * The HTTP API, its default stage (throttling, access logs) and nothing else: the routes come
   * with the functions (see `addPublicRoutes`).
   */
  private createHttpApi(cfg: StageConfig, logsKey: IKey): HttpApi {
    // The functions read the API's URL and the routes need the functions: that is no cycle in
    // CloudFormation, because the HttpApi resource itself depends on neither.
    // No corsPreflight: the function answers OPTIONS itself, per partner origin, and API Gateway's
    // CORS would answer first. The default stage is added here, since only addStage takes throttling and logs.
    const httpApi = new HttpApi(this, 'HttpApi', { description: `hub-intake ${cfg.stage}`, createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
      encryptionKey: logsKey,
    });
    httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { burstLimit: API_THROTTLE.burstLimit, rateLimit: API_THROTTLE.rateLimit },
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // No query string: status links carry their access token there.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            userAgent: '$context.identity.userAgent',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationLatency: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    return httpApi;
  }

  /** The SES configuration set every mail is sent with, its counts in CloudWatch. */
  private createMail(): ConfigurationSet {
    const mail = new ConfigurationSet(this, 'Mail', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // Per-set counts of sends, deliveries, bounces, complaints and rejects in CloudWatch (AWS/SES).
    // No open or click tracking: the mails carry review and status links, not marketing.
    mail.addEventDestination('ToCloudWatch', {
      destination: EventDestination.cloudWatchDimensions([
        { name: 'ses:configuration-set', source: CloudWatchDimensionSource.MESSAGE_TAG, defaultValue: mail.configurationSetName },
      ]),
      events: [
        EmailSendingEvent.SEND,
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.DELIVERY_DELAY,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.RENDERING_FAILURE,
      ],
    });
    return mail;
  }

  /** The queue failed schedule runs, failed scheduled invocations and undeliverable ops mail go to. */
  private createDeadLetters(): Queue {
    const queue = new Queue(this, 'DeadLetters', {
      // SQS-managed keys: the messages are schedule payloads and alarm notifications, never case data,
      // and the senders (Scheduler, Lambda, SNS) need no KMS grant.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      queue,
      'Serverless-SQSRedrivePolicy',
      'This queue is itself the dead-letter queue of the schedules, of the scheduled functions and of the ops mail ' +
        'subscription: nothing consumes it, so a redrive policy would only move messages further. Compensating control: ' +
        'an alarm notifies ops as soon as one message is in it, and messages are kept 14 days.',
    );
    return queue;
  }

  /**
   * The queue the stream's mappings send what they give up on: a description of the batch (its
   * shard, its first and last sequence numbers, why it gave up), never the records,
   * so SQS-managed keys suffice and Lambda needs no KMS grant to send.
   */
  private createStreamFailures(): Queue {
    const queue = new Queue(this, 'StreamFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const reason =
      "This queue is itself the on-failure destination of the table stream's event source mapping: nothing consumes " +
      'it, so a dead-letter queue or a redrive policy would only move its messages further. Compensating controls: an ' +
      'alarm notifies ops as soon as one message is in it, the outbox entries of the batch stay in the outbox for the ' +
      'one-minute sweep, and messages are kept 14 days.';
    acknowledge(queue, 'AwsSolutions-SQS3', reason);
    acknowledge(queue, 'Serverless-SQSRedrivePolicy', reason);
    return queue;
  }

  /**
   * Feeds every function whose spec has `streamTrigger` from the table's stream, with the filter,
   * batching and retries of {@link COMMIT_STREAM}. From the latest records: a mapping created (or
   * replaced) later would otherwise replay up to 24 hours of the stream, whose entries the sweep
   * has run long since, and send what is older than `maxRecordAgeSeconds` to `failures` as false
   * alarms; what a commit writes before the mapping exists the sweep runs within a minute.
   */
  private addCommitStream(functions: Record<FunctionName, HubFunction>, table: ITable, failures: IQueue): void {
    for (const name of streamConsumers()) {
      functions[name].bindStream(table, {
        startingPosition: StartingPosition.LATEST,
        filters: [FilterCriteria.filter(COMMIT_STREAM.filter)],
        batchSize: COMMIT_STREAM.batchSize,
        retryAttempts: COMMIT_STREAM.retryAttempts,
        maxRecordAge: Duration.seconds(COMMIT_STREAM.maxRecordAgeSeconds),
        bisectBatchOnError: COMMIT_STREAM.bisectBatchOnError,
        reportBatchItemFailures: COMMIT_STREAM.reportBatchItemFailures,
        onFailure: new SqsDlq(failures),
      });
    }
  }

  /**
   * One {@link HubFunction} per entry of FUNCTIONS, with its environment, its concurrency, where
   * its failed invocations go, and its grants: the table, the origin secret, the challenge key, mail.
   */
  private createFunctions(cfg: StageConfig, uses: FunctionDependencies): Record<FunctionName, HubFunction> {
    const { table, publicBaseUrl, logsKey, originSecret, challengeKey, mail } = uses;
    const values = { tableName: table.tableName, publicBaseUrl };
    const partners = partnersJson(cfg);
    const functions = {} as Record<FunctionName, HubFunction>;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
      const reservedConcurrency = cfg.reservedConcurrency === false ? undefined : cfg.reservedConcurrency[name];
      const fn = new HubFunction(this, pascal(name), {
        name,
        environment: deployedFunctionEnvironment(cfg, values, spec, name),
        partners,
        logEncryptionKey: logsKey,
        failedInvocations: this.failedInvocations(name, spec, this.deadLetters),
        reservedConcurrency,
        ...(spec.timeoutSeconds ? { timeout: Duration.seconds(spec.timeoutSeconds) } : {}),
      });
      if (reservedConcurrency === undefined) {
        acknowledge(
          fn,
          'HIPAA.Security-LambdaConcurrency',
          `Stage ${cfg.stage} reserves no concurrency (reservedConcurrency: false in infra/config): accounts on the initial ` +
            'Lambda quota of 10 must keep all 10 unreserved, so any reservation fails to deploy. Compensating controls: ' +
            `${THROTTLING}, every function's Throttles alarm notifies ops, and prod reserves concurrency for every function.`,
        );
      }
      if (spec.table) fn.bindTable(table, spec.table);
      // Only the functions behind the API check the origin; the value comes from the secret at deploy time.
      if (ROUTES.some((route) => route.fn === name)) fn.addEnvironment('ORIGIN_VERIFY_SECRET', originSecret.secretValue.unsafeUnwrap());
      if (spec.checksChallenges) fn.addEnvironment('CHALLENGE_HMAC_KEY', challengeKey.secretValue.unsafeUnwrap());
      if (spec.sendsMail) fn.bindMail(cfg.mailFrom, mail);
      functions[name] = fn;
    }
    return functions;
  }

  /**
   * The case-review state machine, its role, and the grants of the functions that start it or
   * answer its tasks.
   */
  private createWorkflow(cfg: StageConfig, functions: Record<FunctionName, HubFunction>, logsKey: IKey): ReviewWorkflow {
    const workflowRole = new ManagedPolicyRole(this, 'CaseReviewRole', { assumedBy: new ServicePrincipal('states.amazonaws.com') });
    const workflow = new ReviewWorkflow(this, 'CaseReview', {
      requestReview: functions['request-review'],
      requestChanges: functions['request-changes'],
      recordOutcome: functions['record-outcome'],
      notifySubmitter: functions['notify-submitter'],
      reviewWindow: Duration.seconds(cfg.review.windowSeconds),
      reminders: cfg.review.reminders,
      escalationWindow: Duration.seconds(cfg.review.escalationWindowSeconds ?? cfg.review.windowSeconds),
      amendWindow: Duration.seconds(cfg.review.amendWindowSeconds),
      logEncryptionKey: logsKey,
      role: workflowRole,
    });
    acknowledge(
      workflowRole,
      'AwsSolutions-IAM5[Resource::*]',
      'The statements on every resource are those Step Functions needs for X-Ray (PutTraceSegments, PutTelemetryRecords, ' +
        'GetSamplingRules, GetSamplingTargets) and for delivering execution logs (logs:CreateLogDelivery and the related ' +
        'delivery and resource-policy actions), none of which supports resource-level permissions. The compliance test ' +
        'fails if any other action is allowed on every resource.',
    );
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
      // Only the functions that start executions learn the ARN: the tasks the machine invokes must not, or the two would depend on each other.
      if (spec.startsWorkflow) {
        workflow.stateMachine.grantStartExecution(functions[name]);
        functions[name].addEnvironment('STATE_MACHINE_ARN', workflow.stateMachine.stateMachineArn);
      }
      if (spec.answersWorkflow) workflow.stateMachine.grantTaskResponse(functions[name]);
      if (spec.workflowTask) acknowledgeInvokeQualifiers(workflowRole, name, functions[name], 'the case-review state machine');
    }
    return workflow;
  }

  /** A schedule per entry of SCHEDULES, each with its own role, retries and the dead-letter queue. */
  private addSchedules(cfg: StageConfig, functions: Record<FunctionName, HubFunction>): void {
    for (const { fn, everyMinutes: every } of SCHEDULES) {
      const everyMinutes = every === 'aggregateEveryMinutes' ? cfg.aggregateEveryMinutes : every;
      const role = new ManagedPolicyRole(this, `${pascal(fn)}ScheduleRole`, {
        // Only this account's schedules in the default group may use it (what CDK's own role would allow).
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: {
            StringEquals: {
              'aws:SourceAccount': this.account,
              'aws:SourceArn': this.formatArn({ service: 'scheduler', resource: 'schedule-group', resourceName: 'default' }),
            },
          },
        }),
      });
      new Schedule(this, `${pascal(fn)}Schedule`, {
        description: `Runs ${fn} every ${everyMinutes} min`,
        schedule: ScheduleExpression.rate(Duration.minutes(everyMinutes)),
        // A run older than the period is superseded by the next one anyway; no backlog of retries.
        // An invocation that still cannot be delivered goes to the dead-letter queue.
        target: new LambdaInvoke(functions[fn], {
          role,
          // The shape the functions and their samples in events/ expect, rather than Scheduler's undocumented default.
          input: ScheduleTargetInput.fromObject(SCHEDULE_INPUT),
          deadLetterQueue: this.deadLetters,
          maxEventAge: Duration.minutes(Math.min(everyMinutes, 24 * 60)),
          retryAttempts: 2,
        }),
      });
      acknowledgeInvokeQualifiers(role, fn, functions[fn], `the ${fn} schedule`);
    }
  }

  /** What a deployment prints and the ops scripts read. */
  private addOutputs(workflow: ReviewWorkflow, publicBaseUrl: string, table: ITable): void {
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'PublicUrl', { value: publicBaseUrl, description: 'Base URL of hub-intake: the distribution' });
    new CfnOutput(this, 'DistributionDomainName', { value: this.distribution.distributionDomainName, description: 'Where the domain’s alias points' });
    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint, description: 'The HTTP API itself: refuses requests that do not come through the distribution' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'OpsTopicArn', { value: this.opsTopic.topicArn });
    new CfnOutput(this, 'DeadLettersUrl', { value: this.deadLetters.queueUrl });
    new CfnOutput(this, 'StreamFailuresUrl', { value: this.streamFailures.queueUrl, description: 'Stream batches react-to-commit gave up on (the sweep runs their entries)' });
  }

  /**
   * How a function is invoked decides where its failed events go: the scheduled ones are invoked
   * asynchronously and get the dead-letter queue, the others answer their caller (the stream's
   * mapping sends what it gives up on to its own on-failure queue, see `addCommitStream`).
   */
  private failedInvocations(name: FunctionName, spec: FunctionSpec, deadLetters: IQueue): FailedInvocations {
    if (SCHEDULES.some((s) => s.fn === name)) return { deadLetterQueue: deadLetters };
    if (spec.streamTrigger) {
      return {
        synchronousCaller:
          "the table stream's event source mapping (which retries a failed batch, bisects it, and sends what still fails to the StreamFailures queue and an alarm)",
      };
    }
    if (spec.workflowTask) {
      return { synchronousCaller: 'the case-review state machine (a RequestResponse task whose errors its Catch turns into MarkFailed and a failed-execution alarm)' };
    }
    if (ROUTES.some((r) => r.fn === name)) return { synchronousCaller: 'the HTTP API (its errors are the caller’s 5xx)' };
    if (spec.streamTrigger) return { synchronousCaller: 'the table stream’s event source mapping (its retries, bisection and on-failure queue)' };
    throw new Error(`${name} is neither scheduled, a workflow task nor routed: how is it invoked?`);
  }

  /**
   * The secret CloudFront adds to every request it forwards (header {@link ORIGIN_VERIFY_HEADER})
   * and the API's functions require: generated by Secrets Manager, and resolved by CloudFormation
   * into the distribution's origin and the functions' environment at deploy time, so nothing
   * reads it at run time.
   */
  private originSecret(): Secret {
    return this.generatedSecret('OriginSecret', `the value CloudFront sends the HTTP API in ${ORIGIN_VERIFY_HEADER}`, 'are only compared by the functions, and WAF redacts the header');
  }

  /**
   * A random secret made by Secrets Manager under its own rotating key, resolved by CloudFormation
   * where it is used (so nothing reads it at run time) and rotated by replacing it in a deployment.
   */
  private generatedSecret(id: string, what: string, handling: string): Secret {
    const key = new Key(this, `${id}Key`, {
      description: `hub-intake: ${what}`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const secret = new Secret(this, id, {
      description: `hub-intake ${this.stackName}: ${what}`,
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const reason =
      'The secret is resolved into its users when CloudFormation deploys, so a rotation by Secrets Manager would change ' +
      `it in none of them. Compensating controls: it is 64 random characters, never logged (its values ${handling}), ` +
      'encrypted with its own rotating key, and rotated by replacing it in a deployment (README, operations).';
    acknowledge(secret, 'AwsSolutions-SMG4', reason);
    acknowledge(secret, 'HIPAA.Security-SecretsManagerRotationEnabled', reason);
    return secret;
  }

  /**
   * The CloudFront distribution in front of the HTTP API: the web ACL of the edge stack, TLS 1.2
   * at least, access logs, nothing cached (every route is dynamic or revalidated by the
   * functions), and every viewer header but Host forwarded (Authorization, Idempotency-Key,
   * Origin, Accept, Accept-Language, Content-Type, If-None-Match and the rest) with the query
   * string: CachingDisabled with AllViewerExceptHostHeader, which is how CloudFront forwards
   * Authorization without a cache key. API Gateway needs its own Host.
   */
  private createDistribution(cfg: StageConfig, edge: EdgeStack, originSecret: Secret): Distribution {
    const origin = new HttpOrigin(`${this.httpApi.apiId}.execute-api.${this.region}.${this.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      customHeaders: { [ORIGIN_VERIFY_HEADER]: originSecret.secretValue.unsafeUnwrap() },
      readTimeout: Duration.seconds(30),
    });
    const distribution = new Distribution(this, 'Distribution', {
      comment: `hub-intake ${cfg.stage}`,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        compress: true,
      },
      webAclId: edge.firewall.webAcl.attrArn,
      // TLS 1.2 at least; only a custom certificate lets the policy be set (see CFR4 below).
      ...(cfg.domain && edge.certificate
        ? { domainNames: [cfg.domain.name], certificate: edge.certificate, minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
      httpVersion: HttpVersion.HTTP2_AND_3,
      // Europe and North America: where the Hub's partners and their people are.
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: edge.accessLogs,
      logFilePrefix: `${cfg.stage}/`,
      logIncludesCookies: false,
    });
    acknowledge(
      distribution,
      'AwsSolutions-CFR1',
      'No geo restriction: the partners include multinational companies (IBM, Medtronic, Boston Scientific, Dassault ' +
        'Systèmes) whose people submit from anywhere, and reviewers travel. Compensating controls: the web ACL blocks ' +
        'addresses on the AWS IP reputation list, limits each address on the routes that write or mail, and applies ' +
        'the common and known-bad-inputs rule groups.',
    );
    if (!cfg.domain) {
      const reason =
        `Stage ${cfg.stage} has no domain, so the distribution serves the default *.cloudfront.net certificate, whose ` +
        'security policy CloudFront fixes at TLSv1 and cannot be raised. Compensating controls: the origin is reached ' +
        'over TLS 1.2 only, HSTS is sent on every response, and a stage with a domain (prod) requires TLS 1.2 (TLSv1.2_2021).';
      acknowledge(distribution, 'AwsSolutions-CFR4', reason);
    }
    if (cfg.domain?.hostedZone) {
      const zone = HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: cfg.domain.hostedZone.id, zoneName: cfg.domain.hostedZone.name });
      const target = RecordTarget.fromAlias(new CloudFrontTarget(distribution));
      new ARecord(this, 'AliasA', { zone, recordName: cfg.domain.name, target });
      new AaaaRecord(this, 'AliasAaaa', { zone, recordName: cfg.domain.name, target });
    }
    return distribution;
  }
}

/** The functions the table's stream feeds: those whose spec has `streamTrigger`. */
function streamConsumers(): FunctionName[] {
  return (Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]).filter(([, spec]) => spec.streamTrigger).map(([name]) => name);
}

/**
 * Invoking a function through Step Functions or Scheduler grants `lambda:InvokeFunction` on the
 * function and on `<function ARN>:*`, its versions and aliases: acknowledged for that one function.
 */
function acknowledgeInvokeQualifiers(role: ManagedPolicyRole, name: FunctionName, fn: HubFunction, caller: string): void {
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::${arnInFinding(fn)}:*]`,
    `The grant that lets ${caller} invoke ${name} covers that function's versions and aliases (<function ARN>:*); ` +
      'the wildcard reaches no other function. Compensating control: the action is lambda:InvokeFunction alone, and only ' +
      'that service can assume the role.',
  );
}
