import type { Mailer, Notifier } from '../../app/ports';
import { changesMail, confirmMail, matchMail, outcomeMail, receiptMail, reviewMail } from './templates';

/** The notifier over a mailer: each notice rendered by the bilingual templates, then sent. */
export function createNotifier(mailer: Mailer): Notifier {
  const send = async (message: Parameters<Mailer['send']>[0]) => {
    await mailer.send(message);
  };
  return {
    receipt: (record, statusUrl) => send(receiptMail(record, statusUrl)),
    confirm: (record, options) => send(confirmMail(record, options)),
    review: (record, options) => send(reviewMail(record, options)),
    changes: (record, options) => send(changesMail(record, options)),
    outcome: (record, options) => send(outcomeMail(record, options)),
    match: (need, options) => send(matchMail(need, options)),
  };
}
