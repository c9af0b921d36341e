import { generateCaseJsonSchema } from './case';

/**
 * The JSON Schema of the submission as serve-form serves it, imported as `#case-schema`
 * (`package.json` `imports`). This module generates it once, at run time, for the embedded
 * runtime and the tests, which run the sources unbundled. The deployed bundles import instead
 * a module that `infra/constructs/hub-function.ts` generates when the stack is synthesized
 * (esbuild `alias`), with the schema as a literal: no request generates it, and serve-form's
 * bundle does not carry zod's `toJSONSchema`. Both export the same function.
 */

let generated: Readonly<Record<string, unknown>> | undefined;

/** The schema with an empty `$id`, which `caseJsonSchema` fills with the stage's address. */
export function caseSchema(): Readonly<Record<string, unknown>> {
  generated ??= generateCaseJsonSchema();
  return generated;
}
