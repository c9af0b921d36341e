// `npm run report-text -- show|set|history`: the findings and recommendations the Hub's editors
// write for GET /report, in it and en, kept as versions (each save a new one, with who and when;
// nothing is overwritten). With TABLE_NAME set (and the stage's AWS credentials), on that DynamoDB
// table; otherwise on the embedded runtime's data in DATA_DIR (default .data), which must not be in
// use by a running `npm start`.
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { LOCAL_TABLE } from '../local/table';
import { localDataDir, openLocalData } from './local-data';
import { currentReportTexts, InvalidReportTexts, ReportTextsConflict, saveReportTexts } from '../../shared/app/report-texts';
import { DEFAULT_TEXTS_VERSION, type ReportTextsVersion } from '../../shared/core/report-texts';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createReportTextStore } from '../../shared/adapters/dynamodb/report-text-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `show | head` closes the pipe before the texts end: that is the reader's choice, not a failure to report with a stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const USAGE = `usage: npm run report-text -- show [--json] [--version N]
       npm run report-text -- set --file texts.json [--by NAME]
       npm run report-text -- history
show --json prints the texts as a file for set (npm run -s report-text -- show --json > texts.json): {"findings": [...], "recommendations": [...]},
each item {"title": {"it": "...", "en": "..."}, "text": {"it": "...", "en": "..."}}.
On a deployed stage: TABLE_NAME=<table> with that stage's AWS credentials.`;

function fail(message: string, code = 2): never {
  console.error(message);
  process.exit(code);
}

const [command, ...rest] = process.argv.slice(2);
let values: { json?: boolean; version?: string; file?: string; by?: string };
try {
  ({ values } = parseArgs({
    args: rest,
    options: { json: { type: 'boolean' }, version: { type: 'string' }, file: { type: 'string' }, by: { type: 'string' } },
    strict: true,
  }));
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}
if (!['show', 'set', 'history'].includes(command ?? '') || (command === 'set' && !values.file)) fail(USAGE);
const wanted = values.version === undefined ? undefined : Number(values.version);
if (wanted !== undefined && (!Number.isInteger(wanted) || wanted < 0)) fail(`--version must be a version number (0 or more), got "${values.version}".`);

// The file is read and parsed before any data is opened: a bad file touches nothing.
let input: unknown;
if (command === 'set') {
  let raw: string;
  try {
    raw = await readFile(values.file!, 'utf8');
  } catch (error) {
    fail(`Cannot read ${values.file}: ${error instanceof Error ? error.message : String(error)}. Nothing was saved.`, 1);
  }
  try {
    input = JSON.parse(raw);
  } catch (error) {
    fail(`${values.file} is not JSON: ${error instanceof Error ? error.message : String(error)}. Nothing was saved.`, 1);
  }
}

const remote = process.env.TABLE_NAME || undefined;
const local = remote ? undefined : await openLocalData('npm run report-text');
const doc = createDocumentClient(local?.endpoint ?? process.env.DYNAMODB_ENDPOINT);
const store = createReportTextStore(doc, remote ?? LOCAL_TABLE);
const where = remote ? `table ${remote}` : `the embedded data in ${localDataDir()}`;
let exitCode = 0;

const heading = (v: ReportTextsVersion) =>
  v.version === 0 ? `Version 0: the default texts of the release (no version saved in ${where})` : `Version ${v.version}, saved ${v.savedAt} by ${v.savedBy}`;

function print(v: ReportTextsVersion): void {
  console.log(heading(v));
  for (const [name, items] of [['Findings', v.texts.findings], ['Recommendations', v.texts.recommendations]] as const) {
    console.log(`\n${name}:`);
    items.forEach((item, index) => {
      console.log(`  ${index + 1}. [it] ${item.title.it}\n       ${item.text.it}\n     [en] ${item.title.en}\n       ${item.text.en}`);
    });
  }
}

try {
  if (command === 'show') {
    let shown: ReportTextsVersion | undefined;
    if (wanted === undefined) shown = await currentReportTexts(store);
    else if (wanted === 0) shown = DEFAULT_TEXTS_VERSION;
    else shown = (await store.history()).find((v) => v.version === wanted);
    if (!shown) {
      console.error(`No version ${wanted} in ${where} (npm run report-text -- history).`);
      exitCode = 1;
    } else if (values.json) console.log(JSON.stringify(shown.texts, null, 2));
    else print(shown);
  } else if (command === 'history') {
    const versions = await store.history();
    for (const v of versions) console.log(`${String(v.version).padStart(4)}  ${v.savedAt}  ${v.savedBy}  (${v.texts.findings.length} findings, ${v.texts.recommendations.length} recommendations)`);
    console.log(`${'0'.padStart(4)}  the default texts of the release${versions.length ? '' : ` (in force: no version saved in ${where})`}`);
  } else {
    try {
      const saved = await saveReportTexts(store, input, values.by ?? userInfo().username, new Date());
      console.log(`Saved version ${saved.version} of the report's texts in ${where} (${saved.texts.findings.length} findings, ${saved.texts.recommendations.length} recommendations), by ${saved.savedBy} at ${saved.savedAt}. GET /report shows it from now on.`);
    } catch (error) {
      if (error instanceof InvalidReportTexts) {
        console.error(`${values.file} is not valid texts; nothing was saved:\n${error.problems.map((p) => `  ${p.path || '(the file)'}: ${p.message}`).join('\n')}`);
        exitCode = 1;
      } else if (error instanceof ReportTextsConflict) {
        console.error(`${error.message} Nothing was saved.`);
        exitCode = 1;
      } else throw error;
    }
  }
} finally {
  doc.destroy();
  await local?.close();
}
process.exit(exitCode);
