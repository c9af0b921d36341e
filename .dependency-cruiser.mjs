/**
 * The layers of `shared/` and `functions/`, checked by `test/unit/layers.test.ts` (and by
 * `npx depcruise shared functions`). `shared/core` is pure; `shared/app` holds the use cases and
 * the ports they declare; `shared/adapters/<technology>` implements them and alone talks to AWS;
 * `shared/wiring.ts` builds them; a function calls the wiring, the use cases and the HTTP adapter
 * (the HTML views and the spreadsheets reach it through the HTTP adapter's responses or directly,
 * as pages and files are its output).
 * Type-only imports count.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const SDK = '^node_modules/(@aws-sdk|@smithy)/';

/** The layers: each rule says which imports it forbids and why. */
export default {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'shared/core imports nothing of the use cases, the adapters, the wiring, the functions or the AWS SDK.',
      severity: 'error',
      from: { path: '^shared/core/' },
      to: { path: ['^shared/(app|adapters)/', '^shared/(wiring|config|log|workflow-task)\\.ts$', '^functions/', '^infra/', SDK] },
    },
    {
      name: 'app-uses-ports',
      comment: 'shared/app declares the ports it needs and imports no adapter, no wiring and no AWS SDK.',
      severity: 'error',
      from: { path: '^shared/app/' },
      to: { path: ['^shared/adapters/', '^shared/wiring\\.ts$', '^functions/', '^infra/', SDK] },
    },
    {
      name: 'sdk-only-in-adapters',
      comment: 'Only shared/adapters talks to AWS.',
      severity: 'error',
      from: { pathNot: '^shared/adapters/' },
      to: { path: SDK },
    },
    {
      name: 'functions-through-wiring',
      comment: 'A function reaches an adapter only through the wiring, save the HTTP, HTML and spreadsheet adapters it answers with.',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^shared/adapters/', pathNot: '^shared/adapters/(http|html|xlsx)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
