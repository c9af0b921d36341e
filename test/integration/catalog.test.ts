import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import readExcelFile from 'read-excel-file/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../infra/local/runtime';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { catalogHandler } from '../../functions/get-catalog/handler';
import { CSV_COLUMNS, EXPORT_COLUMN_LABELS, type CatalogItem } from '../../shared/app/catalog';
import { createCatalogStore } from '../../shared/adapters/dynamodb/catalog-store';
import { INDEX } from '../../shared/adapters/dynamodb/keys';
import { postCase, startTestRuntime, validCase } from '../support/runtime';
import { waitFor } from '../support/wait';

const REVIEWER = 'catalogo@hub.example.org';
let runtime: Runtime;

/** Letters only, so that a contact detail cannot turn up anywhere by chance. */
const unique = () => randomBytes(6).toString('hex').replace(/\d/g, (d) => 'ghijklmnop'[Number(d)]!);

interface Seeded {
  reference: string;
  statusUrl: string;
  contact: { name: string; email: string; role: string };
  input: Record<string, unknown>;
  outcome: 'approve' | 'reject' | 'pending';
}

/** The cases of this file: seven approved, one rejected, one left waiting for its review. */
const PLAN: { outcome: Seeded['outcome']; overrides: Record<string, unknown> }[] = [
  { outcome: 'approve', overrides: { title: 'Televisita per lo scompenso cardiaco' } },
  {
    outcome: 'approve',
    overrides: {
      partner: 'maugeri', title: 'Telemonitoraggio della BPCO a domicilio', facility: { name: 'ICS Maugeri Montescano' },
      telexServices: ['telemonitoraggio'], clinicalAreas: ['pulmonology', 'rehabilitation'], patientsImpacted: 800,
    },
  },
  {
    outcome: 'approve',
    overrides: {
      partner: 'ieo', kind: 'hospital-app', title: '=HYPERLINK("http://evil.example/x","Clicca qui")',
      summary: '+SUM(1;2) applicazione per il percorso del paziente oncologico in ospedale: qualità, perché, città.',
      facility: { name: '@Istituto Europeo di Oncologia', code: '030915' }, telexServices: undefined, clinicalAreas: ['oncology'],
      patientsImpacted: undefined,
    },
  },
  {
    outcome: 'approve',
    overrides: {
      partner: 'don-gnocchi', kind: 'need', title: '-Bisogno di teleriabilitazione nelle RSA', telexServices: undefined,
      clinicalAreas: ['rehabilitation', 'geriatrics'], facility: { name: 'RSA Santa Maria Nascente' },
    },
  },
  { outcome: 'approve', overrides: { partner: 'humanitas', title: 'Teleconsulto cardiologico con i medici di famiglia', telexServices: ['teleconsulto'] } },
  {
    outcome: 'approve',
    overrides: {
      partner: 'gruppo-san-donato', title: 'Telecontrollo dei dispositivi impiantabili', telexServices: ['telecontrollo', 'telemonitoraggio'],
      facility: { name: 'IRCCS Policlinico San Donato', code: '030070' },
    },
  },
  {
    outcome: 'approve',
    overrides: { partner: 'healthware', kind: 'proposal', title: 'Proposta PNRR per la telemedicina territoriale', telexServices: undefined, funding: ['pnrr'] },
  },
  { outcome: 'reject', overrides: { partner: 'vivisol', title: 'Caso respinto dai revisori', clinicalAreas: ['pulmonology'] } },
  { outcome: 'pending', overrides: { partner: 'ibm', kind: 'hospital-app', title: 'Caso ancora in revisione', telexServices: undefined } },
];

const seeded: Seeded[] = [];
const approved = () => seeded.filter((c) => c.outcome === 'approve');

const statusOf = async (statusUrl: string) => ((await (await fetch(statusUrl, { headers: { accept: 'application/json' } })).json()) as { status: string }).status;

async function seed(plan: (typeof PLAN)[number]): Promise<Seeded> {
  const contact = { name: `Referente ${unique()}`, email: `${unique()}@partner.example.org`, role: `Ruolo ${unique()}` };
  const input = Object.fromEntries(Object.entries(validCase({ ...plan.overrides, contact })).filter(([, value]) => value !== undefined));
  const response = await postCase(runtime, input);
  expect(response.status).toBe(201);
  const { reference, statusUrl } = (await response.json()) as { reference: string; statusUrl: string };
  const mail = await waitFor(`the review mail of ${reference}`, () => runtime.mails().find((m) => m.to.includes(REVIEWER) && m.subject.includes(`${reference} da revisionare`)));
  const link = /\/review\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
  if (plan.outcome !== 'pending') {
    const decision: Record<string, string> = plan.outcome === 'approve' ? { decision: 'approve' } : { decision: 'reject', comment: 'Fuori ambito per lo Hub.' };
    const answer = await fetch(`${runtime.url}${link}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(decision).toString(),
    });
    expect(answer.status).toBe(200);
    const final = plan.outcome === 'approve' ? 'approved' : 'rejected';
    await waitFor(`${reference} ${final}`, async () => ((await statusOf(statusUrl)) === final ? true : undefined));
  }
  return { reference, statusUrl, contact, input, outcome: plan.outcome };
}

beforeAll(async () => {
  runtime = await startTestRuntime({ REVIEWERS: REVIEWER, REVIEW_WINDOW_SECONDS: '600' });
  // One after another, so that decision times (the catalogue's order) follow the plan.
  for (const plan of PLAN) seeded.push(await seed(plan));
}, 60_000);

afterAll(async () => {
  await runtime?.close();
});

const getJson = async (path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(path.startsWith('http') ? path : `${runtime.url}${path}`, { headers: { accept: 'application/json', ...headers } });
  return { response, text: await response.clone().text(), body: (await response.json()) as { items: CatalogItem[]; next?: string } & Record<string, unknown> };
};

/** Every page of a listing, following `next`. */
async function allPages(path: string) {
  const pages: CatalogItem[][] = [];
  let next: string | undefined = `${runtime.url}${path}`;
  while (next) {
    const { response, body }: { response: Response; body: { items: CatalogItem[]; next?: string } } = await getJson(next);
    expect(response.status).toBe(200);
    pages.push(body.items);
    next = body.next;
    expect(pages.length).toBeLessThan(50);
  }
  return pages;
}

/** A small RFC 4180 reader: quoted cells, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(cell), (cell = '');
    else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    } else cell += char;
  }
  if (cell !== '' || row.length) row.push(cell), rows.push(row);
  return rows;
}

const PUBLIC_FIELDS = [
  'id', 'reference', 'title', 'summary', 'kind', 'partner', 'partnerName', 'facility', 'telexServices', 'clinicalAreas', 'careSettings',
  'technologies', 'stage', 'patientsImpacted', 'funding', 'reimbursement', 'interoperability', 'startDate', 'targetPopulation', 'medicalDevice',
  'decidedAt',
  // A need's count of the approved practices that answer it.
  'answeringPractices',
];

describe('GET /catalog', () => {
  it('lists the approved cases only, newest decision first, with their public fields', async () => {
    const { response, body } = await getJson('/catalog?limit=100');
    expect(response.status).toBe(200);
    expect(body.next).toBeUndefined();
    expect(body.items.map((item) => item.reference)).toEqual(approved().map((c) => c.reference).reverse());
    const decided = body.items.map((item) => item.decidedAt);
    expect([...decided].sort().reverse()).toEqual(decided);
    for (const item of body.items) {
      for (const key of Object.keys(item)) expect(PUBLIC_FIELDS).toContain(key);
      expect(item.summary.length).toBeGreaterThanOrEqual(20);
      expect('answeringPractices' in item).toBe(item.kind === 'need');
    }
    // The RSA's need (rehabilitation, geriatrics) is answered by Maugeri's COPD telemonitoring alone (rehabilitation).
    expect(body.items.find((item) => item.kind === 'need')?.answeringPractices).toBe(1);
    const maugeri = body.items.find((item) => item.partner === 'maugeri')!;
    expect(maugeri).toMatchObject({
      partnerName: 'Istituti Clinici Scientifici Maugeri',
      facility: { name: 'ICS Maugeri Montescano' },
      telexServices: ['telemonitoraggio'],
      clinicalAreas: ['pulmonology', 'rehabilitation'],
      patientsImpacted: 800,
      kind: 'telex',
    });
    expect(maugeri.facility).not.toHaveProperty('code');
  });

  it('is public: cacheable for a minute and readable from any site', async () => {
    const { response } = await getJson('/catalog');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('never shows a contact name, email or role, in JSON, HTML or CSV', async () => {
    const bodies = await Promise.all([
      getJson('/catalog?limit=100').then(({ text }) => text),
      getJson('/catalog?limit=2').then(({ text }) => text),
      fetch(`${runtime.url}/catalog?limit=100`, { headers: { accept: 'text/html' } }).then((r) => r.text()),
      fetch(`${runtime.url}/catalog.csv`).then((r) => r.text()),
    ]);
    expect(seeded).toHaveLength(PLAN.length);
    for (const [index, text] of bodies.entries()) {
      expect(text).toContain(approved().at(-1)!.reference);
      for (const { contact } of seeded) {
        expect(text).not.toContain(contact.email);
        expect(text).not.toContain(contact.email.split('@')[0]);
        expect(text).not.toContain(contact.name);
        expect(text).not.toContain(contact.role);
      }
      // No contact field, status token or its hash in the data (the HTML page's own wording aside).
      if (index !== 2) expect(text).not.toMatch(/contact|token/i);
    }
  });

  it('filters by kind, clinical area, Tele-X service and partner, alone or together', async () => {
    const references = async (search: string) => (await getJson(`/catalog?limit=100&${search}`)).body.items.map((item) => item.reference);
    const of = (predicate: (input: Record<string, unknown>) => boolean) =>
      approved().filter((c) => predicate(c.input)).map((c) => c.reference).reverse();
    const has = (field: string, value: string) => (input: Record<string, unknown>) => ((input[field] as string[] | undefined) ?? []).includes(value);

    expect(await references('kind=hospital-app')).toEqual(of((i) => i.kind === 'hospital-app'));
    expect(await references('kind=telex')).toEqual(of((i) => i.kind === 'telex'));
    expect(await references('clinicalArea=pulmonology')).toEqual(of(has('clinicalAreas', 'pulmonology')));
    expect(await references('telexService=telemonitoraggio')).toEqual(of(has('telexServices', 'telemonitoraggio')));
    expect(await references('partner=humanitas')).toEqual(of((i) => i.partner === 'humanitas'));
    expect(await references('kind=telex&clinicalArea=cardiology&partner=humanitas')).toEqual(
      of((i) => i.kind === 'telex' && i.partner === 'humanitas' && has('clinicalAreas', 'cardiology')(i)),
    );
    expect(await references('partner=kos')).toEqual([]);
    // The rejected case is Vivisol's only one; the pending one is IBM's.
    expect(await references('partner=vivisol')).toEqual([]);
    expect(await references('partner=ibm')).toEqual([]);
  });

  it('pages with an opaque cursor that covers every case exactly once', async () => {
    const pages = await allPages('/catalog?limit=2');
    expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 1]);
    const seen = pages.flat().map((item) => item.reference);
    expect(seen).toEqual(approved().map((c) => c.reference).reverse());

    const filtered = await allPages('/catalog?limit=1&kind=telex');
    const telex = approved().filter((c) => c.input.kind === 'telex').map((c) => c.reference).reverse();
    expect(filtered.flat().map((item) => item.reference)).toEqual(telex);
    expect(filtered.every((p) => p.length === 1)).toBe(true);
  });

  it('goes back with previous from every page to the one before it, filtered or not, and counts the matches', async () => {
    for (const search of ['limit=2', 'limit=1&kind=telex', 'limit=3&clinicalArea=pulmonology']) {
      // Prepare: every page going forward.
      const forward: { items: string[]; previous?: string; total: unknown }[] = [];
      let next: string | undefined = `${runtime.url}/catalog?${search}`;
      while (next) {
        const { body } = await getJson(next);
        forward.push({ items: body.items.map((item) => item.reference), previous: body.previous as string | undefined, total: body.total });
        next = body.next;
      }
      const all = forward.flatMap((p) => p.items);
      expect(forward[0]!.previous, search).toBeUndefined();
      for (const p of forward) expect(p.total, search).toBe(all.length);

      // Act + Assess: previous of page i is page i - 1, exactly, and it goes on both ways.
      for (let i = 1; i < forward.length; i++) {
        const back = await getJson(forward[i]!.previous!);
        expect(new URL(forward[i]!.previous!).searchParams.get('before'), search).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(back.body.items.map((item) => item.reference), `${search}, page ${i}`).toEqual(forward[i - 1]!.items);
        expect(back.body.previous === undefined, `${search}, page ${i}`).toBe(i - 1 === 0);
        const again = await getJson(back.body.next!);
        expect(again.body.items.map((item) => item.reference)).toEqual(forward[i]!.items);
      }
    }
    expect((await getJson('/catalog?partner=kos')).body.total).toBe(0);
  });

  it('refuses a page asked both after and before a position', async () => {
    const { body } = await getJson('/catalog?limit=1');
    const cursor = new URL(body.next!).searchParams.get('cursor')!;
    const answer = await fetch(`${runtime.url}/catalog?cursor=${cursor}&before=${cursor}`, { headers: { 'accept-language': 'en' } });
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { detail: string }).detail).toContain('cursor and before');
    expect((await fetch(`${runtime.url}/catalog?before=forged`)).status).toBe(400);
  });

  it('gives next as the URL of the next page, keeping the filters', async () => {
    const { body } = await getJson('/catalog?limit=1&kind=telex');
    const next = new URL(body.next!);
    expect(next.origin).toBe(runtime.url);
    expect(next.pathname).toBe('/catalog');
    expect(next.searchParams.get('kind')).toBe('telex');
    expect(next.searchParams.get('limit')).toBe('1');
    expect(next.searchParams.get('cursor')).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('answers 400 problem+json in the caller’s language for an unknown filter value, limit or cursor', async () => {
    for (const search of ['kind=telemedicine', 'clinicalArea=dermatology', 'telexService=telepathy', 'partner=acme', 'limit=0', 'limit=101', 'limit=ten', 'cursor=not-a-cursor', `cursor=${Buffer.from('x#y').toString('base64url')}`]) {
      const answer = await fetch(`${runtime.url}/catalog?${search}`);
      expect(answer.status, search).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.headers.get('access-control-allow-origin')).toBe('*');
      const problem = (await answer.json()) as { type: string; title: string; status: number; detail: string };
      expect(problem).toMatchObject({ type: 'urn:hub-intake:problem:invalid-parameter', title: 'Parametro non valido', status: 400 });
    }
    const en = await fetch(`${runtime.url}/catalog?kind=telemedicine`, { headers: { 'accept-language': 'en-GB,en;q=0.9' } });
    const problem = (await en.json()) as { title: string; detail: string };
    expect(problem.title).toBe('Invalid parameter');
    expect(problem.detail).toContain('hospital-app');
    const csv = await fetch(`${runtime.url}/catalog.csv?partner=acme&lang=en`);
    expect(csv.status).toBe(400);
    expect(((await csv.json()) as { detail: string }).detail).toContain('humanitas');
  });

  it('shows browsers an HTML page with the cases and the filters', async () => {
    const response = await fetch(`${runtime.url}/catalog?kind=telex&lang=en`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('Catalogue of approved projects');
    expect(page).toContain('Telemonitoraggio della BPCO a domicilio');
    expect(page).not.toContain('HYPERLINK');
    expect(page).toContain('href="/catalog.csv?kind=telex&amp;lang=en"');
    expect(page).toContain('href="/catalog.xlsx?kind=telex&amp;lang=en"');
    expect(page).toContain('href="/dashboard?lang=en"');
    const telex = approved().filter((c) => c.input.kind === 'telex').length;
    expect(page).toContain(`data-total="${telex}">${telex} results</p>`);
    expect(page).toContain('href="/catalog.xlsx?kind=telex&amp;lang=en" download>Download as a spreadsheet (.xlsx)</a>');
    const italian = await (await fetch(`${runtime.url}/catalog`, { headers: { accept: 'text/html', 'accept-language': 'it' } })).text();
    expect(italian).toContain('href="/catalog.xlsx?lang=it" download>Scarica il foglio di calcolo (.xlsx)</a>');
  });
});

describe('GET /catalog.csv', () => {
  it('downloads every approved case as UTF-8 CSV with a byte order mark, a header row and lists joined by ;', async () => {
    const response = await fetch(`${runtime.url}/catalog.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="hub-intake-catalog.csv"');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const [header, ...rows] = parseCsv(text);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows.map((row) => row[1])).toEqual(approved().map((c) => c.reference).reverse());
    const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const gsd = rows.find((row) => row[column('partner')] === 'gruppo-san-donato')!;
    expect(gsd[column('telexServices')]).toBe('telecontrollo;telemonitoraggio');
    expect(gsd[column('facilityCode')]).toBe('030070');
    expect(gsd[column('partnerName')]).toBe('Gruppo San Donato');
    expect(text).toContain('qualità, perché, città');
  });

  it('neutralises cells a spreadsheet would run as formulas', async () => {
    const text = (await (await fetch(`${runtime.url}/catalog.csv`)).text()).replace(/^\uFEFF/, '');
    const rows = parseCsv(text);
    const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const ieo = rows.find((row) => row[column('partner')] === 'ieo')!;
    expect(ieo[column('title')]).toBe(`'=HYPERLINK("http://evil.example/x","Clicca qui")`);
    expect(ieo[column('summary')]).toMatch(/^'\+SUM/);
    expect(ieo[column('facilityName')]).toBe("'@Istituto Europeo di Oncologia");
    const need = rows.find((row) => row[column('kind')] === 'need')!;
    expect(need[column('title')]).toBe("'-Bisogno di teleriabilitazione nelle RSA");
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // The JSON keeps the text as it was submitted.
    const { body } = await getJson('/catalog?kind=hospital-app');
    expect(body.items[0]!.title).toBe('=HYPERLINK("http://evil.example/x","Clicca qui")');
  });

  it('answers a catalogue under its page budget in one page, with no Link header, and refuses a forged cursor', async () => {
    const response = await fetch(`${runtime.url}/catalog.csv`);
    expect(response.headers.get('link')).toBeNull();
    expect(parseCsv((await response.text()).replace(/^\uFEFF/, '')).length).toBe(approved().length + 1);
    expect((await fetch(`${runtime.url}/catalog.csv?cursor=forged`)).status).toBe(400);
  });

  it('comes in pages under a small budget: each a whole CSV, a Link rel=next to the rest, every case once', async () => {
    // The handler itself with a 2 KB budget, over the runtime's table: two or three cases a page.
    const handler = catalogHandler({ csvPageBytes: 2048 }) as unknown as (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
    const get = (query: Record<string, string>) =>
      handler(
        {
          version: '2.0', routeKey: 'GET /catalog.csv', rawPath: '/catalog.csv', rawQueryString: new URLSearchParams(query).toString(),
          headers: {}, queryStringParameters: Object.keys(query).length ? query : undefined, isBase64Encoded: false,
          requestContext: {
            accountId: '000000000000', apiId: 'local', domainName: 'localhost', domainPrefix: 'localhost', requestId: 'csv', routeKey: 'GET /catalog.csv',
            http: { method: 'GET', path: '/catalog.csv', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, stage: '$default', time: '', timeEpoch: 0,
          },
        },
        {} as Context,
      );
    const references: string[] = [];
    let query: Record<string, string> = {};
    let pages = 0;
    for (;;) {
      const answer = await get(query);
      expect(answer.statusCode).toBe(200);
      pages += 1;
      const [header, ...rows] = parseCsv(String(answer.body).replace(/^\uFEFF/, ''));
      expect(header).toEqual([...CSV_COLUMNS]);
      expect(rows.length).toBeGreaterThan(0);
      references.push(...rows.map((row) => row[1]!));
      const link = String(answer.headers?.Link ?? '');
      if (!link) break;
      const next = /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
      expect(next).toMatch(/\/catalog\.csv\?cursor=/);
      query = Object.fromEntries(new URL(next!).searchParams);
      expect(pages).toBeLessThan(20);
    }
    expect(pages).toBeGreaterThan(1);
    expect(references).toEqual(approved().map((c) => c.reference).reverse());
  });

  it('names its columns in lang and separates cells with ; for sep=;, lists joined with , and the codes kept', async () => {
    const response = await fetch(`${runtime.url}/catalog.csv?sep=%3B&lang=en`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="hub-intake-catalogue.csv"');
    expect(response.headers.get('content-language')).toBe('en');
    const [header, ...rows] = parse((await response.text()).replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
    expect(header).toEqual(CSV_COLUMNS.map((column) => EXPORT_COLUMN_LABELS[column].en));
    expect(rows.map((row) => row[1])).toEqual(approved().map((c) => c.reference).reverse());
    const column = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    const gsd = rows.find((row) => row[column('partner')] === 'gruppo-san-donato')!;
    expect(gsd[column('telexServices')]).toBe('telecontrollo,telemonitoraggio');
    expect(gsd[column('kind')]).toBe('telex');
    expect(gsd[column('facilityCode')]).toBe('030070');
    const ieo = rows.find((row) => row[column('partner')] === 'ieo')!;
    expect(ieo[column('title')]).toBe(`'=HYPERLINK("http://evil.example/x","Clicca qui")`);
    // A literal ; in the query string is the same request.
    const literal = await (await fetch(`${runtime.url}/catalog.csv?sep=;&lang=it`)).text();
    expect(literal.replace(/^\uFEFF/, '')).toMatch(/^"Identificativo";"Riferimento";/);
  });

  it('answers 400 problem+json in the caller’s language for a sep or lang it does not know', async () => {
    for (const search of ['sep=%7C', 'sep=tab', 'lang=fr', 'lang=EN']) {
      const answer = await fetch(`${runtime.url}/catalog.csv?${search}`, { headers: { 'accept-language': 'en' } });
      expect(answer.status, search).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await answer.json()) as { title: string; detail: string };
      expect(problem.title).toBe('Invalid parameter');
      expect(problem.detail).toMatch(search.startsWith('sep') ? /allowed: ,, ;/ : /allowed: it, en/);
    }
    const italian = (await (await fetch(`${runtime.url}/catalog.csv?sep=%7C`)).json()) as { title: string; detail: string };
    expect(italian).toMatchObject({ title: 'Parametro non valido', detail: 'sep non ammette il valore "|"; valori possibili: ,, ;.' });
  });

  it('applies the same filters', async () => {
    const rows = parseCsv((await (await fetch(`${runtime.url}/catalog.csv?clinicalArea=pulmonology`)).text()).replace(/^\uFEFF/, ''));
    expect(rows.slice(1).map((row) => row[1])).toEqual(
      approved().filter((c) => (c.input.clinicalAreas as string[]).includes('pulmonology')).map((c) => c.reference).reverse(),
    );
  });
});

/** A Lambda event of one of get-catalog's routes, as API Gateway sends it. */
function catalogEvent(routeKey: 'GET /catalog.csv' | 'GET /catalog.xlsx', query: Record<string, string>, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  const path = routeKey.slice(4);
  return {
    version: '2.0', routeKey, rawPath: path, rawQueryString: new URLSearchParams(query).toString(),
    headers, queryStringParameters: Object.keys(query).length ? query : undefined, isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000', apiId: 'local', domainName: 'localhost', domainPrefix: 'localhost', requestId: 'export', routeKey,
      http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, stage: '$default', time: '', timeEpoch: 0,
    },
  };
}

/** The sheets of a workbook as a spreadsheet program reads them. */
const readWorkbook = async (bytes: ArrayBuffer | Buffer) => readExcelFile(Buffer.from(bytes as ArrayBuffer), { trim: false });

describe('GET /catalog.xlsx', () => {
  const download = async (search = '', headers: Record<string, string> = {}) => {
    const response = await fetch(`${runtime.url}/catalog.xlsx${search}`, { headers });
    return { response, bytes: await response.arrayBuffer() };
  };

  it('downloads every approved case as a spreadsheet, in Italian by default', async () => {
    const { response, bytes } = await download();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="hub-intake-catalogo.xlsx"');
    expect(response.headers.get('content-language')).toBe('it');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('link')).toBeNull();
    // A zip, as every .xlsx is.
    expect([...new Uint8Array(bytes).slice(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
    const [sheet, about] = await readWorkbook(bytes);
    expect(sheet!.sheet).toBe('Catalogo');
    const [header, ...rows] = sheet!.data;
    expect(header!.slice(0, 6)).toEqual(['Riferimento', 'Titolo', 'Tipo di caso', 'Partner', 'Nome della struttura', 'Codice ministeriale della struttura']);
    expect(rows.map((row) => row[0])).toEqual(approved().map((c) => c.reference).reverse());
    expect(about!.data[3]).toEqual(['Casi in questo file', approved().length]);
  });

  it('shows labels instead of codes, codes as text (030906 keeps its zero), dates as dates and hostile titles as text', async () => {
    const { bytes } = await download();
    const [sheet] = await readWorkbook(bytes);
    const [header, ...rows] = sheet!.data;
    const at = (row: unknown[], name: string) => row[header!.indexOf(name)];
    const byReference = (reference: string) => rows.find((row) => row[0] === reference)!;
    const humanitas = byReference(seeded[0]!.reference);
    expect(at(humanitas, 'Codice ministeriale della struttura')).toBe('030906');
    expect(at(humanitas, 'Tipo di caso')).toBe('Servizio di Tele-X');
    expect(at(humanitas, 'Partner')).toBe('Humanitas');
    expect(at(humanitas, 'Data di avvio')).toEqual(new Date('2024-03-01T00:00:00Z'));
    expect(at(humanitas, 'Approvato il')).toBeInstanceOf(Date);
    expect(at(humanitas, 'Pazienti impattati')).toBe(1200);
    const maugeri = byReference(seeded[1]!.reference);
    expect(at(maugeri, 'Partner')).toBe('Istituti Clinici Scientifici Maugeri');
    expect(at(maugeri, 'Servizi di Tele-X')).toBe('Telemonitoraggio');
    expect(at(maugeri, 'Aree cliniche')).toBe('Pneumologia, Riabilitazione');
    expect(at(maugeri, 'Codice ministeriale della struttura')).toBeNull();
    const ieo = byReference(seeded[2]!.reference);
    expect(at(ieo, 'Titolo')).toBe('=HYPERLINK("http://evil.example/x","Clicca qui")');
    expect(at(ieo, 'Nome della struttura')).toBe('@Istituto Europeo di Oncologia');
    expect(at(ieo, 'Codice ministeriale della struttura')).toBe('030915');
    expect(at(ieo, 'Tipo di caso')).toBe('Applicazione digitale per ospedale');
    // Stored as written: text cells only, no formula anywhere, no contact data.
    const xml = Object.values(unzipSync(new Uint8Array(bytes))).map((part) => strFromU8(part)).join('');
    expect(xml).not.toMatch(/<f[ >]/);
    expect(xml).toContain('t="inlineStr"><is><t xml:space="preserve">=HYPERLINK(&quot;http://evil.example/x&quot;,&quot;Clicca qui&quot;)</t>');
    for (const { contact } of seeded) {
      expect(xml).not.toContain(contact.email);
      expect(xml).not.toContain(contact.name);
    }
  });

  it('speaks the reader’s language: lang first, then Accept-Language', async () => {
    const byHeader = await download('', { 'accept-language': 'en-GB,en;q=0.9' });
    expect(byHeader.response.headers.get('content-disposition')).toBe('attachment; filename="hub-intake-catalogue.xlsx"');
    const [sheet, about] = await readWorkbook(byHeader.bytes);
    expect(sheet!.sheet).toBe('Catalogue');
    expect(sheet!.data[0]!.slice(0, 3)).toEqual(['Reference', 'Title', 'Kind of case']);
    expect(about!.sheet).toBe('About');
    const byQuery = await download('?lang=en', { 'accept-language': 'it' });
    expect((await readWorkbook(byQuery.bytes))[0]!.data[0]![0]).toBe('Reference');
    const italian = await download('?lang=it', { 'accept-language': 'en' });
    expect((await readWorkbook(italian.bytes))[0]!.data[0]![0]).toBe('Riferimento');
  });

  it('applies the filters and says which on its About sheet', async () => {
    const { bytes } = await download('?clinicalArea=pulmonology&lang=en');
    const [sheet, about] = await readWorkbook(bytes);
    expect(sheet!.data.slice(1).map((row) => row[0])).toEqual(
      approved().filter((c) => (c.input.clinicalAreas as string[]).includes('pulmonology')).map((c) => c.reference).reverse(),
    );
    expect(about!.data[2]).toEqual(['Filters', 'Clinical area: Pulmonology']);
  });

  it('answers 400 problem+json in the caller’s language for an unknown lang, filter or cursor', async () => {
    for (const search of ['lang=fr', 'lang=de', 'kind=telemedicine', 'partner=acme', 'cursor=forged']) {
      const answer = await fetch(`${runtime.url}/catalog.xlsx?${search}`);
      expect(answer.status, search).toBe(400);
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await answer.json()) as { title: string }).title).toBe('Parametro non valido');
    }
    const en = (await (await fetch(`${runtime.url}/catalog.xlsx?lang=fr`, { headers: { 'accept-language': 'en' } })).json()) as { title: string; detail: string };
    expect(en).toMatchObject({ title: 'Invalid parameter', detail: 'lang does not accept "fr"; allowed: it, en.' });
  });

  it('comes in pages under a small budget: each a whole workbook, a Link rel=next in the same language, every case once', async () => {
    // The handler itself with a 12 KB budget, over the runtime's table: a few cases a page.
    const handler = catalogHandler({ xlsxPageBytes: 12_000 }) as unknown as (e: APIGatewayProxyEventV2, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
    const references: string[] = [];
    let query: Record<string, string> = {};
    let pages = 0;
    for (;;) {
      const answer = await handler(catalogEvent('GET /catalog.xlsx', query, { 'accept-language': 'en' }), {} as Context);
      expect(answer.statusCode).toBe(200);
      expect(answer.isBase64Encoded).toBe(true);
      pages += 1;
      const [sheet, about] = await readWorkbook(Buffer.from(String(answer.body), 'base64'));
      expect(sheet!.data[0]![0]).toBe('Reference');
      expect(sheet!.data.length).toBeGreaterThan(1);
      references.push(...sheet!.data.slice(1).map((row) => String(row[0])));
      const link = String(answer.headers?.Link ?? '');
      if (!link) break;
      const next = /^<([^>]+)>; rel="next"$/.exec(link)?.[1];
      expect(next).toMatch(/\/catalog\.xlsx\?lang=en&cursor=/);
      expect(about!.data.at(-1)).toEqual([null, next]);
      query = Object.fromEntries(new URL(next!).searchParams);
      expect(pages).toBeLessThan(20);
    }
    expect(pages).toBeGreaterThan(1);
    expect(references).toEqual(approved().map((c) => c.reference).reverse());
  });
});

describe('the catalogue store', () => {
  const index = (id: string, at: string) => ({
    id, reference: `HUB-2026-${id.slice(-6)}`, partner: 'humanitas', kind: 'telex', title: 'Titolo', facility: { name: 'Ospedale' },
    clinicalAreas: ['cardiology'], telexServices: ['televisita'], decidedAt: at, gsi1sk: `${at}#${id}`,
  });

  it('asks again for the summaries DynamoDB left unprocessed', async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-south-1' }));
    const mock = mockClient(doc);
    const ids = ['01JAAAAAAAAAAAAAAAAAAAAAA1', '01JAAAAAAAAAAAAAAAAAAAAAA2'];
    mock.on(QueryCommand).resolves({ Items: [index(ids[0]!, '2026-03-02T10:00:00.000Z'), index(ids[1]!, '2026-03-01T10:00:00.000Z')] });
    mock
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { t: [{ id: ids[0], summary: 'Sintesi del primo caso, abbastanza lunga.' }] },
        UnprocessedKeys: { t: { Keys: [{ pk: `CASE#${ids[1]}`, sk: 'CASE' }] } },
      })
      .resolvesOnce({ Responses: { t: [{ id: ids[1], summary: 'Sintesi del secondo caso, abbastanza lunga.' }] } });
    const page = await createCatalogStore(doc, 't').page({ filters: {}, limit: 20 });
    expect(page.items.map((item) => item.summary)).toEqual(['Sintesi del primo caso, abbastanza lunga.', 'Sintesi del secondo caso, abbastanza lunga.']);
    expect(page.items[0]).not.toHaveProperty('gsi1sk');
    expect(page.next).toBeUndefined();
    const batches = mock.commandCalls(BatchGetCommand).map((call) => call.args[0].input.RequestItems!.t!);
    expect(batches).toHaveLength(2);
    expect(batches[1]!.Keys).toEqual([{ pk: `CASE#${ids[1]}`, sk: 'CASE' }]);
    expect(batches[0]!.ProjectionExpression).toBe('#id, #summary');
    const query = mock.commandCalls(QueryCommand)[0]!.args[0].input;
    expect(query).toMatchObject({ IndexName: INDEX.byStatus, ScanIndexForward: false, ExpressionAttributeValues: { ':pk': 'STATUS#approved' } });
  });

  it('keeps querying through filtered-out index pages until the page is full', async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-south-1' }));
    const mock = mockClient(doc);
    const id = (n: number) => `01JAAAAAAAAAAAAAAAAAAAAAA${n}`;
    mock
      .on(QueryCommand)
      .resolvesOnce({ Items: [], LastEvaluatedKey: { pk: 'x' } })
      .resolvesOnce({ Items: [index(id(1), '2026-03-03T10:00:00.000Z')], LastEvaluatedKey: { pk: 'y' } })
      .resolvesOnce({ Items: [index(id(2), '2026-03-02T10:00:00.000Z'), index(id(3), '2026-03-01T10:00:00.000Z')], LastEvaluatedKey: { pk: 'z' } });
    mock.on(BatchGetCommand).resolves({ Responses: { t: [] } });
    const page = await createCatalogStore(doc, 't').page({ filters: { kind: 'telex', clinicalArea: 'cardiology' }, limit: 2 });
    expect(page.items.map((item) => item.id)).toEqual([id(1), id(2)]);
    expect(page.next).toEqual({ at: '2026-03-02T10:00:00.000Z', id: id(2) });
    const calls = mock.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(3);
    expect(calls[0]!.FilterExpression).toBe('#fkind = :fkind AND contains(#farea, :farea)');
  });
});
