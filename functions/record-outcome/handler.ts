import { recordOutcome } from '../../shared/app/review-flow';
import { reviewTaskDeps } from '../../shared/wiring';
import { workflowTask } from '../../shared/workflow-task';

/** case-review task `record-outcome`: see {@link recordOutcome}. */
export const handler = workflowTask('record-outcome', recordOutcome, reviewTaskDeps);
