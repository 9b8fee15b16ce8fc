import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';

const schemaPath = fileURLToPath(new URL('../fixtures/grafana-dashboard.jsonschema.json', import.meta.url));

/** Grafana's dashboard JSON Schema (draft-07), compiled once. */
export const validateGrafanaSchema = new Ajv({ allErrors: true, strict: false, formats: { 'date-time': true } }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')));

const v2SchemaPath = fileURLToPath(new URL('../fixtures/grafana-dashboard-v2beta1.jsonschema.json', import.meta.url));

/** Grafana's v2beta1 dashboard spec schema (draft-07; only definitions, the spec is `Dashboard`), compiled once. */
export const validateGrafanaV2Spec = (() => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema(JSON.parse(readFileSync(v2SchemaPath, 'utf8')), 'dashboard-v2beta1');
  return ajv.compile({ $ref: 'dashboard-v2beta1#/definitions/Dashboard' });
})();
