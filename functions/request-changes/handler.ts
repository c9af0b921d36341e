import { requestChanges } from '../../shared/app/review-flow';
import { mailingTaskDeps } from '../../shared/wiring';
import { workflowTask } from '../../shared/workflow-task';

/** case-review task `request-changes`: see {@link requestChanges}. */
export const handler = workflowTask('request-changes', requestChanges, mailingTaskDeps);
