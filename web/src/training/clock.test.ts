import { describe, expect, it } from 'vitest';
import { clock } from './clock';

describe('exam clock', () => {
  it('shows minutes and seconds, rounding a part second up and never below zero', () => {
    expect(clock(600_000)).toBe('10:00');
    expect(clock(59_001)).toBe('1:00');
    expect(clock(9_000)).toBe('0:09');
    expect(clock(-5_000)).toBe('0:00');
  });
});
