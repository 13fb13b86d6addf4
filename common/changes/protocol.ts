/**
 * The wire format of a region's change stream, shared by the publisher (subgraph side)
 * and the subscriber (gateway cache). Two carriers, one message shape:
 *
 * - HTTP Server-Sent Events at `GET <subgraph base>/changes`: `event: <kind>` and
 *   `data: <json message>`;
 * - Redis pub/sub on `liandong:changes:<REGION>`: the JSON message as the payload.
 *
 * Every message carries the publisher's `epoch` (one per publisher start) and a `seq`
 * that grows by one per message. A subscriber that sees a gap or a new epoch knows it
 * may have missed changes and must drop what it cached for the region: messages are
 * never replayed, so "no gap" is the only proof that nothing was missed.
 *
 * Heartbeats are sent only while the publisher's polls of the regional system succeed,
 * so "a recent heartbeat" means "changes are being seen", not merely "the socket is open".
 */
import type { ChangeEvent } from './event.ts';

export const CHANGES_PATH = '/changes';

export type ChangeMessage =
  /** `polledAt`: the last successful poll (null before the first), so a new subscriber need not wait for a heartbeat. */
  | { kind: 'hello'; region: string; epoch: string; seq: number; heartbeatMs: number; polledAt: string | null }
  | { kind: 'heartbeat'; region: string; epoch: string; seq: number; at: string }
  | { kind: 'change'; region: string; epoch: string; seq: number; event: ChangeEvent }
  /**
   * The regional system's change log started a new life (its database was replaced or
   * restored): changes may have been missed, so whatever a subscriber cached of the region
   * must go. A subscriber that does not know this kind still sees the gap in `seq`.
   */
  | { kind: 'resync'; region: string; epoch: string; seq: number; reason: string };

export function changeChannel(region: string): string {
  return `liandong:changes:${region}`;
}

/** Parses one message; null (with the reason) when it is not one of ours. */
export function parseChangeMessage(text: string): { message: ChangeMessage } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: `not JSON: ${JSON.stringify(text.slice(0, 80))}` };
  }
  const m = value as Partial<ChangeMessage>;
  if (typeof m !== 'object' || m === null || typeof m.region !== 'string' || typeof m.epoch !== 'string' || !Number.isSafeInteger(m.seq)) {
    return { problem: `expected {kind, region, epoch, seq}, got ${text.slice(0, 80)}` };
  }
  if (m.kind === 'change' && !isChangeEvent((m as { event?: unknown }).event))
    return { problem: `change message without a valid event: ${text.slice(0, 80)}` };
  if (m.kind === 'resync' && typeof (m as { reason?: unknown }).reason !== 'string')
    return { problem: `resync message without a reason: ${text.slice(0, 80)}` };
  if (m.kind !== 'change' && m.kind !== 'heartbeat' && m.kind !== 'hello' && m.kind !== 'resync')
    return { problem: `unknown kind ${JSON.stringify(m.kind)}` };
  return { message: m as ChangeMessage };
}

function isChangeEvent(event: unknown): event is ChangeEvent {
  const e = event as Partial<ChangeEvent> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.type === 'string' &&
    typeof e.id === 'string' &&
    Array.isArray(e.idNumbers) &&
    Array.isArray(e.plates)
  );
}
