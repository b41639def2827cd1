// Entry point called by st.components.v2 on every rerun: mounts the editor once per host element.
import React from "react";
import { flushSync } from "react-dom";
import { createRoot } from "react-dom/client";
import { ReactFlowProvider } from "@xyflow/react";
import Editor from "./Editor.jsx";
import { mark } from "./probe.js";

// Streamlit calls this function again on each rerun with the same parent element; cleanup runs only on
// unmount. One React root per parent keeps the editor's own state (and DOM) across reruns.
const editors = new WeakMap();

export default function mountCanvas({ parentElement, data, setStateValue }) {
  mark("data");
  let editor = editors.get(parentElement);
  if (!editor) {
    const host = document.createElement("div");
    host.className = "nc-host";
    parentElement.appendChild(host);
    editor = { host, root: createRoot(host) };
    editors.set(parentElement, editor);
  }
  const send = (event) => setStateValue("event", event);
  // Drawn now, not in a task queued behind the rest of the rerun's messages (Streamlit's page handles each in a
  // task of its own, and a rerun brings ~150): the new shapes are on screen as soon as they arrive.
  flushSync(() => editor.root.render(
    <ReactFlowProvider>
      <Editor data={data || {}} send={send} />
    </ReactFlowProvider>,
  ));
  return () => {
    editors.delete(parentElement);
    editor.root.unmount();
    editor.host.remove();
  };
}
