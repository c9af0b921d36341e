import { recordOutcome } from '../../shared/domain/review-flow';
import { workflowTask } from '../../shared/workflow-task';

/** case-review task `record-outcome`: see {@link recordOutcome}. */
export const handler = workflowTask('record-outcome', recordOutcome);
