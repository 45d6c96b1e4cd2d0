import fs from 'node:fs';
import { printableText } from '@biaflow/image';

/**
 * Something drawn at the bottom of the terminal that redraws itself (progress bars). While one is
 * up, a line for the person goes through it, so it is printed above the bars instead of through them.
 */
interface TerminalOverlay {
  print(text: string): void;
}

let overlay: TerminalOverlay | undefined;

/** Put up (or, with undefined, take down) what the terminal's lines are printed above. */
export function setTerminalOverlay(next: TerminalOverlay | undefined): void {
  overlay = next;
}

/**
 * Write text for the person at the terminal: stderr, synchronously (a crash loses no line), above
 * the progress bars when they are up. A closed stderr is no reason to fail. Control characters in
 * it are escaped (`printableText`): a name from a file cannot act on the terminal.
 */
export function writeTerminal(text: string): void {
  writeTerminalFormatted(printableText(text));
}

/**
 * `writeTerminal` for text whose escapes are biaflow's own (the log's coloured lines, their
 * message escaped before the colours went on).
 */
export function writeTerminalFormatted(text: string): void {
  if (overlay) {
    overlay.print(text);
    return;
  }
  try {
    fs.writeSync(2, text);
  } catch {
    // nowhere left to tell it
  }
}
