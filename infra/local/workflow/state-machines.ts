import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { FunctionName } from '../../routes';
import { LAMBDA_FUNCTION_RESOURCE, LAMBDA_INVOKE_RESOURCE, taskStatesOf } from './definition';

/** A Task state of the definition. */
export type TaskState = ReturnType<typeof taskStatesOf>[number][1];

/** The library's machines of one definition, one per state an execution may start at. */
export interface StateMachines {
  /** The definition as the engine runs it: timeouts clamped to what a Node timer keeps. */
  readonly definition: StateMachineDefinition;
  /** The Task states by name. */
  readonly tasks: ReadonlyMap<string, TaskState>;
  /** The machine that starts at `startAt` (built and validated once per start state). */
  machineFor(startAt: string): StateMachine;
}

/**
 * Prepares `definition` for the engine, and fails at start, not in the middle of a case, when it
 * needs what the engine lacks: a Task state without a function, or one that runs anything but Lambda.
 */
export function prepareStateMachines(
  source: StateMachineDefinition,
  taskFunctions: Readonly<Record<string, FunctionName>>,
  machineName: string,
): StateMachines {
  const definition = withTimersNodeCanKeep(source);
  const tasks = new Map(taskStatesOf(definition.States));
  for (const [stateName, state] of tasks) {
    if (!taskFunctions[stateName]) throw new Error(`Task state "${stateName}" has no function in taskFunctions`);
    if (!LAMBDA_INVOKE_RESOURCE.test(state.Resource) && !LAMBDA_FUNCTION_RESOURCE.test(state.Resource)) {
      throw new Error(`Task state "${stateName}" uses resource ${state.Resource}; the embedded runtime only runs Lambda functions`);
    }
  }
  const machines = new Map<string, StateMachine>();
  const machineFor = (startAt: string) => {
    let machine = machines.get(startAt);
    if (!machine) {
      if (!(startAt in definition.States)) throw new Error(`State machine ${machineName} has no top-level state "${startAt}"`);
      // The library validates the definition (ARNs, paths) here, once per start state; it refuses
      // unreachable states, so a copy that starts elsewhere keeps only what it can reach.
      machine = new StateMachine({ ...definition, StartAt: startAt, States: reachableStates(definition.States, startAt) });
      machines.set(startAt, machine);
    }
    return machine;
  };
  machineFor(definition.StartAt);
  return { definition, tasks, machineFor };
}

/** The longest delay a Node timer keeps: a longer one fires after 1 ms instead. */
const MAX_TIMER_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

/**
 * A copy of `definition` whose timeouts fit a Node timer. The library arms `setTimeout` with
 * TimeoutSeconds, and past ~24.8 days Node fires it at once: a 30-day amend window would expire
 * the moment it opens. Clamping to 24.8 days changes nothing a local run can notice.
 */
function withTimersNodeCanKeep(definition: StateMachineDefinition): StateMachineDefinition {
  const copy = structuredClone(definition);
  const clamp = (where: string, seconds: number) => {
    console.warn(`embedded Step Functions: ${where} TimeoutSeconds ${seconds} exceeds what a Node timer can wait; using ${MAX_TIMER_SECONDS} (24.8 days)`);
    return MAX_TIMER_SECONDS;
  };
  if (copy.TimeoutSeconds !== undefined && copy.TimeoutSeconds > MAX_TIMER_SECONDS) copy.TimeoutSeconds = clamp('the state machine', copy.TimeoutSeconds);
  for (const [name, state] of taskStatesOf(copy.States)) {
    if (state.TimeoutSeconds !== undefined && state.TimeoutSeconds > MAX_TIMER_SECONDS) state.TimeoutSeconds = clamp(`state "${name}"`, state.TimeoutSeconds);
  }
  return copy;
}

/** The states reachable from `startAt` through Next, Default, Choices and Catch. */
function reachableStates(states: StateMachineDefinition['States'], startAt: string): StateMachineDefinition['States'] {
  const reached: StateMachineDefinition['States'] = {};
  const queue = [startAt];
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const state = states[name];
    if (!state || name in reached) continue;
    reached[name] = state;
    if ('Next' in state) queue.push(state.Next);
    if (state.Type === 'Choice') {
      queue.push(...state.Choices.map((choice) => choice.Next));
      if (state.Default !== undefined) queue.push(state.Default);
    }
    if ('Catch' in state) queue.push(...(state.Catch ?? []).map((catcher) => catcher.Next));
  }
  return reached;
}
