import type { Partner } from '../../shared/domain/partners';

/** The Hub's member organisations and the sites they embed the form in. */
export const HUB_PARTNERS: readonly Partner[] = [
  { id: 'assolombarda', name: 'Assolombarda', origins: ['https://www.assolombarda.it'] },
  { id: 'healthware', name: 'Healthware International', origins: ['https://healthwareinternational.com'] },
  { id: 'artea', name: 'Artea', origins: ['https://www.artea.it'] },
  { id: 'abmedica', name: 'AB Medica', origins: ['https://www.abmedica.it'] },
  { id: 'boston-scientific', name: 'Boston Scientific', origins: ['https://www.bostonscientific.com'] },
  { id: 'dassault-systemes', name: 'Dassault Systèmes', origins: ['https://www.3ds.com'] },
  { id: 'davinci-dtx', name: 'DaVinci Digital Therapeutics', origins: ['https://www.davincidtx.com'] },
  { id: 'don-gnocchi', name: 'Fondazione Don Carlo Gnocchi', origins: ['https://www.dongnocchi.it'] },
  { id: 'gruppo-san-donato', name: 'Gruppo San Donato', origins: ['https://www.grupposandonato.it'] },
  { id: 'humanitas', name: 'Humanitas', origins: ['https://www.humanitas.it'] },
  { id: 'ibm', name: 'IBM', origins: ['https://www.ibm.com'] },
  { id: 'maugeri', name: 'Istituti Clinici Scientifici Maugeri', origins: ['https://www.icsmaugeri.it'] },
  { id: 'ieo', name: 'Istituto Europeo di Oncologia', origins: ['https://www.ieo.it'] },
  { id: 'kos', name: 'KOS Care', origins: ['https://www.kosgroup.com'] },
  { id: 'medtronic', name: 'Medtronic', origins: ['https://www.medtronic.com'] },
  { id: 'nippon-gases', name: 'Nippon Gases', origins: ['https://www.nippongases.com'] },
  { id: 'ultraspecialisti', name: 'Ultraspecialisti', origins: ['https://www.ultraspecialisti.com'] },
  { id: 'vivisol', name: 'Vivisol', origins: ['https://www.vivisol.it'] },
];

/** The same partners, also allowed from any local port: for demos and tests of embedding. */
export const LOCAL_PARTNERS: readonly Partner[] = HUB_PARTNERS.map((partner) => ({
  ...partner,
  origins: [...partner.origins, 'http://localhost:*', 'http://127.0.0.1:*'],
}));
