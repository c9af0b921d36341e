import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Errors,
  Fail,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  Pass,
  Result,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { STATES } from '../config/workflow-states';

/** Names of the states (CDK-free, so that the embedded runtime reads them without loading aws-cdk-lib). */
export { STATES };

/**
 * Errors of the Lambda service rather than of our code: throttling, a service fault, the SDK's
 * own client errors. CDK retries some of them by default; here they are listed once, with jitter.
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
] as const;

/**
 * How tasks are retried before Catch → MarkFailed: every task is safe to repeat (each writes with
 * a condition, each mail goes through the outbox once). Exponential back-off with full jitter, so
 * that cases failing together do not retry together.
 */
export const TASK_RETRY = {
  /** Lambda service errors: soon and often (2, 4, 8, ... s, at most a minute apart). */
  service: { interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2, maxDelay: Duration.minutes(1) },
  /** The function failed (States.TaskFailed) or the task timed out: a few times, further apart. */
  failure: { interval: Duration.seconds(3), maxAttempts: 3, backoffRate: 3, maxDelay: Duration.minutes(1) },
} as const;

/** How long a task that does not wait for a token may take: above the functions' own 10 s timeout. */
export const TASK_TIMEOUT = Duration.seconds(30);

export interface ReviewWorkflowProps {
  requestReview: IFunction;
  requestChanges: IFunction;
  recordOutcome: IFunction;
  notifySubmitter: IFunction;
  /** How long reviewers have to decide, before each reminder and before expiry. */
  reviewWindow: Duration;
  /** How many reminders before the review escalates to the coordinators. */
  reminders: number;
  /** How long the coordinators have once the review escalates to them, before the case expires. @default reviewWindow */
  escalationWindow?: Duration;
  /** How long the submitter has to amend a case sent back. */
  amendWindow: Duration;
  /** Encrypts the execution log group. @default - CloudWatch Logs' own encryption */
  logEncryptionKey?: IKey;
  /** The state machine's role; the grants the tasks need are added to it. @default - a new role */
  role?: IRole;
}

/**
 * The `case-review` state machine. Its input and state carry ids and counters only, never
 * personal data: every function reads what it needs from the table by case id.
 *
 * ```
 * Init → RequestReview ⇢(task token) Decision? ─ approve → RecordApproval → NotifyApproval → Approved
 *          │ timeout → RemindersLeft? → Remind → RequestReview        ├ reject → RecordRejection → NotifyRejection → Rejected
 *          │                        └ none left → Escalate ⇢(task token, the coordinators) → Decision?
 *          │                                        └ timeout → Expire → NotifyExpiry → Expired
 *          └ error, once retried → MarkFailed → NotifyFailure → Failed    └ changes → RequestChanges ⇢(task token) NextRound → RequestReview
 * ```
 */
export class ReviewWorkflow extends Construct {
  public readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: ReviewWorkflowProps) {
    super(scope, id);

    /**
     * The Retry of every task, most specific first (Step Functions takes the first that matches).
     * `States.TaskFailed` never matches `States.Timeout`; a task that waits for a token does not
     * retry its timeout, which is the review or amend window running out (reminders, expiry).
     */
    const retried = (task: LambdaInvoke, options: { waitsForToken: boolean }): LambdaInvoke => {
      task.addRetry({ errors: [...LAMBDA_SERVICE_ERRORS], jitterStrategy: JitterType.FULL, ...TASK_RETRY.service });
      const failures = options.waitsForToken ? [Errors.TASKS_FAILED] : [Errors.TASKS_FAILED, Errors.TIMEOUT];
      task.addRetry({ errors: failures, jitterStrategy: JitterType.FULL, ...TASK_RETRY.failure });
      return task;
    };
    const failed = new Fail(this, STATES.failed, { error: 'CaseReviewFailed', cause: 'The case-review workflow failed; the case is marked failed.' });
    // The submitter hears of the failure (the receipt promised an outcome) and may send the case
    // again; a failure to tell them ends in Failed all the same (the mail stays in the outbox).
    const notifyFailure = retried(new LambdaInvoke(this, STATES.notifyFailure, {
      lambdaFunction: props.notifySubmitter,
      payload: TaskInput.fromObject({ caseId: JsonPath.stringAt('$.caseId'), round: JsonPath.numberAt('$.round'), outcome: 'failed' }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      taskTimeout: Timeout.duration(TASK_TIMEOUT),
      resultPath: JsonPath.DISCARD,
    }), { waitsForToken: false }).addCatch(failed, { errors: [Errors.ALL], resultPath: '$.error' });
    const markFailed = retried(new LambdaInvoke(this, STATES.markFailed, {
      lambdaFunction: props.recordOutcome,
      payload: TaskInput.fromObject({
        caseId: JsonPath.stringAt('$.caseId'),
        round: JsonPath.numberAt('$.round'),
        outcome: 'failed',
        error: JsonPath.stringAt('$.error.Error'),
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      taskTimeout: Timeout.duration(TASK_TIMEOUT),
      resultPath: JsonPath.DISCARD,
    }), { waitsForToken: false }).next(notifyFailure).next(failed);

    const outcome = (stateName: string, fn: IFunction, value: string) =>
      retried(new LambdaInvoke(this, stateName, {
        lambdaFunction: fn,
        payload: TaskInput.fromObject({ caseId: JsonPath.stringAt('$.caseId'), round: JsonPath.numberAt('$.round'), outcome: value }),
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
        taskTimeout: Timeout.duration(TASK_TIMEOUT),
        resultPath: JsonPath.DISCARD,
      }), { waitsForToken: false }).addCatch(markFailed, { errors: [Errors.ALL], resultPath: '$.error' });

    const approved = outcome(STATES.recordApproval, props.recordOutcome, 'approved')
      .next(outcome(STATES.notifyApproval, props.notifySubmitter, 'approved'))
      .next(new Succeed(this, STATES.approved));
    const rejected = outcome(STATES.recordRejection, props.recordOutcome, 'rejected')
      .next(outcome(STATES.notifyRejection, props.notifySubmitter, 'rejected'))
      .next(new Succeed(this, STATES.rejected));
    const expire = outcome(STATES.expire, props.recordOutcome, 'expired')
      .next(outcome(STATES.notifyExpiry, props.notifySubmitter, 'expired'))
      .next(new Succeed(this, STATES.expired));

    const waitFor = (stateName: string, fn: IFunction, timeout: Duration, resultPath: string, extra: Record<string, unknown> = {}) =>
      retried(new LambdaInvoke(this, stateName, {
        lambdaFunction: fn,
        integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        payload: TaskInput.fromObject({
          caseId: JsonPath.stringAt('$.caseId'),
          round: JsonPath.numberAt('$.round'),
          attempt: JsonPath.numberAt('$.attempt'),
          ...extra,
          taskToken: JsonPath.taskToken,
        }),
        taskTimeout: Timeout.duration(timeout),
        retryOnServiceExceptions: false,
        resultPath,
      }), { waitsForToken: true });

    const requestReview = waitFor(STATES.requestReview, props.requestReview, props.reviewWindow, '$.review');
    const remind = new Pass(this, STATES.remind, {
      parameters: {
        caseId: JsonPath.stringAt('$.caseId'),
        round: JsonPath.numberAt('$.round'),
        attempt: JsonPath.mathAdd(JsonPath.numberAt('$.attempt'), 1),
      },
    }).next(requestReview);
    // No decision within the window and its reminders: the coordinators are asked, with links of
    // their own (the next attempt, so the reviewers' links close), before the case expires.
    const escalate = waitFor(STATES.escalate, props.requestReview, props.escalationWindow ?? props.reviewWindow, '$.review', {
      attempt: JsonPath.mathAdd(JsonPath.numberAt('$.attempt'), 1),
      escalation: true,
    });
    escalate.addCatch(expire, { errors: [Errors.TIMEOUT], resultPath: '$.timeout' });
    escalate.addCatch(markFailed, { errors: [Errors.ALL], resultPath: '$.error' });
    requestReview.addCatch(
      new Choice(this, STATES.checkReminders).when(Condition.numberLessThan('$.attempt', props.reminders), remind).otherwise(escalate),
      { errors: [Errors.TIMEOUT], resultPath: '$.timeout' },
    );
    requestReview.addCatch(markFailed, { errors: [Errors.ALL], resultPath: '$.error' });

    const requestChanges = waitFor(STATES.requestChanges, props.requestChanges, props.amendWindow, '$.amendment');
    requestChanges.addCatch(expire, { errors: [Errors.TIMEOUT], resultPath: '$.timeout' });
    requestChanges.addCatch(markFailed, { errors: [Errors.ALL], resultPath: '$.error' });
    requestChanges.next(
      new Pass(this, STATES.nextRound, {
        parameters: { caseId: JsonPath.stringAt('$.caseId'), round: JsonPath.mathAdd(JsonPath.numberAt('$.round'), 1), attempt: 0 },
      }).next(requestReview),
    );

    const decision = new Choice(this, STATES.decision);
    requestReview.next(decision);
    escalate.next(decision);
    decision
      .when(Condition.stringEquals('$.review.decision', 'approve'), approved)
      .when(Condition.stringEquals('$.review.decision', 'reject'), rejected)
      .when(Condition.stringEquals('$.review.decision', 'changes'), requestChanges)
      // MarkFailed reads $.error.Error, which only a Catch sets: without it the state fails with
      // States.Runtime before record-outcome runs, and the case would stay in_review.
      .otherwise(
        new Pass(this, STATES.unknownDecision, {
          result: Result.fromObject({ Error: 'UnknownDecision', Cause: 'The review answered with no known decision.' }),
          resultPath: '$.error',
        }).next(markFailed),
      );

    const definition = new Pass(this, STATES.init, {
      parameters: { caseId: JsonPath.stringAt('$.caseId'), round: 1, attempt: 0 },
    }).next(requestReview);

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      comment: 'case-review: reviewers decide each submitted case from their email',
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      role: props.role,
      logs: {
        destination: new LogGroup(this, 'Logs', {
          retention: RetentionDays.THREE_MONTHS,
          removalPolicy: RemovalPolicy.DESTROY,
          encryptionKey: props.logEncryptionKey,
        }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
  }
}
