// The graph editor: React Flow canvas, palette, toolbar, undo history, and the debounced sync to Python.
import React, { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from "react";
import {
  Background, Controls, MarkerType, MiniMap, Panel, ReactFlow,
  applyEdgeChanges, applyNodeChanges, useReactFlow,
} from "@xyflow/react";
import LayerNode, { CanvasContext } from "./LayerNode.jsx";
import Palette, { DRAG_MIME } from "./Palette.jsx";
import Toolbar from "./Toolbar.jsx";
import {
  colourOf, connect, defaultParams, fromFlow, newNodeId, renumberPorts, toFlow, wouldCycle,
} from "./graph.js";
import { ariaLabels, fill } from "./texts.js";
import { edgeViews, newFaceCache, nodeFaces, withFaces } from "./faces.js";
import { listen } from "./channel.js";
import { mark } from "./probe.js";
import { NODE_BOX, freePlace, keepUnchanged, placement, typesOf } from "./place.js";

const NODE_TYPES = { layer: LayerNode };
const SELECT_DELAY_MS = 150; // selection clicks and drags in progress: at most one rerun per 150 ms
// A finished edit (drop, connect, delete, drag end, undo) goes out as soon as React has applied it.
const HISTORY_LIMIT = 200;
const MINIMAP_MIN_NODES = 12; // a small network fits on screen; there the minimap only hides nodes
// Room at the top for the toolbar; capped zoom so a tiny graph is not blown up.
const FIT = { padding: { top: "72px", bottom: "56px", left: "56px", right: "56px" }, maxZoom: 1.1 };
const NOTICE_MS = 4000;
const EDGE_DEFAULTS = { markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: "#64748b" } };


// Python's {undo, redo} as the toolbar's {index, length}.
const pyHist = ({ undo, redo }) => ({ index: undo ? 1 : 0, length: 1 + (undo ? 1 : 0) + (redo ? 1 : 0) });

export default function Editor({ data, send }) {
  const { height = 600 } = data;
  // Every rerun delivers fresh objects; keep the old ones while the content is the same, so a rerun
  // that changed nothing re-renders nothing.
  const paletteJson = JSON.stringify(data.palette || {});
  const annotationsJson = JSON.stringify(data.annotations || {});
  const palette = useMemo(() => JSON.parse(paletteJson), [paletteJson]);
  const analysis = useMemo(() => JSON.parse(annotationsJson), [annotationsJson]);
  // While this network trains, its pictures arrive through the live channel at each poll (live.js).
  const [subscribe, snapshot] = useMemo(() => listen(String(data.live || "")), [data.live]);
  const live = useSyncExternalStore(subscribe, snapshot);
  const annotations = useMemo(() => (data.live && live
    ? { ...analysis, _live: live.nodes || {}, _flow: live.edges || {} } : analysis), [analysis, data.live, live]);
  const flow = useReactFlow();
  const [state, setState] = useState(() => toFlow(data.graph, palette, null));
  const [hist, setHist] = useState({ index: 0, length: 1 });
  const [notice, setNotice] = useState(null);
  const r = useRef(null); // mutable editor memory that must not trigger renders
  if (r.current === null) {
    r.current = {
      instance: Math.random().toString(36).slice(2, 10), seq: 0, timer: null, due: 0, action: null,
      pending: null, dragging: false, selected: null, revision: data.revision, generation: data.generation,
      history: [JSON.stringify(fromFlow(state.nodes, state.edges, palette))], index: 0,
      sendAfterRender: false, lastSent: null, faces: newFaceCache(),
    };
  }
  const m = r.current;
  // data.history ({undo, redo}): Python keeps the undo history of the project; Undo and Redo ask it.
  Object.assign(m, { state, palette, send, texts: data.texts || {}, pyHistory: data.history || null });
  const rootRef = useRef(null);

  // Sends the whole current state, unless it is the edit sent last (Python has it: no rerun for nothing); a
  // button's action (auto-layout, undo, redo) always goes out.
  const flush = useCallback(() => {
    clearTimeout(m.timer);
    m.timer = null;
    if (m.dragging) { scheduleRef.current(SELECT_DELAY_MS); return; }
    const event = { revision: m.revision, selected: m.selected, action: m.action,
                    graph: fromFlow(m.state.nodes, m.state.edges, m.palette) };
    m.action = null;
    const same = JSON.stringify(event);
    if (same === m.lastSent && !event.action) return;
    m.lastSent = same;
    m.seq += 1;
    mark("send");
    m.send({ id: `${m.instance}:${m.seq}`, ...event });
  }, [m]);

  // Sends the whole current state after `delay` ms, unless a send is already due sooner.
  const scheduleSync = useCallback((delay) => {
    const due = performance.now() + delay;
    if (m.timer !== null && m.due <= due) return;
    clearTimeout(m.timer);
    m.due = due;
    m.timer = setTimeout(flush, delay);
  }, [m, flush]);
  const scheduleRef = useRef(scheduleSync);
  scheduleRef.current = scheduleSync;

  // Handlers mark the state as changed; the effect below records it once React has applied it.
  const markChanged = useCallback((mode = "sync") => {
    m.pending = mode;
    setState((s) => ({ ...s }));
  }, [m]);

  useEffect(() => {
    if (!m.pending) return;
    const mode = m.pending;
    m.pending = null;
    const snap = JSON.stringify(fromFlow(state.nodes, state.edges, palette));
    if (snap === m.history[m.index]) return;
    m.history = [...m.history.slice(Math.max(0, m.index + 2 - HISTORY_LIMIT), m.index + 1), snap];
    m.index = m.history.length - 1;
    setHist({ index: m.index, length: m.history.length });
    if (mode !== "sync") return;
    flush();
    // Deleting the focused node drops focus to <body>; take it back so the next key still works.
    // (React Flow removes the node's DOM a render later, hence the timeout.)
    setTimeout(() => {
      if (document.activeElement === document.body) rootRef.current?.focus({ preventScroll: true });
    }, 30);
  }, [state, palette, m, flush]);

  // Undo and redo set the state themselves; what they set goes out once React has rendered it.
  useEffect(() => {
    if (!m.sendAfterRender) return;
    m.sendAfterRender = false;
    flush();
  }, [state, m, flush]);

  // Python replaced the graph (revision bump): adopt it, drop any unsent edit, keep the selection.
  useEffect(() => {
    if (data.revision === m.revision) return;
    m.revision = data.revision;
    clearTimeout(m.timer);
    m.timer = null;
    m.action = null;
    const next = keepUnchanged(toFlow(data.graph, palette, m.selected), m.state);
    if (!next.nodes.some((n) => n.id === m.selected)) m.selected = null;
    const moved = placement(next.nodes) !== placement(m.state.nodes);
    setState(next);
    if (data.generation !== m.generation) {
      // A new project (lesson, upload, new): Undo must not bring the old network back under the new title.
      m.generation = data.generation;
      m.history = [JSON.stringify(fromFlow(next.nodes, next.edges, palette))];
      m.index = 0;
      setHist({ index: 0, length: 1 });
    } else {
      markChanged("quiet");
    }
    if (moved) setTimeout(() => flow.fitView(FIT), 50);
  }, [data.revision, data.generation, data.graph, palette, m, flow, markChanged]);

  // The pane can still be resizing when React Flow first fits; fit again once it has settled.
  useEffect(() => {
    const t = setTimeout(() => flow.fitView(FIT), 120);
    return () => clearTimeout(t);
  }, [flow]);

  const travel = useCallback((step) => {
    if (m.pyHistory) {
      m.action = step < 0 ? "undo" : "redo";
      flush();
      return;
    }
    const index = m.index + step;
    if (index < 0 || index >= m.history.length) return;
    m.index = index;
    setHist({ index, length: m.history.length });
    setState(keepUnchanged(toFlow(JSON.parse(m.history[index]), m.palette, m.selected), m.state));
    m.sendAfterRender = true;
  }, [m, flush]);

  const onNodesChange = useCallback((changes) => {
    setState((s) => ({ ...s, nodes: applyNodeChanges(changes, s.nodes) }));
    const removed = new Set(changes.filter((c) => c.type === "remove").map((c) => c.id));
    if (!removed.size) return;
    if (removed.has(m.selected)) m.selected = null; // sent with the delete, not in a rerun of its own
    markChanged();
  }, [m, markChanged]);

  const onEdgesChange = useCallback((changes) => {
    const removed = changes.some((c) => c.type === "remove");
    setState((s) => {
      const edges = applyEdgeChanges(changes, s.edges);
      return { ...s, edges: removed ? renumberPorts(edges, m.palette, typesOf(s.nodes)) : edges };
    });
    if (removed) markChanged();
  }, [m, markChanged]);

  const onConnect = useCallback((c) => {
    setState((s) => ({ ...s, edges: connect(s.edges, c, m.palette, typesOf(s.nodes)) }));
    markChanged();
  }, [m, markChanged]);

  // A refused connection says why instead of leaving a grey line.
  const onConnectEnd = useCallback((event, cs) => {
    if (!cs || cs.isValid || !cs.fromNode || !cs.toNode || cs.fromNode.id === cs.toNode.id) {
      if (cs && cs.fromNode && cs.toNode && cs.fromNode.id === cs.toNode.id) {
        setNotice(fill(m.texts.self_loop, {}));
      }
      return;
    }
    const fromSource = cs.fromHandle?.type !== "target";
    const [source, target] = fromSource ? [cs.fromNode.id, cs.toNode.id] : [cs.toNode.id, cs.fromNode.id];
    if (wouldCycle(m.state.edges, source, target)) {
      setNotice(fill(m.texts.cycle, { source, target }));
    }
  }, [m]);
  useEffect(() => {
    if (!notice) return undefined;
    const t = setTimeout(() => setNotice(null), NOTICE_MS);
    return () => clearTimeout(t);
  }, [notice]);

  const isValidConnection = useCallback((c) => String(c.targetHandle || "").startsWith("in")
    && !wouldCycle(m.state.edges, c.source, c.target), [m]);

  const onSelectionChange = useCallback(({ nodes }) => {
    const id = nodes.length ? nodes[nodes.length - 1].id : null;
    if (id === m.selected) return;
    m.selected = id;
    scheduleSync(SELECT_DELAY_MS);
  }, [m, scheduleSync]);

  const dragStart = useCallback(() => { m.dragging = true; }, [m]);
  const dragStop = useCallback(() => { m.dragging = false; markChanged(); }, [m, markChanged]);

  // A node placed out of sight (the free place was below the pane) is brought into view, zoom unchanged.
  const reveal = useCallback((p) => {
    const box = rootRef.current?.querySelector(".react-flow")?.getBoundingClientRect();
    if (!box) return;
    const { x, y, zoom } = flow.getViewport();
    const left = -x / zoom, top = -y / zoom;
    const inside = p.x >= left && p.y >= top && p.x + NODE_BOX.w <= left + box.width / zoom
      && p.y + NODE_BOX.h <= top + box.height / zoom;
    if (!inside) flow.setCenter(p.x + NODE_BOX.w / 2, p.y + NODE_BOX.h / 2, { zoom, duration: 200 });
  }, [flow]);

  const addNode = useCallback((type, at) => {
    const position = freePlace(m.state.nodes, { x: at.x - 90, y: at.y - 30 });
    const id = newNodeId(type, new Set(m.state.nodes.map((n) => n.id)));
    const node = {
      id, type: "layer", selected: true, position, data: { type, params: defaultParams(m.palette[type]), raw: {} },
    };
    setState((s) => ({ ...s, nodes: [...s.nodes.map((n) => (n.selected ? { ...n, selected: false } : n)), node] }));
    m.selected = id; // the edit goes out at once, with the new node selected: one rerun opens its inspector
    markChanged();
    setTimeout(() => reveal(position), 30);
  }, [m, markChanged, reveal]);

  const onDragOver = useCallback((e) => { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; }, []);
  const onDrop = useCallback((e) => {
    const type = e.dataTransfer.getData(DRAG_MIME);
    if (!type || !m.palette[type]) return;
    e.preventDefault();
    addNode(type, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  }, [m, flow, addNode]);
  const addAtCentre = useCallback((type) => {
    const box = rootRef.current.querySelector(".react-flow").getBoundingClientRect();
    addNode(type, flow.screenToFlowPosition({ x: box.x + box.width / 2, y: box.y + box.height / 2 }));
  }, [flow, addNode]);

  const onKeyDown = useCallback((e) => {
    if (!(e.ctrlKey || e.metaKey) || e.target.closest?.("input, textarea, select")) return;
    const key = e.key.toLowerCase();
    if (key === "z") travel(e.shiftKey ? 1 : -1);
    else if (key === "y") travel(1);
    else return;
    e.preventDefault();
  }, [travel]);
  // Clicks on the pane do not move keyboard focus by themselves; Delete and Ctrl+Z need it here.
  const takeFocus = useCallback((e) => {
    if (!e.target.closest?.("input, textarea, select")) rootRef.current?.focus({ preventScroll: true });
  }, []);

  const autoLayout = useCallback(() => { m.action = "auto_layout"; flush(); }, [m, flush]);

  const textsJson = JSON.stringify(data.texts || {});
  const texts = useMemo(() => JSON.parse(textsJson), [textsJson]);
  const labels = useMemo(() => ariaLabels(texts), [texts]);
  const context = useMemo(() => ({ palette, texts }), [palette, texts]);
  // Only the nodes and edges whose face changed are new objects: React Flow re-renders those alone.
  const faces = useMemo(() => nodeFaces(state.nodes, state.edges, annotations, palette, m.faces),
    [state.nodes, state.edges, annotations, palette, m]);
  const nodes = useMemo(() => withFaces(state.nodes, faces, m.faces), [state.nodes, faces, m]);
  const edgeLabel = useCallback((e) => fill(texts.edge_label, { source: e.source, target: e.target }), [texts]);
  const edges = useMemo(() => edgeViews(state.edges, annotations, edgeLabel, m.faces),
    [state.edges, annotations, edgeLabel, m]);
  const nodeColour = useCallback((n) => colourOf(m.palette[n.data.type]), [m]);

  return (
    <CanvasContext.Provider value={context}>
      <div className="nc-root" ref={rootRef} tabIndex={0} style={{ height }} data-testid="nc-root"
           onKeyDown={onKeyDown} onPointerDownCapture={takeFocus}>
        <Palette palette={palette} onAdd={addAtCentre} texts={texts} />
        <div className="nc-flow">
          <ReactFlow nodes={nodes} edges={edges} nodeTypes={NODE_TYPES}
                     onNodesChange={onNodesChange} onEdgesChange={onEdgesChange}
                     onConnect={onConnect} onConnectEnd={onConnectEnd} isValidConnection={isValidConnection}
                     onSelectionChange={onSelectionChange}
                     onNodeDragStart={dragStart} onNodeDragStop={dragStop}
                     onSelectionDragStart={dragStart} onSelectionDragStop={dragStop}
                     onDrop={onDrop} onDragOver={onDragOver}
                     deleteKeyCode={["Delete", "Backspace"]} minZoom={0.05} maxZoom={2.5}
                     fitView fitViewOptions={FIT} defaultEdgeOptions={EDGE_DEFAULTS} ariaLabelConfig={labels}>
            <Background gap={24} size={1.5} color="#cbd5e1" />
            {state.nodes.length >= MINIMAP_MIN_NODES && (
              <MiniMap pannable zoomable nodeColor={nodeColour} nodeStrokeWidth={3}
                       style={{ width: 150, height: 100 }} />
            )}
            <Controls showInteractive={false} position="top-left" orientation="horizontal" />
            <Toolbar texts={texts} hist={data.history ? pyHist(data.history) : hist} travel={travel}
                     fit={() => flow.fitView(FIT)}
                     autoLayout={autoLayout} />
            {notice && (
              <Panel position="bottom-center" className="nc-notice" data-testid="nc-notice">{notice}</Panel>
            )}
            {state.nodes.length === 0 && (
              <Panel position="top-center" className="nc-hint">
                {texts.hint}
              </Panel>
            )}
          </ReactFlow>
        </div>
      </div>
    </CanvasContext.Provider>
  );
}
