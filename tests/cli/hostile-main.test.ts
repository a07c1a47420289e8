/**
 * The CLI's last resort (issue 14, item 5): an error no command handled is one line, exit 1,
 * never a stack trace; commands are looked up by own name only.
 */
import { describe, expect, it } from 'vitest';
import { lastResortMessage, main } from '../../cli/main.ts';

describe('last-resort handler', () => {
  it('turns a stack overflow into one line about nesting', () => {
    let depth = 0;
    const recurse = (): number => ++depth + recurse();
    let error: unknown;
    try {
      recurse();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RangeError);
    expect(lastResortMessage(error)).toBe(
      'netwright: internal error: the input is nested too deeply to process (please report this with the input that caused it)',
    );
  });

  it('keeps the first line of any other error, bounded, without frames', () => {
    const error = new TypeError(
      `Cannot read properties of null (reading 'x')\n    at f (a.ts:1:1)`,
    );
    const line = lastResortMessage(error);
    expect(line).toBe(
      "netwright: internal error: Cannot read properties of null (reading 'x') (please report this with the input that caused it)",
    );
    expect(lastResortMessage('x'.repeat(1000)).length).toBeLessThan(400);
    expect(lastResortMessage(new Error('Array buffer allocation failed'))).toContain(
      'needs more memory than is available',
    );
  });

  it('prototype names are no commands (in process, exit 2, nothing thrown)', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'valueOf']) {
      const err: string[] = [];
      const code = await main(
        [name, 'x'],
        () => undefined,
        (s) => err.push(s),
      );
      expect(code).toBe(2);
      expect(err[0]!.split('\n')[0]).toBe(`netwright: unknown command "${name}"`);
    }
  });
});
