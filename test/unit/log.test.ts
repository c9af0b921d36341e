import { describe, expect, it } from 'vitest';
import { log } from '../../shared/log';

describe('structured logging', () => {
  it('masks fields named like secrets or contact data', () => {
    expect(log.mask({ caseId: '01K', statusToken: 'abc', email: 'a@b.it', contact: { name: 'x' }, authorization: 'Bearer x' })).toEqual({
      caseId: '01K',
      statusToken: '[redacted]',
      email: '[redacted]',
      contact: '[redacted]',
      authorization: '[redacted]',
    });
  });

  it('masks addresses inside messages from dependencies', () => {
    const masked = log.mask({ error: 'MessageRejected: Email address is not verified. The following identities failed the check: mario.rossi@ospedale.example.it' });
    expect(masked?.error).toBe('MessageRejected: Email address is not verified. The following identities failed the check: [redacted email]');
  });
});
