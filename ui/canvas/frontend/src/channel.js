// The live pictures' way from their small component (live.js, redrawn at each poll while training) to the editor
// (drawn only when the page reruns): one hub on the page's global object, shared by both bundles.
const hub = globalThis.__neurocanvasLive || (globalThis.__neurocanvasLive = { values: new Map(), listeners: new Map() });

// Hands `live` ({nodes, edges}, or null when the pictures end) to the editors listening on `channel`.
export function publish(channel, live) {
  hub.values.set(channel, live);
  for (const listener of hub.listeners.get(channel) || []) listener();
}

// (subscribe, snapshot) for React's useSyncExternalStore.
export function listen(channel) {
  const subscribe = (listener) => {
    if (!hub.listeners.has(channel)) hub.listeners.set(channel, new Set());
    hub.listeners.get(channel).add(listener);
    return () => hub.listeners.get(channel).delete(listener);
  };
  return [subscribe, () => hub.values.get(channel) ?? null];
}
