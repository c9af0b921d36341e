import { CASE_SHAPE, type CaseInput } from './case';

/** What one field of a case holds: text, a number, a flag, or a set of enumeration values. */
export type FieldValue = string | number | boolean | readonly string[];

/**
 * How one field differs between two versions of a case. `path` is the field's dotted path
 * (`facility.code`), which `fieldLabel` names. A set field that changed also says which values
 * came and went, in the order the versions list them.
 */
export type FieldChange =
  | { kind: 'added'; path: string; after: FieldValue }
  | { kind: 'removed'; path: string; before: FieldValue }
  | { kind: 'changed'; path: string; before: FieldValue; after: FieldValue; addedItems?: string[]; removedItems?: string[] };

type Shape = Record<string, unknown>;
const nestedShape = (schema: unknown): Shape | undefined => {
  const shape = (schema as { shape?: unknown } | undefined)?.shape;
  return shape && typeof shape === 'object' ? (shape as Shape) : undefined;
};

/** Every leaf field of a case in the schema's order, nested ones by dotted path (`facility.name`). */
export const CASE_FIELD_PATHS: readonly string[] = Object.entries(CASE_SHAPE).flatMap(([name, schema]) => {
  const nested = nestedShape(schema);
  return nested ? Object.keys(nested).map((inner) => `${name}.${inner}`) : [name];
});

function valueAt(data: unknown, path: string): unknown {
  let value: unknown = data;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A field's value, or undefined when it holds nothing a reader would see: absent, blank or an empty list. */
function present(value: unknown): FieldValue | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) {
    const items = value.filter((item): item is string => typeof item === 'string' && item !== '');
    return items.length > 0 ? items : undefined;
  }
  return undefined;
}

/** Lists are sets of values here: the same values in another order are no change. */
function same(a: FieldValue, b: FieldValue): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const left = new Set<string>(a);
    const right = new Set<string>(b);
    return left.size === right.size && [...left].every((item) => right.has(item));
  }
  return a === b;
}

/**
 * The fields that differ from `before` to `after`, in the schema's order: a value that appeared
 * (`added`), one that went (`removed`) or one replaced by another (`changed`). Empty values count
 * as no value, lists compare as sets, and fields in `ignore` (dotted paths) are left out.
 */
export function caseChanges(before: CaseInput, after: CaseInput, options: { ignore?: readonly string[] } = {}): FieldChange[] {
  const ignore = new Set(options.ignore ?? []);
  const changes: FieldChange[] = [];
  for (const path of CASE_FIELD_PATHS) {
    if (ignore.has(path)) continue;
    const old = present(valueAt(before, path));
    const now = present(valueAt(after, path));
    if (old === undefined && now === undefined) continue;
    if (old === undefined) changes.push({ kind: 'added', path, after: now! });
    else if (now === undefined) changes.push({ kind: 'removed', path, before: old });
    else if (!same(old, now)) {
      const change: FieldChange = { kind: 'changed', path, before: old, after: now };
      if (Array.isArray(old) && Array.isArray(now)) {
        change.addedItems = now.filter((item) => !old.includes(item));
        change.removedItems = old.filter((item) => !now.includes(item));
      }
      changes.push(change);
    }
  }
  return changes;
}
