import { csvCell, csvCellText, splitCsvLine, toCsv } from '@biaflow/image';

describe('CSV cells a spreadsheet would run as formulas are written as text', () => {
  test("text starting with =, +, -, @, tab or CR gets a leading ' (OWASP)", () => {
    expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(csvCell('+1+2')).toBe("'+1+2");
    expect(csvCell('-x.tif')).toBe("'-x.tif");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe('"\'\rx"'); // CR also needs RFC 4180 quoting
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  });

  test('numbers stay numbers: JS numbers and plain decimal text are not prefixed', () => {
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(-Infinity)).toBe('-Infinity');
    expect(csvCell('-1.5')).toBe('-1.5');
    expect(csvCell('+3')).toBe('+3');
    expect(csvCell('-2e-5')).toBe('-2e-5');
    expect(csvCell('-.5')).toBe('-.5');
    expect(csvCell('-1.5.2')).toBe("'-1.5.2");
    expect(csvCell('- 1')).toBe("'- 1");
  });

  test('other text, empty cells and null are as before', () => {
    expect(csvCell('cell 1.tif')).toBe('cell 1.tif');
    expect(csvCell("'quoted")).toBe("'quoted");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell('')).toBe('');
  });

  test('csvCellText gives back exactly the text written, even text that starts with quotes', () => {
    for (const text of ['=x', "'=x", "''=x", "'hello", 'plain', '-1.5', '-x', '@', "'", '\t=']) {
      const [cell] = splitCsvLine(csvCell(text));
      expect(csvCellText(cell)).toBe(text);
    }
  });

  test('toCsv guards every text cell, header included', () => {
    expect(toCsv([{ image: '=1+1.tif', '-col': 'a', n: -2 }])).toBe("image,'-col,n\n'=1+1.tif,a,-2\n");
  });
});
