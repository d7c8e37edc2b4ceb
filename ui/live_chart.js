// Draws the newest figure with Plotly.react; figures that arrive while one is being drawn
// replace each other, so a slow browser skips frames instead of falling behind.
const waitForPlotly = () => new Promise(resolve => {
  const check = () => (window.Plotly ? resolve(window.Plotly) : window.setTimeout(check, 30));
  check();
});

async function drawLatest(plot) {
  plot.nnBusy = true;
  try {
    while (plot.nnNext) {
      const { figure, config } = plot.nnNext;
      plot.nnNext = null;
      const Plotly = await waitForPlotly();
      await Plotly.react(plot, figure.data, figure.layout, config);
    }
  } finally {
    plot.nnBusy = false;
  }
}

export default function (component) {
  const { data, parentElement } = component;
  let plot = parentElement.querySelector(".nn-live-plot");
  const figure = JSON.parse(data.figure);
  if (!plot) {
    plot = document.createElement("div");
    plot.className = "nn-live-plot";
    parentElement.appendChild(plot);
  }
  plot.style.minHeight = `${figure.layout.height || 300}px`;
  plot.nnNext = { figure, config: data.config };
  if (!plot.nnBusy) drawLatest(plot);
}
