import fs from 'node:fs';
import { SCHEMA_PATH } from '@biaflow/bioimageio';
import { z } from '../core-api';

/** The config key of this plugin's section. */
export const EXPORT_SECTION = 'export';

let licenses: Set<string> | undefined;

/**
 * The SPDX identifiers the zoo accepts, read from the bundled zoo schema (its `LicenseId` and
 * `DeprecatedLicenseId` enums), so a typo is caught when the config is validated rather than when
 * a package is written.
 */
export function zooLicenses(): Set<string> {
  if (licenses) return licenses;
  const schema = JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')) as { $defs: Record<string, { properties: Record<string, { anyOf?: { enum?: string[] }[] }> }> };
  const license = schema.$defs['bioimageio__spec__model__v0_5__ModelDescr'].properties.license;
  licenses = new Set((license.anyOf ?? []).flatMap((a) => a.enum ?? []));
  return licenses;
}

/** ISO 7064 11,2 check digit of an ORCID iD (the last character). */
function orcidChecksumOk(orcid: string): boolean {
  const digits = orcid.replace(/-/g, '');
  let total = 0;
  for (const d of digits.slice(0, -1)) total = (total + Number(d)) * 2;
  const check = (12 - (total % 11)) % 11;
  return digits[digits.length - 1] === (check === 10 ? 'X' : String(check));
}

const author = z.strictObject({
  name: z.string().min(1).describe('Full name.'),
  affiliation: z.string().min(1).optional().describe('Institute or company.'),
  orcid: z
    .string()
    .regex(/^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$/, 'must be an ORCID iD in groups of 4 digits, e.g. 0000-0002-1825-0097')
    .refine(orcidChecksumOk, 'is not a valid ORCID iD (its check digit does not match)')
    .optional()
    .describe('ORCID iD, e.g. 0000-0002-1825-0097.'),
  email: z.string().email().optional(),
  github_user: z.string().min(1).optional(),
});

const citation = z
  .strictObject({
    text: z.string().min(1).describe('The reference as text.'),
    doi: z
      .string()
      .regex(/^10\.[0-9]{4}.+$/, 'must be a DOI such as 10.1038/s41592-019-0612-7 (without https://doi.org/)')
      .optional(),
    url: z.string().url().optional(),
  })
  .refine((c) => c.doi !== undefined || c.url !== undefined, 'needs a doi or a url');

/**
 * The `export:` config section: what `biaflow export` writes into a BioImage Model Zoo package
 * besides what the model bundle knows. Written in the training config (listing
 * `@biaflow/engine-onnx` under `plugins:`) it is stored with the model; `biaflow export --config`
 * gives or overrides it later.
 */
export const exportSection = z
  .strictObject({
    name: z
      .string()
      .min(5)
      .max(128)
      .regex(/^[\w\-() ]+$/, 'may only hold letters, digits, _, -, (, ) and spaces (the zoo rule)')
      .optional()
      .describe('Model name (5–128 characters: letters, digits, _ - ( ) and spaces). Default: "biaflow <workflow> <architecture> <n>D".'),
    description: z.string().max(1024).optional().describe('One-paragraph description. Default: what the model does, from its workflow and channels.'),
    authors: z.array(author).default([]).describe('Who trained the model: [{name, affiliation?, orcid?, email?, github_user?}]. The zoo asks for at least one.'),
    license: z
      .string()
      .default('MIT')
      .refine((id) => zooLicenses().has(id), { message: 'is not an SPDX licence identifier the zoo accepts (e.g. MIT, Apache-2.0, BSD-3-Clause, CC-BY-4.0)' })
      .describe('SPDX licence identifier of the weights and package.'),
    cite: z.array(citation).default([]).describe('References to cite when using the model: [{text, doi?, url?}]. Default: the network architecture\'s paper.'),
    tags: z.array(z.string().min(1)).default([]).describe('Zoo tags (added to biaflow\'s own: workflow, dimensionality, architecture).'),
    git_repo: z.string().url().optional().describe('URL of the repository where the model is developed.'),
  })
  .prefault({})
  .describe('BioImage Model Zoo export (`biaflow export`, from @biaflow/engine-onnx): name, authors, licence and citations of the package.');

export type ExportSettings = z.output<typeof exportSection>;
