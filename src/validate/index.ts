import type { Context } from '../cli/context.ts';
import { jsonDepthExceeds, MAX_BYTES, MAX_JSON_DEPTH, readBounded, utf8 } from '../read.ts';
import { DEFAULT_PROFILE, getProfile } from '../profiles/index.ts';
import { validateDashboard } from './dashboard.ts';
import type { Problem } from './layout.ts';

export { validateDashboard } from './dashboard.ts';

export async function validateFiles(ctx: Context, files: string[], profileName = DEFAULT_PROFILE): Promise<number> {
  getProfile(profileName); // an unknown profile is bad input, before any file is read
  let failed = 0;
  for (const file of files) {
    const text = utf8(readBounded(ctx.cwd, file, file, MAX_BYTES.dashboard, 'pass an existing dashboard JSON file'), file, 'pass a dashboard JSON file');
    let problems: Problem[];
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) problems = [{ path: '$', message: `nested more than ${MAX_JSON_DEPTH} levels deep: not a dashboard` }];
    else {
      try {
        problems = validateDashboard(JSON.parse(text), profileName);
      } catch (err) {
        problems = [{ path: '$', message: `not valid JSON: ${(err as Error).message}` }];
      }
    }
    if (problems.length) failed++;
    for (const p of problems) ctx.stdout(`${file}: ${p.path}: ${p.message}\n`);
    if (!problems.length) ctx.stdout(`${file}: ok\n`);
  }
  return failed ? 1 : 0;
}
