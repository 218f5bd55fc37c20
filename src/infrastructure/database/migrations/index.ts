import { ProjectionCheckpoints1764201600000 } from './1764201600000-projection-checkpoints';
import { EventVolumeDaily1764201600001 } from './1764201600001-event-volume-daily';

/** Every read-model migration, oldest first. Run at start-up (and by the CLI) before projections start. */
export const migrations = [ProjectionCheckpoints1764201600000, EventVolumeDaily1764201600001];
