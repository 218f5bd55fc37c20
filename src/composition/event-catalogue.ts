import type { EventDefinition } from '../infrastructure/event-store/event-schemas';
import { agreementEvents } from '../modules/access/agreements/agreement';
import { denialEvents } from '../modules/access/denials/access-denied';
import { facilityEvents } from '../modules/access/facilities/facility';
import { operatorEvents } from '../modules/access/operators/operator';
import { seedEvents } from '../modules/access/seed/seed';
import { accessEvents } from '../modules/access/lookups/access.events';
import { networkRefusalEvents } from '../modules/access/network/network-refusals';
import { balikanEvents } from '../modules/balikan/balikan';
import { evaluationEvents } from '../modules/reporting/evaluations/evaluation';
import { reportEvents } from '../modules/reporting/semester/report-submission';

/**
 * Every event type the application writes, gathered from the modules. The privacy guard refuses any
 * other type, and the privacy property test runs over each of these.
 */
export const eventCatalogue: readonly EventDefinition[] = [...agreementEvents, ...facilityEvents, ...operatorEvents, ...denialEvents, ...networkRefusalEvents, ...seedEvents, ...accessEvents, ...balikanEvents, ...reportEvents, ...evaluationEvents];
