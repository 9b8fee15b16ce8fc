import { describe, expect, it } from 'vitest';
import { writer } from '../../src/cli/context.ts';

describe('the output writer', () => {
  const eagain = () => Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' });

  it('writes a text through the descriptor in as many writes as it takes', () => {
    const out: string[] = [];
    const w = writer(1, (_fd, bytes, offset) => {
      const n = Math.min(4, bytes.length - offset);
      out.push(bytes.subarray(offset, offset + n).toString());
      return n;
    }, () => ({ write: () => expect.unreachable('no stream while the descriptor takes writes') }));
    w('wrote out/aws-kinesis.json\n');
    expect(out.join('')).toBe('wrote out/aws-kinesis.json\n');
  });

  it('hands only what the descriptor did not take to the stream when it refuses (a non-blocking pipe), then uses the stream', () => {
    const fd: string[] = [];
    const stream: string[] = [];
    let calls = 0;
    const w = writer(
      1,
      (_fd, bytes, offset) => {
        if (++calls > 1) throw eagain();
        fd.push(bytes.subarray(offset, offset + 6).toString());
        return 6;
      },
      () => ({ write: (chunk) => stream.push(chunk.toString()) }),
    );
    w('wrote a.json\n');
    w('wrote b.json\n');
    expect(fd.join('') + stream.join('')).toBe('wrote a.json\nwrote b.json\n');
    expect(calls).toBe(2); // once the stream took over, the descriptor is not tried again
  });
});
