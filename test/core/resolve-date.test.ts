import { describe, expect, it } from 'vitest';
import { resolveDate } from '../../src/core/resolve-date';

// Local noon on Wednesday 4 March 2026: dates are the user's calendar.
const said = new Date(2026, 2, 4, 12);
const on = (expression: string) => resolveDate(expression, said);

describe('date words resolved from when they were said', () => {
  it.each([
    ['yesterday', '2026-03-03'],
    ['last night', '2026-03-03'],
    ['today', '2026-03-04'],
    ['tomorrow', '2026-03-05'],
    ['the day after tomorrow', '2026-03-06'],
    ['3 days ago', '2026-03-01'],
    ['two weeks ago', '2026-02-18'],
    ['in 2 weeks', '2026-03-18'],
    ['next Friday', '2026-03-06'],
    ['this friday', '2026-03-06'],
    ['last Friday', '2026-02-27'],
    ['on Friday', '2026-02-27'],
    ['next wednesday', '2026-03-11'],
    ['last weekend', '2026-02-28'],
    ['this weekend', '2026-03-07'],
    ['March 3', '2026-03-03'],
    ['dec 24', '2025-12-24'],
    ['the 3rd of March 2025', '2025-03-03'],
    ['on 2026-02-01', '2026-02-01'],
  ])('%s -> %s', (expression, date) => {
    expect(on(expression)).toEqual({ date, precision: 'day' });
  });

  it('keeps the precision of a week, a month or a year', () => {
    expect(on('last week')).toEqual({ date: '2026-02-23', precision: 'week' });
    expect(on('last month')).toEqual({ date: '2026-02', precision: 'month' });
    expect(on('a month ago')).toEqual({ date: '2026-02', precision: 'month' });
    expect(on('in May')).toEqual({ date: '2026-05', precision: 'month' });
    expect(on('next year')).toEqual({ date: '2027', precision: 'year' });
    expect(on('since 2019')).toEqual({ date: '2019', precision: 'year' });
  });

  it('counts across month and year ends', () => {
    expect(resolveDate('yesterday', new Date(2026, 0, 1, 12))).toEqual({
      date: '2025-12-31',
      precision: 'day',
    });
    // A month ago from 31 March is February, not 3 March.
    expect(resolveDate('a month ago', new Date(2026, 2, 31, 12))).toEqual({
      date: '2026-02',
      precision: 'month',
    });
    expect(resolveDate('next friday', new Date(2026, 11, 30, 12))).toEqual({
      date: '2027-01-01',
      precision: 'day',
    });
  });

  it('finds no date where there is none', () => {
    for (const words of [null, '', 'soon', 'I may go', 'the marathon', 'at some point']) {
      expect(on(words as string)).toBeNull();
    }
  });
});
