import * as z from 'zod';
import en from 'zod/v4/locales/en.js';
import it from 'zod/v4/locales/it.js';
import { CaseInput, type Language } from './case';
import { fieldLabel } from './i18n';

/** One problem with one field, in the caller's language. `path` uses dots: `facility.name`. */
export interface FieldError {
  path: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const RULE_MESSAGES: Record<string, Record<Language, string>> = {
  telexServicesRequired: {
    it: 'indicare almeno un servizio di Tele-X per un caso di tipo Tele-X',
    en: 'choose at least one Tele-X service for a Tele-X case',
  },
  telexServicesOnlyForTelex: {
    it: 'i servizi di Tele-X si indicano solo per i casi di tipo Tele-X',
    en: 'Tele-X services apply to Tele-X cases only',
  },
  duplicates: { it: 'contiene valori ripetuti', en: 'has repeated values' },
  controlChars: { it: 'contiene caratteri non ammessi', en: 'contains characters that are not allowed' },
  lineBreaks: { it: 'deve stare su una sola riga', en: 'must be on one line' },
  facilityCode: {
    it: 'deve essere un codice di 2-20 lettere, cifre o trattini',
    en: 'must be a code of 2-20 letters, digits or hyphens',
  },
  date: { it: 'non è una data valida', en: 'is not a valid date' },
};

type Issue = z.core.$ZodIssue;

const LOCALES = { it, en } as const;

function ruleMessage(rule: string, lang: Language): string | undefined {
  return Object.hasOwn(RULE_MESSAGES, rule) ? RULE_MESSAGES[rule]?.[lang] : undefined;
}

/** zod's own wording in the language, for the rare issues not worded here. */
function zodMessage(issue: Issue, lang: Language): string {
  // Only these two locales: indexing zod's own table by a variable would bundle all of them.
  const message = LOCALES[lang]().localeError(issue as Parameters<z.core.$ZodErrorMap>[0]);
  if (typeof message === 'string') return message;
  return message?.message ?? (lang === 'it' ? 'valore non valido' : 'invalid value');
}

function describe(issue: Issue, lang: Language): string {
  const it = lang === 'it';
  switch (issue.code) {
    case 'custom': {
      const rule = typeof issue.params?.rule === 'string' ? issue.params.rule : '';
      return ruleMessage(rule, lang) ?? (it ? 'valore non valido' : 'invalid value');
    }
    case 'invalid_type':
      if (issue.input === undefined) return it ? 'campo obbligatorio' : 'is required';
      return it ? `tipo non valido: atteso ${issue.expected}` : `wrong type: expected ${issue.expected}`;
    case 'too_small':
      if (issue.origin === 'string') {
        return it ? `deve contenere almeno ${issue.minimum} caratteri` : `must be at least ${issue.minimum} characters long`;
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        return it ? `scegliere almeno ${issue.minimum} valore` : `choose at least ${issue.minimum}`;
      }
      return it ? `deve essere almeno ${issue.minimum}` : `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') {
        return it ? `deve contenere al massimo ${issue.maximum} caratteri` : `must be at most ${issue.maximum} characters long`;
      }
      if (issue.origin === 'array' || issue.origin === 'set') {
        return it ? `al massimo ${issue.maximum} valori` : `at most ${issue.maximum} values`;
      }
      return it ? `deve essere al massimo ${issue.maximum}` : `must be at most ${issue.maximum}`;
    case 'invalid_value':
      if (issue.values.length === 1 && issue.values[0] === true) {
        return it ? "occorre accettare l'informativa privacy" : 'the privacy notice must be accepted';
      }
      return it
        ? `valore non ammesso; valori possibili: ${issue.values.join(', ')}`
        : `not an allowed value; allowed: ${issue.values.join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'email') return it ? 'indirizzo email non valido' : 'not a valid email address';
      if (issue.format === 'date') return it ? 'data non valida (AAAA-MM-GG)' : 'not a valid date (YYYY-MM-DD)';
      if (issue.format === 'regex') {
        const rule = issue.message.startsWith('rule:') ? issue.message.slice(5) : '';
        return ruleMessage(rule, lang) ?? (it ? 'formato non valido' : 'wrong format');
      }
      return zodMessage(issue, lang);
    case 'unrecognized_keys':
      return it ? `campo sconosciuto: ${issue.keys.join(', ')}` : `unknown field: ${issue.keys.join(', ')}`;
    case 'not_multiple_of':
      return it ? 'deve essere un numero intero' : 'must be a whole number';
    default:
      return zodMessage(issue, lang);
  }
}

/**
 * Turns zod issues into field errors in the caller's language: the first problem of each field,
 * since a value of the wrong type also fails every check after it.
 */
export function fieldErrors(issues: readonly Issue[], lang: Language): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key].join('.');
        seen.add(path);
        errors.push({ path, message: describe({ ...issue, keys: [key] }, lang) });
      }
      continue;
    }
    // An enum value inside an array reports its index; the field is the array.
    const path = issue.path.filter((segment) => typeof segment === 'string').join('.');
    if (seen.has(path)) continue;
    seen.add(path);
    errors.push({ path, message: `${fieldLabel(path, lang)}: ${describe(issue, lang)}` });
  }
  return errors;
}

/** Validates a submission; the result carries either the parsed case or every problem found. */
export function validateCase(input: unknown, lang: Language): Validation<CaseInput> {
  const result = CaseInput.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: fieldErrors(result.error.issues, lang) };
}
