import { NotFound } from '../../shared/domain/errors';
import { httpHandler } from '../../shared/http/handler';

/** The public catalogue of approved cases (being written). */
export const handler = httpHandler({
  'GET /catalog': async () => {
    throw new NotFound();
  },
  'GET /catalog.csv': async () => {
    throw new NotFound();
  },
});
