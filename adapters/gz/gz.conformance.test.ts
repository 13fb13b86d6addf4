/** The GZ adapter through the conformance kit: generated GZ data served by the real stand-in process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAdapterConformance } from '../conformance/index.ts';
import { generate } from '../../standins/generator/generate.ts';
import { startGzStandin } from '../../standins/gz/process.ts';
import { createAdapter } from './index.ts';

describeAdapterConformance('GZ', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'liandong-gz-conformance-'));
  await generate({ dataDir, personsPerRegion: 300, seed: 7, regions: ['GZ'] });
  const standin = await startGzStandin({ dataDir });
  const adapter = await createAdapter({ dataDir, settings: { serviceUrl: standin.url, timeoutMs: 5000 } });
  return {
    adapter,
    sample: {
      noticeIds: ['TJ0000001', 'TJ0000002'],
      alertIds: ['BK0000001', 'BK0000002'],
      // A GZ clerk corrects an address through the legacy system's own admin screen.
      async makeChange() {
        const response = await fetch(`${standin.url}/admin/update`, {
          method: 'POST',
          body: JSON.stringify({ bm: 'renkou', jlbh: 'RK000000005', sz: { zz: '貴州省貴陽市南明區中華南路1號' } }),
        });
        const envelope = (await response.json()) as { code: number; msg: string };
        if (envelope.code !== 0) throw new Error(`GZ admin update failed: ${envelope.msg}`);
        return { type: 'PersonRecord', id: 'RK000000005' };
      },
    },
    teardown: async () => {
      await standin.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
