import { catalog } from '../catalog/index.ts';
import { getProfile, prometheusProfileNames, type Profile } from '../profiles/index.ts';
import { snakeCase } from '../profiles/naming.ts';
import { alternation } from '../profiles/spec.ts';
import type { PromApi } from './api.ts';
import type { Status } from './checks.ts';
import { duration } from './diagnose.ts';

/*
 * What the metrics say before any dashboard is checked: which profile's names they carry, which streams,
 * regions and accounts report, whether shard and consumer series exist, and exporter quirks. Every
 * query is an aggregation over the window evaluated once, and every list is capped (topk) at maxSeries.
 */

export interface StreamFound {
  /** The stream label's value as the exporter stores it. */
  stream: string;
  region?: string;
  account?: string;
}

export interface Finding {
  status: Status;
  message: string;
  fix?: string;
}

export interface Discovery {
  /** Series of each Prometheus profile's names carrying its stream label. */
  profileCounts: Record<string, number>;
  /** The one profile whose series exist; undefined when none or several do. */
  detected?: string;
  profileFinding: Finding;
  /** What the rest was read with: the detected profile, else the configured one. */
  profile: string;
  streams: StreamFound[];
  /** More streams than maxSeries: the list is cut. */
  streamsTruncated: boolean;
  /** Shards per stream seen in the window (enhanced monitoring on); empty when none. */
  shards: Array<StreamFound & { shards: number }>;
  consumers: Array<StreamFound & { consumer: string }>;
  quirks: Finding[];
}

export interface DiscoverInput {
  api: PromApi;
  until: number;
  sinceSeconds: number;
  maxSeries: number;
  /** The profile the config names, if it names one. */
  configured?: string;
}

/** The series names a profile reads for every stream-level catalog metric (its default statistic). */
function streamSeriesNames(profile: Profile): string[] {
  const names = new Set<string>();
  for (const m of catalog().values()) {
    if (m.level !== 'stream') continue;
    try {
      for (const n of profile.seriesNames(m.id, m.defaultStatistic)) names.add(n);
    } catch {
      // a statistic the profile cannot express: it reads no series for it
    }
  }
  return [...names].sort();
}

const anchorOf = (profile: Profile) => profile.seriesNames('IncomingBytes', 'Sum')[0]!;

function groupLabels(profile: Profile, ...more: string[]): string[] {
  const { stream, region, account } = profile.labels;
  return [stream, ...more, ...(region ? [region] : []), ...(account ? [account] : [])];
}

function found(profile: Profile, labels: Record<string, string>): StreamFound {
  const { stream, region, account } = profile.labels;
  return { stream: labels[stream] ?? '', ...(region ? { region: labels[region] ?? '' } : {}), ...(account ? { account: labels[account] ?? '' } : {}) };
}

const byStream = (a: StreamFound, b: StreamFound) =>
  a.stream.localeCompare(b.stream) || (a.region ?? '').localeCompare(b.region ?? '') || (a.account ?? '').localeCompare(b.account ?? '');

export async function discover(input: DiscoverInput): Promise<Discovery> {
  const { api, until, sinceSeconds: since, maxSeries } = input;
  const window = `[${since}s]`;
  const count = async (expr: string) => (await api.query(`count(${expr})`, until))[0]?.value ?? 0;
  const capped = (expr: string) => api.query(`topk(${maxSeries + 1}, ${expr})`, until);

  const names = prometheusProfileNames();
  const counts = await Promise.all(
    names.map((n) => {
      const p = getProfile(n);
      return count(`last_over_time({__name__=~"${alternation(streamSeriesNames(p))}", ${p.labels.stream}!=""}${window})`);
    }),
  );
  const profileCounts = Object.fromEntries(names.map((n, i) => [n, counts[i]!]));
  const matching = names.filter((n) => profileCounts[n]! > 0);
  const detected = matching.length === 1 ? matching[0] : undefined;
  const list = names.map((n) => `${n} ${profileCounts[n]}`).join(', ');
  const quirks: Finding[] = [];

  let profileFinding: Finding;
  if (detected) {
    profileFinding =
      input.configured && input.configured !== detected
        ? {
            status: 'problem',
            message: `the config says profile ${input.configured}, but the metrics match ${detected} (series per profile: ${list})`,
            fix: `set "profile": "${detected}" in the config (or --profile ${detected})`,
          }
        : { status: 'ok', message: `the metrics match profile ${detected} (series per profile: ${list})${input.configured ? '' : '; the checks below use it'}` };
  } else if (matching.length > 1) {
    profileFinding = {
      status: 'warning',
      message: `the metrics match several profiles (series per profile: ${list}): more than one exporter publishes Kinesis metrics`,
      fix: `name the profile whose dashboard you want ("profile" in the config, or --profile)`,
    };
  } else {
    const any = await count(`last_over_time({__name__=~"aws_kinesis_.+"}${window})`);
    profileFinding = {
      status: 'problem',
      message: any
        ? `${any} aws_kinesis_* series, but none with the names and stream label of a profile (series per profile: ${list})`
        : `no aws_kinesis_* series at all in the last ${duration(since)}`,
      fix: any ? 'see the quirks below, and the README\'s profile table' : 'check the data source (the metrics account, on Logz.io) and that an exporter ships Kinesis metrics',
    };
  }
  // YACE's -labels-snake-case flag writes dimension_stream_name where the yace profile reads dimension_StreamName.
  const yace = getProfile('yace');
  const snakeStream = snakeCase(yace.labels.stream);
  const snakeYace = profileCounts.yace === 0 && (await count(`last_over_time(${anchorOf(yace)}{${snakeStream}!=""}${window})`)) > 0;
  // Checked with the profile the user named, else the one detected; YACE in snake case is still YACE.
  const profileName = input.configured ?? detected ?? (snakeYace && !matching.length ? 'yace' : names[0]!);
  const profile = getProfile(profileName);
  const { stream, shard, consumer } = profile.labels;
  if (snakeYace) {
    quirks.push({
      status: 'problem',
      message: `YACE labels in snake case: ${anchorOf(yace)} carries ${snakeStream}, the yace profile reads ${yace.labels.stream}`,
      fix: 'run YACE without -labels-snake-case (the yace profile reads the dimension names as AWS spells them)',
    });
  }

  const anchor = anchorOf(profile);
  const by = groupLabels(profile).join(', ');
  const [streamRows, shardRows, consumerRows] = await Promise.all([
    capped(`group by (${by}) (last_over_time(${anchor}{${stream}!=""}${window}))`),
    capped(`count by (${by}) (group by (${groupLabels(profile, shard).join(', ')}) (last_over_time(${anchor}{${shard}!=""}${window})))`),
    capped(
      `group by (${groupLabels(profile, consumer).join(', ')}) (last_over_time(${profile.seriesNames('SubscribeToShardEvent.Bytes', 'Sum')[0]}{${consumer}!=""}${window}))`,
    ),
  ]);
  const streams = streamRows.slice(0, maxSeries).map((r) => found(profile, r.labels)).sort(byStream);
  const shards = shardRows.slice(0, maxSeries).map((r) => ({ ...found(profile, r.labels), shards: r.value })).sort(byStream);
  const consumers = consumerRows
    .slice(0, maxSeries)
    .map((r) => ({ ...found(profile, r.labels), consumer: r.labels[consumer] ?? '' }))
    .sort((a, b) => byStream(a, b) || a.consumer.localeCompare(b.consumer));

  // Logz.io's metric-stream Lambda puts region and account on _sum, _count and _min only.
  if (profileName === 'logzio-metric-streams') {
    const max = profile.seriesNames('GetRecords.IteratorAgeMilliseconds', 'Maximum')[0]!;
    const { region, account } = profile.labels;
    const bare = await count(`last_over_time(${max}{${stream}!="", ${region}="", ${account}=""}${window})`);
    if (bare) {
      quirks.push({
        status: 'warning',
        message: `${bare} _max series (e.g. ${max}) carry no ${region} or ${account} label (Logz.io's metric-stream Lambda sets them on _sum, _count and _min only)`,
        fix: "panels and alerts on a Maximum take those series' region and account from the same stream's _count series; a stream name used in several regions or accounts shows the highest of them (the README's Logz.io section)",
      });
    }
  }
  return {
    profileCounts,
    ...(detected ? { detected } : {}),
    profileFinding,
    profile: profileName,
    streams,
    streamsTruncated: streamRows.length > maxSeries,
    shards,
    consumers,
    quirks,
  };
}
