// The face of one layer on the canvas: id, type, key parameters, output shape, parameter count, error.
import React, { createContext, memo, useContext, useEffect } from "react";
import { Handle, Position, useUpdateNodeInternals } from "@xyflow/react";
import { colourOf, hasInput, isMulti } from "./graph.js";
import { fill } from "./texts.js";
import { rendered } from "./probe.js";

// { palette, texts }, shared by every node face; they change only with the page's language. What one node shows
// of the analysis (shape, count, error, live pictures, incoming wires) comes in its own data.face (faces.js), so
// an edit re-renders the nodes whose face changed, not every node.
export const CanvasContext = createContext({ palette: {}, texts: {} });
const NO_FACE = { ann: {}, live: undefined, inCount: 0 };

// The parameters a student most wants to read on the node, in the order they matter.
const KEY_PARAMS = [
  "shape", "out_features", "out_channels", "kernel_size", "stride", "hidden_size", "num_layers",
  "bidirectional", "nhead", "num_embeddings", "embedding_dim", "dim_feedforward", "output_size",
  "p", "dim", "mode", "kind", "negative_slope", "dtype",
];

const fmt = (v) => {
  if (Array.isArray(v)) return `[${v.join(", ")}]`;
  if (typeof v === "number" && !Number.isInteger(v)) return String(Number(v.toPrecision(4)));
  return String(v);
};

// "1,234 params" in the page's language (the number keeps its thousands separators).
const countText = (texts, n) => fill(n === 1 ? texts.param_one : texts.params, { count: n.toLocaleString("en-US") });

function keyParams(params) {
  const shown = KEY_PARAMS.filter((k) => params[k] !== undefined && params[k] !== null);
  const picked = shown.length ? shown : Object.keys(params).filter((k) => params[k] !== null);
  return picked.slice(0, 3).map((k) => [k, fmt(params[k])]);
}

// While training: a sparkline of the node's activation histogram and, for ReLUs, the dead share.
function Live({ live }) {
  const bars = live.hist || [];
  return (
    <div className="nc-live" data-testid="nc-live">
      <svg className="nc-spark" viewBox={`0 0 ${Math.max(1, bars.length)} 1`} preserveAspectRatio="none">
        {bars.map((h, i) => <rect key={i} x={i + 0.1} y={1 - h} width={0.8} height={h} />)}
      </svg>
      {live.dead_text && <span className="nc-dead" data-testid="nc-dead">{live.dead_text}</span>}
    </div>
  );
}

function LayerNode({ id, data, selected }) {
  rendered(id);
  const { palette, texts } = useContext(CanvasContext);
  const spec = palette[data.type];
  const { ann, live, inCount } = data.face || NO_FACE;
  const error = ann.error || (spec ? null : fill(texts.unknown, { type: data.type }));
  const inputs = !hasInput(data.type, spec) ? 0 : isMulti(spec) ? inCount + 1 : 1;
  const updateNodeInternals = useUpdateNodeInternals();
  useEffect(() => updateNodeInternals(id), [id, inputs, updateNodeInternals]);

  const classes = ["nc-node", error ? "nc-error" : "", selected ? "nc-selected" : ""].join(" ");
  return (
    <div className={classes} style={{ "--cat": colourOf(spec) }} title={error || spec?.help || ""}
         data-testid="nc-node" data-node-type={data.type}>
      {Array.from({ length: inputs }, (_, i) => (
        <Handle key={i} id={`in${i}`} type="target" position={Position.Top}
                className="nc-handle" style={{ left: `${((i + 1) * 100) / (inputs + 1)}%` }}>
          {inputs > 1 && <span className="nc-port">{i}</span>}
        </Handle>
      ))}
      <div className="nc-head">
        <span className="nc-id">{id}</span>
        <span className="nc-type">{data.type}</span>
      </div>
      {keyParams(data.params).map(([k, v]) => (
        <div className="nc-param" key={k}><span>{k}</span><b>{v}</b></div>
      ))}
      <div className="nc-foot">
        <span className="nc-shape" data-testid="nc-shape">{ann.shape ? `→ ${ann.shape}` : ""}</span>
        <span className="nc-count">{ann.params ? countText(texts, ann.params) : ""}</span>
      </div>
      {live && <Live live={live} />}
      {error && <div className="nc-msg" data-testid="nc-error">{error}</div>}
      <Handle id="out" type="source" position={Position.Bottom} className="nc-handle" />
    </div>
  );
}

export default memo(LayerNode);
