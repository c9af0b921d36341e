import type { RunOptions } from 'aws-local-stepfunctions';

/** The local handlers of Task states, as aws-local-stepfunctions takes them. */
export type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
/** A JSON value as the library types it. */
export type Json = Parameters<LocalHandlers[string]>[0];
/** A JSON object as the library types it. */
export type JsonObject = Exclude<Json, null | boolean | number | string | unknown[]>;

export function isJsonObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function toJson(value: unknown): Json {
  // What Lambda would do with a result: serialize it; `undefined` becomes null.
  return JSON.parse(JSON.stringify(value ?? null));
}

/** `value` with every string equal to `from` replaced by `to`. */
export function replaceString(value: Json, from: string, to: string): { value: Json; replaced: boolean } {
  let replaced = false;
  const walk = (item: Json): Json => {
    if (item === from) {
      replaced = true;
      return to;
    }
    if (Array.isArray(item)) return item.map(walk);
    if (isJsonObject(item)) return Object.fromEntries(Object.entries(item).map(([key, child]) => [key, walk(child)]));
    return item;
  };
  return { value: walk(value), replaced };
}

/** An error of the Step Functions API: the SDK turns `code` into the exception class of that name. */
export class SfnApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}
