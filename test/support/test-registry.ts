import { EventRegistry } from '../../src/infrastructure/event-store/event-registry';
import { eventCatalogue } from '../../src/composition/event-catalogue';
import { fixtureEvents } from './fixture-events';

/** Every event the application knows, and the fixture events the store suites append. */
export function testRegistry(): EventRegistry {
  return new EventRegistry([...eventCatalogue, ...fixtureEvents]);
}
