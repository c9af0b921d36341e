import type { Partner } from '../../shared/core/partners';

/** The Hub's member organisations and the sites they embed the form in. */
export const HUB_PARTNERS: readonly Partner[] = [
  { id: 'assolombarda', name: 'Assolombarda', origins: ['https://www.assolombarda.it'], contactDomains: ['assolombarda.it'] },
  { id: 'healthware', name: 'Healthware International', origins: ['https://healthwareinternational.com'], contactDomains: ['healthwareinternational.com', 'healthwaregroup.com'] },
  { id: 'artea', name: 'Artea', origins: ['https://www.artea.it'], contactDomains: ['artea.it'] },
  { id: 'abmedica', name: 'AB Medica', origins: ['https://www.abmedica.it'], contactDomains: ['abmedica.it'] },
  { id: 'boston-scientific', name: 'Boston Scientific', origins: ['https://www.bostonscientific.com'], contactDomains: ['bsci.com', 'bostonscientific.com'] },
  { id: 'dassault-systemes', name: 'Dassault Systèmes', origins: ['https://www.3ds.com'], contactDomains: ['3ds.com'] },
  { id: 'davinci-dtx', name: 'DaVinci Digital Therapeutics', origins: ['https://www.davincidtx.com'], contactDomains: ['davincidtx.com'] },
  { id: 'don-gnocchi', name: 'Fondazione Don Carlo Gnocchi', origins: ['https://www.dongnocchi.it'], contactDomains: ['dongnocchi.it'] },
  { id: 'gruppo-san-donato', name: 'Gruppo San Donato', origins: ['https://www.grupposandonato.it'], contactDomains: ['grupposandonato.it', 'hsr.it'] },
  { id: 'humanitas', name: 'Humanitas', origins: ['https://www.humanitas.it'], contactDomains: ['humanitas.it'] },
  { id: 'ibm', name: 'IBM', origins: ['https://www.ibm.com'], contactDomains: ['ibm.com'] },
  { id: 'maugeri', name: 'Istituti Clinici Scientifici Maugeri', origins: ['https://www.icsmaugeri.it'], contactDomains: ['icsmaugeri.it'] },
  { id: 'ieo', name: 'Istituto Europeo di Oncologia', origins: ['https://www.ieo.it'], contactDomains: ['ieo.it'] },
  { id: 'kos', name: 'KOS Care', origins: ['https://www.kosgroup.com'], contactDomains: ['kosgroup.com'] },
  { id: 'medtronic', name: 'Medtronic', origins: ['https://www.medtronic.com'], contactDomains: ['medtronic.com'] },
  { id: 'nippon-gases', name: 'Nippon Gases', origins: ['https://www.nippongases.com'], contactDomains: ['nippongases.com'] },
  { id: 'ultraspecialisti', name: 'Ultraspecialisti', origins: ['https://www.ultraspecialisti.com'], contactDomains: ['ultraspecialisti.com'] },
  { id: 'vivisol', name: 'Vivisol', origins: ['https://www.vivisol.it'], contactDomains: ['vivisol.com', 'vivisol.it'] },
];

/**
 * The same partners for the embedded runtime only: also allowed from any local port (demos and
 * tests of embedding), and accepting contacts at the documentation domains example.org and
 * example.com. A deployed stage never uses these.
 */
export const LOCAL_PARTNERS: readonly Partner[] = HUB_PARTNERS.map((partner) => ({
  ...partner,
  origins: [...partner.origins, 'http://localhost:*', 'http://127.0.0.1:*'],
  contactDomains: [...partner.contactDomains, 'example.org', 'example.com'],
}));
