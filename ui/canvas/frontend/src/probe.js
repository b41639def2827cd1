// Timing marks and render counts for the benchmarks and browser tests, recorded only while a page has armed
// `window.__ncProbe = { marks: [], renders: {} }`; otherwise each call is one property lookup.

// Notes [name, performance.now()]: "data" (new data from Python reached the canvas), "send" (an edit sent).
export const mark = (name) => {
  const probe = globalThis.__ncProbe;
  if (probe) probe.marks.push([name, performance.now()]);
};

// Counts one render of the node face `id`.
export const rendered = (id) => {
  const probe = globalThis.__ncProbe;
  if (probe) probe.renders[id] = (probe.renders[id] || 0) + 1;
};
