import type { EventDefinition } from './infrastructure/event-store/event-registry';

/**
 * Every event type the application writes, gathered from the modules. The privacy guard refuses any
 * other type, and the privacy property test runs over each of these.
 */
export const eventCatalogue: readonly EventDefinition[] = [];
