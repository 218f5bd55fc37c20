import { EventRejectedError } from './errors';
import type { EventSchemas } from './event-schemas';
import type { StoredEvent } from './event-store.port';
import { isApplicationStreamId } from './guarded-event-store';

const REMEMBERED = 10_000;

/** Why an event of a registered type was not taken as this application's (never its values). */
export interface ForeignEventReport {
  readonly type: string;
  /** 'STREAM_ID' | 'ENVELOPE' | the privacy guard's code (EVENT_DATA_INVALID, PERSONAL_DATA_REFUSED, ...). */
  readonly reason: string;
  readonly position: { readonly commit: string; readonly prepare: string };
}

/**
 * Which events read from a store other applications may share (EventStoreDB) are this application's:
 * those that could have passed the privacy guard on append. An unregistered type is another
 * application's and is skipped without a word (normal on a shared cluster). A registered type in a
 * stream this application never names, with an envelope it never writes, or data that fails its schema
 * (upcast to the current version) or the NIK scan is skipped too, and reported: by type, reason and
 * position only, never its stream id or data (they may hold personal data: nothing of a foreign event is
 * hashed, stored or logged). Such an event is either written by another application under our type names,
 * or a bug: an operator must look, hence the report.
 */
export function ownEventFilter(schemas: EventSchemas, report: (skipped: ForeignEventReport) => void): (event: StoredEvent) => boolean {
  // A skipped event is read again at each poll until one of ours follows it: report it once.
  const reported = new Set<string>();
  return (event) => {
    if (!schemas.has(event.type)) return false;
    const skip = (reason: string) => {
      const position = { commit: event.globalPosition.commit.toString(), prepare: event.globalPosition.prepare.toString() };
      const key = `${position.commit}/${position.prepare}`;
      if (!reported.has(key)) {
        if (reported.size >= REMEMBERED) reported.delete(reported.values().next().value!);
        reported.add(key);
        report({ type: event.type, reason, position });
      }
      return false;
    };
    if (!isApplicationStreamId(event.streamId)) return skip('STREAM_ID');
    const version = event.schemaVersion;
    if (!Number.isInteger(version) || version < 1 || version > schemas.currentVersion(event.type)) return skip('ENVELOPE');
    if (typeof event.data !== 'object' || event.data === null || Array.isArray(event.data)) return skip('ENVELOPE');
    try {
      schemas.validate(event.type, schemas.upcast(event.type, version, event.data).data);
    } catch (error) {
      return skip(error instanceof EventRejectedError ? error.code : 'EVENT_DATA_INVALID');
    }
    return true;
  };
}
