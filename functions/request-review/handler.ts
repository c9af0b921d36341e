import { requestReview } from '../../shared/app/review-flow';
import { mailingTaskDeps } from '../../shared/wiring';
import { workflowTask } from '../../shared/workflow-task';

/** case-review task `request-review`: see {@link requestReview}. */
export const handler = workflowTask('request-review', requestReview, mailingTaskDeps);
