import '../zod-config.ts';
import * as z from 'zod/mini';
import { UsageError } from '../errors.ts';

// The numbers that reach a connection, with their bounds, in one place: a flag, an environment
// variable and a config field holding the same setting are checked by the same schema.

/** Requests in flight at once: Logz.io allows 100 per account, and no Grafana needs more from one client. */
export const MAX_CONCURRENCY = 100;
/** Seconds to wait for one request: an hour is far beyond any useful wait, and far inside Node's timer range (~24.8 days). */
export const MAX_TIMEOUT_SECONDS = 3600;
/** Base of the retry backoff (a testing and tuning knob): at most a minute. */
export const MAX_RETRY_BASE_MS = 60_000;

export const Concurrency = z.int(`a whole number of requests from 1 to ${MAX_CONCURRENCY}`).check(
  z.minimum(1, `at least 1 request at a time (at most ${MAX_CONCURRENCY})`),
  z.maximum(MAX_CONCURRENCY, `at most ${MAX_CONCURRENCY} requests at a time (Logz.io's limit per account)`),
);

export const TimeoutSeconds = z.number(`seconds to wait for each request, above 0 and at most ${MAX_TIMEOUT_SECONDS}`).check(
  z.positive(`seconds to wait for each request, above 0 and at most ${MAX_TIMEOUT_SECONDS}`),
  // Node's timers count whole milliseconds: less would silently become 1 ms.
  z.minimum(0.001, 'at least 0.001 seconds (1 ms)'),
  z.maximum(MAX_TIMEOUT_SECONDS, `at most ${MAX_TIMEOUT_SECONDS} seconds (an hour) per request`),
);

/** Grafana's organisation ids are positive integers (int64 on the server; within JavaScript's exact range here). */
export const OrgId = z.int('an organisation id is a positive whole number').check(z.positive('an organisation id is a positive whole number'));

/** Most series a report lists (doctor --max-series). */
export const MAX_SERIES = 100_000;
export const MaxSeries = z.int(`a whole number from 1 to ${MAX_SERIES}`).check(z.minimum(1, 'a whole number above 0'), z.maximum(MAX_SERIES, `at most ${MAX_SERIES}`));

export const RetryBaseMs = z.int('whole milliseconds').check(z.minimum(0, 'at least 0 ms'), z.maximum(MAX_RETRY_BASE_MS, `at most ${MAX_RETRY_BASE_MS} ms`));

/** A number given as text (an environment variable): digits only, so "0x10", "1e3" or " 1" are not taken for numbers. */
export function numberFromText(text: string, name: string, schema: z.ZodMiniType<number, unknown>): number {
  if (!/^\d{1,16}(\.\d{1,6})?$/.test(text)) throw new UsageError(`${name}: "${text.slice(0, 40)}" is not a number written in digits`);
  return checked(Number(text), name, schema);
}

/** `value` checked by `schema`; a UsageError naming `name` otherwise. */
export function checked<T>(value: unknown, name: string, schema: z.ZodMiniType<T, unknown>): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new UsageError(`${name}: ${r.error.issues[0]!.message}`);
  return r.data;
}
