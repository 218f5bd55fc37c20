import { ProjectionCheckpoints1764201600000 } from './1764201600000-projection-checkpoints';
import { EventVolumeDaily1764201600001 } from './1764201600001-event-volume-daily';
import { AccessRegisters1764288000000 } from './1764288000000-access-registers';
import { RateLimits1764374400000 } from './1764374400000-rate-limits';
import { BalikanOutbox1764460800000 } from './1764460800000-balikan-outbox';
import { Reporting1764547200000 } from './1764547200000-reporting';
import { AuditLog1764633600000 } from './1764633600000-audit-log';
import { AgreementChanges1764720000000 } from './1764720000000-agreement-changes';
import { BalikanReady1764720000100 } from './1764720000100-balikan-ready';
import { Signatories1764806400000 } from './1764806400000-signatories';
import { AuditLeafStreams1764892800000 } from './1764892800000-audit-leaf-streams';
import { CheckpointEvents1764979200000 } from './1764979200000-checkpoint-events';

/** Every read-model migration, oldest first. Run at start-up (and by the CLI) before projections start. */
export const migrations = [
  ProjectionCheckpoints1764201600000,
  EventVolumeDaily1764201600001,
  AccessRegisters1764288000000,
  RateLimits1764374400000,
  BalikanOutbox1764460800000,
  Reporting1764547200000,
  AuditLog1764633600000,
  AgreementChanges1764720000000,
  BalikanReady1764720000100,
  Signatories1764806400000,
  AuditLeafStreams1764892800000,
  CheckpointEvents1764979200000,
];
