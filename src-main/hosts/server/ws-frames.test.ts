// WebSocket frames: JSON text for every message but data frames with log lines, which go binary
// with their texts as raw UTF-8; random messages come back exactly, malformed frames are refused
// with what is wrong, never half-decoded.
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { encodeWsMessage, FramePool, webSocketTransport } from './ws-transport';
import type { LogLineBatch } from '../../contract/log-lines';
import { encodeServerMessage, type ServerMessage } from '../../contract/messages';
import { decodeWsMessage } from '../../contract/ws-frames';

let seed = 7;
const rnd = (n: number) => ((seed = (seed * 48271) % 2147483647), seed % n);
const CHARS = ['\ufeff', 'a', 'Z', ' ', '"', '\\', '{', '}', 'é', '✓', '😀', '\t', '\r', '\u0000', '\u2028', 'ß', '中'];
const randomText = () => Array.from({ length: rnd(40) }, () => CHARS[rnd(CHARS.length)]).join('');

function randomBatch(): LogLineBatch {
  const n = 1 + rnd(6);
  return {
    ...(rnd(2) ? { sources: [{ id: rnd(5), namespace: 'n', pod: `p${rnd(9)}`, container: 'c' }] } : {}),
    seq: Array.from({ length: n }, (_, i) => i + 1),
    ts: Array.from({ length: n }, () => '2024-01-01T00:00:00.123456789Z'),
    src: Array.from({ length: n }, () => rnd(5)),
    text: Array.from({ length: n }, randomText).join('\n'),
    ...(rnd(4) === 0 ? { cut: [[0, 70_000] as [number, number]] } : {}),
  };
}

function randomData(): ServerMessage {
  const items = Array.from({ length: rnd(5) }, () =>
    rnd(3) ? { type: 'lines', batch: randomBatch() } : rnd(2) ? { type: 'dropped', count: rnd(9), total: rnd(99) } : { type: 'streams', streams: [], limited: false, maxStreams: 50 },
  );
  return { t: 'data', id: rnd(100), seq: 1 + rnd(100), items, ...(rnd(3) === 0 ? { dropped: rnd(10) } : {}) };
}

const roundTrip = (m: ServerMessage) => {
  const frame = encodeWsMessage(m);
  return decodeWsMessage(typeof frame === 'string' ? frame : new Uint8Array(frame).buffer);
};

describe('WebSocket frames', () => {
  it('sends every message without log lines as its JSON text', () => {
    const messages: ServerMessage[] = [
      { t: 'result', id: 1, ok: true, value: { a: [1, 'x'] } },
      { t: 'result', id: 2, ok: true, json: '{"big":true}' },
      { t: 'data', id: 3, seq: 1, items: [{ type: 'dropped', count: 1, total: 2 }] },
      { t: 'data', id: 3, seq: 2, items: [{ type: 'lines', batch: { text: ['not the tail stream'] } }] },
      { t: 'end', id: 3 },
    ];
    for (const m of messages) {
      expect(encodeWsMessage(m)).toBe(encodeServerMessage(m));
      expect(roundTrip(m)).toEqual(JSON.parse(encodeServerMessage(m)));
    }
  });

  it('sends a data frame with lines as binary, its texts as raw UTF-8, and gets back exactly what was sent', () => {
    const m: ServerMessage = {
      t: 'data',
      id: 9,
      seq: 4,
      items: [
        { type: 'lines', batch: { seq: [1, 2, 3], ts: ['a', 'b', 'c'], src: [0, 0, 1], text: '{"msg":"héllo \\"q\\""}\n\n😀 end' } },
        { type: 'dropped', count: 3, total: 7 },
        { type: 'lines', batch: { seq: [4], ts: ['d'], src: [1], text: '' } },
        // A BOM some apps write first: text, kept (a decoder that drops it misplaces every batch after).
        { type: 'lines', batch: { seq: [5], ts: ['e'], src: [1], text: '\ufeff{"msg":"bom"}' } },
      ],
    };
    const frame = encodeWsMessage(m);
    expect(frame).toBeInstanceOf(Uint8Array);
    // The quotes and backslashes of the texts are not escaped: the texts' bytes are in the frame as they are.
    expect(Buffer.from(frame as Uint8Array).includes(Buffer.from('{"msg":"héllo \\"q\\""}\n\n😀 end'))).toBe(true);
    expect(decodeWsMessage(frame as Uint8Array)).toEqual(m);
    const bomFirst: ServerMessage = { t: 'data', id: 2, seq: 1, items: [{ type: 'lines', batch: { seq: [1], ts: [''], src: [0], text: '\ufeffhello' } }] };
    expect(roundTrip(bomFirst)).toEqual(bomFirst);
    for (let i = 0; i < 300; i++) {
      const r = randomData();
      expect(roundTrip(r)).toEqual(r);
    }
  });

  it('refuses malformed binary frames with what is wrong', () => {
    const m: ServerMessage = { t: 'data', id: 1, seq: 1, items: [{ type: 'lines', batch: { seq: [1, 2], ts: ['', ''], src: [0, 0], text: 'one\ntwo' } }] };
    const frame = Buffer.from(encodeWsMessage(m) as Uint8Array);
    expect(() => decodeWsMessage(frame.subarray(0, 3))).toThrow(/3 bytes: too short/);
    const badHead = Buffer.from(frame);
    badHead.writeUInt32LE(frame.length, 0);
    expect(() => decodeWsMessage(badHead)).toThrow(/announces a head of/);
    expect(() => decodeWsMessage(frame.subarray(0, frame.length - 2))).toThrow(/texts end at 5, a batch needs up to 7/);
    expect(() => decodeWsMessage(Buffer.concat([frame, Buffer.from('xx')]))).toThrow(/2 characters of text no batch claims/);
    const head = Buffer.from('{"t":"end","id":1}');
    const notData = Buffer.alloc(4 + head.length);
    notData.writeUInt32LE(head.length, 0);
    head.copy(notData, 4);
    expect(() => decodeWsMessage(notData)).toThrow(/holds a 'end' message/);
    // Random damage: decoded or refused with an Error, never anything else.
    for (let i = 0; i < 2000; i++) {
      const damaged = Buffer.from(frame.subarray(0, rnd(frame.length + 1)));
      if (damaged.length && rnd(2)) damaged[rnd(damaged.length)] = rnd(256);
      try {
        decodeWsMessage(damaged);
      } catch (err) {
        expect(err).toBeInstanceOf(Error);
      }
    }
  });

  it('writes binary frames into pooled buffers, each reused only after the socket is done with it', () => {
    const pool = new FramePool(2);
    const writes: Array<{ data: Uint8Array; done?: () => void }> = [];
    const socket = { OPEN: 1, readyState: 1, send: (data: Uint8Array, done?: () => void) => writes.push({ data, done }), on: () => {} };
    const t = webSocketTransport(socket as unknown as WebSocket, pool);
    const lines = (text: string): ServerMessage => ({ t: 'data', id: 1, seq: 1, items: [{ type: 'lines', batch: { seq: [1], ts: [''], src: [0], text } }] });
    t.send(lines('first'));
    t.send(lines('second'));
    // Both in flight: two buffers, none back in the pool.
    expect(writes[0]!.data.buffer).not.toBe(writes[1]!.data.buffer);
    expect(pool.size).toBe(0);
    const firstText = decodeWsMessage(writes[0]!.data);
    writes[0]!.done!();
    expect(pool.size).toBe(1);
    t.send(lines('third'));
    expect(writes[2]!.data.buffer).toBe(writes[0]!.data.buffer); // reused after its write completed
    expect(decodeWsMessage(writes[2]!.data)).toEqual(lines('third'));
    expect(firstText).toEqual(lines('first'));
    // Text frames do not touch the pool.
    t.send({ t: 'end', id: 1 });
    expect(writes[3]!.data).toBe('{"t":"end","id":1}');
    expect(writes[3]!.done).toBeUndefined();
    // A frame bigger than the pool keeps is its own buffer, not kept afterwards.
    const big = new FramePool(2, 1024);
    const b = big.take(5000);
    big.give(b);
    expect(big.size).toBe(0);
  });
});
