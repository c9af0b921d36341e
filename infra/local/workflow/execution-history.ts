import { HistoryEventType, type HistoryEvent } from '@aws-sdk/client-sfn';
import type { StateMachine, StateMachineDefinition } from 'aws-local-stepfunctions';
import type { TaskState } from './state-machines';

type Run = ReturnType<StateMachine['run']>;
/** An event of the library's event log. */
export type LibraryEvent = Run['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
type StateType = StateMachineDefinition['States'][string]['Type'];

/** What the history of an execution is kept in. */
export interface HistoryOwner {
  readonly events: HistoryEvent[];
  /** The error and cause StopExecution gave, for ExecutionAborted. */
  readonly error?: string;
  readonly cause?: string;
}

const ENTERED: Record<StateType, HistoryEventType> = {
  Task: HistoryEventType.TaskStateEntered,
  Pass: HistoryEventType.PassStateEntered,
  Choice: HistoryEventType.ChoiceStateEntered,
  Wait: HistoryEventType.WaitStateEntered,
  Succeed: HistoryEventType.SucceedStateEntered,
  Fail: HistoryEventType.FailStateEntered,
  Parallel: HistoryEventType.ParallelStateEntered,
  Map: HistoryEventType.MapStateEntered,
};
const EXITED: Partial<Record<StateType, HistoryEventType>> = {
  Task: HistoryEventType.TaskStateExited,
  Pass: HistoryEventType.PassStateExited,
  Choice: HistoryEventType.ChoiceStateExited,
  Wait: HistoryEventType.WaitStateExited,
  Succeed: HistoryEventType.SucceedStateExited,
  Parallel: HistoryEventType.ParallelStateExited,
  Map: HistoryEventType.MapStateExited,
};

/**
 * Turns the library's event log into GetExecutionHistory's events: the same types, ids and
 * details Step Functions records for the states this engine runs.
 */
export function historyRecorder(tasks: ReadonlyMap<string, TaskState>, roleArn: string): (execution: HistoryOwner, event: LibraryEvent) => void {
  const record = (execution: HistoryOwner, event: Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp'>, timestamp: number) => {
    const id = execution.events.length + 1;
    execution.events.push({ id, previousEventId: id - 1, timestamp: new Date(timestamp), ...event });
  };
  const taskResource = (stateName: string) => resourceOf(tasks.get(stateName)?.Resource ?? '');

  return (execution, event) => {
    const at = event.timestamp;
    switch (event.type) {
      case 'ExecutionStarted':
        record(execution, { type: 'ExecutionStarted', executionStartedEventDetails: { input: JSON.stringify(event.input), inputDetails: { truncated: false }, roleArn } }, at);
        break;
      case 'StateEntered':
        record(execution, { type: ENTERED[event.state.type], stateEnteredEventDetails: { name: event.state.name, input: JSON.stringify(event.state.input), inputDetails: { truncated: false } } }, at);
        break;
      case 'StateExited': {
        const output = JSON.stringify(event.state.output ?? null);
        if (event.state.type === 'Task') {
          const { resourceType, resource } = taskResource(event.state.name);
          record(execution, { type: 'TaskSucceeded', taskSucceededEventDetails: { resourceType, resource, output, outputDetails: { truncated: false } } }, at);
        }
        const type = EXITED[event.state.type];
        if (type) record(execution, { type, stateExitedEventDetails: { name: event.state.name, output, outputDetails: { truncated: false } } }, at);
        break;
      }
      case 'StateFailed':
        if (event.state.type === 'Task') {
          const { resourceType, resource } = taskResource(event.state.name);
          const details = { resourceType, resource, error: event.Error, cause: causeText(event.Cause) };
          if (event.Error === 'States.Timeout') record(execution, { type: 'TaskTimedOut', taskTimedOutEventDetails: details }, at);
          else record(execution, { type: 'TaskFailed', taskFailedEventDetails: details }, at);
        }
        break;
      case 'StateCaught': {
        // A caught failure leaves the state towards the catcher's Next.
        const type = EXITED[event.state.type];
        if (type) record(execution, { type, stateExitedEventDetails: { name: event.state.name } }, at);
        break;
      }
      case 'ExecutionSucceeded':
        record(execution, { type: 'ExecutionSucceeded', executionSucceededEventDetails: { output: JSON.stringify(event.output), outputDetails: { truncated: false } } }, at);
        break;
      case 'ExecutionFailed':
        record(execution, { type: 'ExecutionFailed', executionFailedEventDetails: { error: event.Error, cause: causeText(event.Cause) } }, at);
        break;
      case 'ExecutionAborted':
        record(execution, { type: 'ExecutionAborted', executionAbortedEventDetails: { error: execution.error, cause: execution.cause } }, at);
        break;
      case 'ExecutionTimeout':
        record(execution, { type: 'ExecutionTimedOut', executionTimedOutEventDetails: {} }, at);
        break;
      default:
        // Map and Parallel iteration events: this state machine has neither.
        break;
    }
  };
}

function resourceOf(resource: string): { resourceType: string; resource: string } {
  const integration = /^arn:[^:]+:states:::([^:]+):(.+)$/.exec(resource);
  return integration ? { resourceType: integration[1]!, resource: integration[2]! } : { resourceType: 'lambda', resource };
}

function causeText(cause: unknown): string {
  if (typeof cause === 'string') return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause ?? null);
}
