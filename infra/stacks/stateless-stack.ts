import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { ComparisonOperator, TreatMissingData, type Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { ConfigurationSet, SuppressionReasons } from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { functionEnvironment, type StageConfig } from '../config';
import { HubFunction } from '../constructs/hub-function';
import { FUNCTIONS, ROUTES, SCHEDULES, type FunctionName, type FunctionSpec } from '../routes';
import { ReviewWorkflow } from '../constructs/review-workflow';

/** Properties of the {@link StatelessStack}. */
export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  /** The table of the stateful stack. */
  table: ITable;
}

/** `submit-case` → `SubmitCase`: construct ids that stay stable as long as the function names do. */
const pascal = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());

/** Everything that can be replaced freely: functions, the HTTP API, mail, schedules and alarms. */
export class StatelessStack extends Stack {
  /** The functions, by name. */
  public readonly functions: Readonly<Record<FunctionName, HubFunction>>;
  public readonly httpApi: HttpApi;
  /** The case-review state machine. */
  public readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config: cfg, table } = props;

    // The functions read the API's URL and the routes need the functions: that is no cycle in
    // CloudFormation, because the HttpApi resource itself depends on neither.
    // No corsPreflight: the function answers OPTIONS itself, per partner origin, and API Gateway's
    // CORS would answer first. The default stage is added below, since only addStage takes throttling and logs.
    this.httpApi = new HttpApi(this, 'HttpApi', { description: `hub-intake ${cfg.stage}`, createDefaultStage: false });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { burstLimit: 100, rateLimit: 50 },
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

    const mail = new ConfigurationSet(this, 'Mail', {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });

    const environment = functionEnvironment(cfg, {
      tableName: table.tableName,
      publicBaseUrl: cfg.publicBaseUrl ?? this.httpApi.apiEndpoint,
    });

    const functions = {} as Record<FunctionName, HubFunction>;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, (typeof FUNCTIONS)[FunctionName]][]) {
      const fn = new HubFunction(this, pascal(name), { name, environment });
      if (spec.table !== 'none') fn.bindTable(table, spec.table);
      if (spec.sendsMail) fn.bindMail(cfg.mailFrom, mail);
      functions[name] = fn;
    }

    const workflow = new ReviewWorkflow(this, 'CaseReview', {
      requestReview: functions['request-review'],
      requestChanges: functions['request-changes'],
      recordOutcome: functions['record-outcome'],
      notifySubmitter: functions['notify-submitter'],
      reviewWindow: Duration.seconds(cfg.review.windowSeconds),
      reminders: cfg.review.reminders,
      amendWindow: Duration.seconds(cfg.review.amendWindowSeconds),
    });
    this.stateMachine = workflow.stateMachine;
    for (const [name, spec] of Object.entries(FUNCTIONS) as [FunctionName, FunctionSpec][]) {
      // Only the functions that start executions learn the ARN: the tasks the machine invokes must not, or the two would depend on each other.
      if (spec.startsWorkflow) {
        workflow.stateMachine.grantStartExecution(functions[name]);
        functions[name].addEnvironment('STATE_MACHINE_ARN', workflow.stateMachine.stateMachineArn);
      }
      if (spec.answersWorkflow) workflow.stateMachine.grantTaskResponse(functions[name]);
    }
    this.functions = functions;

    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    for (const route of ROUTES) {
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${pascal(route.fn)}Integration`, functions[route.fn]);
        integrations.set(route.fn, integration);
      }
      this.httpApi.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration });
    }

    for (const { fn, everyMinutes: every } of SCHEDULES) {
      const everyMinutes = every === 'aggregateEveryMinutes' ? cfg.aggregateEveryMinutes : every;
      new Schedule(this, `${pascal(fn)}Schedule`, {
        description: `Runs ${fn} every ${everyMinutes} min`,
        schedule: ScheduleExpression.rate(Duration.minutes(everyMinutes)),
        // A run older than the period is superseded by the next one anyway; no backlog of retries.
        target: new LambdaInvoke(functions[fn], { maxEventAge: Duration.minutes(Math.min(everyMinutes, 24 * 60)), retryAttempts: 2 }),
      });
    }

    const opsTopic = this.opsTopic(cfg.opsEmail);
    const alarmAction = new SnsAction(opsTopic);
    for (const [name, fn] of Object.entries(functions)) {
      const alarm = (id: string, metric: Metric, what: string) =>
        metric
          .createAlarm(this, `${pascal(name)}${id}Alarm`, {
            alarmDescription: `${name}: ${what} in 5 minutes`,
            threshold: 1,
            evaluationPeriods: 1,
            comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treatMissingData: TreatMissingData.NOT_BREACHING,
          })
          .addAlarmAction(alarmAction);
      alarm('Errors', fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), 'at least one error');
      alarm('Throttles', fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }), 'at least one throttled invocation');
    }

    workflow.stateMachine
      .metricFailed({ period: Duration.minutes(5), statistic: 'Sum' })
      .createAlarm(this, 'CaseReviewFailedAlarm', {
        alarmDescription: 'case-review: at least one execution failed in 5 minutes (the case is marked failed)',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      })
      .addAlarmAction(alarmAction);

    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.apiEndpoint, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'OpsTopicArn', { value: opsTopic.topicArn });
  }

  /** The topic alarms go to, encrypted with a key CloudWatch may use (it cannot use alias/aws/sns). */
  private opsTopic(email: string): Topic {
    const key = new Key(this, 'OpsTopicKey', {
      description: 'hub-intake ops alarm topic',
      enableKeyRotation: true,
      // Protects messages in transit only; nothing stored needs it after the stack is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Only this account's alarms, through both the key policy and the topic policy.
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    const conditions = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: { 'aws:SourceArn': this.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    };
    key.addToResourcePolicy(
      new PolicyStatement({ principals: [cloudWatch], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'], conditions }),
    );
    const topic = new Topic(this, 'OpsTopic', { displayName: 'hub-intake alarms', enforceSSL: true, masterKey: key });
    // The topic policy replaces SNS's default one, which is what let same-account alarms publish.
    topic.addToResourcePolicy(
      new PolicyStatement({ principals: [cloudWatch], actions: ['sns:Publish'], resources: [topic.topicArn], conditions }),
    );
    topic.addSubscription(new EmailSubscription(email));
    return topic;
  }
}
