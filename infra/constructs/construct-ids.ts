/** Construct ids made from names. */

/** `submit-case` → `SubmitCase`: construct ids that stay stable as long as the function names do. */
export const pascal = (name: string) => name.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
