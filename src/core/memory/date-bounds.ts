import { LocusError } from '../../shared/errors';
import { dateProblem } from '../dates';

const DAY_MS = 86_400_000;

/**
 * Parses a search bound. `start` is inclusive, `end` exclusive, and a bare
 * date as `end` ("until 2026-05-01") means through the whole of that day.
 */
export function parseDateBound(
  value: string | undefined,
  field: 'start' | 'end',
): Date | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const problem = dateProblem(value);
  if (problem !== null) {
    throw new LocusError(
      'INVALID_INPUT',
      `"${value}" is not a date you can search by (${problem}); use a real date like 2026-05-01 for ${field}.`,
      {
        field,
      },
    );
  }
  const date = new Date(Date.parse(value.trim()));
  if (field === 'end' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim()))
    return new Date(date.getTime() + DAY_MS);
  return date;
}
