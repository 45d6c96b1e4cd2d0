// @biaflow/core/bundle-format: what makes a set of files a biaflow model bundle, without a file
// system — the file names, the format's name and version, and the check of `biaflow.json` — so an
// engine that gets a bundle's bytes in a browser (`@biaflow/engine-tfjs/browser`) checks it as
// `readBundleMeta` does in Node. Imports nothing of Node (a browser bundle test holds it to that).
import { excerpt } from '@biaflow/image';
import { InputError } from './errors';
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type BundleMeta } from './kernel/contributions/model-bundle';
import { CORE_NAME, CORE_VERSION } from './kernel/version';

export {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_META,
  MODEL_JSON,
  WEIGHTS_BIN,
  type BundleInfo,
  type BundleMeta,
  type ModelOptionsRecord,
  type NormalizationSettings,
  type TunedDecoding,
} from './kernel/contributions/model-bundle';

/**
 * `biaflow.json`'s parsed content as a bundle description, or an InputError naming `file`: not an
 * object, another format, or a format version newer than this core reads.
 */
export function checkBundleMeta(meta: unknown, file: string): BundleMeta {
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) throw new InputError(`is not a biaflow model description (it holds ${excerpt(meta)}, not a JSON object)`, { file });
  const m = meta as BundleMeta;
  if (m.format !== BUNDLE_FORMAT) throw new InputError(`is not a biaflow model description (format ${excerpt(m.format)})`, { file });
  if (!(m.format_version <= BUNDLE_FORMAT_VERSION)) {
    throw new InputError(`was written by a newer biaflow (bundle format ${excerpt(m.format_version)}; this ${CORE_NAME} ${CORE_VERSION} reads up to ${BUNDLE_FORMAT_VERSION})`, {
      file,
      hint: `upgrade ${CORE_NAME}`,
    });
  }
  return m;
}
