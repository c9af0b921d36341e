import { notifySubmitter } from '../../shared/app/review-flow';
import { mailingTaskDeps } from '../../shared/wiring';
import { workflowTask } from '../../shared/workflow-task';

/** case-review task `notify-submitter`: see {@link notifySubmitter}. */
export const handler = workflowTask('notify-submitter', notifySubmitter, mailingTaskDeps);
