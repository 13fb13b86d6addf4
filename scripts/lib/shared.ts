/**
 * The folder of material shared with the rest of the organisation (normalisation test
 * vectors, the public benchmark workload): `../shared` beside the checkout, as the
 * workspace lays it out, or wherever LIANDONG_SHARED names (a clone elsewhere).
 * Read where it lives, never copied into the project.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function sharedDir(): string {
  return resolve(process.env.LIANDONG_SHARED ?? fileURLToPath(new URL('../../../shared/', import.meta.url)));
}

/** A path inside the shared folder; throws naming where it looked when that is missing. */
export function sharedPath(...parts: string[]): string {
  const path = join(sharedDir(), ...parts);
  if (!existsSync(path)) {
    throw new Error(`${path} does not exist: the shared folder is expected beside the checkout (../shared) or where LIANDONG_SHARED names`);
  }
  return path;
}

/**
 * A path inside the shared folder, or null when it is not there: for material that
 * only adds to what the project carries itself (the organisation's normalisation
 * vectors run beside the project's own), so a clone without `../shared` still tests.
 */
export function sharedPathIfPresent(...parts: string[]): string | null {
  const path = join(sharedDir(), ...parts);
  return existsSync(path) ? path : null;
}
