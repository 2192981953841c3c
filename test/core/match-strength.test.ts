import { describe, expect, it } from 'vitest';
import {
  SURFACING_FLOOR,
  SURFACING_RELATIVE_FLOOR,
} from '../../src/core/memory/surfacing/surfacing';
import { isWeakMatch, WEAK_SCORE, WEAK_SHARE_OF_BEST } from '../../src/shared/match-strength';

describe('weak matches', () => {
  // The CLI calls "weak" what surfacing would not put before the model; the
  // shared module cannot import the core's tuned constants, so this keeps
  // them from drifting apart when surfacing is retuned.
  it('uses the levels surfacing keeps memories at', () => {
    expect(WEAK_SCORE).toBe(SURFACING_FLOOR);
    expect(WEAK_SHARE_OF_BEST).toBe(SURFACING_RELATIVE_FLOOR);
  });

  it('marks hits under the floor or under half the best', () => {
    expect(isWeakMatch(0.29, 0.29)).toBe(true);
    expect(isWeakMatch(0.35, 0.9)).toBe(true);
    expect(isWeakMatch(0.5, 0.9)).toBe(false);
    expect(isWeakMatch(0.9, 0.9)).toBe(false);
  });
});
