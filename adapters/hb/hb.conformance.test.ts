/** The HB adapter against real generated GBK exports on disk, through the conformance kit. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAdapterConformance } from '../conformance/index.ts';
import { generate } from '../../standins/generator/generate.ts';
import { republishHbExport } from '../../standins/hb/republish.ts';
import { hbAssistanceCycle } from '../../standins/hb/assistance.ts';
import { createAdapter } from './index.ts';

describeAdapterConformance('HB', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'liandong-hb-'));
  await generate({ dataDir, personsPerRegion: 300, seed: 7, regions: ['HB'] });
  const adapter = await createAdapter({ dataDir, settings: { pollMs: 200 } });
  return {
    adapter,
    sample: {
      noticeIds: ['HBTJ000001', 'HBTJ000002'],
      alertIds: ['HBBK000001', 'HBBK000002'],
      // The next night's export carries a corrected phone number for one person.
      async makeChange() {
        await republishHbExport(dataDir, new Date('2026-11-29T18:00:00Z'), (entity, row, headers) => {
          if (entity === 'persons' && row[0] === 'HBR00000005') row[headers.indexOf('聯繫電話')] = '13900000000';
          return row;
        });
        return { type: 'PersonRecord', id: 'HBR00000005' };
      },
      // HB's intake turn (its export between the seed's and makeChange's): takes the dropped request and its officers' action files in, publishes the next export.
      async takeInDropped() {
        await hbAssistanceCycle(dataDir, new Date('2026-11-29T06:00:00Z'));
      },
    },
    teardown: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});
