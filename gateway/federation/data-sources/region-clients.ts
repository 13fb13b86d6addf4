/**
 * One `RegionClient` per region, shared by the data sources of every contract part —
 * a region that is down for `records` is down for `index` too, so they share its
 * breaker, concurrency cap and connections.
 *
 * The list is read from the directory on every fetch; a region whose settings changed
 * (after a registry reload) gets a fresh client, and the old one is closed.
 */
import { RegionClient, type RegionClientOptions } from './region-client.ts';
import type { RegionDirectory, RegionEntry } from './types.ts';

export class RegionClients {
  private readonly clients = new Map<string, { signature: string; client: RegionClient }>();
  private lastList: readonly RegionEntry[] | null = null;

  constructor(readonly directory: RegionDirectory, private readonly options: RegionClientOptions = {}) {}

  /** The regions in registry order (the stable merge order). */
  regions(): readonly RegionEntry[] {
    const list = this.directory.regions();
    if (list !== this.lastList) this.dropRemoved(list);
    return list;
  }

  client(region: RegionEntry): RegionClient {
    const signature = JSON.stringify([region.endpoints, region.timeoutMs, region.maxConcurrency, region.breaker]);
    const known = this.clients.get(region.code);
    if (known && known.signature === signature) return known.client;
    if (known) void known.client.close();
    const client = new RegionClient(region, this.options);
    this.clients.set(region.code, { signature, client });
    return client;
  }

  /** A region taken out of the registry must not keep its sockets open. */
  private dropRemoved(list: readonly RegionEntry[]): void {
    this.lastList = list;
    const present = new Set(list.map((r) => r.code));
    for (const [code, { client }] of this.clients) {
      if (present.has(code)) continue;
      void client.close();
      this.clients.delete(code);
    }
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()].map(({ client }) => client.close());
    this.clients.clear();
    await Promise.all(all);
  }
}
