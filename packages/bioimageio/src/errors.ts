import { printable } from './printable';

/**
 * A problem with a zoo package or a tensor given to this package, located by the file and the
 * description field (`inputs[0].axes[2].size`) where possible. It carries `exitCode: 2`, like core's
 * `InputError`, so biaflow's CLI prints the message without a stack trace; this package does not
 * import core (it must stay usable in a browser), so the lead can map it to `InputError` later.
 */
export class BioimageioError extends Error {
  readonly exitCode = 2 as const;
  readonly file?: string;
  readonly field?: string;
  readonly hint?: string;
  /** Every problem found, when there are several (a description that does not validate). */
  readonly issues: DescriptionIssue[];

  constructor(
    message: string,
    options: { file?: string; field?: string; hint?: string; cause?: unknown; issues?: DescriptionIssue[] } = {}
  ) {
    super(locate(message, options.file, options.field), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BioimageioError';
    this.file = options.file;
    this.field = options.field;
    this.hint = options.hint;
    this.issues = options.issues ?? (options.field ? [{ field: options.field, message }] : []);
  }
}

/** One problem in a description, located by its field path (`inputs[0].axes[2].size`). */
export interface DescriptionIssue {
  field: string;
  message: string;
}

/** One error for a list of issues: a header line, then one `  - field: message` line each. */
export function issuesError(header: string, issues: DescriptionIssue[], file?: string): BioimageioError {
  const lines = issues.map((i) => `  - ${i.field ? `${i.field}: ` : ''}${i.message}`);
  return new BioimageioError(`${header}:\n${lines.join('\n')}`, { file, issues });
}

/** `file: field: message`, leaving out what is not known; the file's name and the field escaped (`printable`). */
export function locate(message: string, file?: string, field?: string): string {
  return `${file ? `${printable(file)}: ` : ''}${field ? `${printable(field)}: ` : ''}${message}`;
}
