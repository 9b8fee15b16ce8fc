export { validateDashboard } from './dashboard.ts';
export type { Problem } from './layout.ts';
