import { z } from 'zod';
import { profileNames } from '../profiles/index.ts';

/** Grafana's rule for dashboard uids. */
export const UID_PATTERN = /^[a-zA-Z0-9_-]{1,40}$/;

export const Uid = z
  .string()
  .regex(UID_PATTERN, 'a dashboard uid is 1 to 40 letters, digits, "-" or "_" (Grafana\'s rule)');

export const ProfileName = z.string().refine((p) => profileNames().includes(p), {
  message: `unknown profile: use one of ${profileNames().join(', ')}`,
});

export const Title = z.string().trim().min(1, 'a title cannot be empty').max(200);

/** What one dashboard is: everything `synth` needs. */
export const DashboardOptions = z.strictObject({
  profile: ProfileName.default('cloudwatch-exporter'),
  uid: Uid.default('aws-kinesis'),
  title: Title.default('Amazon Kinesis'),
  tags: z.array(z.string().min(1)).default([]),
});
export type DashboardOptions = z.infer<typeof DashboardOptions>;
export type DashboardOptionsInput = z.input<typeof DashboardOptions>;
