/** The JS adapter against a real generated JS SQLite file, through the conformance kit. */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeAdapterConformance } from '../conformance/index.ts';
import { generate } from '../../standins/generator/generate.ts';
import { createAdapter } from './index.ts';

describeAdapterConformance('JS', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'liandong-js-'));
  await generate({ dataDir, personsPerRegion: 300, seed: 7, regions: ['JS'] });
  const adapter = await createAdapter({ dataDir, settings: { changePollMs: 100 } });
  return {
    adapter,
    sample: {
      noticeIds: ['W000001', 'W000002'],
      alertIds: ['A000001', 'A000002'],
      // A clerk in JS corrects an address: a separate connection, as the real system would be.
      async makeChange() {
        const db = new Database(join(dataDir, 'js/jiangsu-police.sqlite'));
        db.prepare("UPDATE t_person SET reg_address = '江蘇省南京市玄武區中山路1號', updated_at = ? WHERE person_id = 'P00000005'").run(
          new Date().toISOString(),
        );
        db.close();
        return { type: 'PersonRecord', id: 'P00000005' };
      },
    },
    teardown: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});
