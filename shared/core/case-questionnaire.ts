import { generateCaseJsonSchema } from './case';
import { generateCaseQuestionnaire, type Questionnaire } from './questionnaire';

/**
 * The form as a FHIR Questionnaire, imported as `#case-questionnaire` (`package.json` `imports`).
 * As `case-schema.ts` does for the JSON Schema: generated here once, at run time, for the
 * embedded runtime and the tests; the deployed bundles import instead the module
 * `infra/constructs/hub-function.ts` generates at synthesis, with the Questionnaire as a literal,
 * so that no bundle carries zod's JSON Schema generator for it. Both export the same function.
 */

let generated: Questionnaire | undefined;

/** The Questionnaire with an empty `url`, which `caseQuestionnaire` fills with the stage's address. */
export function questionnaire(): Questionnaire {
  generated ??= generateCaseQuestionnaire(generateCaseJsonSchema());
  return generated;
}
