import { EventSchemas } from '../../src/infrastructure/event-store/event-schemas';
import { eventCatalogue } from '../../src/composition/event-catalogue';
import { fixtureEvents } from './fixture-events';

/** Every event the application knows, and the fixture events the store suites append. */
export function testEventSchemas(): EventSchemas {
  return new EventSchemas([...eventCatalogue, ...fixtureEvents]);
}
