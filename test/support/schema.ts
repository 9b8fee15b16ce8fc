import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';

const schemaPath = fileURLToPath(new URL('../fixtures/grafana-dashboard.jsonschema.json', import.meta.url));

/** Grafana's dashboard JSON Schema (draft-07), compiled once. */
export const validateGrafanaSchema = new Ajv({ allErrors: true, strict: false, formats: { 'date-time': true } }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
