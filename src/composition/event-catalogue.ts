import type { EventDefinition } from '../infrastructure/event-store/event-schemas';
import { agreementEvents } from '../modules/access/agreements/agreement.events';
import { denialEvents } from '../modules/access/denials/access-denied.events';
import { facilityEvents } from '../modules/access/facilities/facility.events';
import { lookupEvents } from '../modules/access/lookups/lookup.events';
import { networkRefusalEvents } from '../modules/access/network/network-refusals.events';
import { operatorEvents } from '../modules/access/operators/operator.events';
import { seedEvents } from '../modules/access/seed/seed.events';
import { balikanEvents, balikanKeyEvents } from '../modules/balikan/balikan.events';
import { evaluationEvents } from '../modules/reporting/evaluations/evaluation.events';
import { reportEvents } from '../modules/reporting/semester/report-submission.events';
import { signatoryEvents } from '../modules/reporting/signatories/signatory.events';
import { bupatiLetterEvents } from '../modules/reporting/letters/bupati-letter.events';

/**
 * Every event type the application writes, gathered from the modules' `*.events.ts` files. The privacy
 * guard refuses any other type, and the privacy property test runs over each of these.
 */
export const eventCatalogue: readonly EventDefinition[] = [
  ...agreementEvents,
  ...facilityEvents,
  ...operatorEvents,
  ...denialEvents,
  ...networkRefusalEvents,
  ...seedEvents,
  ...lookupEvents,
  ...balikanEvents,
  ...balikanKeyEvents,
  ...reportEvents,
  ...evaluationEvents,
  ...signatoryEvents,
  ...bupatiLetterEvents,
];
