/**
 * The fan-in: every region's change stream arrives here once (the cache's
 * RegionFeeds, the same one upstream connection per region per gateway), and is matched
 * in memory against the subscriptions through an index from identity number and plate
 * to subscribers — never one upstream connection per subscriber.
 *
 * It also keeps the last `replayEvents` events so a client resuming with
 * `Last-Event-ID` gets what it missed, and a GAP event when its id is from another
 * gateway life (a restart, a kill -9: the buffer is in memory) or older than the buffer.
 */
import { randomBytes } from 'node:crypto';
import type { ChangeEvent } from '../../common/changes/event.ts';
import type { StreamListener } from '../../common/changes/listener.ts';
import { isAssistanceKind, parseEventId, pushedKind, type LiveEvent, type LiveKind } from './events.ts';
import type { LiveMetrics } from './metrics.ts';

/** What the hub needs of a subscription. */
export interface Subscriber {
  readonly officer: string;
  readonly filter: SubscriptionFilter;
  offer(event: LiveEvent): void;
  /** Ends the stream with a reason the client is told. */
  end(ending: { code: string; message: string }): void;
}

/** Who subscribes: the officer (token `sub`, a police number) and the region they serve in. */
export interface Party {
  officer: string;
  region: string;
}

/**
 * - `watch`: changes touching watched identity numbers and plates;
 * - `alerts`: a duty desk's changes by region and kind; assistance kinds only of requests
 *   the desk is party to (`party`: its region received the request, or its officer made it);
 * - `assistanceUpdates`: the named requests (Liandong ids), or without ids the requests the
 *   subscriber is party to as above.
 */
export type SubscriptionFilter =
  | { field: 'watch'; idNumbers: ReadonlySet<string>; plates: ReadonlySet<string> }
  | { field: 'alerts'; regions: ReadonlySet<string> | null; kinds: ReadonlySet<LiveKind>; party?: Party }
  | { field: 'assistanceUpdates'; ids: ReadonlySet<string> | null; party: Party };

/** What the hub needs of the region streams: whether one is live now, and which regions there are. */
export interface RegionLiveness {
  regions(): readonly string[];
  isLive(region: string): boolean;
  /** False only when the region surely does not hold the key (its trusted membership filter); absent: it may hold any. */
  mayHold?(region: string, kind: 'idNumber' | 'plate', key: string): boolean;
}

export class LiveHub implements StreamListener {
  readonly epoch = randomBytes(4).toString('hex');
  private seq = 0;
  private readonly buffer: LiveEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private readonly byIdNumber = new Map<string, Set<Subscriber>>();
  private readonly byPlate = new Map<string, Set<Subscriber>>();
  private readonly desks = new Set<Subscriber>();
  /** `assistanceUpdates` subscribers: few, and assistance events are rare, so matched one by one. */
  private readonly requestFollowers = new Set<Subscriber>();
  private readonly perOfficer = new Map<string, number>();
  /** Regions seen live at least once, and whether they are live now. */
  private readonly regionLive = new Map<string, boolean>();
  private timer: NodeJS.Timeout | null = null;
  private liveness: RegionLiveness | null = null;

  /**
   * `catchUpLimit`: at most this many CATCH_UP events per subscriber per returning region
   * (below the subscriber's queue bound, so a catch-up never ends it as a slow consumer).
   */
  constructor(
    private readonly replayEvents: number,
    private readonly metrics: LiveMetrics,
    private readonly catchUpLimit = Number.POSITIVE_INFINITY,
  ) {}

  /** Polls the regions' liveness once a second: a stream that went quiet (or came back) is an event. */
  watchRegions(liveness: RegionLiveness, everyMs = 1000): void {
    this.timer = setInterval(() => this.checkRegions(liveness), everyMs);
    this.timer.unref();
  }

  checkRegions(liveness: RegionLiveness): void {
    this.liveness = liveness;
    for (const region of liveness.regions()) {
      const live = liveness.isLive(region);
      const was = this.regionLive.get(region);
      this.regionLive.set(region, live);
      // Before a region was ever live there is nothing to announce (the gateway is starting).
      if (was === undefined) {
        if (!live) this.regionLive.delete(region);
        continue;
      }
      if (was && !live)
        this.publish('REGION_UNAVAILABLE', region, {
          detail: `${region}'s change stream is down: no events from ${region} until it returns.`,
        });
      if (!was && live)
        this.publish('REGION_RESTORED', region, {
          detail: `${region}'s change stream is back; changes made in ${region} while it was down were not pushed: each watched key ${region} may hold follows as a CATCH_UP event with its state now.`,
        });
    }
  }

  officerCount(officer: string): number {
    return this.perOfficer.get(officer) ?? 0;
  }

  add(subscriber: Subscriber): void {
    this.subscribers.add(subscriber);
    this.perOfficer.set(subscriber.officer, this.officerCount(subscriber.officer) + 1);
    const f = subscriber.filter;
    if (f.field === 'alerts') this.desks.add(subscriber);
    else if (f.field === 'assistanceUpdates') this.requestFollowers.add(subscriber);
    else {
      for (const id of f.idNumbers) index(this.byIdNumber, id).add(subscriber);
      for (const plate of f.plates) index(this.byPlate, plate).add(subscriber);
    }
    this.metrics.subscribers.set(this.subscribers.size);
  }

  remove(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber)) return;
    const left = this.officerCount(subscriber.officer) - 1;
    if (left > 0) this.perOfficer.set(subscriber.officer, left);
    else this.perOfficer.delete(subscriber.officer);
    const f = subscriber.filter;
    if (f.field === 'alerts') this.desks.delete(subscriber);
    else if (f.field === 'assistanceUpdates') this.requestFollowers.delete(subscriber);
    else {
      for (const id of f.idNumbers) unindex(this.byIdNumber, id, subscriber);
      for (const plate of f.plates) unindex(this.byPlate, plate, subscriber);
    }
    this.metrics.subscribers.set(this.subscribers.size);
  }

  /**
   * What a client resuming after `lastEventId` must get first: the buffered events after
   * it that match, or a GAP event (then live events) when the id cannot be placed.
   */
  resume(subscriber: Subscriber, lastEventId: string, atMost = Number.POSITIVE_INFINITY): LiveEvent[] {
    const parsed = parseEventId(lastEventId);
    const oldest = this.buffer[0]?.seq ?? this.seq + 1;
    let why: string | null = null;
    if (!parsed) why = `Last-Event-ID ${JSON.stringify(lastEventId.slice(0, 40))} is not an event id of this gateway`;
    else if (parsed.epoch !== this.epoch) why = `event ${lastEventId} is from an earlier life of this gateway (it restarted)`;
    else if (parsed.seq > this.seq) why = `event ${lastEventId} is ahead of this gateway's last event ${this.epoch}.${this.seq}`;
    else if (parsed.seq < oldest - 1) why = `event ${lastEventId} is older than the replay window (oldest kept: ${this.epoch}.${oldest})`;
    if (why) return [this.make('GAP', null, { detail: `${why}: events may have been missed; query again.` })];
    // Catch-ups share their REGION_RESTORED's id: a client that left during one (its last id is
    // that event's) gets the catch-up again — a repeated current state, rather than a silent loss.
    const missed = this.buffer
      .filter((event) => event.seq >= parsed!.seq && matches(subscriber.filter, event))
      .flatMap((event) => (event.seq === parsed!.seq ? this.catchUps(subscriber, event) : [event, ...this.catchUps(subscriber, event)]));
    // More than the subscriber's queue holds would end it as a slow consumer at once: say so instead.
    if (missed.length > atMost)
      return [
        this.make('GAP', null, {
          detail: `${missed.length} events since ${lastEventId} are more than one stream replays (${atMost}); query again.`,
        }),
      ];
    return missed;
  }

  // StreamListener: the cache's region feeds call these for every message of every region.
  changed(change: ChangeEvent): void {
    const kind = pushedKind(change);
    if (kind) this.publish(kind, change.region, { change, at: change.at });
  }

  flush(): void {
    // A flush means "the cache may be stale"; for pushes the liveness poll reports the outage.
  }

  /** The gateway is stopping: every stream ends with a reason (clients resume elsewhere with their last event id). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    for (const subscriber of [...this.subscribers]) {
      subscriber.end({
        code: 'GATEWAY_SHUTTING_DOWN',
        message: 'This gateway is stopping; subscribe again (with the last event id received) to resume.',
      });
    }
  }

  private publish(kind: LiveKind, region: string, extra: { change?: ChangeEvent; detail?: string; at?: string }): void {
    const event = this.make(kind, region, extra);
    this.buffer.push(event);
    if (this.buffer.length > this.replayEvents) this.buffer.shift();
    for (const subscriber of this.recipients(event)) {
      subscriber.offer(event);
      for (const catchUp of this.catchUps(subscriber, event)) subscriber.offer(catchUp);
    }
  }

  /**
   * After a region's REGION_RESTORED, a watcher's catch-up: one CATCH_UP event per watched
   * key the region may hold (its membership filter, when trusted, rules keys out), resolved
   * like any event — so audited — and showing the key's state now. They share the restore
   * event's id (a resume after it does not repeat them). Beyond `catchUpLimit` keys, a GAP
   * says how many were left for the client to query. A duty desk gets none: it follows
   * new notices, not keys.
   */
  private catchUps(subscriber: Subscriber, restored: LiveEvent): LiveEvent[] {
    const f = subscriber.filter;
    if (restored.kind !== 'REGION_RESTORED' || f.field !== 'watch' || !restored.region) return [];
    const region = restored.region;
    const mayHold = (kind: 'idNumber' | 'plate', key: string) => this.liveness?.mayHold?.(region, kind, key) ?? true;
    const subjects = [
      ...[...f.idNumbers].filter((id) => mayHold('idNumber', id)).map((idNumber) => ({ idNumber, plate: null })),
      ...[...f.plates].filter((plate) => mayHold('plate', plate)).map((plate) => ({ idNumber: null, plate })),
    ];
    const base = { id: restored.id, seq: restored.seq, region, at: restored.at };
    const events: LiveEvent[] = subjects.slice(0, this.catchUpLimit).map((subject) => ({
      ...base,
      kind: 'CATCH_UP',
      subject,
      detail: `${subject.idNumber ?? subject.plate} as it is now, after ${region}'s change stream returned.`,
    }));
    const left = subjects.length - events.length;
    if (left > 0)
      events.push({
        ...base,
        kind: 'GAP',
        detail: `${left} more watched keys ${region} may hold were not caught up (more than ${this.catchUpLimit} per stream): query them again.`,
      });
    return events;
  }

  private make(kind: LiveKind, region: string | null, extra: { change?: ChangeEvent; detail?: string; at?: string }): LiveEvent {
    // A GAP is per client and not part of the sequence: it does not advance the counter.
    const seq = kind === 'GAP' ? this.seq : ++this.seq;
    return {
      id: `${this.epoch}.${seq}`,
      seq,
      kind,
      region,
      at: extra.at ?? new Date().toISOString(),
      change: extra.change,
      detail: extra.detail,
    };
  }

  private recipients(event: LiveEvent): Set<Subscriber> {
    const found = new Set<Subscriber>();
    for (const desk of this.desks) if (matches(desk.filter, event)) found.add(desk);
    if (event.change?.type === 'AssistanceRequest') {
      for (const follower of this.requestFollowers) if (matches(follower.filter, event)) found.add(follower);
    } else if (event.change) {
      for (const id of event.change.idNumbers) for (const s of this.byIdNumber.get(id) ?? []) found.add(s);
      for (const plate of event.change.plates) for (const s of this.byPlate.get(plate) ?? []) found.add(s);
    } else {
      // A region's outage concerns every watcher (any watched key may be in that region) and request follower.
      for (const s of this.subscribers) if (s.filter.field !== 'alerts') found.add(s);
    }
    return found;
  }
}

/** Whether an event concerns a subscription (used for replay; live delivery goes through the index). */
export function matches(filter: SubscriptionFilter, event: LiveEvent): boolean {
  if (filter.field === 'alerts') {
    if (filter.regions && event.region && !filter.regions.has(event.region)) return false;
    if (!event.change) return true;
    return filter.kinds.has(event.kind) && (!isAssistanceKind(event.kind) || isParty(filter.party, event.change));
  }
  if (filter.field === 'assistanceUpdates') {
    if (!event.change) return event.kind !== 'CATCH_UP';
    if (event.change.type !== 'AssistanceRequest') return false;
    return filter.ids ? filter.ids.has(`${event.change.region}:${event.change.id}`) : isParty(filter.party, event.change);
  }
  if (!event.change) return true;
  return event.change.idNumbers.some((id) => filter.idNumbers.has(id)) || event.change.plates.some((p) => filter.plates.has(p));
}

/**
 * Whether the subscriber is party to an assistance request's change: an officer of the
 * receiving region (its duty desk), or the officer who made the request. Who then sees the
 * request itself is still decided by the event's query under the subscriber's token.
 */
function isParty(party: Party | undefined, change: ChangeEvent): boolean {
  const about = change.assistance;
  if (!party || !about) return false;
  return party.region === change.region || (party.region === about.fromRegion && party.officer === about.requestedBy);
}

function index(map: Map<string, Set<Subscriber>>, key: string): Set<Subscriber> {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  return set;
}

function unindex(map: Map<string, Set<Subscriber>>, key: string, subscriber: Subscriber): void {
  const set = map.get(key);
  set?.delete(subscriber);
  if (set?.size === 0) map.delete(key);
}
