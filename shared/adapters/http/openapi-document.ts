import { generateOpenApiDocument } from './openapi';

/**
 * The OpenAPI document as serve-form serves it, imported as `#openapi` (`package.json` `imports`).
 * As `shared/core/case-schema.ts` does for the JSON Schema: generated here once, at run time, for
 * the embedded runtime and the tests; the deployed bundles import instead the module
 * `infra/constructs/hub-function.ts` generates at synthesis, with the document as a literal.
 * Both export the same function.
 */

let generated: Readonly<Record<string, unknown>> | undefined;

/** The document with an empty server URL, which serve-form fills with the stage's address. */
export function openApi(): Readonly<Record<string, unknown>> {
  generated ??= generateOpenApiDocument();
  return generated;
}
