// Live Plotly charts fed by compact payloads (see ui/live_payload.py for the format).
// Loaded once with Plotly's bundle; every chart element calls window.nnLiveCharts.draw.
// Payloads are applied in arrival order (structures and arrays are cached per element);
// figures that arrive while one is being drawn replace each other, so a slow browser
// skips frames instead of falling behind.
const nnLiveChartsLibrary = (() => {
  const NAN_CODES = { q8: 255, q16: 65535 };
  const decoder = new TextDecoder();

  async function inflate(bytes) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  function rows(flat, shape) {
    if (shape.length !== 2) return flat;
    const [count, width] = shape;
    return Array.from({ length: count }, (_, row) => flat.subarray(row * width, (row + 1) * width));
  }

  function dequantize(codes, meta) {
    const [count, width] = meta.shape;
    const nanCode = NAN_CODES[meta.t];
    const values = new Float32Array(codes.length);
    const step = (meta.hi - meta.lo) / (nanCode - 1);
    for (let row = 0; row < count; row += 1) {
      let code = 0;
      for (let column = 0; column < width; column += 1) {
        const at = row * width + column;
        code = (code + codes[at]) & nanCode; // undo the row differences (mod 2^bits)
        values[at] = code === nanCode ? NaN : meta.lo + code * step;
      }
    }
    return values;
  }

  function decodeArray(body, meta) {
    const bytes = body.slice(meta.offset, meta.offset + meta.bytes); // own, aligned buffer
    if (meta.t === "q8") return rows(dequantize(bytes, meta), meta.shape);
    if (meta.t === "q16") return rows(dequantize(new Uint16Array(bytes.buffer), meta), meta.shape);
    if (meta.t === "f4") return rows(new Float32Array(bytes.buffer), meta.shape);
    if (meta.t === "i4") return rows(new Int32Array(bytes.buffer), meta.shape);
    return rows(bytes, meta.shape);
  }

  async function decode(payload) {
    const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
    const length = view.getUint32(4, true);
    const header = JSON.parse(decoder.decode(payload.subarray(8, 8 + length)));
    let body = payload.subarray(8 + length);
    if (header.zlib) body = await inflate(body);
    const arrays = {};
    for (const [path, meta] of Object.entries(header.arrays)) arrays[path] = decodeArray(body, meta);
    return { header, arrays };
  }

  function fill(structure, arrays) {
    if (Array.isArray(structure)) return structure.map(item => fill(item, arrays));
    if (structure && typeof structure === "object") {
      if ("$a" in structure) {
        if (!(structure.$a in arrays)) throw new Error(`missing array ${structure.$a}`);
        return arrays[structure.$a];
      }
      const out = {};
      for (const [key, value] of Object.entries(structure)) out[key] = fill(value, arrays);
      return out;
    }
    return structure;
  }

  function ensureGrid(root, state, grid) {
    const signature = JSON.stringify(grid);
    if (state.grid === signature) return;
    state.grid = signature;
    root.querySelector(".nn-live-grid")?.remove();
    const box = document.createElement("div");
    box.className = "nn-live-grid";
    box.style.cssText = "display:flex;flex-wrap:wrap;gap:1rem;width:100%;";
    grid.columns.forEach((names, index) => {
      const column = document.createElement("div");
      column.style.cssText = `flex:${grid.widths[index]} 1 0%;min-width:min(16rem,100%);`;
      for (const name of names) {
        const plot = document.createElement("div");
        plot.className = `nn-live-plot nn-chart-${name}`;
        const caption = document.createElement("div");
        caption.className = `nn-live-caption nn-caption-${name}`;
        caption.style.cssText =
          "font-size:0.875rem;color:rgba(30,34,51,0.6);margin:0.25rem 0 0.75rem;";
        column.append(plot, caption);
      }
      box.append(column);
    });
    root.append(box);
    state.plots = {};
  }

  async function drawLatest(plot) {
    plot.nnBusy = true;
    try {
      while (plot.nnNext) {
        const { figure, config } = plot.nnNext;
        plot.nnNext = null;
        await window.Plotly.react(plot, figure.data, figure.layout, config);
      }
    } finally {
      plot.nnBusy = false;
    }
  }

  function apply(root, state, header, arrays) {
    if (header.full) {
      state.structures = {};
      state.arrays = {};
    }
    Object.assign(state.structures, header.charts);
    Object.assign(state.arrays, arrays);
    ensureGrid(root, state, header.grid);
    for (const names of header.grid.columns) {
      for (const name of names) {
        const structure = state.structures[name];
        const plot = root.querySelector(`.nn-chart-${name}`);
        root.querySelector(`.nn-caption-${name}`).textContent = header.captions[name] || "";
        if (!structure) continue; // the next full payload brings it
        const figure = fill(structure, state.arrays);
        plot.style.minHeight = `${figure.layout.height || 300}px`;
        plot.nnNext = { figure, config: header.configs[name] };
        if (!plot.nnBusy) drawLatest(plot);
      }
    }
  }

  function draw(component) {
    const root = component.parentElement;
    const payload = component.data;
    if (!root || !(payload instanceof Uint8Array)) return;
    const state = (root.nnLive ||= { structures: {}, arrays: {}, queue: Promise.resolve() });
    state.queue = state.queue
      .then(() => decode(payload))
      .then(({ header, arrays }) => apply(root, state, header, arrays))
      .catch(error => console.warn("live chart:", error));
  }

  return { draw, decode, fill };
})();

if (typeof window !== "undefined") window.nnLiveCharts = nnLiveChartsLibrary;
