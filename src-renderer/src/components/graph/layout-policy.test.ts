import { describe, expect, it } from 'vitest';
import { layoutAction, setKey, type LaidOut, type LayoutInputs } from './layout-policy';

const done: LaidOut = { relayout: 0, withoutEdges: false, nodeKey: setKey(['a', 'b']), edgeKey: setKey(['a>b']) };
const same: LayoutInputs = { relayout: 0, nodeKey: done.nodeKey, edgeKey: done.edgeKey, edgeCount: 1, interacted: false };

describe('layoutAction', () => {
  it('lays out from scratch the first time and on request, whatever the user did', () => {
    expect(layoutAction(undefined, { ...same, interacted: true })).toBe('full');
    expect(layoutAction(done, { ...same, relayout: 1, interacted: true })).toBe('full');
  });

  it('leaves a refresh with the same node and edge sets alone', () => {
    expect(layoutAction(done, same)).toBe('keep');
    expect(layoutAction(done, { ...same, interacted: true })).toBe('keep');
    // Order does not make a different set.
    expect(layoutAction(done, { ...same, nodeKey: setKey(['b', 'a', 'a']) })).toBe('keep');
  });

  it('lays everything out again when a node or edge comes or goes while the user has not touched the graph', () => {
    expect(layoutAction(done, { ...same, nodeKey: setKey(['a', 'b', 'c']) })).toBe('full');
    expect(layoutAction(done, { ...same, nodeKey: setKey(['a']) })).toBe('full');
    expect(layoutAction(done, { ...same, edgeKey: setKey(['a>b', 'b>a']), edgeCount: 2 })).toBe('full');
    expect(layoutAction(done, { ...same, edgeKey: '', edgeCount: 0 })).toBe('full');
  });

  it('keeps the picture and places only what is new once the user panned, zoomed, selected or focused', () => {
    expect(layoutAction(done, { ...same, nodeKey: setKey(['a', 'b', 'c']), interacted: true })).toBe('incremental');
    expect(layoutAction(done, { ...same, edgeKey: setKey(['a>b', 'b>a']), edgeCount: 2, interacted: true })).toBe('incremental');
  });

  it('redoes a layout made without edges once edges arrive, even after the user touched it', () => {
    const bare: LaidOut = { ...done, withoutEdges: true, edgeKey: '' };
    expect(layoutAction(bare, { ...same, interacted: true })).toBe('full');
    expect(layoutAction(bare, { ...same, edgeKey: '', edgeCount: 0, nodeKey: setKey(['a', 'b', 'c']), interacted: true })).toBe('incremental');
  });
});
