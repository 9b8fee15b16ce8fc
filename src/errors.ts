/** Bad input from the user: one clear message naming the field and the fix; exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Turns a zod error into lines "path: message", one per problem. */
export function formatIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[], prefix = ''): string {
  return issues
    .map((i) => {
      const path = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
      return path ? `${path}: ${i.message}` : i.message;
    })
    .join('\n');
}
