import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Every TypeScript file of the code that is bundled into functions or runs the runtime. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const files = ['shared', 'functions', 'infra'].flatMap(sources);

describe('zod in the code', () => {
  it('is imported as a namespace, never by name (a named import keeps all of zod, locales included, in every bundle)', () => {
    const named = files.filter((file) => /import\s+(type\s+)?\{[^}]*\}\s+from\s+'zod(\/mini)?'/.test(readFileSync(file, 'utf8')));
    expect(named).toEqual([]);
  });

  it('loads only the Italian and English messages', () => {
    const offenders = files.filter((file) => {
      const text = readFileSync(file, 'utf8');
      const locales = [...text.matchAll(/from\s+'zod\/v4\/locales\/([a-zA-Z-]+)(\.js)?'/g)].map((match) => match[1]);
      return /z\.locales\b/.test(text) || locales.some((locale) => locale !== 'it' && locale !== 'en');
    });
    expect(offenders).toEqual([]);
  });
});
