/**
 * Names of the case-review states, shared by the construct that builds the state machine, the
 * embedded runtime (which resumes executions at a named state) and the tests that assert on the
 * states an execution visited. Kept free of aws-cdk-lib: the runtime imports it at start.
 */
export const STATES = {
  init: 'Init',
  requestReview: 'RequestReview',
  checkReminders: 'RemindersLeft?',
  remind: 'Remind',
  escalate: 'Escalate',
  decision: 'Decision?',
  unknownDecision: 'UnknownDecision',
  recordApproval: 'RecordApproval',
  recordRejection: 'RecordRejection',
  notifyApproval: 'NotifyApproval',
  notifyRejection: 'NotifyRejection',
  approved: 'Approved',
  rejected: 'Rejected',
  requestChanges: 'RequestChanges',
  nextRound: 'NextRound',
  expire: 'Expire',
  notifyExpiry: 'NotifyExpiry',
  expired: 'Expired',
  markFailed: 'MarkFailed',
  notifyFailure: 'NotifyFailure',
  failed: 'Failed',
} as const;
