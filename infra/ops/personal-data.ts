// `npm run erase -- --email ADDRESS` and `npm run export-personal -- --email ADDRESS`: a person's
// right to erasure and access. With TABLE_NAME set (and AWS credentials), against that DynamoDB
// table; otherwise against the embedded runtime's data in DATA_DIR (default .data), which must not
// be in use by a running `npm start`.
import { parseArgs } from 'node:util';
import { LOCAL_TABLE } from '../local/table';
import { localDataDir, openLocalData } from './local-data';
import { erasePerson, exportPerson } from '../../shared/app/personal-data';
import { createDocumentClient } from '../../shared/adapters/dynamodb/clients';
import { createPersonStore } from '../../shared/adapters/dynamodb/person-store';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({ args: rest, options: { email: { type: 'string' } }, strict: true });
const email = values.email?.trim();
if ((command !== 'erase' && command !== 'export') || !email || !/^[^@\s]+@[^@\s]+$/.test(email)) {
  console.error('usage: npm run erase -- --email ADDRESS\n       npm run export-personal -- --email ADDRESS');
  process.exit(2);
}

const remote = process.env.TABLE_NAME;
const local = remote ? undefined : await openLocalData(command === 'erase' ? 'npm run erase' : 'npm run export-personal');
const doc = createDocumentClient(local?.endpoint ?? process.env.DYNAMODB_ENDPOINT);
const people = createPersonStore(doc, remote ?? LOCAL_TABLE);
const where = remote ? `table ${remote}` : `the embedded data in ${localDataDir()}`;

try {
  if (command === 'erase') {
    const { touched, cases } = await erasePerson(people, email, new Date());
    const total = Object.values(touched).reduce((a, b) => a + b, 0);
    console.log(
      total === 0
        ? `No data of ${email} in ${where}.`
        : `Erased the data of ${email} from ${total} items in ${where}: ${Object.entries(touched).map(([type, n]) => `${n} ${type}`).join(', ')}` +
            (cases.length ? `\nCases whose contact was erased: ${cases.join(', ')}` : ''),
    );
  } else {
    console.log(JSON.stringify(await exportPerson(people, email), null, 2));
  }
} finally {
  doc.destroy();
  await local?.close();
}
