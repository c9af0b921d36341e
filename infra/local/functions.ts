import type { FunctionName } from '../routes';

/** Every function's module, loaded on first use as Lambda would load its bundle. */
export const FUNCTION_MODULES: Record<FunctionName, () => Promise<{ handler: (event: never, context: never) => Promise<unknown> }>> = {
  'submit-case': () => import('../../functions/submit-case/handler'),
  'get-case-status': () => import('../../functions/get-case-status/handler'),
  'serve-form': () => import('../../functions/serve-form/handler'),
  'sweep-outbox': () => import('../../functions/sweep-outbox/handler'),
  'react-to-commit': () => import('../../functions/react-to-commit/handler'),
  'confirm-contact': () => import('../../functions/confirm-contact/handler'),
  'review-case': () => import('../../functions/review-case/handler'),
  'amend-case': () => import('../../functions/amend-case/handler'),
  'request-review': () => import('../../functions/request-review/handler'),
  'request-changes': () => import('../../functions/request-changes/handler'),
  'record-outcome': () => import('../../functions/record-outcome/handler'),
  'notify-submitter': () => import('../../functions/notify-submitter/handler'),
  'aggregate-metrics': () => import('../../functions/aggregate-metrics/handler'),
  'get-metrics': () => import('../../functions/get-metrics/handler'),
  'get-catalog': () => import('../../functions/get-catalog/handler'),
  'purge-personal-data': () => import('../../functions/purge-personal-data/handler'),
};
