// `npm run references -- reserve-legacy`: once per stage that holds cases stored before a case's id
// was made from its reference, reserves their references so that no new case takes one of them
// (see shared/adapters/dynamodb/legacy-references.ts). Safe to run again. With TABLE_NAME set
// (and AWS credentials), against that DynamoDB table; otherwise against the embedded runtime's
// data in DATA_DIR (default .data), which must not be in use by a running `npm start`.
import { LOCAL_TABLE } from '../local/table';
import { localDataDir, openLocalData } from './local-data';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { reserveLegacyReferences } from '../../shared/adapters/dynamodb/legacy-references';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const [command, ...rest] = process.argv.slice(2);
if (command !== 'reserve-legacy' || rest.length > 0) {
  console.error('usage: npm run references -- reserve-legacy');
  process.exit(2);
}
const remote = process.env.TABLE_NAME;
const local = remote ? undefined : await openLocalData('npm run references');
const doc = createDocumentClient(local?.endpoint ?? process.env.DYNAMODB_ENDPOINT);
try {
  const { claims, reserved } = await reserveLegacyReferences(doc, remote ?? LOCAL_TABLE);
  console.log(`${remote ? `table ${remote}` : `the embedded data in ${localDataDir()}`}: ${claims} reference claims, ${reserved} newly reserved.`);
} finally {
  doc.destroy();
  await local?.close();
}
