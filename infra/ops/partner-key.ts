// `npm run partner-key -- create|list|revoke --partner ID [--key KEY_ID] [--label TEXT]`: the API
// keys partners' own systems submit with. With TABLE_NAME set (and the stage's AWS credentials),
// on that DynamoDB table; otherwise on the embedded runtime's data in DATA_DIR (default .data),
// which must not be in use by a running `npm start`.
import { parseArgs } from 'node:util';
import { LOCAL_TABLE } from '../local/table';
import { localDataDir, openLocalData } from './local-data';
import { stageConfig, STAGE_NAMES } from '../config';
import { createPartnerKey, MAX_LIVE_KEYS, TooManyLiveKeys } from '../../shared/app/partner-keys';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createPartnerKeyStore } from '../../shared/adapters/dynamodb/partner-key-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = `usage: npm run partner-key -- create --partner ID [--label TEXT]
       npm run partner-key -- list   --partner ID
       npm run partner-key -- revoke --partner ID --key KEY_ID
On a deployed stage: TABLE_NAME=<table> STAGE=<stage> with that stage's AWS credentials.`;

const [command, ...rest] = process.argv.slice(2);
let values: { partner?: string; key?: string; label?: string };
try {
  ({ values } = parseArgs({ args: rest, options: { partner: { type: 'string' }, key: { type: 'string' }, label: { type: 'string' } }, strict: true }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}
const remote = process.env.TABLE_NAME || undefined;
const stage = process.env.STAGE || (remote ? '' : 'local');
if (remote && !stage) {
  console.error(`TABLE_NAME is set: also set STAGE (${STAGE_NAMES.join(', ')}), whose partners the keys are for.`);
  process.exit(2);
}
if (!STAGE_NAMES.includes(stage)) {
  console.error(`Unknown STAGE "${stage}". Known stages: ${STAGE_NAMES.join(', ')}`);
  process.exit(2);
}
const partners = stageConfig(stage).partners.map((partner) => partner.id);
if (!['create', 'list', 'revoke'].includes(command ?? '') || !values.partner || (command === 'revoke' && !values.key)) {
  console.error(USAGE);
  process.exit(2);
}
if (!partners.includes(values.partner)) {
  console.error(`Unknown partner "${values.partner}" in stage ${stage}. Partners: ${partners.join(', ')}`);
  process.exit(2);
}

const local = remote
  ? undefined
  : await openLocalData(
      'npm run partner-key',
      command === 'create' ? (url) => `get a key from the running runtime: curl -X POST ${url}/_local/partner-keys -d '{"partner":"${values.partner}"}'` : undefined,
    );
const doc = createDocumentClient(local?.endpoint ?? process.env.DYNAMODB_ENDPOINT);
const store = createPartnerKeyStore(doc, remote ?? LOCAL_TABLE);
const where = remote ? `table ${remote}` : `the embedded data in ${localDataDir()}`;
const partner = values.partner;
let exitCode = 0;

try {
  if (command === 'create') {
    try {
      const { key, record } = await createPartnerKey(store, partner, new Date(), { label: values.label });
      console.log(`Created key ${record.keyId} for ${partner} in ${where}. It is shown once; store it in the partner's secret store:\n\n${key}\n`);
    } catch (error) {
      if (!(error instanceof TooManyLiveKeys)) throw error;
      console.error(
        `${partner} already has ${MAX_LIVE_KEYS} live keys (${error.live.map((k) => k.keyId).join(', ')}): revoke the one the partner no longer uses first:\n` +
          `  npm run partner-key -- revoke --partner ${partner} --key ${error.live[0]?.keyId}`,
      );
      exitCode = 1;
    }
  } else if (command === 'list') {
    const list = await store.list(partner);
    if (list.length === 0) console.log(`No keys for ${partner} in ${where}.`);
    for (const key of list.sort((a, b) => a.createdAt.localeCompare(b.createdAt))) {
      const state = key.revokedAt ? `revoked ${key.revokedAt}` : 'live';
      console.log(`${key.keyId}  ${state.padEnd(32)}  created ${key.createdAt}  last used ${key.lastUsedAt ?? 'never'}${key.label ? `  (${key.label})` : ''}`);
    }
  } else if (values.key) {
    if (await store.revoke(partner, values.key, new Date().toISOString())) console.log(`Revoked key ${values.key} of ${partner} in ${where}.`);
    else {
      console.error(`No live key ${values.key} for ${partner} in ${where} (npm run partner-key -- list --partner ${partner}).`);
      exitCode = 1;
    }
  }
} finally {
  doc.destroy();
  await local?.close();
}
process.exit(exitCode);
