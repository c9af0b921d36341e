import type { Partner } from '../../shared/core/partners';

/**
 * The origins of one web site: with and without `www`, since a page may be reached at either and
 * each is an origin of its own to the browser (a site that redirects one to the other loses
 * nothing by having both listed). A staging site goes in the list beside them, as a partner
 * that has one asks for it.
 */
const site = (domain: string): string[] => [`https://www.${domain}`, `https://${domain}`];

/** The Hub's member organisations and the sites they embed the form in. */
export const HUB_PARTNERS: readonly Partner[] = [
  { id: 'assolombarda', name: 'Assolombarda', origins: site('assolombarda.it'), contactDomains: ['assolombarda.it'] },
  { id: 'healthware', name: 'Healthware International', origins: site('healthwareinternational.com'), contactDomains: ['healthwareinternational.com', 'healthwaregroup.com'] },
  { id: 'artea', name: 'Artea', origins: site('artea.it'), contactDomains: ['artea.it'] },
  { id: 'abmedica', name: 'AB Medica', origins: site('abmedica.it'), contactDomains: ['abmedica.it'] },
  { id: 'boston-scientific', name: 'Boston Scientific', origins: site('bostonscientific.com'), contactDomains: ['bsci.com', 'bostonscientific.com'] },
  { id: 'dassault-systemes', name: 'Dassault Systèmes', origins: site('3ds.com'), contactDomains: ['3ds.com'] },
  { id: 'davinci-dtx', name: 'DaVinci Digital Therapeutics', origins: site('davincidtx.com'), contactDomains: ['davincidtx.com'] },
  { id: 'don-gnocchi', name: 'Fondazione Don Carlo Gnocchi', origins: site('dongnocchi.it'), contactDomains: ['dongnocchi.it'] },
  { id: 'gruppo-san-donato', name: 'Gruppo San Donato', origins: site('grupposandonato.it'), contactDomains: ['grupposandonato.it', 'hsr.it'] },
  { id: 'humanitas', name: 'Humanitas', origins: site('humanitas.it'), contactDomains: ['humanitas.it'] },
  { id: 'ibm', name: 'IBM', origins: site('ibm.com'), contactDomains: ['ibm.com'] },
  { id: 'maugeri', name: 'Istituti Clinici Scientifici Maugeri', origins: site('icsmaugeri.it'), contactDomains: ['icsmaugeri.it'] },
  { id: 'ieo', name: 'Istituto Europeo di Oncologia', origins: site('ieo.it'), contactDomains: ['ieo.it'] },
  { id: 'kos', name: 'KOS Care', origins: site('kosgroup.com'), contactDomains: ['kosgroup.com'] },
  { id: 'medtronic', name: 'Medtronic', origins: site('medtronic.com'), contactDomains: ['medtronic.com'] },
  { id: 'nippon-gases', name: 'Nippon Gases', origins: site('nippongases.com'), contactDomains: ['nippongases.com'] },
  { id: 'ultraspecialisti', name: 'Ultraspecialisti', origins: site('ultraspecialisti.com'), contactDomains: ['ultraspecialisti.com'] },
  { id: 'vivisol', name: 'Vivisol', origins: site('vivisol.it'), contactDomains: ['vivisol.com', 'vivisol.it'] },
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
