import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serialize } from '../src/output/serialize.ts';
import { synth } from '../src/dashboard/synth.ts';
import { cli, tempDir } from './support/cli.ts';

// Bad input, as a hostile user gives it, across every command, flag, environment variable and config
// field. Every case must: exit 2; name the offending flag, variable or field; show no stack trace nor a
// raw runtime error; send nothing to the server; and leave every file of the working directory (the
// output directory among them) as it was, compared by hash.

const TOKEN = 'bad-input-test-token-0123456789';
const DASHBOARD = serialize(synth());

/** A server that counts what reaches it: no bad input may get that far. */
let server: http.Server;
let url: string;
let requests = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests++;
    res.writeHead(500).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => {
  ({ path: dir, cleanup } = await tempDir());
  requests = 0;
});
afterEach(() => cleanup());

/** Every file and directory under `root` with a hash of its content: what "nothing changed" compares. */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string, rel: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        out[`${r}/`] = 'dir';
        await walk(p, r);
      } else if (e.isFile()) {
        out[r] = createHash('sha256').update(await readFile(p)).digest('hex');
      } else out[r] = 'other';
    }
  };
  await walk(root, '');
  return out;
}

type Files = Record<string, string | Buffer | { dir: true }>;
interface Case {
  /** The command line (the server's URL is `URL`). */
  args: string[];
  /** What the message must name (the flag, variable or field), and say. */
  names: RegExp;
  env?: Record<string, string>;
  files?: Files;
}

const URL_ = '$URL';
const cfg = (c: unknown): Files => ({ 'kd.json': JSON.stringify(c) });
/** A connection that would work: cases that use it fail on something else, before any request. */
const GOOD_ENV = { GRAFANA_URL: URL_, GRAFANA_TOKEN: TOKEN, KINESIS_DASHBOARDS_RETRY_BASE_MS: '1' };
const fleet = (entries: unknown[], extra: Record<string, unknown> = {}) => cfg({ ...extra, dashboards: entries });
const target = (t: Record<string, unknown>) => ({ targets: { prod: t }, dashboards: [{ uid: 'a', title: 'A', targets: ['prod'] }] });
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

// -- generate: flags ---------------------------------------------------------------------------
const generate: [string, Case][] = [
  ['an unknown profile', { args: ['generate', '--profile', 'graphite'], names: /--profile: unknown profile/ }],
  ['an empty profile', { args: ['generate', '--profile', ''], names: /--profile: has no value/ }],
  ['a uid with spaces', { args: ['generate', '--uid', 'has spaces'], names: /--uid: a dashboard uid/ }],
  ['a uid that climbs out of out/', { args: ['generate', '--uid', '../../etc/passwd'], names: /--uid: a dashboard uid/ }],
  ['a uid over 40 characters', { args: ['generate', '--uid', 'x'.repeat(41)], names: /--uid: a dashboard uid/ }],
  ['an empty uid', { args: ['generate', '--uid', ''], names: /--uid: has no value/ }],
  ['an empty title', { args: ['generate', '--title', '   '], names: /--title: a title cannot be empty/ }],
  ['a title with a line break', { args: ['generate', '--title', 'a\nb'], names: /--title: a title must be one line/ }],
  ['a title with a control character', { args: ['generate', '--title', 'a\u0007b'], names: /--title: a title must be one line/ }],
  ['a title over 200 characters', { args: ['generate', '--title', 't'.repeat(201)], names: /--title:/ }],
  ['an unknown format', { args: ['generate', '--format', 'yaml'], names: /format.*Choices/s }],
  ['an unknown flag', { args: ['generate', '--colour', 'red'], names: /Unknown argument: colour/ }],
  ['--out with --stdout', { args: ['generate', '--out', 'x', '--stdout'], names: /out.*stdout.*mutually exclusive|mutually exclusive/ }],
  ['--format import with --provisioning', { args: ['generate', '--format', 'import', '--provisioning', 'p'], names: /--format import/ }],
  ['--folder-title without --provisioning', { args: ['generate', '--folder-title', 'K'], names: /--folder-title: only used with --provisioning/ }],
  ['--folder-uid without --provisioning', { args: ['generate', '--folder-uid', 'k'], names: /--folder-uid: only used with --provisioning/ }],
  ['--provisioning-path without --provisioning', { args: ['generate', '--provisioning-path', '/x'], names: /--provisioning-path: only used with --provisioning/ }],
  ['an empty --provisioning', { args: ['generate', '--provisioning', ' '], names: /--provisioning: give the directory/ }],
  ['a relative --provisioning-path', { args: ['generate', '--provisioning', 'p', '--provisioning-path', 'rel/dir'], names: /--provisioning-path: give the absolute path/ }],
  ['a --provisioning-path with a line break', { args: ['generate', '--provisioning', 'p', '--provisioning-path', '/a\nb'], names: /--provisioning-path: a path must be one line/ }],
  ['a --folder-title path for provisioning', { args: ['generate', '--provisioning', 'p', '--folder-title', 'Team/Kinesis'], names: /--folder-title Team\/Kinesis: file provisioning puts dashboards in one folder/ }],
  ['a --folder-title with a line break', { args: ['generate', '--provisioning', 'p', '--folder-title', 'a\nb'], names: /--folder-title: a folder title must be one line/ }],
  ['a --folder-uid without a title', { args: ['generate', '--provisioning', 'p', '--folder-uid', 'abc'], names: /--folder-uid: Grafana ignores a folder uid without a folder title/ }],
  ['a --folder-uid "general"', { args: ['generate', '--provisioning', 'p', '--folder-title', 'K', '--folder-uid', 'general'], names: /--folder-uid: "general" is the root folder/ }],
  ['a bad --folder-uid', { args: ['generate', '--provisioning', 'p', '--folder-title', 'K', '--folder-uid', 'a/b'], names: /--folder-uid: a folder uid is/ }],
  // Output paths: checked before anything is written.
  ['--out below /proc', { args: ['generate', '--out', '/proc/kinesis-dashboards-test'], names: /--out \/proc\/kinesis-dashboards-test: cannot be used as an output directory/ }],
  ['--out below a file', { args: ['generate', '--out', 'file/sub'], names: /--out file\/sub: cannot be used as an output directory \(ENOTDIR/, files: { file: 'x' } }],
  ['--out that is a file', { args: ['generate', '--out', 'file'], names: /--out file: cannot be used as an output directory \(ENOTDIR/, files: { file: 'x' } }],
  ['--out where a directory takes the file\'s place', { args: ['generate', '--out', 'out'], names: /--out out: cannot write .*aws-kinesis\.json: a directory is in the way/, files: { 'out/aws-kinesis.json/': { dir: true } } }],
  ['the default out/ where a directory takes the file\'s place', { args: ['generate'], names: /out\/ \(the default of --out\): cannot write .*a directory is in the way/, files: { 'out/aws-kinesis.json/': { dir: true } } }],
  ['--out under a device', { args: ['generate', '--out', '/dev/null/x'], names: /--out \/dev\/null\/x: cannot be used as an output directory/ }],
  ['--provisioning below /proc', { args: ['generate', '--provisioning', '/proc/kd-test'], names: /--provisioning \/proc\/kd-test: cannot be used as an output directory/ }],
  ['--provisioning below a file', { args: ['generate', '--provisioning', 'file/p'], names: /--provisioning file\/p: cannot be used as an output directory/, files: { file: 'x' } }],
  ['--provisioning whose dashboards/ is a file', { args: ['generate', '--provisioning', 'p'], names: /--provisioning p: cannot be used as an output directory \(ENOTDIR/, files: { 'p/dashboards': 'x' } }],
  ['--provisioning where the YAML is a directory', { args: ['generate', '--provisioning', 'p'], names: /--provisioning p: cannot write .*kinesis-dashboards\.yaml: a directory is in the way/, files: { 'p/kinesis-dashboards.yaml/': { dir: true } } }],
  ['a good --out but a bad --provisioning (nothing written to either)', { args: ['generate', '--out', 'fresh', '--provisioning', 'file/p'], names: /--provisioning file\/p:/, files: { file: 'x' } }],
  ['a good --provisioning but a bad --out', { args: ['generate', '--out', 'file/o', '--provisioning', 'fresh'], names: /--out file\/o:/, files: { file: 'x' } }],
];

// -- the config file: reading it, and each of its fields ------------------------------------------
const config: [string, Case][] = [
  ['a missing config', { args: ['generate', '--config', 'nope.json'], names: /--config nope.json: cannot read it \(ENOENT\)/ }],
  ['a config that is a directory', { args: ['generate', '--config', 'd'], names: /--config d: (is a directory|cannot read it)/, files: { 'd/': { dir: true } } }],
  ['a config that is a device (/dev/zero)', { args: ['generate', '--config', '/dev/zero'], names: /--config \/dev\/zero: is a character device/ }],
  ['a config that is /dev/urandom', { args: ['generate', '--config', '/dev/urandom'], names: /--config \/dev\/urandom: is a character device/ }],
  ['an empty config (/dev/null)', { args: ['generate', '--config', '/dev/null'], names: /--config \/dev\/null: is a character device|--config \/dev\/null: not valid JSON/ }],
  ['a config over the size cap', { args: ['generate', '--config', 'kd.json'], names: /--config kd.json: \d+ bytes, more than the 4 MiB/, files: { 'kd.json': `{"tags": [${'"t",'.repeat(1_100_000)}"t"]}` } }],
  ['a config nested 100,000 deep', { args: ['generate', '--config', 'kd.json'], names: /--config kd.json: nested more than 64 levels/, files: { 'kd.json': deep(100_000) } }],
  ['a config of nested objects', { args: ['generate', '--config', 'kd.json'], names: /--config kd.json: nested more than 64 levels/, files: { 'kd.json': `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}` } }],
  ['a config that is not UTF-8', { args: ['generate', '--config', 'kd.json'], names: /--config kd.json: not UTF-8/, files: { 'kd.json': Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) } }],
  ['malformed JSON', { args: ['generate', '--config', 'kd.json'], names: /--config kd.json: not valid JSON/, files: { 'kd.json': '{"profile": "yace",' } }],
  ['a config holding null', { args: ['generate', '--config', 'kd.json'], names: /--config kd.json: invalid\nconfig: a JSON object .* not null/, files: { 'kd.json': 'null' } }],
  ['a config holding a number', { args: ['generate', '--config', 'kd.json'], names: /config: a JSON object .* not a number/, files: { 'kd.json': '42' } }],
  ['a config holding a string', { args: ['generate', '--config', 'kd.json'], names: /config: a JSON object .* not a string/, files: { 'kd.json': '"x"' } }],
  ['a config holding an array', { args: ['generate', '--config', 'kd.json'], names: /config: a JSON object .* not an array/, files: { 'kd.json': '[]' } }],
  ['a config holding true', { args: ['generate', '--config', 'kd.json'], names: /config: a JSON object .* not a boolean/, files: { 'kd.json': 'true' } }],
  ['an unknown key', { args: ['generate', '--config', 'kd.json'], names: /config: Unrecognized key: "colour"/i, files: cfg({ colour: 'red' }) }],
  ['a __proto__ key', { args: ['generate', '--config', 'kd.json'], names: /config: Unrecognized key: "__proto__"/i, files: { 'kd.json': '{"__proto__": {"uid": "x"}}' } }],
  ['a token in the config', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.token: never put a secret/, files: cfg({ targets: { prod: { url: 'https://g.example.com', token: 'abc' } } }) }],
  ['a URL with a password in the config', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.url: this looks like a secret/, files: cfg({ targets: { prod: { url: 'https://u:p@g.example.com' } } }) }],
  ['config.profile unknown', { args: ['generate', '--config', 'kd.json'], names: /config.profile: unknown profile/, files: cfg({ profile: 'graphite' }) }],
  ['config.profile a number', { args: ['generate', '--config', 'kd.json'], names: /config.profile:/, files: cfg({ profile: 1 }) }],
  ['config.uid with a slash', { args: ['generate', '--config', 'kd.json'], names: /config.uid: a dashboard uid/, files: cfg({ uid: 'a/b' }) }],
  ['config.uid null', { args: ['generate', '--config', 'kd.json'], names: /config.uid:/, files: cfg({ uid: null }) }],
  ['config.title empty', { args: ['generate', '--config', 'kd.json'], names: /config.title: a title cannot be empty/, files: cfg({ title: '' }) }],
  ['config.title with a line break', { args: ['generate', '--config', 'kd.json'], names: /config.title: a title must be one line/, files: cfg({ title: 'a\nb' }) }],
  ['config.title an object', { args: ['generate', '--config', 'kd.json'], names: /config.title:/, files: cfg({ title: {} }) }],
  ['config.tags a string', { args: ['generate', '--config', 'kd.json'], names: /config.tags: Invalid input: expected array/i, files: cfg({ tags: 'aws' }) }],
  ['config.tags with an empty tag', { args: ['generate', '--config', 'kd.json'], names: /config.tags.0:/, files: cfg({ tags: [''] }) }],
  ['config.tags with a line break', { args: ['generate', '--config', 'kd.json'], names: /config.tags.1: a tag must be one line/, files: cfg({ tags: ['ok', 'a\nb'] }) }],
  ['config.tags with a number', { args: ['generate', '--config', 'kd.json'], names: /config.tags.0:/, files: cfg({ tags: [1] }) }],
  ['config.tags too many', { args: ['generate', '--config', 'kd.json'], names: /config.tags: at most 100 tags/, files: cfg({ tags: Array.from({ length: 101 }, (_, i) => `t${i}`) }) }],
  ['config.streams a newline in a regex', { args: ['generate', '--config', 'kd.json'], names: /config.streams: a pattern must be one line/, files: cfg({ streams: 'orders\n.*' }) }],
  ['config.streams a lookahead', { args: ['generate', '--config', 'kd.json'], names: /config.streams: "\(\?=": lookaround/, files: cfg({ streams: '(?=orders).*' }) }],
  ['config.streams a negative lookbehind', { args: ['generate', '--config', 'kd.json'], names: /config.streams: "\(\?<!": lookaround/, files: cfg({ streams: '(?<!x)orders' }) }],
  ['config.streams a backreference', { args: ['generate', '--config', 'kd.json'], names: /config.streams: "\\1": a backreference/, files: cfg({ streams: '(a)\\1' }) }],
  ['config.streams a \\u escape', { args: ['generate', '--config', 'kd.json'], names: /config.streams: "\\u": a JavaScript escape/, files: cfg({ streams: '\\u0041' }) }],
  ['config.streams an escape RE2 does not know', { args: ['generate', '--config', 'kd.json'], names: /config.streams: "\\y": an escape Prometheus' regular expressions \(RE2\) do not know/, files: cfg({ streams: 'a\\yb' }) }],
  ['config.streams a \\Q quote', { args: ['generate', '--config', 'kd.json'], names: /config.streams: "\\Q": an escape/, files: cfg({ streams: 'a\\Qb' }) }],
  ['config.streams [^]', { args: ['generate', '--config', 'kd.json'], names: /config.streams: "\[\^\]": JavaScript-only/, files: cfg({ streams: 'a[^]' }) }],
  ['config.streams an invalid regex', { args: ['generate', '--config', 'kd.json'], names: /config.streams: not a valid regular expression/, files: cfg({ streams: '(' }) }],
  ['config.streams a tab', { args: ['generate', '--config', 'kd.json'], names: /config.streams: a pattern must be one line/, files: cfg({ streams: 'a\tb' }) }],
  ['config.streams an empty list', { args: ['generate', '--config', 'kd.json'], names: /config.streams: name at least one stream/, files: cfg({ streams: [] }) }],
  ['config.streams a bad stream name', { args: ['generate', '--config', 'kd.json'], names: /config.streams/, files: cfg({ streams: ['ok', 'has"quote'] }) }],
  ['config.streams a name with a newline', { args: ['generate', '--config', 'kd.json'], names: /config.streams/, files: cfg({ streams: ['a\nb'] }) }],
  ['config.streams a number', { args: ['generate', '--config', 'kd.json'], names: /config.streams: a list of stream names, or a regular expression/, files: cfg({ streams: 5 }) }],
  ['config.streams a pattern over 1000 characters', { args: ['generate', '--config', 'kd.json'], names: /config.streams: a pattern is at most 1000/, files: cfg({ streams: 'a'.repeat(1001) }) }],
  ['config.rows an unknown row', { args: ['generate', '--config', 'kd.json'], names: /config.rows: Unrecognized key: "fanout"/i, files: cfg({ rows: { fanout: true } }) }],
  ['config.rows.successRates a string', { args: ['generate', '--config', 'kd.json'], names: /config.rows.successRates:/, files: cfg({ rows: { successRates: 'yes' } }) }],
  ['config.rows.shards.top 0', { args: ['generate', '--config', 'kd.json'], names: /config.rows.shards/, files: cfg({ rows: { shards: { top: 0 } } }) }],
  ['config.rows.shards.top huge', { args: ['generate', '--config', 'kd.json'], names: /config.rows.shards/, files: cfg({ rows: { shards: { top: 1e12 } } }) }],
  ['config.rows.shards.top fractional', { args: ['generate', '--config', 'kd.json'], names: /config.rows.shards/, files: cfg({ rows: { shards: { top: 2.5 } } }) }],
  ['config.rows null', { args: ['generate', '--config', 'kd.json'], names: /config.rows:/, files: cfg({ rows: null }) }],
  ['config.capacity.shards empty', { args: ['generate', '--config', 'kd.json'], names: /config.capacity.shards: name at least one stream/, files: cfg({ capacity: { shards: {} } }) }],
  ['config.capacity.shards a bad stream name', { args: ['generate', '--config', 'kd.json'], names: /config.capacity.shards.*a stream name is/, files: cfg({ capacity: { shards: { 'a b': 2 } } }) }],
  ['config.capacity.shards 0 shards', { args: ['generate', '--config', 'kd.json'], names: /config.capacity.shards.orders: a stream has at least one shard/, files: cfg({ capacity: { shards: { orders: 0 } } }) }],
  ['config.capacity.shards a million shards', { args: ['generate', '--config', 'kd.json'], names: /config.capacity.shards.orders: at most 100000 shards/, files: cfg({ capacity: { shards: { orders: 1_000_000 } } }) }],
  ['config.capacity.shards a huge count', { args: ['generate', '--config', 'kd.json'], names: /config.capacity.shards.orders:/, files: cfg({ capacity: { shards: { orders: 1e300 } } }) }],
  ['config.capacity.retentionHours too low', { args: ['generate', '--config', 'kd.json'], names: /config.capacity.retentionHours: a stream keeps data at least 24 hours/, files: cfg({ capacity: { retentionHours: 1 } }) }],
  ['config.capacity.retentionHours too high', { args: ['generate', '--config', 'kd.json'], names: /config.capacity.retentionHours: a stream keeps data at most 8760/, files: cfg({ capacity: { retentionHours: 1e9 } }) }],
  ['config.capacity an unknown key', { args: ['generate', '--config', 'kd.json'], names: /config.capacity: Unrecognized key/i, files: cfg({ capacity: { shard: 1 } }) }],
  ['config.periodSeconds not a multiple of 60', { args: ['generate', '--config', 'kd.json'], names: /config.periodSeconds: Kinesis metrics have 60 s resolution/, files: cfg({ periodSeconds: 61 }) }],
  ['config.periodSeconds negative', { args: ['generate', '--config', 'kd.json'], names: /config.periodSeconds: a positive number/, files: cfg({ periodSeconds: -60 }) }],
  ['config.periodSeconds beyond a day', { args: ['generate', '--config', 'kd.json'], names: /config.periodSeconds: at most 86400/, files: cfg({ periodSeconds: 60 * 1e12 }) }],
  ['config.periodSeconds a string', { args: ['generate', '--config', 'kd.json'], names: /config.periodSeconds:/, files: cfg({ periodSeconds: '60' }) }],
  ['config.alerts.grafanaUrl with a query', { args: ['generate', '--config', 'kd.json'], names: /config.alerts.grafanaUrl:/, files: cfg({ alerts: { grafanaUrl: 'https://g.example.com/?orgId=1' } }) }],
  ['config.alerts.datasourceUid bad', { args: ['generate', '--config', 'kd.json'], names: /config.alerts.datasourceUid: a datasource uid/, files: cfg({ alerts: { datasourceUid: 'a b' } }) }],
  ['config.alerts.folder a path', { args: ['generate', '--config', 'kd.json'], names: /config.alerts.folder: one folder, not a path/, files: cfg({ alerts: { folder: 'a/b' } }) }],
  ['config.alerts.folder with a line break', { args: ['generate', '--config', 'kd.json'], names: /config.alerts.folder: a folder title must be one line/, files: cfg({ alerts: { folder: 'a\nb' } }) }],
  ['config.out empty', { args: ['generate', '--config', 'kd.json'], names: /config.out:/, files: cfg({ out: '' }) }],
  ['config.out a number', { args: ['generate', '--config', 'kd.json'], names: /config.out:/, files: cfg({ out: 1 }) }],
  ['config.out below /proc', { args: ['generate', '--config', 'kd.json'], names: /config.out \/proc\/kd-test: cannot be used as an output directory/, files: cfg({ out: '/proc/kd-test' }) }],
  ['config.out below a file', { args: ['generate', '--config', 'kd.json'], names: /config.out file\/x: cannot be used as an output directory/, files: { ...cfg({ out: 'file/x' }), file: 'x' } }],
  ['config.out with a NUL byte', { args: ['generate', '--config', 'kd.json'], names: /config.out: a directory path of printable characters/, files: cfg({ out: 'a\u0000b' }) }],
  ['config.stdout a string', { args: ['generate', '--config', 'kd.json'], names: /config.stdout:/, files: cfg({ stdout: 'yes' }) }],
  ['config.format unknown', { args: ['generate', '--config', 'kd.json'], names: /config.format:/, files: cfg({ format: 'yaml' }) }],
  ['config.provisioning without dir', { args: ['generate', '--config', 'kd.json'], names: /config.provisioning.dir:/, files: cfg({ provisioning: {} }) }],
  ['config.provisioning.dir below /proc', { args: ['generate', '--config', 'kd.json'], names: /config.provisioning.dir \/proc\/kd-test: cannot be used as an output directory/, files: cfg({ provisioning: { dir: '/proc/kd-test' } }) }],
  ['config.provisioning.path relative', { args: ['generate', '--config', 'kd.json'], names: /config.provisioning.path: give the absolute path/, files: cfg({ provisioning: { dir: 'p', path: 'rel' } }) }],
  ['config.provisioning.folderTitle a path', { args: ['generate', '--config', 'kd.json'], names: /config.provisioning.folderTitle Team\/K: file provisioning puts dashboards in one folder/, files: cfg({ provisioning: { dir: 'p', folderTitle: 'Team/K' } }) }],
  ['config.provisioning.folderUid without a title', { args: ['generate', '--config', 'kd.json'], names: /config.provisioning.folderUid: Grafana ignores a folder uid/, files: cfg({ provisioning: { dir: 'p', folderUid: 'abc' } }) }],
  ['config.provisioning.folderTitle a number', { args: ['generate', '--config', 'kd.json'], names: /config.provisioning.folderTitle:/, files: cfg({ provisioning: { dir: 'p', folderTitle: 1 } }) }],
  ['config.provisioning with config.stdout', { args: ['generate', '--config', 'kd.json'], names: /config.stdout: cannot be combined with --provisioning/, files: cfg({ provisioning: { dir: 'p' }, stdout: true }) }],
  ['config.targets not an object', { args: ['generate', '--config', 'kd.json'], names: /config.targets:/, files: cfg({ targets: [] }) }],
  ['config.targets a bad name', { args: ['generate', '--config', 'kd.json'], names: /config.targets/, files: cfg({ targets: { 'a b': { url: 'https://g.example.com' } } }) }],
  ['config.targets.prod.url with a query', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.url: no query/, files: cfg(target({ url: 'https://g.example.com/?orgId=2' })) }],
  ['config.targets.prod.url with a fragment', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.url: no query/, files: cfg(target({ url: 'https://g.example.com/#x' })) }],
  ['config.targets.prod.url ftp', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.url: use an http/, files: cfg(target({ url: 'ftp://g.example.com' })) }],
  ['config.targets.prod.url with a space', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.url: a URL has no spaces/, files: cfg(target({ url: 'https://g.example.com/a b' })) }],
  ['config.targets.prod.url and logzio', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.url: give either url/, files: cfg(target({ url: 'https://g.example.com', logzio: { region: 'eu' } })) }],
  ['config.targets.prod.logzio.region unknown', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.logzio.region:/, files: cfg(target({ logzio: { region: 'mars' } })) }],
  ['config.targets.prod.logzio.apiUrl with a query', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.logzio.apiUrl: no query/, files: cfg(target({ logzio: { apiUrl: 'https://api.logz.io/v1/grafana?x=1' } })) }],
  ['config.targets.prod.tokenEnv not a variable name', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.tokenEnv: the name of an environment variable/, files: cfg(target({ url: 'https://g.example.com', tokenEnv: 'MY TOKEN' })) }],
  ['config.targets.prod.userEnv without passwordEnv', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.passwordEnv: userEnv and passwordEnv go together/, files: cfg(target({ url: 'https://g.example.com', userEnv: 'U' })) }],
  ['config.targets.prod.orgId 0', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.orgId: an organisation id is a positive whole number/, files: cfg(target({ url: 'https://g.example.com', orgId: 0 })) }],
  ['config.targets.prod.orgId beyond exact integers', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.orgId:/, files: cfg(target({ url: 'https://g.example.com', orgId: 1e20 })) }],
  ['config.targets.prod.concurrency 1000000', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.concurrency: at most 100/, files: cfg(target({ url: 'https://g.example.com', concurrency: 1_000_000 })) }],
  ['config.targets.prod.concurrency 0', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.concurrency: at least 1/, files: cfg(target({ url: 'https://g.example.com', concurrency: 0 })) }],
  ['config.targets.prod.concurrency fractional', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.concurrency: a whole number/, files: cfg(target({ url: 'https://g.example.com', concurrency: 1.5 })) }],
  ['config.targets.prod.folder with an empty level', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.folder: no empty folder name/, files: cfg(target({ url: 'https://g.example.com', folder: 'Team//K' })) }],
  ['config.targets.prod.folder with a line break', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.folder: a folder title must be one line/, files: cfg(target({ url: 'https://g.example.com', folder: 'a\nb' })) }],
  ['config.targets.prod.folderUid bad', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.folderUid: a folder uid/, files: cfg(target({ url: 'https://g.example.com', folderUid: '../x' })) }],
  ['config.targets.prod.api unknown', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.api:/, files: cfg(target({ url: 'https://g.example.com', api: 'v3' })) }],
  ['config.targets.prod k8s on Logz.io', { args: ['generate', '--config', 'kd.json'], names: /config.targets.prod.api: Logz.io offers only the legacy API/, files: cfg(target({ logzio: { region: 'eu' }, api: 'k8s' })) }],
  ['config.dashboards over 5000 entries', { args: ['generate', '--config', 'kd.json'], names: /config.dashboards: at most 5000 dashboards in one config/, files: fleet(Array.from({ length: 5001 }, (_, i) => ({ uid: `d${i}`, title: 'D' }))) }],
  ['config.capacity.shards for 1001 streams', { args: ['generate', '--config', 'kd.json'], names: /config.capacity.shards: at most 1000 streams/, files: cfg({ capacity: { shards: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`s${i}`, 1])) } }) }],
  ['config.dashboards empty', { args: ['generate', '--config', 'kd.json'], names: /config.dashboards:/, files: fleet([]) }],
  ['config.dashboards an entry that is null', { args: ['generate', '--config', 'kd.json'], names: /config.dashboards.0:/, files: fleet([null]) }],
  ['config.dashboards an entry that is a string', { args: ['generate', '--config', 'kd.json'], names: /config.dashboards.1:/, files: fleet([{ uid: 'a', title: 'A' }, 'b']) }],
  ['config.dashboards a duplicate uid', { args: ['generate', '--config', 'kd.json'], names: /config.dashboards.1.uid: duplicate uid "a"/, files: fleet([{ uid: 'a', title: 'A' }, { uid: 'a', title: 'B' }]) }],
  ['config.dashboards an entry without uid', { args: ['generate', '--config', 'kd.json'], names: /config.dashboards.0.uid:/, files: fleet([{ title: 'A' }]) }],
  ['config.dashboards an unknown target', { args: ['generate', '--config', 'kd.json'], names: /config.dashboards.0.targets.0: unknown target "nope"/, files: fleet([{ uid: 'a', title: 'A', targets: ['nope'] }]) }],
  ['config.dashboards a bad folder', { args: ['generate', '--config', 'kd.json'], names: /config.dashboards.0.folder: no empty folder name/, files: fleet([{ uid: 'a', title: 'A', folder: '/' }]) }],
  ['config.dashboards a title with a line break', { args: ['generate', '--config', 'kd.json'], names: /config.dashboards.0.title: a title must be one line/, files: fleet([{ uid: 'a', title: 'A\nB' }]) }],
  ['config.dashboards a bad regex', { args: ['generate', '--config', 'kd.json'], names: /config.dashboards.1.streams: a pattern must be one line/, files: fleet([{ uid: 'a', title: 'A' }, { uid: 'b', title: 'B', streams: 'x\ny' }]) }],
  ['config.dashboards with a top-level uid', { args: ['generate', '--config', 'kd.json'], names: /config.uid: with a "dashboards" list/, files: fleet([{ uid: 'a', title: 'A' }], { uid: 'x' }) }],
  ['a fleet with --uid', { args: ['generate', '--config', 'kd.json', '--uid', 'x'], names: /--uid: the config lists 1 dashboards/, files: fleet([{ uid: 'a', title: 'A' }]) }],
  ['a fleet to --stdout', { args: ['generate', '--config', 'kd.json', '--stdout'], names: /--stdout: the config lists 2 dashboards/, files: fleet([{ uid: 'a', title: 'A' }, { uid: 'b', title: 'B' }]) }],
  ['a fleet whose second file is blocked (none written)', { args: ['generate', '--config', 'kd.json', '--out', 'out'], names: /--out out: cannot write .*b\.json: a directory is in the way/, files: { ...fleet([{ uid: 'a', title: 'A' }, { uid: 'b', title: 'B' }]), 'out/b.json/': { dir: true } } }],
];

// -- validate ---------------------------------------------------------------------------------
const validate: [string, Case][] = [
  ['no files', { args: ['validate'], names: /<files>: name at least one dashboard JSON file/ }],
  ['a missing file', { args: ['validate', 'nope.json'], names: /nope.json: cannot read it \(ENOENT\)/ }],
  ['a directory', { args: ['validate', 'd'], names: /d: (is a directory|cannot read it)/, files: { 'd/': { dir: true } } }],
  ['a device', { args: ['validate', '/dev/zero'], names: /\/dev\/zero: is a character device/ }],
  ['a huge file', { args: ['validate', 'big.json'], names: /big.json: \d+ bytes, more than the 32 MiB/, files: { 'big.json': Buffer.alloc(33 * 1024 * 1024, 0x20) } }],
  ['a binary file', { args: ['validate', 'b.json'], names: /b.json: not UTF-8/, files: { 'b.json': Buffer.from([0xff, 0xfe, 0x00]) } }],
  ['an unknown profile', { args: ['validate', 'd.json', '--profile', 'graphite'], names: /graphite|profile/, files: { 'd.json': DASHBOARD } }],
];

// -- preview ------------------------------------------------------------------------------------
const preview: [string, Case][] = [
  ['--file that is not a dashboard', { args: ['preview', '--file', 'x.json'], names: /--file x.json: panels: missing/, files: { 'x.json': '{"foo": 1}' } }],
  ['--file holding null', { args: ['preview', '--file', 'x.json'], names: /--file x.json: not a dashboard/, files: { 'x.json': 'null' } }],
  ['--file holding an array', { args: ['preview', '--file', 'x.json'], names: /--file x.json: not a dashboard/, files: { 'x.json': '[{"panels": []}]' } }],
  ['--file whose panels are not objects', { args: ['preview', '--file', 'x.json'], names: /--file x.json: panels\[1\]: a panel is a JSON object/, files: { 'x.json': '{"panels": [{}, 1]}' } }],
  ['--file with a panel a billion rows tall', { args: ['preview', '--file', 'x.json'], names: /--file x.json: panels\[0\].gridPos.h: a number from 1 to 10000/, files: { 'x.json': '{"panels": [{"gridPos": {"x": 0, "y": 0, "w": 24, "h": 1e9}}]}' } }],
  ['--file with a text width', { args: ['preview', '--file', 'x.json'], names: /--file x.json: panels\[0\].gridPos.w:/, files: { 'x.json': '{"panels": [{"gridPos": {"x": 0, "y": 0, "w": "wide", "h": 8}}]}' } }],
  ['--file with a row whose panels are not a list', { args: ['preview', '--file', 'x.json'], names: /--file x.json: panels\[0\].panels: not an array/, files: { 'x.json': '{"panels": [{"type": "row", "panels": {}}]}' } }],
  ['--file with too many panels', { args: ['preview', '--file', 'x.json'], names: /--file x.json: panels: more than 5000 panels/, files: { 'x.json': JSON.stringify({ panels: Array.from({ length: 5001 }, () => ({})) }) } }],
  ['--file nested too deep', { args: ['preview', '--file', 'x.json'], names: /--file x.json: nested more than 64 levels/, files: { 'x.json': `{"panels": ${deep(100_000)}}` } }],
  ['--file a device', { args: ['preview', '--file', '/dev/zero'], names: /--file \/dev\/zero: is a character device/ }],
  ['--file missing', { args: ['preview', '--file', 'nope.json'], names: /--file nope.json: cannot read it \(ENOENT\)/ }],
  ['--diff not a dashboard', { args: ['preview', '--diff', 'x.json'], names: /--diff x.json: panels: missing/, files: { 'x.json': '{}' } }],
  ['--diff malformed', { args: ['preview', '--diff', 'x.json'], names: /--diff x.json: not valid JSON/, files: { 'x.json': '{' } }],
  ['--file with --uid', { args: ['preview', '--file', 'd.json', '--uid', 'x'], names: /mutually exclusive|file.*uid/s, files: { 'd.json': DASHBOARD } }],
  ['--live with --diff', { args: ['preview', '--live', '--diff', 'd.json'], names: /mutually exclusive|live.*diff/s, files: { 'd.json': DASHBOARD } }],
  ['--out onto the --file being drawn', { args: ['preview', '--file', 'd.json', '--out', 'd.json'], names: /--out d.json: is the --file file; the SVG would replace the dashboard/, files: { 'd.json': DASHBOARD } }],
  ['--out onto the --diff file', { args: ['preview', '--diff', 'd.json', '--out', './d.json'], names: /--out .\/d.json: is the --diff file/, files: { 'd.json': DASHBOARD } }],
  ['--file a v2 resource', { args: ['preview', '--file', 'v2.json'], names: /--file v2.json: a v2 dashboard resource; the preview draws classic dashboard JSON/, files: { 'v2.json': JSON.stringify({ apiVersion: 'dashboard.grafana.app/v2beta1', kind: 'Dashboard', metadata: { name: 'x' }, spec: {} }) } }],
  ['--out where a directory is', { args: ['preview', '--out', 'out/x.svg'], names: /--out out\/x.svg: cannot write .*x\.svg: a directory is in the way/, files: { 'out/x.svg/': { dir: true } } }],
  ['--out below /proc', { args: ['preview', '--out', '/proc/kd-test/x.svg'], names: /--out \/proc\/kd-test\/x.svg: cannot be used as an output directory/ }],
  ['--out below a file', { args: ['preview', '--out', 'file/x.svg'], names: /--out file\/x.svg: cannot be used as an output directory/, files: { file: 'x' } }],
  ['--out onto a device', { args: ['preview', '--out', '/dev/null'], names: /--out \/dev\/null: cannot write \/dev\/null: something that is not a file is in the way/ }],
  ['--profile unknown', { args: ['preview', '--profile', 'graphite'], names: /--profile: unknown profile/ }],
  ['--config null', { args: ['preview', '--config', 'kd.json'], names: /--config kd.json: invalid\nconfig: a JSON object/, files: { 'kd.json': 'null' } }],
  ['--config of a fleet', { args: ['preview', '--config', 'kd.json'], names: /--config kd.json: lists 2 dashboards; this command takes one/, files: fleet([{ uid: 'a', title: 'A' }, { uid: 'b', title: 'B' }]) }],
  ['--live with a bad --timeout', { args: ['preview', '--live', '--timeout', '1e12'], names: /--timeout: at most 3600 seconds/, env: GOOD_ENV }],
  ['--live with --token', { args: ['preview', '--live', '--token', 'x'], names: /--token would put the secret in shell history/, env: GOOD_ENV }],
  ['--live with a GRAFANA_URL query', { args: ['preview', '--live'], names: /GRAFANA_URL: no query/, env: { ...GOOD_ENV, GRAFANA_URL: `${URL_}/?orgId=1` } }],
];

// -- alerts -------------------------------------------------------------------------------------
const alerts: [string, Case][] = [
  ['--format unknown', { args: ['alerts', '--format', 'loki'], names: /format.*Choices/s }],
  ['--grafana-url with a query', { args: ['alerts', '--grafana-url', 'https://g.example.com/?a=b'], names: /--grafana-url: Grafana's address/ }],
  ['--grafana-url with credentials', { args: ['alerts', '--grafana-url', 'https://u:p@g.example.com'], names: /--grafana-url:/ }],
  ['--grafana-url not a URL', { args: ['alerts', '--grafana-url', 'grafana'], names: /--grafana-url:/ }],
  ['--datasource-uid without --format grafana', { args: ['alerts', '--datasource-uid', 'prom'], names: /--datasource-uid: only used with --format grafana/ }],
  ['--folder without --format grafana', { args: ['alerts', '--folder', 'K'], names: /--folder: only used with --format grafana/ }],
  ['--format grafana without a datasource uid', { args: ['alerts', '--format', 'grafana'], names: /--datasource-uid: Grafana-managed rules name the Prometheus datasource/ }],
  ['--datasource-uid bad', { args: ['alerts', '--format', 'grafana', '--datasource-uid', 'a b'], names: /--datasource-uid: a datasource uid/ }],
  ['--folder a path', { args: ['alerts', '--format', 'grafana', '--datasource-uid', 'p', '--folder', 'a/b'], names: /--folder: one folder, not a path/ }],
  ['--folder with a line break', { args: ['alerts', '--format', 'grafana', '--datasource-uid', 'p', '--folder', 'a\nb'], names: /--folder: a folder title must be one line/ }],
  ['--profile cloudwatch (not PromQL)', { args: ['alerts', '--profile', 'cloudwatch'], names: /--profile cloudwatch:/ }],
  ['--out with --stdout', { args: ['alerts', '--out', 'a', '--stdout'], names: /mutually exclusive/ }],
  ['--out below /proc', { args: ['alerts', '--out', '/proc/kd-test'], names: /--out \/proc\/kd-test: cannot be used as an output directory/ }],
  ['--out below a file', { args: ['alerts', '--out', 'file/a'], names: /--out file\/a: cannot be used as an output directory/, files: { file: 'x' } }],
  ['the default out/alerts/ where a directory is', { args: ['alerts'], names: /out\/alerts\/ \(the default of --out\): cannot write .*aws-kinesis\.rules\.yml: a directory is in the way/, files: { 'out/alerts/aws-kinesis.rules.yml/': { dir: true } } }],
  ['config.out below a file', { args: ['alerts', '--config', 'kd.json'], names: /config.out file\/x \(alerts go to its alerts\/\): cannot be used/, files: { ...cfg({ out: 'file/x' }), file: 'x' } }],
  ['a config with a newline in streams', { args: ['alerts', '--config', 'kd.json', '--stdout'], names: /config.streams: a pattern must be one line/, files: cfg({ streams: 'a\nb' }) }],
  ['a config holding null', { args: ['alerts', '--config', 'kd.json'], names: /config: a JSON object/, files: { 'kd.json': 'null' } }],
  ['config.alerts.grafanaUrl with a fragment', { args: ['alerts', '--config', 'kd.json'], names: /config.alerts.grafanaUrl:/, files: cfg({ alerts: { grafanaUrl: 'https://g.example.com/#x' } }) }],
  ['a fleet to --stdout', { args: ['alerts', '--config', 'kd.json', '--stdout'], names: /--stdout: the config lists 2 dashboards/, files: fleet([{ uid: 'a', title: 'A' }, { uid: 'b', title: 'B' }]) }],
];

// -- publish and diff: the connection --------------------------------------------------------------
const connection = (cmd: 'publish' | 'diff'): [string, Case][] => [
  [`${cmd}: no URL`, { args: [cmd], names: /--url: where is Grafana/, env: { GRAFANA_TOKEN: TOKEN } }],
  [`${cmd}: --url not a URL`, { args: [cmd, '--url', 'grafana'], names: /--url: not a URL/, env: { GRAFANA_TOKEN: TOKEN } }],
  [`${cmd}: --url ftp`, { args: [cmd, '--url', 'ftp://g.example.com'], names: /--url: use an http/, env: { GRAFANA_TOKEN: TOKEN } }],
  [`${cmd}: --url with a query`, { args: [cmd, '--url', `${URL_}/?orgId=2`], names: /--url: no query/, env: { GRAFANA_TOKEN: TOKEN } }],
  [`${cmd}: --url with a fragment`, { args: [cmd, '--url', `${URL_}/#x`], names: /--url: no query/, env: { GRAFANA_TOKEN: TOKEN } }],
  [`${cmd}: --url with an empty query`, { args: [cmd, '--url', `${URL_}/?`], names: /--url: no query/, env: { GRAFANA_TOKEN: TOKEN } }],
  [`${cmd}: --url with credentials`, { args: [cmd, '--url', 'http://admin:hunter22@127.0.0.1:9'], names: /--url: remove the credentials/, env: { GRAFANA_TOKEN: TOKEN } }],
  [`${cmd}: --url with a line break inside`, { args: [cmd, '--url', `${URL_}/a\nb`], names: /--url: a URL has no spaces, line breaks/, env: { GRAFANA_TOKEN: TOKEN } }],
  [`${cmd}: GRAFANA_URL with a query`, { args: [cmd], names: /GRAFANA_URL: no query/, env: { ...GOOD_ENV, GRAFANA_URL: `${URL_}/?orgId=2` } }],
  [`${cmd}: GRAFANA_URL with a fragment`, { args: [cmd], names: /GRAFANA_URL: no query/, env: { ...GOOD_ENV, GRAFANA_URL: `${URL_}#top` } }],
  [`${cmd}: GRAFANA_URL not a URL`, { args: [cmd], names: /GRAFANA_URL: not a URL/, env: { ...GOOD_ENV, GRAFANA_URL: 'grafana.example.com' } }],
  [`${cmd}: no credentials`, { args: [cmd], names: /no Grafana credentials: set GRAFANA_TOKEN/, env: { GRAFANA_URL: URL_ } }],
  [`${cmd}: GRAFANA_TOKEN with a line break inside`, { args: [cmd], names: /GRAFANA_TOKEN: a token is printable ASCII/, env: { ...GOOD_ENV, GRAFANA_TOKEN: 'abc\ndef' } }],
  [`${cmd}: GRAFANA_TOKEN with a space`, { args: [cmd], names: /GRAFANA_TOKEN: a token is printable ASCII/, env: { ...GOOD_ENV, GRAFANA_TOKEN: 'abc def' } }],
  [`${cmd}: GRAFANA_TOKEN with a non-ASCII letter`, { args: [cmd], names: /GRAFANA_TOKEN: a token is printable ASCII/, env: { ...GOOD_ENV, GRAFANA_TOKEN: 'tökén-0123456789' } }],
  [`${cmd}: GRAFANA_USER with a colon`, { args: [cmd], names: /GRAFANA_USER: a user name cannot contain ":"/, env: { GRAFANA_URL: URL_, GRAFANA_USER: 'a:b', GRAFANA_PASSWORD: 'pw-123456' } }],
  [`${cmd}: GRAFANA_PASSWORD with a line break`, { args: [cmd], names: /GRAFANA_PASSWORD: contains a line break/, env: { GRAFANA_URL: URL_, GRAFANA_USER: 'ci', GRAFANA_PASSWORD: 'pw\n123' } }],
  [`${cmd}: GRAFANA_ORG_ID 0`, { args: [cmd], names: /GRAFANA_ORG_ID: an organisation id is a positive whole number/, env: { ...GOOD_ENV, GRAFANA_ORG_ID: '0' } }],
  [`${cmd}: GRAFANA_ORG_ID in hex`, { args: [cmd], names: /GRAFANA_ORG_ID: "0x10" is not a number written in digits/, env: { ...GOOD_ENV, GRAFANA_ORG_ID: '0x10' } }],
  [`${cmd}: GRAFANA_ORG_ID in exponent form`, { args: [cmd], names: /GRAFANA_ORG_ID: "1e3" is not a number/, env: { ...GOOD_ENV, GRAFANA_ORG_ID: '1e3' } }],
  [`${cmd}: GRAFANA_ORG_ID fractional`, { args: [cmd], names: /GRAFANA_ORG_ID: an organisation id is a positive whole number/, env: { ...GOOD_ENV, GRAFANA_ORG_ID: '1.5' } }],
  [`${cmd}: --org-id 0`, { args: [cmd, '--org-id', '0'], names: /--org-id: an organisation id is a positive whole number/, env: GOOD_ENV }],
  [`${cmd}: --org-id not a number`, { args: [cmd, '--org-id', 'main'], names: /--org-id:/, env: GOOD_ENV }],
  [`${cmd}: --org-id beyond exact integers`, { args: [cmd, '--org-id', '1e300'], names: /--org-id:/, env: GOOD_ENV }],
  [`${cmd}: --timeout beyond Node's timers`, { args: [cmd, '--timeout', '1e12'], names: /--timeout: at most 3600 seconds/, env: GOOD_ENV }],
  [`${cmd}: --timeout Infinity`, { args: [cmd, '--timeout', 'Infinity'], names: /--timeout:/, env: GOOD_ENV }],
  [`${cmd}: --timeout 0`, { args: [cmd, '--timeout', '0'], names: /--timeout: seconds to wait for each request, above 0/, env: GOOD_ENV }],
  [`${cmd}: --timeout negative`, { args: [cmd, '--timeout', '-5'], names: /--timeout:/, env: GOOD_ENV }],
  [`${cmd}: --timeout not a number`, { args: [cmd, '--timeout', 'soon'], names: /--timeout:/, env: GOOD_ENV }],
  [`${cmd}: --concurrency 1000000`, { args: [cmd, '--concurrency', '1000000'], names: /--concurrency: at most 100/, env: GOOD_ENV }],
  [`${cmd}: --concurrency 0`, { args: [cmd, '--concurrency', '0'], names: /--concurrency: at least 1/, env: GOOD_ENV }],
  [`${cmd}: --concurrency fractional`, { args: [cmd, '--concurrency', '2.5'], names: /--concurrency: a whole number/, env: GOOD_ENV }],
  [`${cmd}: --concurrency not a number`, { args: [cmd, '--concurrency', 'many'], names: /--concurrency:/, env: GOOD_ENV }],
  [`${cmd}: KINESIS_DASHBOARDS_RETRY_BASE_MS huge`, { args: [cmd], names: /KINESIS_DASHBOARDS_RETRY_BASE_MS: at most 60000 ms/, env: { ...GOOD_ENV, KINESIS_DASHBOARDS_RETRY_BASE_MS: '1000000000000' } }],
  [`${cmd}: KINESIS_DASHBOARDS_RETRY_BASE_MS not a number`, { args: [cmd], names: /KINESIS_DASHBOARDS_RETRY_BASE_MS: "fast" is not a number/, env: { ...GOOD_ENV, KINESIS_DASHBOARDS_RETRY_BASE_MS: 'fast' } }],
  [`${cmd}: --header without a colon`, { args: [cmd, '--header', 'X-Team'], names: /--header: "X-Team" is not "Name: value"/, env: GOOD_ENV }],
  [`${cmd}: --header with a line break in its value`, { args: [cmd, '--header', 'X-Team: a\r\nHost: evil'], names: /--header X-Team: the value has a line break/, env: GOOD_ENV }],
  [`${cmd}: --header with a bad name`, { args: [cmd, '--header', 'X Team: a'], names: /--header: "X Team" is not "Name: value"/, env: GOOD_ENV }],
  [`${cmd}: --header with a 100 KB value`, { args: [cmd, '--header', `X-Big: ${'x'.repeat(100_000)}`], names: /--header X-Big: the value is 100000 characters; at most 8192/, env: GOOD_ENV }],
  [`${cmd}: GRAFANA_TOKEN of 100 KB`, { args: [cmd], names: /GRAFANA_TOKEN: 100000 characters, more than the 8192/, env: { ...GOOD_ENV, GRAFANA_TOKEN: 't'.repeat(100_000) } }],
  [`${cmd}: --org-id for Logz.io`, { args: [cmd, '--logzio-api-url', URL_, '--org-id', '2'], names: /--org-id: Logz.io has no Grafana organisations/, env: { LOGZIO_API_TOKEN: TOKEN } }],
  [`${cmd}: --file whose panels are not a list`, { args: [cmd, '--file', 'x.json'], names: /--file x.json: panels: a list of panel objects/, env: GOOD_ENV, files: { 'x.json': '{"uid": "a", "title": "A", "panels": {}}' } }],
  [`${cmd}: --file that is not a dashboard`, { args: [cmd, '--file', 'x.json'], names: /--file x.json: panels: missing/, env: GOOD_ENV, files: { 'x.json': '{"uid": "a", "title": "A", "kind": "Playlist"}' } }],
  [`${cmd}: --file whose tags are a string`, { args: [cmd, '--file', 'x.json'], names: /--file x.json: tags: a list of strings/, env: GOOD_ENV, files: { 'x.json': '{"uid": "a", "title": "A", "panels": [], "tags": "x"}' } }],
  [`${cmd}: --header Content-Length`, { args: [cmd, '--header', 'Content-Length: 0'], names: /--header Content-Length: set by the HTTP client itself/, env: GOOD_ENV }],
  [`${cmd}: --header Transfer-Encoding`, { args: [cmd, '--header', 'transfer-encoding: chunked'], names: /--header transfer-encoding: set by the HTTP client itself/, env: GOOD_ENV }],
  [`${cmd}: --token on the command line`, { args: [cmd, '--token', 'abc'], names: /--token would put the secret in shell history/, env: GOOD_ENV }],
  [`${cmd}: --token-file missing`, { args: [cmd, '--token-file', 'nope'], names: /--token-file nope: cannot read it \(ENOENT\)/, env: { GRAFANA_URL: URL_ } }],
  [`${cmd}: --token-file a device`, { args: [cmd, '--token-file', '/dev/zero'], names: /--token-file \/dev\/zero: is a character device/, env: { GRAFANA_URL: URL_ } }],
  [`${cmd}: --token-file empty`, { args: [cmd, '--token-file', 'tok'], names: /--token-file tok: the file is empty/, env: { GRAFANA_URL: URL_ }, files: { tok: '\n' } }],
  [`${cmd}: --token-file of two lines`, { args: [cmd, '--token-file', 'tok'], names: /--token-file tok: a token is printable ASCII/, env: { GRAFANA_URL: URL_ }, files: { tok: 'line-one\nline-two\n' } }],
  [`${cmd}: --token-file huge`, { args: [cmd, '--token-file', 'tok'], names: /--token-file tok: \d+ bytes, more than the 64 KiB/, env: { GRAFANA_URL: URL_ }, files: { tok: 'x'.repeat(70_000) } }],
  [`${cmd}: --ca-cert missing`, { args: [cmd, '--ca-cert', 'nope.pem'], names: /--ca-cert nope.pem: cannot read it \(ENOENT\)/, env: GOOD_ENV }],
  [`${cmd}: --ca-cert not PEM`, { args: [cmd, '--ca-cert', 'ca.pem'], names: /--ca-cert ca.pem: no "-----BEGIN CERTIFICATE-----"/, env: GOOD_ENV, files: { 'ca.pem': 'hello' } }],
  [`${cmd}: --ca-cert a device`, { args: [cmd, '--ca-cert', '/dev/zero'], names: /--ca-cert \/dev\/zero: is a character device/, env: GOOD_ENV }],
  [`${cmd}: --logzio-region unknown`, { args: [cmd, '--logzio-region', 'mars'], names: /logzio-region.*Choices/s, env: { LOGZIO_API_TOKEN: TOKEN } }],
  [`${cmd}: --logzio-api-url with a query`, { args: [cmd, '--logzio-api-url', `${URL_}/v1/grafana?x=1`], names: /--logzio-api-url: no query/, env: { LOGZIO_API_TOKEN: TOKEN } }],
  [`${cmd}: --logzio-api-url and --url`, { args: [cmd, '--logzio-api-url', URL_, '--url', URL_], names: /--url and --logzio-region\/--logzio-api-url: pick one/, env: { LOGZIO_API_TOKEN: TOKEN } }],
  [`${cmd}: no Logz.io token`, { args: [cmd, '--logzio-region', 'eu'], names: /no Logz.io credentials: set LOGZIO_API_TOKEN/ }],
  [`${cmd}: LOGZIO_API_TOKEN with a line break inside`, { args: [cmd, '--logzio-api-url', URL_], names: /LOGZIO_API_TOKEN: a token is printable ASCII/, env: { LOGZIO_API_TOKEN: 'abc\ndef' } }],
  [`${cmd}: --api unknown`, { args: [cmd, '--api', 'v3'], names: /api.*Choices/s, env: GOOD_ENV }],
  [`${cmd}: --folder-uid bad`, { args: [cmd, '--folder-uid', '../admin'], names: /--folder-uid: a folder uid is/, env: GOOD_ENV }],
  [`${cmd}: --folder-title with an empty level`, { args: [cmd, '--folder-title', 'Team//K'], names: /--folder-title: no empty folder name/, env: GOOD_ENV }],
  [`${cmd}: --folder-title with a line break`, { args: [cmd, '--folder-title', 'a\nb'], names: /--folder-title: a folder title must be one line/, env: GOOD_ENV }],
  [`${cmd}: --folder-uid with --folder-title`, { args: [cmd, '--folder-uid', 'a', '--folder-title', 'b'], names: /mutually exclusive/, env: GOOD_ENV }],
  [`${cmd}: --file not a dashboard`, { args: [cmd, '--file', 'x.json'], names: /--file x.json: not a dashboard JSON object/, env: GOOD_ENV, files: { 'x.json': 'null' } }],
  [`${cmd}: --file without a uid`, { args: [cmd, '--file', 'x.json'], names: /--file x.json: uid:/, env: GOOD_ENV, files: { 'x.json': '{"title": "t", "panels": []}' } }],
  [`${cmd}: --file nested too deep`, { args: [cmd, '--file', 'x.json'], names: /--file x.json: nested more than 64 levels/, env: GOOD_ENV, files: { 'x.json': deep(100_000) } }],
  [`${cmd}: --file a device`, { args: [cmd, '--file', '/dev/urandom'], names: /--file \/dev\/urandom: is a character device/, env: GOOD_ENV }],
  [`${cmd}: --file in the import format`, { args: [cmd, '--file', 'x.json'], names: /--file x.json: contains \$\{DS_/, env: GOOD_ENV, files: { 'x.json': JSON.stringify({ uid: 'a', title: 'A', panels: [{ datasource: '${DS_PROMETHEUS}' }] }) } }],
  [`${cmd}: --file with --uid`, { args: [cmd, '--file', 'x.json', '--uid', 'b'], names: /mutually exclusive/, env: GOOD_ENV, files: { 'x.json': DASHBOARD } }],
  [`${cmd}: --target without a config`, { args: [cmd, '--target', 'prod'], names: /--target prod: not in the config/, env: GOOD_ENV }],
  [`${cmd}: --target "constructor"`, { args: [cmd, '--config', 'kd.json', '--target', 'constructor'], names: /--target constructor: not in the config; use one of prod/, env: GOOD_ENV, files: cfg(target({ url: URL_ })) }],
  [`${cmd}: --target "__proto__"`, { args: [cmd, '--config', 'kd.json', '--target', '__proto__'], names: /--target __proto__: not in the config/, env: GOOD_ENV, files: cfg(target({ url: URL_ })) }],
  [`${cmd}: --target with --url`, { args: [cmd, '--target', 'prod', '--url', URL_], names: /mutually exclusive/, env: GOOD_ENV }],
  [`${cmd}: a config with targets but no --target`, { args: [cmd, '--config', 'kd.json'], names: /--target: the config defines targets \(prod\)/, env: { GRAFANA_TOKEN: TOKEN }, files: cfg(target({ url: URL_ })) }],
  [`${cmd}: a target whose tokenEnv is unset`, { args: [cmd, '--config', 'kd.json', '--target', 'prod'], names: /config.targets.prod: tokenEnv PROD_TOKEN is not set/, files: cfg(target({ url: URL_, tokenEnv: 'PROD_TOKEN' })) }],
  [`${cmd}: a target whose token has a line break inside`, { args: [cmd, '--config', 'kd.json', '--target', 'prod'], names: /config.targets.prod: tokenEnv PROD_TOKEN: a token is printable ASCII/, env: { PROD_TOKEN: 'a\nb' }, files: cfg(target({ url: URL_, tokenEnv: 'PROD_TOKEN' })) }],
  [`${cmd}: a target with --concurrency too high`, { args: [cmd, '--config', 'kd.json', '--target', 'prod', '--concurrency', '500'], names: /--concurrency: at most 100/, env: { PROD_TOKEN: TOKEN }, files: cfg(target({ url: URL_, tokenEnv: 'PROD_TOKEN' })) }],
  [`${cmd}: a config holding null`, { args: [cmd, '--config', 'kd.json'], names: /config: a JSON object/, env: GOOD_ENV, files: { 'kd.json': 'null' } }],
  [`${cmd}: a config with a newline in streams`, { args: [cmd, '--config', 'kd.json'], names: /config.streams: a pattern must be one line/, env: GOOD_ENV, files: cfg({ streams: 'a\nb' }) }],
];

// -- doctor ---------------------------------------------------------------------------------------
const P = ['doctor', '--prometheus-url', URL_];
const doctor: [string, Case][] = [
  ['no source', { args: ['doctor'], names: /where are the metrics\? pass --prometheus-url/ }],
  ['--prometheus-url with a query', { args: ['doctor', '--prometheus-url', `${URL_}/?x=1`], names: /--prometheus-url: no query/ }],
  ['--prometheus-url with a line break inside', { args: ['doctor', '--prometheus-url', `${URL_}/a\nb`], names: /--prometheus-url: a URL has no spaces, line breaks/ }],
  ['--prometheus-url ending in /api/v1', { args: ['doctor', '--prometheus-url', `${URL_}/api/v1`], names: /--prometheus-url: give the base without \/api\/v1/ }],
  ['--prometheus-url given twice', { args: [...P, '--prometheus-url', URL_], names: /--prometheus-url: given 2 times/ }],
  ['--timeout beyond Node\'s timers', { args: [...P, '--timeout', '1e12'], names: /--timeout: at most 3600 seconds/ }],
  ['--timeout without its number', { args: [...P, '--timeout'], names: /--timeout: has no value/ }],
  ['--concurrency 1000000', { args: [...P, '--concurrency', '1000000'], names: /--concurrency: at most 100/ }],
  ['--concurrency 0', { args: [...P, '--concurrency', '0'], names: /--concurrency: at least 1/ }],
  ['--max-series 0', { args: [...P, '--max-series', '0'], names: /--max-series: a whole number above 0/ }],
  ['--max-series huge', { args: [...P, '--max-series', '1e15'], names: /--max-series: at most 100000/ }],
  ['--max-series fractional', { args: [...P, '--max-series', '2.5'], names: /--max-series:/ }],
  ['--since not a duration', { args: [...P, '--since', 'an hour'], names: /--since: "an hour" is not a duration/ }],
  ['--since of ten thousand years', { args: [...P, '--since', '3650000d'], names: /--since: "3650000d" is more than 366 days/ }],
  ['--since 0s', { args: [...P, '--since', '0s'], names: /--since: "0s" is not a duration/ }],
  ['--max-delay huge', { args: [...P, '--max-delay', '99999999999999999999h'], names: /--max-delay:/ }],
  ['--until not a time', { args: [...P, '--until', 'yesterday'], names: /--until: "yesterday" is not a time/ }],
  ['--until a huge number', { args: [...P, '--until', '99999999999999999999999'], names: /--until:/ }],
  ['--token on the command line', { args: [...P, '--token', 'abc'], names: /--token would put the secret in shell history/ }],
  ['--token-file a device', { args: [...P, '--token-file', '/dev/zero'], names: /--token-file \/dev\/zero: is a character device/ }],
  ['--token-file of two lines', { args: [...P, '--token-file', 'tok'], names: /--token-file tok: a token is printable ASCII/, files: { tok: 'a\nb\n' } }],
  ['PROMETHEUS_TOKEN with a line break inside', { args: P, names: /PROMETHEUS_TOKEN: a token is printable ASCII/, env: { PROMETHEUS_TOKEN: 'abc\ndef' } }],
  ['PROMETHEUS_USER with a colon', { args: P, names: /PROMETHEUS_USER: a user name cannot contain ":"/, env: { PROMETHEUS_USER: 'a:b', PROMETHEUS_PASSWORD: 'pw-12345' } }],
  ['PROMETHEUS_USER without a password', { args: P, names: /PROMETHEUS_PASSWORD is not set/, env: { PROMETHEUS_USER: 'me' } }],
  ['--header with a line break', { args: [...P, '--header', 'X-Scope-OrgID: a\r\nb'], names: /--header X-Scope-OrgID: the value has a line break/ }],
  ['--header Content-Length', { args: [...P, '--header', 'Content-Length: 1'], names: /--header Content-Length: set by the HTTP client itself/ }],
  ['--ca-cert not PEM', { args: [...P, '--ca-cert', 'ca.pem'], names: /--ca-cert ca.pem: no "-----BEGIN CERTIFICATE-----"/, files: { 'ca.pem': 'x' } }],
  ['--ca-cert a device', { args: [...P, '--ca-cert', '/dev/zero'], names: /--ca-cert \/dev\/zero: is a character device/ }],
  ['--config holding null', { args: [...P, '--config', 'kd.json'], names: /--config kd.json: invalid\nconfig: a JSON object/, files: { 'kd.json': 'null' } }],
  ['--config a device', { args: [...P, '--config', '/dev/zero'], names: /--config \/dev\/zero: is a character device/ }],
  ['--config nested too deep', { args: [...P, '--config', 'kd.json'], names: /--config kd.json: nested more than 64 levels/, files: { 'kd.json': deep(100_000) } }],
  ['--config with a newline in streams', { args: [...P, '--config', 'kd.json'], names: /config.streams: a pattern must be one line/, files: cfg({ streams: 'a\nb' }) }],
  ['--write-config below /proc', { args: [...P, '--write-config', '/proc/kd-test/kd.json'], names: /--write-config( \/proc\/kd-test\/kd.json)?: cannot be used as an output directory/ }],
  ['--write-config a directory', { args: [...P, '--write-config', 'd'], names: /--write-config( d)?: (is a directory|cannot write .*: a directory is in the way)/, files: { 'd/': { dir: true } } }],
  ['--write-config a device', { args: [...P, '--write-config', '/dev/zero'], names: /--write-config( \/dev\/zero)?: (is a character device|cannot write)/ }],
  ['--write-config holding null', { args: [...P, '--write-config', 'kd.json'], names: /--write-config kd.json: a config file is a JSON object/, files: { 'kd.json': 'null' } }],
  ['--write-config not JSON', { args: [...P, '--write-config', 'kd.json'], names: /--write-config kd.json: not valid JSON/, files: { 'kd.json': '{' } }],
  ['--datasource-uid bad', { args: ['doctor', '--url', URL_, '--datasource-uid', '../x'], names: /--datasource-uid:/, env: GOOD_ENV }],
  ['--url with a fragment', { args: ['doctor', '--url', `${URL_}#x`, '--datasource-uid', 'prom'], names: /--url: no query/, env: GOOD_ENV }],
  ['GRAFANA_ORG_ID in hex', { args: ['doctor', '--datasource-uid', 'prom'], names: /GRAFANA_ORG_ID: "0x2" is not a number/, env: { ...GOOD_ENV, GRAFANA_ORG_ID: '0x2' } }],
  ['--logzio-region unknown', { args: ['doctor', '--logzio-region', 'mars'], names: /logzio-region.*Choices/s, env: { LOGZIO_API_TOKEN: TOKEN } }],
  ['--profile cloudwatch', { args: [...P, '--profile', 'cloudwatch'], names: /--profile cloudwatch: the doctor reads Prometheus-compatible metrics/ }],
];

const catalog: [string, Case][] = [
  ['catalog with an unknown flag', { args: ['catalog', '--yaml'], names: /Unknown argument: yaml/ }],
  ['catalog with a value for --json', { args: ['catalog', '--json', 'x'], names: /Unknown argument: x/ }],
  ['an unknown command', { args: ['render'], names: /Unknown argument: render/ }],
  ['no command', { args: [], names: /name a command/ }],
];

const publishOnly: [string, Case][] = [
  ['--config given twice', { args: ['generate', '--config', 'a.json', '--config', 'b.json'], names: /--config: given 2 times; give it once/ }],
  ['--out given twice', { args: ['generate', '--out', 'a', '--out', 'b'], names: /--out: given 2 times/ }],
  ['--url given twice', { args: ['publish', '--url', URL_, '--url', URL_], names: /--url: given 2 times/, env: GOOD_ENV }],
  ['--uid given twice', { args: ['generate', '--uid', 'a', '--uid', 'b'], names: /--uid: given 2 times/ }],
  ['--timeout given twice', { args: ['diff', '--timeout', '5', '--timeout', '6'], names: /--timeout: given 2 times/, env: GOOD_ENV }],
  ['--config without its file', { args: ['generate', '--config'], names: /--config: has no value/ }],
  ['--out without its directory', { args: ['generate', '--out'], names: /--out: has no value/ }],
  ['--file without its file', { args: ['publish', '--file'], names: /--file: has no value/, env: GOOD_ENV }],
  ['--url empty', { args: ['publish', '--url', ''], names: /--url: has no value/, env: GOOD_ENV }],
  ['--timeout without its number', { args: ['publish', '--timeout'], names: /--timeout: has no value/, env: GOOD_ENV }],
  ['--timeout followed by another flag', { args: ['publish', '--timeout', '--dry-run'], names: /--timeout: has no value/, env: GOOD_ENV }],
  ['--concurrency without its number', { args: ['diff', '--concurrency'], names: /--concurrency: has no value/, env: GOOD_ENV }],
  ['--org-id without its number', { args: ['diff', '--org-id'], names: /--org-id: has no value/, env: GOOD_ENV }],
  ['--timeout below a millisecond', { args: ['diff', '--timeout', '1e-9'], names: /--timeout: at least 0.001 seconds/, env: GOOD_ENV }],
  ['alerts --grafana-url with a line break inside', { args: ['alerts', '--grafana-url', 'https://g.exa\nmple.com', '--stdout'], names: /--grafana-url: Grafana's address.*a URL has no spaces, line breaks/ }],
  ['alerts --grafana-url with a tab inside', { args: ['alerts', '--grafana-url', 'https://g.example.com/a\tb', '--stdout'], names: /--grafana-url:/ }],
  ['publish --message with a line break is fine but --dry-run with a value is not', { args: ['publish', '--dry-run', 'yes'], names: /Unknown argument: yes/, env: GOOD_ENV }],
  ['diff --exit-code with a bad --timeout (exit 2 even so)', { args: ['diff', '--exit-code', '--timeout', '99999'], names: /--timeout: at most 3600 seconds/, env: GOOD_ENV }],
];

const tag = (group: string, cases: [string, Case][]): [string, Case][] => cases.map(([name, c]) => [`${group}: ${name}`, c]);
const all: [string, Case][] = [
  ...tag('generate', generate),
  ...tag('config', config),
  ...tag('validate', validate),
  ...tag('preview', preview),
  ...tag('alerts', alerts),
  ...connection('publish'),
  ...connection('diff'),
  ...tag('doctor', doctor),
  ...tag('cli', [...catalog, ...publishOnly]),
];

async function lay(files: Files): Promise<void> {
  // Output that is already there: a bad run must leave it exactly as it was.
  await mkdir(join(dir, 'out'), { recursive: true });
  await writeFile(join(dir, 'out', 'existing.json'), '{"old": true}\n');
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    if (typeof content === 'object' && !Buffer.isBuffer(content)) await mkdir(p, { recursive: true });
    else {
      await mkdir(join(p, '..'), { recursive: true });
      await writeFile(p, typeof content === 'string' ? sub(content) : content);
    }
  }
}

const sub = (s: string) => s.replaceAll(URL_, url);

describe('bad input: exit 2, the field named, no stack trace, nothing sent, nothing written', () => {
  it('has at least 150 cases', () => {
    expect(all.length).toBeGreaterThanOrEqual(150);
    expect(new Set(all.map(([name]) => name)).size).toBe(all.length); // names are unique, so a failure says which
  });

  it.each(all)('%s', async (_name, c) => {
    await lay(c.files ?? {});
    const before = await snapshot(dir);
    const env = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, sub(v)]));
    const r = await cli(c.args.map(sub), { cwd: dir, env });
    expect({ code: r.code, stderr: r.stderr }).toMatchObject({ code: 2 });
    expect(r.stderr).toMatch(c.names);
    expect(r.stderr).not.toMatch(/\n\s+at |\b(TypeError|RangeError|ReferenceError|SyntaxError|ERR_[A-Z_]+)\b|Maximum call stack/);
    expect(r.stdout).not.toMatch(/^wrote /m);
    expect(r.stderr + r.stdout).not.toContain(TOKEN);
    expect(requests).toBe(0);
    expect(await snapshot(dir)).toEqual(before);
  });
});

describe('secrets are redacted whatever their length', () => {
  it('a short password is a secret, and redaction covers its JSON form and longer secrets first', async () => {
    const { redact, resolveConnection } = await import('../src/grafana/connection.ts');
    const env = { cwd: dir, env: { GRAFANA_USER: 'ci', GRAFANA_PASSWORD: 'x9z' }, warn: () => {} };
    const conn = await resolveConnection({ url }, env);
    expect(conn.secrets).toContain('x9z');
    const headers = await resolveConnection({ url, header: ['X-Api-Key: k1', 'X-Team: ab'] }, { ...env, env: { GRAFANA_TOKEN: TOKEN } });
    expect(headers.secrets).toContain('k1'); // named like a credential: secret at any length
    expect(headers.secrets).not.toContain('ab'); // a short value of another header: not taken for one
    expect(redact('pw x9z and "x9z"', ['x9z'])).toBe('pw *** and "***"');
    expect(redact('a "q\\"uote" here', ['q"uote'])).toBe('a "***" here'); // as JSON writes it
    expect(redact('token abcdef', ['abc', 'abcdef'])).toBe('token ***'); // the longer first
  });
});
