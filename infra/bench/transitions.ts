import { DescribeExecutionCommand, GetExecutionHistoryCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { loadWorkflowDefinition } from '../local/workflow/definition';
import { startLocalStepFunctions } from '../local/workflow/engine';
import type { FunctionName } from '../routes';

/** A path through the case-review workflow: the reviewers' decision in each round. */
export interface Scenario {
  name: string;
  decisions: readonly ('approve' | 'reject' | 'changes')[];
}

export const SCENARIOS: readonly Scenario[] = [
  { name: 'approved', decisions: ['approve'] },
  { name: 'rejected', decisions: ['reject'] },
  { name: 'changes, then approved', decisions: ['changes', 'approve'] },
];

export interface TransitionCount {
  scenario: string;
  status: string;
  /** States entered, in order: Standard workflows bill one state transition for each. */
  states: string[];
  transitions: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs each scenario on the case-review definition exactly as CDK synthesizes it (the `local`
 * stage's, its own timings), in the embedded engine, with task functions that answer at once:
 * a review gets the scenario's decision for its round, a request for changes an amendment.
 * Counts the states each execution entered.
 */
export async function countTransitions(scenarios: readonly Scenario[] = SCENARIOS): Promise<TransitionCount[]> {
  const workflow = await loadWorkflowDefinition();
  const decisionsOf = new Map(scenarios.map((scenario, i) => [`bench-${i}`, scenario.decisions]));
  let client: SFNClient | undefined;
  const answer = (taskToken: string, output: Record<string, unknown>) =>
    // After the task function returns, as a reviewer's click comes after the mail.
    setTimeout(() => void client!.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })), 1);
  const invoke = async (fn: FunctionName, payload: unknown) => {
    const { caseId, round, taskToken } = payload as { caseId: string; round: number; taskToken?: string };
    if (fn === 'request-review' && taskToken) answer(taskToken, { decision: decisionsOf.get(caseId)![round - 1], round });
    if (fn === 'request-changes' && taskToken) answer(taskToken, { round, dataVersion: round + 1 });
    return { ok: true };
  };
  const sfn = await startLocalStepFunctions({ ...workflow, invoke });
  client = new SFNClient({ endpoint: sfn.endpoint, region: 'eu-south-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  try {
    const counts: TransitionCount[] = [];
    for (const [i, scenario] of scenarios.entries()) {
      const caseId = `bench-${i}`;
      const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArn, name: `case-${caseId}`, input: JSON.stringify({ caseId }) }));
      let status = 'RUNNING';
      for (let waited = 0; status === 'RUNNING'; waited += 10) {
        if (waited > 10_000) throw new Error(`scenario "${scenario.name}" did not finish`);
        await sleep(10);
        status = (await client.send(new DescribeExecutionCommand({ executionArn }))).status ?? 'UNKNOWN';
      }
      const { events = [] } = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
      const states = events.flatMap((event) => (event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : []));
      counts.push({ scenario: scenario.name, status, states, transitions: states.length });
    }
    return counts;
  } finally {
    client.destroy();
    await sfn.close();
  }
}
