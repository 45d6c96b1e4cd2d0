import fs from 'node:fs';

/**
 * Something drawn at the bottom of the terminal that redraws itself (progress bars). While one is
 * up, a line for the person goes through it, so it is printed above the bars instead of through them.
 */
export interface TerminalOverlay {
  print(text: string): void;
}

let overlay: TerminalOverlay | undefined;

/** Put up (or, with undefined, take down) what the terminal's lines are printed above. */
export function setTerminalOverlay(next: TerminalOverlay | undefined): void {
  overlay = next;
}

/**
 * Write text for the person at the terminal: stderr, synchronously (a crash loses no line), above
 * the progress bars when they are up. A closed stderr is no reason to fail.
 */
export function writeTerminal(text: string): void {
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
