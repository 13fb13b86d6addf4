/**
 * Recent invalidations, numbered, so an answer fetched before a change event but
 * stored after it is not stored at all: the fetch takes a `mark()` before asking the
 * region, and `touchedSince(mark, tags)` tells whether anything it would store was
 * evicted meanwhile. Bounded: a mark older than the log's memory counts as touched.
 */
export class InvalidationLog {
  private readonly entries: { seq: number; tags: ReadonlySet<string> }[] = [];
  private seq = 0;

  constructor(private readonly capacity = 10_000) {}

  mark(): number {
    return this.seq;
  }

  record(tags: readonly string[]): void {
    this.entries.push({ seq: ++this.seq, tags: new Set(tags) });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  touchedSince(mark: number, tags: readonly string[]): boolean {
    if (mark === this.seq) return false;
    const oldest = this.entries[0]?.seq ?? this.seq + 1;
    if (mark + 1 < oldest) return true;
    for (let i = this.entries.length - 1; i >= 0 && this.entries[i].seq > mark; i -= 1) {
      if (tags.some((tag) => this.entries[i].tags.has(tag))) return true;
    }
    return false;
  }
}
