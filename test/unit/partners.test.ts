import { describe, expect, it } from 'vitest';
import { contactDomainAllowed, mailboxOf, type Partner } from '../../shared/core/partners';

const humanitas: Partner = { id: 'humanitas', name: 'Humanitas', origins: ['https://www.humanitas.it'], contactDomains: ['humanitas.it'] };

describe('a contact’s domain', () => {
  it('is allowed at the partner’s domains and their subdomains, whatever its case', () => {
    for (const email of ['ada@humanitas.it', 'ADA@HUMANITAS.IT', 'ada@ricerca.humanitas.it']) expect(contactDomainAllowed(humanitas, email), email).toBe(true);
  });

  it('is refused when it only looks like one of them', () => {
    for (const email of ['ada@evilhumanitas.it', 'ada@humanitas.it.attacker.example', 'ada@humanitas.it@gmail.com', 'humanitas.it@gmail.com', 'ada', '@humanitas.it']) {
      expect(contactDomainAllowed(humanitas, email), email).toBe(false);
    }
  });
});

describe('the mailbox an address reaches', () => {
  it('is the address lower-cased, without its +tag', () => {
    expect(mailboxOf('Ada.Rossi+hub@Humanitas.it')).toBe('ada.rossi@humanitas.it');
    expect(mailboxOf('ada+a+b@humanitas.it')).toBe('ada@humanitas.it');
    expect(mailboxOf(' ada@humanitas.it ')).toBe('ada@humanitas.it');
  });

  it('keeps addresses that carry no tag as they are', () => {
    expect(mailboxOf('anna-maria@humanitas.it')).toBe('anna-maria@humanitas.it');
    expect(mailboxOf('+ada@humanitas.it')).toBe('+ada@humanitas.it');
    expect(mailboxOf('not-an-address')).toBe('not-an-address');
  });
});
