/**
 * DynamoDB item sizes and read capacity, by the rules of the DynamoDB developer guide ("Item
 * sizes and formats", "Read consumption"), for items as the DocumentClient marshals them
 * (arrays become lists, objects maps, `undefined` is removed). Pure; unit-tested.
 */

const utf8 = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * The size of a number: leading and trailing zeros trimmed, 1 byte per two significant digits,
 * plus 1 byte.
 */
export function numberSize(value: number): number {
  const digits = Math.abs(value)
    .toExponential()
    .replace(/e.*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/**
 * The size of one attribute value: strings in UTF-8 bytes; booleans and null 1 byte; a list or
 * map 3 bytes plus 1 byte per element plus its elements (a map's element also counts its name).
 */
export function valueSize(value: unknown): number {
  if (typeof value === 'string') return utf8(value);
  if (typeof value === 'number') return numberSize(value);
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce<number>((sum, element) => sum + 1 + valueSize(element), 0);
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, element]) => element !== undefined);
    return 3 + entries.reduce((sum, [name, element]) => sum + 1 + utf8(name) + valueSize(element), 0);
  }
  throw new Error(`no DynamoDB size for a ${typeof value}`);
}

/** The size of an item: for each attribute, its name in UTF-8 bytes plus its value. */
export function itemSize(item: Record<string, unknown>): number {
  return Object.entries(item)
    .filter(([, value]) => value !== undefined)
    .reduce((sum, [name, value]) => sum + utf8(name) + valueSize(value), 0);
}

/** The item as an index stores it: the index's keys, the table's keys and the projected attributes. */
export function projectedItem(item: Record<string, unknown>, keyAttributes: readonly string[], projected: readonly string[]): Record<string, unknown> {
  return Object.fromEntries([...keyAttributes, ...projected].filter((name) => item[name] !== undefined).map((name) => [name, item[name]]));
}

/** One read capacity unit reads 4 KB strongly consistent; an eventually consistent read (every GSI query) costs half. */
export const READ_UNIT_BYTES = 4096;

/**
 * The least read capacity a query can consume for `totalBytes` of index items read, eventually
 * consistent: the bytes in 4 KB units, halved, before any rounding. DynamoDB rounds each page
 * (up to 1 MB) up to the next 4 KB, so a real query costs at most half a unit more per page.
 */
export const minimumReadUnits = (totalBytes: number): number => (totalBytes / READ_UNIT_BYTES) * 0.5;
