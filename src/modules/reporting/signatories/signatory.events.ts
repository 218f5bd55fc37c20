import { Closed, Day, OfficialNip, OfficialText, OneOf, defineEvent } from '../../../infrastructure/event-store/typed-events';
import { ActorId, PARTIES } from '../../access/parties/actor';

/** Golongan ruang of the civil service (PP 99/2000), with the pangkat each carries. */
export const RANKS = {
  'I/a': 'Juru Muda',
  'I/b': 'Juru Muda Tingkat I',
  'I/c': 'Juru',
  'I/d': 'Juru Tingkat I',
  'II/a': 'Pengatur Muda',
  'II/b': 'Pengatur Muda Tingkat I',
  'II/c': 'Pengatur',
  'II/d': 'Pengatur Tingkat I',
  'III/a': 'Penata Muda',
  'III/b': 'Penata Muda Tingkat I',
  'III/c': 'Penata',
  'III/d': 'Penata Tingkat I',
  'IV/a': 'Pembina',
  'IV/b': 'Pembina Tingkat I',
  'IV/c': 'Pembina Utama Muda',
  'IV/d': 'Pembina Utama Madya',
  'IV/e': 'Pembina Utama',
} as const;
export type Golongan = keyof typeof RANKS;
export const GOLONGAN = Object.keys(RANKS) as Golongan[];

/** "Pembina Utama Muda (IV/c)": the pangkat/golongan line of a signature block. */
export const rankLabel = (golongan: Golongan) => `${RANKS[golongan]} (${golongan})`;

export const NAME_MAX_LENGTH = 120;
export const POSITION_MAX_LENGTH = 160;

export const SignatoryAppointed = defineEvent(
  'SignatoryAppointed',
  Closed({
    party: OneOf(PARTIES),
    name: OfficialText('name', NAME_MAX_LENGTH),
    nip: OfficialNip(),
    golongan: OneOf(GOLONGAN),
    position: OfficialText('position', POSITION_MAX_LENGTH),
    /** The WIB day from which this official signs for the party (until the next appointment's day). */
    effectiveFrom: Day(),
    actorId: ActorId(),
  }),
  {
    version: 1,
    description: "Who signs a party's documents from a day on (stream signatories-{party}), recorded by that party's administrator.",
    officials:
      'The head of an office (or the official acting for them) signs the semester report and the Bupati summary: name, NIP, pangkat and jabatan are printed under the signature, as on any letter of the office. Public officials in their office, never patients.',
  },
);

export const signatoryEvents = [SignatoryAppointed] as const;
