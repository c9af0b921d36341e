import { createHash } from 'node:crypto';
import type { Language } from './case';
import { fieldLabel, valueLabel } from './i18n';

/**
 * The submission form as an HL7 FHIR R4 `Questionnaire` (`GET /schema/case.questionnaire.json`),
 * and an approved case as a `QuestionnaireResponse` to it. The Questionnaire is derived from the
 * case's JSON Schema (itself generated from the zod schema) and the it/en labels: every property
 * becomes an item whose `linkId` is its dotted path (`facility.name`), so a field added to the
 * schema is in the Questionnaire without a line here. Italian is the resource's language; the
 * English labels ride on FHIR's translation extension.
 */

/** FHIR R4's extension for a translation of a string element (sub-extensions `lang` and `content`). */
export const TRANSLATION_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/translation';

/** The code system of a choice item's values: one per field, named by its linkId. */
export const codeSystemOf = (linkId: string) => `urn:hub-intake:code-system:${linkId}`;

/** The path the Questionnaire is served at, under the stage's base address (its canonical `url`). */
export const QUESTIONNAIRE_PATH = '/schema/case.questionnaire.json';

/** Fields never published in a response, whatever the caller hands over: the submitter's personal data. */
const NEVER_PUBLISHED: ReadonlySet<string> = new Set(['contact']);

/** The language of the resources and the one their translations are in. */
const PRIMARY: Language = 'it';
const SECONDARY: Language = 'en';

/** A string element's `_name` companion holding its English translation. */
export interface TranslatedElement {
  extension: { url: string; extension: ({ url: 'lang'; valueCode: string } | { url: 'content'; valueString: string })[] }[];
}

export interface Coding {
  system: string;
  code: string;
  display?: string;
  _display?: TranslatedElement;
}

export type QuestionnaireItemType = 'group' | 'string' | 'text' | 'integer' | 'date' | 'boolean' | 'choice';

export interface QuestionnaireItem {
  linkId: string;
  text: string;
  _text: TranslatedElement;
  type: QuestionnaireItemType;
  required?: true;
  repeats?: true;
  maxLength?: number;
  enableWhen?: { question: string; operator: '='; answerCoding: Coding }[];
  answerOption?: { valueCoding: Coding; initialSelected?: true }[];
  item?: QuestionnaireItem[];
}

export interface Questionnaire {
  resourceType: 'Questionnaire';
  id: string;
  url: string;
  version: string;
  name: string;
  title: string;
  _title: TranslatedElement;
  status: 'active';
  language: Language;
  publisher: string;
  description: string;
  item: QuestionnaireItem[];
}

type JsonSchema = Readonly<Record<string, unknown>>;

const translated = (text: string): TranslatedElement => ({
  extension: [{ url: TRANSLATION_EXTENSION, extension: [{ url: 'lang', valueCode: SECONDARY }, { url: 'content', valueString: text }] }],
});

/** A field's label and its translation; a field without labels is shown by its own path in both. */
const labelled = (linkId: string): { text: string; _text: TranslatedElement } => ({
  text: fieldLabel(linkId, PRIMARY),
  _text: translated(fieldLabel(linkId, SECONDARY)),
});

/** A value's coding, labelled as its field labels it (`none` of medicalDevice is not the `none` of funding). */
const codingOf = (linkId: string, code: string): Coding => ({
  system: codeSystemOf(linkId),
  code,
  display: valueLabel(code, PRIMARY, linkId),
  _display: translated(valueLabel(code, SECONDARY, linkId)),
});

const asSchema = (value: unknown): JsonSchema => (value && typeof value === 'object' ? (value as JsonSchema) : {});
const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** Longer strings than this are a `text` item (a text area) rather than a `string` (one line). */
const LINE_MAX = 250;

/** The item type and options of one property's schema (an array's are its elements'). */
function describe(schema: JsonSchema): Pick<QuestionnaireItem, 'type' | 'maxLength'> & { values?: string[] } {
  const values = stringsOf(schema.enum);
  if (values.length > 0) return { type: 'choice', values };
  if (typeof schema.const === 'string') return { type: 'choice', values: [schema.const] };
  switch (schema.type) {
    case 'boolean':
      return { type: 'boolean' };
    case 'integer':
      return { type: 'integer' };
    case 'number':
      // FHIR's `decimal`; the form has none yet, and a new one must be mapped here, not guessed.
      throw new Error('a number field needs a decimal item: map it in shared/core/questionnaire.ts');
    case 'string': {
      if (schema.format === 'date') return { type: 'date' };
      const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
      return { type: max !== undefined && max <= LINE_MAX ? 'string' : 'text', ...(max !== undefined ? { maxLength: max } : {}) };
    }
    default:
      throw new Error(`no Questionnaire item type for the JSON Schema type ${JSON.stringify(schema.type)}`);
  }
}

/** Conditions of the schema's `allOf` (`if kind = telex then telexServices required`) as `enableWhen`s, by the field they require. */
function conditionsOf(schema: JsonSchema): Map<string, NonNullable<QuestionnaireItem['enableWhen']>> {
  const conditions = new Map<string, NonNullable<QuestionnaireItem['enableWhen']>>();
  for (const rule of Array.isArray(schema.allOf) ? schema.allOf : []) {
    const ifProperties = Object.entries(asSchema(asSchema(asSchema(rule).if).properties));
    const required = stringsOf(asSchema(asSchema(rule).then).required);
    for (const [question, condition] of ifProperties) {
      const value = asSchema(condition).const;
      if (typeof value !== 'string') continue;
      for (const field of required) {
        conditions.set(field, [...(conditions.get(field) ?? []), { question, operator: '=', answerCoding: { system: codeSystemOf(question), code: value } }]);
      }
    }
  }
  return conditions;
}

/** The items of an object schema's properties, in the schema's order, nested objects as groups. */
function itemsOf(schema: JsonSchema, prefix: string, conditions: ReturnType<typeof conditionsOf>): QuestionnaireItem[] {
  const required = new Set(stringsOf(schema.required));
  return Object.entries(asSchema(schema.properties)).map(([name, value]): QuestionnaireItem => {
    const property = asSchema(value);
    const linkId = prefix ? `${prefix}.${name}` : name;
    const label = labelled(linkId);
    const enableWhen = conditions.get(linkId);
    const common = {
      linkId,
      ...label,
      // A field required only under a condition is required when its item is enabled.
      ...(required.has(name) || enableWhen ? { required: true as const } : {}),
      ...(enableWhen ? { enableWhen } : {}),
    };
    if (property.type === 'object') return { ...common, type: 'group', item: itemsOf(property, linkId, conditions) };
    const array = property.type === 'array';
    const { values, ...type } = describe(array ? asSchema(property.items) : property);
    // A default is the option selected at first (`initialSelected`: an item with options may have no `initial`, que-11).
    const selected = (code: string) => (property.default === code ? { initialSelected: true as const } : {});
    return {
      ...common,
      ...type,
      ...(array ? { repeats: true as const } : {}),
      ...(values ? { answerOption: values.map((code) => ({ valueCoding: codingOf(linkId, code), ...selected(code) })) } : {}),
    };
  });
}

/**
 * The Questionnaire of a case's JSON Schema (`generateCaseJsonSchema()`), with an empty `url` that
 * {@link caseQuestionnaire} fills with the stage's address. Its `version` is a digest of its items,
 * so a change of the form is a new version. The deployed functions carry it already generated
 * (`shared/core/case-questionnaire.ts`); the embedded runtime and tests call this.
 */
export function generateCaseQuestionnaire(caseSchema: JsonSchema): Questionnaire {
  const item = itemsOf(caseSchema, '', conditionsOf(caseSchema));
  const version = createHash('sha256').update(JSON.stringify(item)).digest('hex').slice(0, 12);
  return {
    resourceType: 'Questionnaire',
    id: 'hub-intake-case',
    url: '',
    version,
    name: 'HubIntakeCaseSubmission',
    title: 'Segnalazione di un caso allo Hub',
    _title: translated('Case submission to the Hub'),
    status: 'active',
    language: PRIMARY,
    publisher: 'Lombardy Digital Health Innovation Hub',
    description:
      'Il modulo di POST /cases: i linkId sono i percorsi dei campi (facility.name). The form of POST /cases: linkIds are the dotted field paths (facility.name).',
    item,
  };
}

/** The generated Questionnaire as the stage at `baseUrl` serves it: its canonical `url` is the address it is served at. */
export function caseQuestionnaire(generated: Questionnaire, baseUrl: string): Questionnaire {
  return { ...generated, url: `${baseUrl}${QUESTIONNAIRE_PATH}` };
}

/** The linkIds of a Questionnaire's items, groups included, depth first. */
export function linkIdsOf(items: readonly QuestionnaireItem[]): string[] {
  return items.flatMap((item) => [item.linkId, ...linkIdsOf(item.item ?? [])]);
}

export type Answer = { valueString: string } | { valueInteger: number } | { valueDate: string } | { valueBoolean: boolean } | { valueCoding: Coding };

export interface ResponseItem {
  linkId: string;
  text: string;
  answer?: Answer[];
  item?: ResponseItem[];
}

export interface QuestionnaireResponse {
  resourceType: 'QuestionnaireResponse';
  id: string;
  meta: { lastUpdated: string };
  identifier: { system: string; value: string };
  questionnaire: string;
  status: 'completed';
  language: Language;
  author: { identifier: { system: string; value: string }; display: string };
  item: ResponseItem[];
}

/** What a response says of the case beside its answers. */
export interface ResponseMeta {
  id: string;
  reference: string;
  partner: string;
  partnerName: string;
  /** When the case was approved: the response's `meta.lastUpdated`. */
  decidedAt: string;
}

/** A path's value in a nested object (`facility.name`), own properties only. */
function valueAt(values: Readonly<Record<string, unknown>>, linkId: string): unknown {
  let current: unknown = values;
  for (const segment of linkId.split('.')) {
    if (!current || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** One value as the answer its item's type calls for; a value of another shape is a fault of ours. */
function answerOf(item: QuestionnaireItem, value: unknown): Answer {
  const wrong = () => new Error(`${item.linkId}: ${JSON.stringify(value)} is no ${item.type} answer`);
  switch (item.type) {
    case 'string':
    case 'text':
      if (typeof value !== 'string') throw wrong();
      return { valueString: value };
    case 'integer':
      if (!Number.isInteger(value)) throw wrong();
      return { valueInteger: value as number };
    case 'date':
      if (typeof value !== 'string') throw wrong();
      return { valueDate: value };
    case 'boolean':
      if (typeof value !== 'boolean') throw wrong();
      return { valueBoolean: value };
    case 'choice': {
      if (typeof value !== 'string') throw wrong();
      const option = item.answerOption?.find((candidate) => candidate.valueCoding.code === value);
      // A value the form no longer offers (an older case) keeps its code, without a label.
      return { valueCoding: option?.valueCoding ?? { system: codeSystemOf(item.linkId), code: value } };
    }
    case 'group':
      throw wrong();
  }
}

/** The response items of the values a case has, in the Questionnaire's order; empty ones are left out. */
function responseItems(items: readonly QuestionnaireItem[], values: Readonly<Record<string, unknown>>): ResponseItem[] {
  return items.flatMap((item): ResponseItem[] => {
    if (NEVER_PUBLISHED.has(item.linkId.split('.')[0]!)) return [];
    if (item.type === 'group') {
      const children = responseItems(item.item ?? [], values);
      return children.length > 0 ? [{ linkId: item.linkId, text: item.text, item: children }] : [];
    }
    const value = valueAt(values, item.linkId);
    const list = value === undefined || value === null ? [] : Array.isArray(value) && item.repeats ? value : [value];
    return list.length > 0 ? [{ linkId: item.linkId, text: item.text, answer: list.map((entry) => answerOf(item, entry)) }] : [];
  });
}

/**
 * A case's public values as a `QuestionnaireResponse` to `questionnaire` (as served, with its
 * `url`): one item per linkId the case has a value for, answered with the item's type. The
 * submitter's contact is never answered, even if handed over.
 */
export function questionnaireResponse(questionnaire: Questionnaire, values: Readonly<Record<string, unknown>>, meta: ResponseMeta): QuestionnaireResponse {
  return {
    resourceType: 'QuestionnaireResponse',
    id: meta.id,
    meta: { lastUpdated: meta.decidedAt },
    identifier: { system: 'urn:hub-intake:case-reference', value: meta.reference },
    questionnaire: `${questionnaire.url}|${questionnaire.version}`,
    status: 'completed',
    language: questionnaire.language,
    author: { identifier: { system: 'urn:hub-intake:partner', value: meta.partner }, display: meta.partnerName },
    item: responseItems(questionnaire.item, values),
  };
}
