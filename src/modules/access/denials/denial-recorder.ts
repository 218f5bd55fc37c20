import { randomUUID } from 'node:crypto';
import type { EventStore } from '../../../infrastructure/event-store/event-store.port';
import type { Role } from '../operators/operator';
import { denialStream, type DenialReason } from './access-denied';

export interface DenialContext {
  readonly route: string;
  readonly operatorId?: string;
  readonly facilityId?: string | null;
  readonly role?: Role;
  readonly correlationId?: string;
}

/** Records every refusal as an AccessDenied event (Pasal 3(2)(c)): no address, no request values. */
export class DenialRecorder {
  constructor(
    private readonly store: EventStore,
    /** Told of each refusal by reason (metrics): nothing about who or what. */
    private readonly onRefusal?: (reason: DenialReason) => void,
  ) {}

  async record(reason: DenialReason, context: DenialContext): Promise<void> {
    this.onRefusal?.(reason);
    const denialId = randomUUID();
    const data: Record<string, unknown> = { denialId, reason, route: context.route };
    if (context.operatorId) data.operatorId = context.operatorId;
    if (context.facilityId) data.facilityId = context.facilityId;
    if (context.role) data.role = context.role;
    await this.store.appendToStream(denialStream(denialId), [{ type: 'AccessDenied', data, correlationId: context.correlationId }], {
      expectedRevision: 'no_stream',
    });
  }
}
