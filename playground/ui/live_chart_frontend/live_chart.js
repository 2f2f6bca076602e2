// A Plotly chart that stays mounted: the frontend half of playground/ui/live_chart.py.
//
// Streamlit (components v2) calls the default export when the element mounts and again, with the
// same parentElement, every time Python sends new data for the same key. The first call makes the
// plot div; later calls hand the new figure to Plotly.react on that same div, which diffs and
// redraws in place (no remount, no flash, zoom kept through layout.uirevision).
//
// data: UTF-8 JSON bytes {key, height, plotly, theme, figure}; figure arrays are base64 typed
// arrays {dtype, bdata, shape}. plotly: the page-relative URL of plotly.min.js.
// theme: true when the figure came without a real template; one is made from the app theme.

// No "Share chart..." button: it would post the figure to plotly's cloud service.
const CONFIG = { displaylogo: false, responsive: true, showSendToCloud: false }
const decoder = new TextDecoder()
const TYPED = { f4: Float32Array, f8: Float64Array, i1: Int8Array, u1: Uint8Array, i2: Int16Array,
  u2: Uint16Array, i4: Int32Array, u4: Uint32Array, u1c: Uint8ClampedArray }

// One plotly.min.js per page, shared by every chart (kept on window, not in this module, so a
// changed component script does not inject a second copy).
function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly)
  if (!window.__liveChartPlotly) {
    window.__liveChartPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script")
      // Relative to the page, like Streamlit's own assets, so a base URL path or a hosting
      // prefix (Community Cloud's /~/+/) is kept.
      script.src = new URL(src, document.baseURI).href
      script.onload = () => resolve(window.Plotly)
      script.onerror = () => {
        window.__liveChartPlotly = null
        reject(new Error(`live_chart: could not load ${script.src}`))
      }
      document.head.appendChild(script)
    })
  }
  return window.__liveChartPlotly
}

function plotDiv(parent, msg) {
  let div = parent.querySelector(":scope > .live-chart")
  if (!div) {
    div = document.createElement("div")
    div.className = "live-chart"
    div.dataset.liveChartKey = msg.key
    parent.appendChild(div)
  }
  if (!div.__liveChartResize) {
    // Plotly's "responsive" follows the window only: closing the sidebar, or chart columns that
    // stack on a narrow page, change the chart's width with no window resize, and the plot kept
    // its old width (cut off at the column's edge).
    div.__liveChartResize = new ResizeObserver(() => {
      if (div._fullLayout && window.Plotly) window.Plotly.Plots.resize(div)
    })
    div.__liveChartResize.observe(div)
  }
  div.style.height = `${msg.height}px` // fixed, so the page does not jump while loading
  return div
}

// Typed arrays are decoded here rather than by plotly.js so that bytes equal to the last update's
// give back the very same array object: Plotly.react compares arrays by identity, so a trace that
// did not change (the training points under the boundary) is then neither recomputed nor redrawn.
// Plain arrays of numbers or strings (hover texts, per-point colours) get the same treatment, keyed
// by their JSON: one new array object among a trace's attributes makes Plotly recompute every
// trace, which with the boundary's points cost ~25 ms a frame instead of ~5 (measured in Chromium).
// cache: Map key -> {dtype, shape, array} of the previous update; seen collects this one's.
function decodeArrays(value, cache, seen) {
  if (Array.isArray(value)) {
    if (!value.every((v) => v === null || typeof v !== "object")) {
      return value.map((v) => decodeArrays(v, cache, seen))
    }
    const key = JSON.stringify(value)
    const entry = cache.get(key) ?? { array: value }
    seen.set(key, entry)
    return entry.array
  }
  if (value === null || typeof value !== "object") return value
  if (typeof value.bdata === "string" && TYPED[value.dtype]) {
    const hit = cache.get(value.bdata)
    const same = hit && hit.dtype === value.dtype && hit.shape === value.shape
    const entry = same ? hit : { dtype: value.dtype, shape: value.shape, array: toTyped(value) }
    seen.set(value.bdata, entry)
    return entry.array
  }
  for (const key of Object.keys(value)) value[key] = decodeArrays(value[key], cache, seen)
  return value
}

function toTyped({ dtype, bdata, shape }) {
  const bytes = Uint8Array.fromBase64
    ? Uint8Array.fromBase64(bdata)
    : Uint8Array.from(atob(bdata), (c) => c.charCodeAt(0))
  const flat = new TYPED[dtype](bytes.buffer)
  if (!shape) return flat
  const [rows, cols] = String(shape).split(",").map(Number) // 2-D (z): an array of row views
  return Array.from({ length: rows }, (_, r) => flat.subarray(r * cols, (r + 1) * cols))
}

// A small template from the --st-* CSS variables Streamlit sets on every v2 component, so the
// chart follows the app's light/dark theme like st.plotly_chart does.
function themeTemplate(element) {
  const css = getComputedStyle(element)
  const list = (name) => css.getPropertyValue(name).split(",").map((c) => c.trim()).filter(Boolean)
  const scale = (colors) => colors.map((c, i) => [i / Math.max(colors.length - 1, 1), c])
  const text = css.getPropertyValue("--st-text-color").trim()
  const grid = css.getPropertyValue("--st-border-color-light").trim()
  // ticklabeloverflow "allow": the default ("hide past div") measures every tick label after each
  // redraw, forcing a layout of the whole page each time: ~20 % of the browser's time while playing.
  const axis = { gridcolor: grid, zerolinecolor: grid, linecolor: grid, ticklabeloverflow: "allow" }
  const layout = {
    font: { family: css.getPropertyValue("--st-font").trim(), color: text },
    paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
    xaxis: axis, yaxis: axis,
  }
  const colorway = list("--st-chart-categorical-colors")
  if (colorway.length) layout.colorway = colorway
  const sequential = list("--st-chart-sequential-colors")
  const diverging = list("--st-chart-diverging-colors")
  if (sequential.length > 1 && diverging.length > 1) {
    layout.colorscale = { sequential: scale(sequential), diverging: scale(diverging) }
  }
  // The same object while the theme is unchanged, so Plotly.react sees no template change.
  const json = JSON.stringify(layout)
  if (window.__liveChartTheme?.json !== json) window.__liveChartTheme = { json, template: { layout } }
  return window.__liveChartTheme.template
}

// Frames drawn per chart key, read by the browser test and the benchmark.
function countFrame(key) {
  const frames = (window.__liveChartFrames ??= {})
  frames[key] = (frames[key] || 0) + 1
}

function draw(div, msg, template) {
  const seen = new Map()
  const figure = decodeArrays(msg.figure, div.__liveChartArrays ?? new Map(), seen)
  if (template) figure.layout.template = template
  div.__liveChartArrays = seen
  return window.Plotly.react(div, figure.data, figure.layout, CONFIG).then(() => countFrame(msg.key))
}

function restart(div) {
  window.Plotly.purge(div)
  div.__liveChartArrays = undefined
  div.__liveChartWanted = undefined
}

export default async function liveChart({ data, parentElement }) {
  const text = decoder.decode(data)
  const msg = JSON.parse(text)
  // preload_plotly(): start fetching and parsing plotly.min.js while the rest of the page
  // renders, instead of when the first chart mounts.
  if (msg.preload) {
    loadPlotly(msg.plotly).catch(() => {})
    return
  }
  const div = plotDiv(parentElement, msg)
  const cleanup = () => {
    div.__liveChartResize?.disconnect()
    div.__liveChartResize = null
    window.Plotly?.purge(div)
  }
  const template = msg.theme ? themeTemplate(parentElement) : undefined
  // Python re-sent the figure last asked for (a chart the page redraws less often than every
  // tick): nothing to do.
  const wanted = div.__liveChartWanted
  if (wanted && wanted.text === text && wanted.template === template) return cleanup
  div.__liveChartWanted = { text, template }
  div.__liveChartLatest = msg
  await loadPlotly(msg.plotly)
  // Updates that arrived while plotly.min.js was loading: draw only the newest.
  if (div.__liveChartLatest !== msg) return cleanup
  try {
    await draw(div, msg, template)
  } catch (error) {
    // Plotly.react can fail on a change it cannot diff where a fresh plot of the same figure
    // works (a null axis range did, and left the regression loss chart empty): draw it afresh
    // once. A figure Plotly cannot draw at all must not leave the div broken for the good ones
    // that follow (it did, until the page was left): start the div afresh for the next figure.
    restart(div)
    try {
      await draw(div, msg, template)
      div.__liveChartWanted = { text, template }
      console.warn(`live chart ${msg.key}: redrawn from scratch after`, error)
    } catch (again) {
      console.error(`live chart ${msg.key}:`, again)
      restart(div)
    }
  }
  return cleanup // Streamlit runs the last one returned when the element unmounts
}
