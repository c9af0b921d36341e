import * as z from 'zod';

/**
 * The case submission: one zod schema that is at once the TypeScript type, the JSON Schema
 * served at `GET /schema/case.json`, the source of the embeddable form and the server-side check.
 */

export const LANGUAGES = ['it', 'en'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;

export const CASE_KINDS = ['telex', 'hospital-app', 'need', 'proposal'] as const;
export const TELEX_SERVICES = [
  'televisita',
  'teleconsulto',
  'teleconsulenza',
  'telemonitoraggio',
  'telecontrollo',
  'teleassistenza',
  'teleriabilitazione',
  'telerefertazione',
] as const;
export const CLINICAL_AREAS = [
  'cardiology',
  'pulmonology',
  'oncology',
  'rehabilitation',
  'neurology',
  'diabetology',
  'nephrology',
  'geriatrics',
  'mental-health',
  'other',
] as const;
export const CARE_SETTINGS = [
  'hospital',
  'outpatient',
  'home',
  'community-house',
  'community-hospital',
  'nursing-home',
] as const;
export const TECHNOLOGIES = [
  'platform',
  'wearable-iot',
  'ai',
  'digital-therapeutics',
  'digital-twin',
  'mobile-app',
  'robotics',
] as const;
export const STAGES = ['ideation', 'pilot', 'active', 'scaled', 'concluded'] as const;
export const FUNDING = ['pnrr', 'regional', 'eu', 'private', 'none'] as const;
export const REIMBURSEMENT = ['reimbursed', 'not-reimbursed', 'unclear'] as const;
export const INTEROPERABILITY = ['fse', 'fhir', 'hl7v2', 'dicom', 'ihe-xds'] as const;
/** Whom a service is for: the population groups of the national telemedicine guidelines. */
export const TARGET_POPULATIONS = [
  'chronic-patients',
  'frail-elderly',
  'post-acute',
  'paediatric',
  'disabled',
  'pregnancy-maternal',
  'caregivers',
  'general-population',
] as const;
/** The software's class under the EU Medical Device Regulation (2017/745), or `none` when it is not a medical device. */
export const MEDICAL_DEVICE_CLASSES = ['none', 'class-i', 'class-iia', 'class-iib', 'class-iii'] as const;

/** Name of the hidden field that only bots fill in. It is never part of the stored case. */
export const HONEYPOT_FIELD = 'website';

/** Text that is trimmed, with control characters other than newlines and tabs refused. */
const text = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .regex(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/, { error: 'rule:controlChars' });

/** Text of one line: names and titles, which also end up next to mail headers and in CSV cells. */
const line = (min: number, max: number) =>
  text(min, max).regex(/^[^\r\n\u2028\u2029]*$/, { error: 'rule:lineBreaks' });

/** A set of distinct values from an enumeration. */
const setOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .array(z.enum(values))
    .max(values.length)
    .refine((list) => new Set(list).size === list.length, { params: { rule: 'duplicates' } });

const isoDate = z.iso.date().refine((value) => !Number.isNaN(Date.parse(value)), { params: { rule: 'date' } });

export const Facility = z.strictObject({
  name: line(2, 200),
  /** The ministerial structure code (codice struttura), when known. */
  code: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]{2,20}$/, { error: 'rule:facilityCode' })
    .optional(),
});

export const Contact = z.strictObject({
  name: line(2, 120),
  email: z.email().max(254),
  role: line(2, 120).optional(),
});

const CaseFields = z.strictObject({
  partner: z.string().trim().min(1).max(64),
  kind: z.enum(CASE_KINDS),
  title: line(3, 160),
  summary: text(20, 5000),
  facility: Facility,
  contact: Contact,
  telexServices: setOf(TELEX_SERVICES).optional(),
  clinicalAreas: setOf(CLINICAL_AREAS).min(1),
  careSettings: setOf(CARE_SETTINGS).optional(),
  technologies: setOf(TECHNOLOGIES).optional(),
  stage: z.enum(STAGES).optional(),
  patientsImpacted: z.int().min(0).max(100_000_000).optional(),
  funding: setOf(FUNDING).optional(),
  reimbursement: z.enum(REIMBURSEMENT).optional(),
  interoperability: setOf(INTEROPERABILITY).optional(),
  startDate: isoDate.optional(),
  targetPopulation: setOf(TARGET_POPULATIONS).optional(),
  medicalDevice: z.enum(MEDICAL_DEVICE_CLASSES).optional(),
  language: Language.default('it'),
  consent: z.literal(true),
});

/** The submission as partners send it to `POST /cases`. */
export const CaseInput = CaseFields.superRefine(
  (value, ctx) => {
    // Also runs when other fields are invalid (see `when`), so the value may not have its final shape.
    const services: unknown = value.telexServices;
    const chosen = Array.isArray(services) ? services.length : services === undefined ? 0 : 1;
    if (value.kind === 'telex' && chosen === 0) {
      ctx.addIssue({ code: 'custom', path: ['telexServices'], params: { rule: 'telexServicesRequired' } });
    }
    const knownKind = (CASE_KINDS as readonly unknown[]).includes(value.kind);
    if (knownKind && value.kind !== 'telex' && chosen > 0) {
      ctx.addIssue({ code: 'custom', path: ['telexServices'], params: { rule: 'telexServicesOnlyForTelex' } });
    }
  },
  // Report the Tele-X rule together with every other problem, not only once the rest is valid.
  { when: (payload) => typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value) },
);
export type CaseInput = z.infer<typeof CaseInput>;

/** The fields of the object schema, for code that walks them (form rendering, form decoding). */
export const CASE_SHAPE = CaseFields.shape;

/** Fields that hold a list of values: a urlencoded post sends them as repeated keys. */
export const ARRAY_FIELDS = [
  'telexServices',
  'clinicalAreas',
  'careSettings',
  'technologies',
  'funding',
  'interoperability',
  'targetPopulation',
] as const satisfies readonly (keyof CaseInput)[];

/**
 * The JSON Schema of the submission, generated from the zod schema, with an empty `$id` that
 * {@link caseJsonSchema} fills with the stage's address (kept in place so the served keys keep
 * their order). The deployed serve-form carries it already generated (`shared/core/case-schema.ts`),
 * without zod's generator; the embedded runtime and tests call this.
 */
export function generateCaseJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(CaseFields, { io: 'input', target: 'draft-2020-12' });
  return {
    ...schema,
    $id: '',
    title: 'hub-intake case submission',
    description:
      'A case submitted to the Lombardy Digital Health Innovation Hub. telexServices is required and non-empty when kind is "telex", and only allowed then.',
    allOf: [
      {
        if: { properties: { kind: { const: 'telex' } }, required: ['kind'] },
        then: { required: ['telexServices'], properties: { telexServices: { minItems: 1 } } },
        else: { properties: { telexServices: { maxItems: 0 } } },
      },
    ],
  };
}

/** The generated schema as the stage at `baseUrl` serves it: its `$id` is the address it is served at. */
export function caseJsonSchema(generated: Readonly<Record<string, unknown>>, baseUrl: string): Record<string, unknown> {
  return { ...generated, $id: `${baseUrl}/schema/case.json` };
}
