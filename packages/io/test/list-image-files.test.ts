import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hiddenFiles, InputError, isHiddenName } from '@biaflow/core/internals';
import { listImageFiles } from '@biaflow/io';

describe('listImageFiles', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-list-'));
    for (const name of ['b.tif', 'a.TIFF', 'c.png', 'd.jpg', 'e.jpeg', 'B2.tif', '.hidden.tif', 'notes.txt', 'f.csv']) {
      fs.writeFileSync(path.join(dir, name), '');
    }
    fs.mkdirSync(path.join(dir, 'sub.tif'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists supported image files by name (code-point order), absolute, skipping hidden files and folders', () => {
    expect(listImageFiles(dir)).toEqual(['B2.tif', 'a.TIFF', 'b.tif', 'c.png', 'd.jpg', 'e.jpeg'].map((n) => path.join(dir, n)));
  });

  it('returns a single file as itself', () => {
    expect(listImageFiles(path.join(dir, 'c.png'))).toEqual([path.join(dir, 'c.png')]);
  });

  it('names that are only dots before the extension (..tif) are listed, not hidden; hiddenFiles lists the hidden ones', () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'biaflow-list-dots-'));
    try {
      for (const name of ['..tif', '...png', '.tif', '._x.tif', '.DS_Store', 'x.tif']) fs.writeFileSync(path.join(other, name), '');
      fs.mkdirSync(path.join(other, '.git'));
      expect(listImageFiles(other)).toEqual(['...png', '..tif', 'x.tif'].map((n) => path.join(other, n)));
      expect(hiddenFiles(other)).toEqual(['.DS_Store', '._x.tif', '.tif'].map((n) => path.join(other, n)));
      expect(['.DS_Store', '._x.tif', '.x', '..tif', 'x.tif'].map(isHiddenName)).toEqual([true, true, true, false, false]);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('a missing folder is an InputError naming it', () => {
    const missing = path.join(dir, 'nope');
    expect(() => listImageFiles(missing)).toThrow(InputError);
    expect(() => listImageFiles(missing)).toThrow(`${missing}: image folder does not exist`);
  });
});
