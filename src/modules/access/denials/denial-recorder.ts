import { randomUUID } from 'node:crypto';
import type { EventStore } from '../../../infrastructure/event-store/event-store.port';
import type { Refusal, RefusalContext, RefusalListener } from '../../../infrastructure/refusal';
import { DENIAL_REASONS, denialStream, type DenialReason } from './access-denied.events';

const isDenialReason = (code: string): code is DenialReason => (DENIAL_REASONS as readonly string[]).includes(code);

/**
 * The one place a refusal becomes an event (Pasal 3(2)(c)). The rule: every refusal whose code is a denial
 * reason (DENIAL_REASONS: a refusal of access by who, where, when, or how often) is recorded as an
 * AccessDenied event before the answer leaves; a refusal of a command's content (invalid input, unknown
 * id, a state conflict) is answered and not recorded: nothing was accessed. Callers outside the closed
 * network are counted per minute instead (NetworkRefusalsCounted), so a flood cannot grow the log.
 * No address, no request values.
 */
export class DenialRecorder implements RefusalListener {
  constructor(
    private readonly store: EventStore,
    /** Told of each refusal by reason (metrics): nothing about who or what. */
    private readonly onRefusal?: (reason: DenialReason) => void,
  ) {}

  async refused(refusal: Refusal, context: RefusalContext): Promise<void> {
    if (!isDenialReason(refusal.code)) return;
    this.onRefusal?.(refusal.code);
    const denialId = randomUUID();
    const { party } = context;
    const data: Record<string, unknown> = { denialId, reason: refusal.code, route: context.route };
    if (party?.operatorId) data.operatorId = party.operatorId;
    if (party?.facilityId) data.facilityId = party.facilityId;
    if (party?.role) data.role = party.role;
    await this.store.appendToStream(denialStream(denialId), [{ type: 'AccessDenied', data, correlationId: context.correlationId }], {
      expectedRevision: 'no_stream',
    });
  }
}
