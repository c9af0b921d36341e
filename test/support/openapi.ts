import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';

/**
 * Checks a body against a schema of an OpenAPI 3.1 document's components (JSON Schema 2020-12,
 * references resolved within the document), as a client generated from the document would read it.
 */
export function componentErrors(document: Record<string, unknown>, schema: string, body: unknown): ErrorObject[] {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ ...document, $id: 'urn:hub-intake:openapi' });
  const validate = ajv.getSchema(`urn:hub-intake:openapi#/components/schemas/${schema}`);
  if (!validate) throw new Error(`no schema ${schema} in the document`);
  return validate(body) ? [] : (validate.errors ?? []);
}
