import { sendBudgetMs } from './send-budget';

describe('sendBudgetMs', () => {
  it('is the waits of all retries with the defaults (8 retries, 30 s per wait)', () => {
    // 300 + 600 + 1200 + 2400 + 4800 + 9600 + 19200 + 30000 (capped)
    expect(sendBudgetMs(8, 30_000)).toBe(68_100);
  });

  it('outlasts a leader election with the fault suite settings (30 retries, 10 s per wait)', () => {
    // 300 … 9600 (six waits), then 24 waits of 10 s: far above a ~10-20 s election
    expect(sendBudgetMs(30, 10_000)).toBe(258_900);
  });

  it('never gives less than maxRetryTimeMs (one retry)', () => {
    expect(sendBudgetMs(1, 5_000)).toBe(5_000);
  });
});
