import { Closed, Int, OneOf, Pattern, defineEvent } from '../../../infrastructure/event-store/typed-events';
import { ActorId } from '../../access/parties/actor';

/** A letter number as offices write them (Tata Naskah Dinas), e.g. "400.12/123/2026" or "400.12/123/Disdukcapil/2026". */
export const LETTER_NUMBER = '^[0-9A-Za-z][0-9A-Za-z./-]{1,58}[0-9A-Za-z]$';

export const BupatiLetterIssued = defineEvent(
  'BupatiLetterIssued',
  Closed({ year: Int(2022, 2100), semester: OneOf([1, 2]), number: Pattern(LETTER_NUMBER), actorId: ActorId() }),
  {
    version: 1,
    description:
      "Disdukcapil sent a semester's Bupati summary as an official letter under this number (stream bupati-letter-{year}-{semester}); a number once sent never changes.",
  },
);

export const bupatiLetterEvents = [BupatiLetterIssued] as const;
