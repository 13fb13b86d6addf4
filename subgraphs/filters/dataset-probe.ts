/**
 * A cheap look at which data set a region's system holds, saved with each filter snapshot
 * and compared at restore: the number of persons and the first few identity numbers in
 * the adapter's stable order (one `searchPersons` page).
 *
 * Why it is needed beside the change feed's own `resync`: a feed whose positions carry no
 * identity of the log they count (GZ's change numbers start again at 1 in a re-seeded
 * database) cannot tell that a position from the old data set means nothing in the new
 * one when the new log has grown past it — or when nothing was ever changed, position 0 in
 * both. `npm start` re-seeds its demo data in place when the generator changed. A snapshot
 * of the old data would then hide the new data's persons. The probe catches a data set
 * whose persons are more than the saved count plus those the catch-up added, or whose
 * first persons are gone (unless the catch-up listed a change to them). It cannot see a
 * data set with the same persons and other cases or vehicles; docs/architecture.md says so.
 */
import type { ChangeEvent, RegionAdapter } from '../../adapters/adapter.ts';

/** Persons sampled: enough that another data set's first persons differ, one batch lookup to check. */
const SAMPLE = 16;

export interface DatasetProbe {
  persons: number;
  sample: string[];
}

type ProbedAdapter = Pick<RegionAdapter, 'searchPersons' | 'personRecordsByIdNumber'>;

export async function probeDataset(adapter: ProbedAdapter): Promise<DatasetProbe> {
  const page = await adapter.searchPersons({}, { first: SAMPLE });
  return { persons: page.totalCount, sample: [...new Set(page.items.map((person) => person.idNumber))] };
}

/** Whether `probe` (read when the snapshot was saved) is a look at the same data as now, given the changes caught up since; null: it is. */
export async function datasetMismatch(
  adapter: ProbedAdapter,
  probe: DatasetProbe,
  caughtUp: readonly ChangeEvent[],
): Promise<string | null> {
  const personChanges = caughtUp.filter((change) => change.type === 'PersonRecord');
  const now = await probeDataset(adapter);
  if (now.persons > probe.persons + personChanges.length)
    return `it holds ${now.persons} persons, more than the ${probe.persons} at the snapshot plus ${personChanges.length} changed since`;
  const changed = new Set(personChanges.flatMap((change) => change.idNumbers));
  const unchanged = probe.sample.filter((idNumber) => !changed.has(idNumber));
  const found = await adapter.personRecordsByIdNumber(unchanged);
  const gone = unchanged.filter((_, i) => found[i].length === 0);
  if (gone.length > 0) return `${gone.length} of the ${probe.sample.length} persons sampled at the snapshot are gone without a change`;
  return null;
}
