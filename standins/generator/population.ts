/**
 * Who lives where: the membership model behind the cross-region overlap.
 *
 * Every real person belongs to one *class*, the set of regions that hold a record of
 * them. Each region lays its local persons out in blocks of ten: one slot for persons
 * held by all three regions, two for persons shared with one other region, seven for
 * its own. So ~30% of every region's persons appear in two or three regions, and the
 * mapping between a region's local index and a real person runs both ways without a
 * table in memory.
 */
export type Region = 'JS' | 'GZ' | 'HB';
export const REGIONS: readonly Region[] = ['JS', 'GZ', 'HB'];

/** Classes by number: the regions holding a person of that class. */
export const CLASSES: readonly (readonly Region[])[] = [
  ['JS', 'GZ', 'HB'],
  ['JS', 'GZ'],
  ['JS', 'HB'],
  ['GZ', 'HB'],
  ['JS'],
  ['GZ'],
  ['HB'],
];
const HOME_CLASS: Record<Region, number> = { JS: 4, GZ: 5, HB: 6 };
const BLOCK = 10;
const HOME_SLOTS = 7;

/** Residue in the block → class, per region. Slots 3–9 are the region's own persons. */
const LAYOUT: Record<Region, readonly number[]> = {
  JS: [0, 1, 2],
  GZ: [0, 1, 3],
  HB: [0, 2, 3],
};

/** A real person: class and index within the class. */
export interface Identity {
  cls: number;
  j: number;
}

/** A number unique to the real person (stable for a given class layout). */
export function ordinal(identity: Identity): number {
  return identity.j * CLASSES.length + identity.cls;
}

/** Which real person sits at local index `i` of `region`. */
export function identityAt(region: Region, i: number): Identity {
  const block = Math.floor(i / BLOCK);
  const residue = i % BLOCK;
  if (residue < 3) return { cls: LAYOUT[region][residue], j: block };
  return { cls: HOME_CLASS[region], j: block * HOME_SLOTS + residue - 3 };
}

/** Local index of a real person in `region`, or null when the region does not hold them. */
export function localIndexOf(region: Region, identity: Identity, personsPerRegion: number): number | null {
  const { cls, j } = identity;
  let i: number;
  if (cls === HOME_CLASS[region]) {
    i = Math.floor(j / HOME_SLOTS) * BLOCK + 3 + (j % HOME_SLOTS);
  } else {
    const residue = LAYOUT[region].indexOf(cls);
    if (residue < 0) return null;
    i = j * BLOCK + residue;
  }
  return i < personsPerRegion ? i : null;
}

/** A random local index, favouring shared persons with probability `sharedBias`. */
export function pickLocalIndex(rand: { float(): number; int(n: number): number }, personsPerRegion: number, sharedBias: number): number {
  if (rand.float() < sharedBias) {
    const i = rand.int(Math.ceil(personsPerRegion / BLOCK)) * BLOCK + rand.int(3);
    if (i < personsPerRegion) return i;
  }
  return rand.int(personsPerRegion);
}

/** The region whose area codes a person's identity number carries. */
export function homeRegionOf(identity: Identity): Region {
  const regions = CLASSES[identity.cls];
  return regions[identity.j % regions.length];
}

/** Every real person held by at least one region, class by class. */
export function* allIdentities(personsPerRegion: number): Generator<Identity> {
  for (let cls = 0; cls < CLASSES.length; cls++) {
    for (let j = 0; ; j++) {
      const identity = { cls, j };
      if (!CLASSES[cls].some((r) => localIndexOf(r, identity, personsPerRegion) !== null)) break;
      yield identity;
    }
  }
}
