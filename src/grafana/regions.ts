// Logz.io's regions, in a module of their own: the CLI's help lists them (every run builds the
// help of the command it runs) without loading the connection code.

/** Logz.io's API hosts by region, as Logz.io's docs list them (https://docs.logz.io/docs/user-guide/admin/hosting-regions/account-region/). */
export const LOGZIO_REGIONS = {
  us: 'api.logz.io',
  au: 'api-au.logz.io',
  ca: 'api-ca.logz.io',
  eu: 'api-eu.logz.io',
  nl: 'api-nl.logz.io',
  uk: 'api-uk.logz.io',
  wa: 'api-wa.logz.io',
} as const;
export type LogzioRegion = keyof typeof LOGZIO_REGIONS;
