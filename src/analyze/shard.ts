/**
 * Deterministic sharding for monorepos that outgrow one CI job: files are dealt to shards by
 * size (largest first, to the lightest shard), so shards carry even work whatever the order
 * the file system lists them in.
 */
export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

export function parseShard(text: string): ShardSpec | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return count >= 1 && index >= 1 && index <= count ? { index, count } : undefined;
}

/**
 * The files one shard analyses, weighed by their length (`weight`): each file belongs to exactly
 * one shard.
 */
export function shardFileNames(fileNames: readonly string[], shard: ShardSpec, weight: (fileName: string) => number): Set<string> {
  const assigned = assignShards(
    fileNames.map((name) => ({ name, weight: weight(name) })),
    shard.count,
  );
  return new Set(fileNames.filter((_, i) => assigned[i] === shard.index - 1));
}

/** Longest-processing-time-first assignment; returns each item's shard (0-based), input order. */
export function assignShards(items: readonly { name: string; weight: number }[], count: number): number[] {
  const order = items.map((item, i) => ({ ...item, i })).sort((a, b) => b.weight - a.weight || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const loads = new Array<number>(count).fill(0);
  const result = new Array<number>(items.length);
  for (const item of order) {
    let lightest = 0;
    for (let s = 1; s < count; s++) if (loads[s] < loads[lightest]) lightest = s;
    loads[lightest] += item.weight + 1;
    result[item.i] = lightest;
  }
  return result;
}
