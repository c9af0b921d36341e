import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FUNCTION_MODULES } from '../../infra/local/functions';
import { FUNCTIONS, ROUTES, routeKey, SCHEDULES, type FunctionName, type FunctionSpec } from '../../infra/routes';

const folders = readdirSync('functions', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);

describe('the function folders', () => {
  it('are exactly the functions the stacks and the embedded runtime know', () => {
    expect(folders.sort()).toEqual(Object.keys(FUNCTIONS).sort());
    expect(Object.keys(FUNCTION_MODULES).sort()).toEqual(Object.keys(FUNCTIONS).sort());
  });

  it.each(folders)('%s has a handler.ts exporting handler and a sample event in events/', async (name) => {
    expect(existsSync(`functions/${name}/handler.ts`)).toBe(true);
    const module = await FUNCTION_MODULES[name as keyof typeof FUNCTIONS]();
    expect(typeof module.handler).toBe('function');
    expect(existsSync(`events/${name}.json`)).toBe(true);
  });

  it.each(folders)('the sample event of %s is one the function is wired to receive', (name) => {
    const event = JSON.parse(readFileSync(`events/${name}.json`, 'utf8')) as { routeKey?: string; source?: string; caseId?: string };
    const routes = ROUTES.filter((route) => route.fn === name).map(routeKey);
    const spec: FunctionSpec = FUNCTIONS[name as FunctionName];
    if (routes.length > 0) expect(routes).toContain(event.routeKey);
    else if (spec.workflowTask) expect(event.caseId).toMatch(/^[0-9A-Z]{26}$/);
    else expect(SCHEDULES.map((s) => s.fn)).toContain(name);
  });
});
