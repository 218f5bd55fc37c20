import type { EventSchemas } from '../../infrastructure/event-store/event-schemas';
import type { Projection } from '../../infrastructure/projections/projection';
import { EventVolumeProjection } from './event-volume/event-volume.projection';
import { ReportingProjection } from './read-models/reporting.projection';

/** The reporting module's read models: event volume per type and day (over every registered type), and the report figures. */
export function reportingProjections(eventSchemas: EventSchemas): Projection[] {
  return [new EventVolumeProjection(eventSchemas.definitions().map((d) => d.type)), new ReportingProjection()];
}
