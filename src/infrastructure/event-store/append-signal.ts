import { EventEmitter } from 'node:events';

/** Tells subscriptions in this process that an append happened, so they read now instead of at the next poll. */
export class AppendSignal {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  notify(): void {
    setImmediate(() => this.emitter.emit('appended'));
  }

  on(listener: () => void): () => void {
    this.emitter.on('appended', listener);
    return () => this.emitter.off('appended', listener);
  }

  clear(): void {
    this.emitter.removeAllListeners();
  }
}
