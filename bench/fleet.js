// A fleet in one process: N dashboards, one per stream, each made with synth() + serialize() and
// written to DIR/<uid>.json, through the same bundle the CLI runs (dist/cli.cjs: run `npm run
// build` first; bench/run.js does).
//
//   node bench/fleet.js N DIR
//
// The work of `kinesis-dashboards generate --config fleet.json --out DIR` in one process, without the
// CLI; bench/run.js switches between the two in one line (FLEET_VIA).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cli from '../dist/cli.cjs';
import { fleetDashboards } from './fleet-config.js';

const [n, dir] = [Number(process.argv[2]), process.argv[3]];
if (!Number.isInteger(n) || n < 1 || !dir) {
  console.error('usage: node bench/fleet.js N DIR');
  process.exit(2);
}
mkdirSync(dir, { recursive: true });
for (const entry of fleetDashboards(n)) {
  writeFileSync(join(dir, `${entry.uid}.json`), cli.serialize(cli.synth(entry)));
}
