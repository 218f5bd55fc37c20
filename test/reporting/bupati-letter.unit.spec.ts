import { EventSchemas } from '../../src/infrastructure/event-store/event-schemas';
import { bupatiLetterDecider, type LetterIssue } from '../../src/modules/reporting/letters/bupati-letter';
import { bupatiLetterEvents } from '../../src/modules/reporting/letters/bupati-letter.events';
import { deciderSpec, type GivenEvent } from '../support/decider-spec';

const letters = deciderSpec(bupatiLetterDecider, { schemas: new EventSchemas(bupatiLetterEvents) });
const schemas = new EventSchemas(bupatiLetterEvents);
const AUDITOR = '2d8b6c74-5e3f-4a01-9c9d-3e4f5a6b7c8d';
const issue: LetterIssue = { year: 2025, semester: 2, number: '400.12/123/2026', actorId: AUDITOR };
const issued = (i: LetterIssue): GivenEvent => ({ type: 'BupatiLetterIssued', data: { ...i } });

describe('The letter that sends the Bupati summary', () => {
  it('records the number Disdukcapil sent the summary under, with who sent it', () => {
    const w = letters.given().when(issue);
    w.thenEvents(issued(issue));
    expect(() => schemas.validate('BupatiLetterIssued', w.events[0]!.data)).not.toThrow();
  });

  it('records nothing when the same number is entered again (a retried request)', () => {
    letters.given(issued(issue)).when(issue).thenNothing();
  });

  it('refuses another number once one was sent: it is in the Bupati’s agenda and cannot change', () => {
    letters
      .given(issued(issue))
      .when({ ...issue, number: '400.12/124/2026' })
      .thenRefused('BUPATI_LETTER_ALREADY_ISSUED', 409);
  });

  it('refuses a number that hides a NIK', () => {
    letters
      .given()
      .when({ ...issue, number: '3313011209900001' })
      .thenRefused('LETTER_NUMBER_INVALID', 400);
  });

  it('refuses a letter for a semester that has not started', () => {
    letters
      .given()
      .when({ ...issue, year: 2026, semester: 2 })
      .thenRefused('REPORT_PERIOD_NOT_STARTED', 422);
  });
});
