import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionName } from './routes';

/** The repository root, independent of the directory `cdk` or a test runner was started from. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The handler module of a function: `functions/<name>/handler.ts`. The only place that builds this path. */
export const functionEntry = (name: FunctionName): string => join(REPO_ROOT, 'functions', name, 'handler.ts');
