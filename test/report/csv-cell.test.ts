import { describe, expect, test } from 'vitest';
import { csvCell, csvLine } from '../../src/report/csv-cell.js';

describe('csvCell', () => {
  test.each([
    ['plain', 'plain'],
    ['=HYPERLINK("http://x")', `"'=HYPERLINK(""http://x"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', `"'\rcmd"`],
    ['a=b', 'a=b'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['', ''],
  ])('%j -> %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  test('numbers, booleans and absent values', () => {
    expect(csvLine([1, true, null, undefined, -3])).toBe("1,true,,,'-3\r\n");
  });
});
