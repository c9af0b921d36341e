import { decide, notifySubmitter, recordOutcome, requestReview } from '../../shared/app/review-flow';
import { meterCapacity, readUnits, writeUnits, type MeteredOperation } from './capacity-meter';
import { random, submissionPayload } from './cases';
import { benchDeps, submitAsPartner, openTable } from './harness';

/** The capacity one step of a case's life consumed, and the calls that made it up. */
export interface StepCapacity {
  step: string;
  writeUnits: number;
  readUnits: number;
  writes: number;
  reads: number;
  operations: MeteredOperation[];
}

export interface WriteCapacityResult {
  /** `submitCase` without an Idempotency-Key (a form post). */
  submission: StepCapacity;
  /** `submitCase` with an Idempotency-Key (an API client that retries safely). */
  submissionWithKey: StepCapacity;
  /** decide + recordOutcome + notifySubmitter of one approval (requestReview before it not counted). */
  decision: StepCapacity;
  /** The three parts of the decision. */
  decisionSteps: StepCapacity[];
}

const stepOf = (step: string, operations: MeteredOperation[]): StepCapacity => ({
  step,
  writeUnits: writeUnits(operations),
  readUnits: readUnits(operations),
  writes: operations.filter((o) => o.write).length,
  reads: operations.filter((o) => !o.write).length,
  operations,
});

const merge = (step: string, parts: StepCapacity[]): StepCapacity => stepOf(step, parts.flatMap((part) => part.operations));

/**
 * Submits cases and decides one, on dynalite, with every DynamoDB call metered
 * (`ReturnConsumedCapacity: 'TOTAL'`), and returns what each step consumed.
 */
export async function measureWriteCapacity(): Promise<WriteCapacityResult> {
  const table = await openTable('bench-capacity');
  try {
    const meter = meterCapacity(table.doc);
    const deps = benchDeps(table);
    const rng = random(7);
    const asPartner = await submitAsPartner(deps);
    // One unmetered submission first: the first write of a table is no different, but first calls warm the client (and make the partners' keys).
    await asPartner(submissionPayload(rng, 0));
    meter.take();

    const { id } = await asPartner(submissionPayload(rng, 1));
    const submission = stepOf('submission', meter.take());
    await asPartner(submissionPayload(rng, 2), { idempotencyKey: 'bench-idempotency-key-0001' });
    const submissionWithKey = stepOf('submission with Idempotency-Key', meter.take());

    deps.mails.length = 0;
    await requestReview(deps, { caseId: id, round: 1, attempt: 0, taskToken: 'T'.repeat(64) });
    meter.take();
    const reviewId = deps.mails[0]?.text.match(/\/review\/([A-Za-z0-9_-]+)/)?.[1];
    if (!reviewId) throw new Error('requestReview sent no review link');

    const decided = await decide(deps, reviewId, { decision: 'approve', comment: 'Caso completo e ben documentato.' }, 'it');
    if (decided.state !== 'recorded') throw new Error(`the decision was not recorded: ${decided.state}`);
    const decideStep = stepOf('decide', meter.take());
    await recordOutcome(deps, { caseId: id, round: 1, outcome: 'approved' });
    const recordStep = stepOf('recordOutcome', meter.take());
    await notifySubmitter(deps, { caseId: id, round: 1, outcome: 'approved' });
    const notifyStep = stepOf('notifySubmitter', meter.take());
    const decisionSteps = [decideStep, recordStep, notifyStep];
    return { submission, submissionWithKey, decision: merge('decision', decisionSteps), decisionSteps };
  } finally {
    await table.close();
  }
}
