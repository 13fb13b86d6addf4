/**
 * The assistance-request settings file (`schema/assistance.json`): how long the receiving
 * region has to answer each urgency. One file read by every regional subgraph, so a
 * request's deadline does not depend on which region received it.
 *
 * Validated at load: a missing urgency or a non-positive number stops start-up with a
 * message naming the entry.
 */
import { readFileSync } from 'node:fs';

export const URGENCIES = ['URGENT', 'HIGH', 'NORMAL'] as const;
export type Urgency = (typeof URGENCIES)[number];

export interface AssistanceSettings {
  deadlineMinutes: Record<Urgency, number>;
}

export const DEFAULT_ASSISTANCE_FILE = new URL('./assistance.json', import.meta.url).pathname;

export function loadAssistanceSettings(path: string = DEFAULT_ASSISTANCE_FILE): AssistanceSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: cannot read the assistance settings as JSON (${(error as Error).message})`);
  }
  return validateAssistanceSettings(raw, path);
}

export function validateAssistanceSettings(raw: unknown, file = 'assistance settings'): AssistanceSettings {
  const root = raw as { deadlineMinutes?: unknown } | null;
  const minutes = root?.deadlineMinutes;
  if (typeof minutes !== 'object' || minutes === null || Array.isArray(minutes)) {
    throw new Error(`${file}: deadlineMinutes: expected an object of urgency → minutes, got ${JSON.stringify(minutes)}`);
  }
  const out = {} as Record<Urgency, number>;
  for (const urgency of URGENCIES) {
    const value = (minutes as Record<string, unknown>)[urgency];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new Error(
        `${file}: deadlineMinutes.${urgency}: expected a whole number of minutes of at least 1, got ${JSON.stringify(value)}`,
      );
    }
    out[urgency] = value;
  }
  for (const key of Object.keys(minutes)) {
    if (!(URGENCIES as readonly string[]).includes(key)) {
      throw new Error(`${file}: deadlineMinutes.${key}: unknown urgency (expected one of: ${URGENCIES.join(', ')})`);
    }
  }
  return { deadlineMinutes: out };
}

/** When a request made at `requestedAt` with this urgency must be answered (ISO 8601, UTC). */
export function deadlineOf(settings: AssistanceSettings, urgency: Urgency, requestedAt: string): string {
  return new Date(Date.parse(requestedAt) + settings.deadlineMinutes[urgency] * 60_000).toISOString();
}
