/** A cap on a file read from a package, and how a refusal explains it. */
export interface ReadLimit {
  maxBytes: number;
  /** What the cap is, for the message (`biaflow's cap on a description file`). */
  limit: string;
  /** What to do about it. */
  hint?: string;
}

/**
 * The largest description (`bioimageio.yaml`, `rdf.yaml`) read: 1 MiB. Descriptions are a few
 * kilobytes; parsing YAML takes about 150 bytes of memory and several microseconds per byte, so a
 * cap in megabytes bounds a hostile description to a few hundred MB and seconds. Checked on the
 * file's size before it is read (a zip entry's declared size, and its inflated bytes as they come).
 */
export const MAX_DESCRIPTION_BYTES = 2 ** 20;

export const DESCRIPTION_LIMIT: ReadLimit = {
  maxBytes: MAX_DESCRIPTION_BYTES,
  limit: "biaflow's cap on a package description",
  hint: 'a bioimageio.yaml is a few kilobytes: this is not a model description, or it was tampered with',
};
