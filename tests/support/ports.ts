/** Free loopback ports: shared with `npm start` and the benchmark (scripts/lib/ports.ts). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../scripts/lib/ports.ts';

export { freePort };

/**
 * A region registry for `npm start` on free ports (JS, GZ with its legacy service, HB),
 * written to `<dir>/regions.json`; pass the file as LIANDONG_REGIONS.
 */
export async function demoRegistryOnFreePorts(
  dir: string,
): Promise<{ file: string; ports: { JS: number; GZ: number; HB: number; gzService: number } }> {
  const [js, gz, hb, gzService] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  const file = join(dir, 'regions.json');
  writeFileSync(
    file,
    JSON.stringify({
      regions: [
        { code: 'JS', name: '江蘇', url: `http://127.0.0.1:${js}` },
        { code: 'GZ', name: '貴州', url: `http://127.0.0.1:${gz}`, settings: { serviceUrl: `http://127.0.0.1:${gzService}` } },
        { code: 'HB', name: '湖北', url: `http://127.0.0.1:${hb}` },
      ],
    }),
  );
  return { file, ports: { JS: js, GZ: gz, HB: hb, gzService } };
}
