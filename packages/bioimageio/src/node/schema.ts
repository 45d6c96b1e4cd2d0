import fs from 'node:fs';
import path from 'node:path';
import { createSchemaValidator, type SchemaValidator } from '../schema-validation';

/** The bundled JSON schema (package `schema/bioimageio_schema.json`, MIT, bioimage-io/spec-bioimage-io). */
export const SCHEMA_PATH = path.join(__dirname, '..', '..', 'schema', 'bioimageio_schema.json');

let cached: SchemaValidator | undefined;

/** A validator over the bundled schema; built once per process (compiling takes about a second). */
export function bundledSchemaValidator(): SchemaValidator {
  cached ??= createSchemaValidator(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>);
  return cached;
}
