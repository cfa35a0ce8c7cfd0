/** Milliseconds as m:ss, a part second rounded up (the exam's timer reaches 0:00 at the deadline, not before). */
export function clock(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
