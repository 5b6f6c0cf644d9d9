// live_info: a runner's status table with a Cancel button (anywidget front end).
import { formatElapsed, formatNumber, overheadColor } from "./format";
import { ERROR_COLOR, STATUS_COLORS, WARNING_COLOR } from "./status";
import type { RenderProps } from "./model";

/**
 * The runner snapshot as the kernel sends it: the fields of src/adaptive_nb/_status.json
 * (adaptive_nb._status.RunnerSnapshot) plus `seq` and `sent_ms`; js/test checks they agree.
 */
export interface Snapshot {
  status: string;
  elapsed_time: number;
  npoints: number;
  loss: number | null;
  overhead: number;
  n_pending: number;
  n_failed: number;
  last_traceback: string | null;
  error: string | null;
  last_save_time: number | null;
  last_save_error: string | null;
  waiting_for_workers: boolean;
  seq: number;
  sent_ms: number;
}

/** Goal, progress and ETA (adaptive_nb/notebook/_progress.py); null where unknown. */
export interface Progress {
  goal: string;
  kind: string;
  target: number | null;
  progress: number | null;
  eta: number | null;
  rate: number | null;
  natural: string | null;
  error?: string;
}

/** "loss_goal=0.01: 63 % (ETA 0:00:12.0 at 250 points/s)" style text of a goal's progress. */
export function progressText(p: Partial<Progress>, running: boolean): string {
  if (!p.goal) return "";
  if (p.error) return `${p.goal} (no estimate: ${p.error})`;
  const parts: string[] = [];
  if (p.progress !== null && p.progress !== undefined) parts.push(`${(100 * p.progress).toFixed(1)} %`);
  if (running && p.kind !== "none") {
    const rate = p.rate ? ` at ${formatNumber(p.rate, 3)} points/s` : "";
    parts.push(p.eta !== null && p.eta !== undefined ? `ETA ${formatElapsed(p.eta)}${rate}` : `ETA unknown${rate}`);
  }
  return parts.length ? `${p.goal}: ${parts.join(", ")}` : p.goal;
}

export interface LiveInfoState {
  _snapshot: Partial<Snapshot>;
  _progress: Partial<Progress>;
  _error: string;
  _blocked: string;
}

const CSS = `
.anb-info { font: 13px/1.35 var(--jp-ui-font-family, system-ui, sans-serif); color: var(--jp-ui-font-color1, #222); display: inline-block; min-width: 260px; }
.anb-info table { border-collapse: collapse; }
.anb-info th { text-align: right; font-weight: 600; padding: 2px 10px 2px 4px; white-space: nowrap; }
.anb-info td { text-align: left; padding: 2px 4px; font-variant-numeric: tabular-nums; }
.anb-info tr:nth-child(even) { background: var(--jp-layout-color2, #f3f3f3); }
.anb-status { font-weight: 700; text-transform: uppercase; letter-spacing: .03em; }
.anb-dot { display: inline-block; width: .65em; height: .65em; border-radius: 50%; margin-right: .4em; vertical-align: baseline; }
.anb-cancel { margin-top: 6px; padding: 3px 14px; cursor: pointer; border: 1px solid ${ERROR_COLOR}; color: ${ERROR_COLOR}; background: transparent; border-radius: 3px; font: inherit; }
.anb-cancel:hover { background: ${ERROR_COLOR}; color: #fff; }
.anb-cancel:disabled { opacity: .5; cursor: default; }
.anb-error { color: ${ERROR_COLOR}; white-space: pre-wrap; margin: 4px 0 0; font: 12px/1.3 var(--jp-code-font-family, monospace); max-height: 18em; overflow: auto; }
.anb-info details summary { cursor: pointer; color: ${ERROR_COLOR}; }
.anb-bar { display: block; height: 4px; background: var(--jp-layout-color3, #e3e3e3); margin-top: 2px; max-width: 22em; }
.anb-bar > span { display: block; height: 100%; background: ${STATUS_COLORS.finished}; }
.anb-blocked { margin-top: 4px; padding: 3px 6px; background: #fff3cd; color: #7a4b00; border-left: 3px solid ${WARNING_COLOR}; max-width: 36em; }
`;

function row(table: HTMLTableElement, key: string, cls: string): HTMLTableCellElement {
  const tr = table.insertRow();
  const th = document.createElement("th");
  th.textContent = key;
  tr.appendChild(th);
  const td = tr.insertCell();
  td.className = cls;
  return td;
}

/** Build the widget DOM and keep it in sync with the model; returns the cleanup function. */
export function render({ model, el }: RenderProps<LiveInfoState>): () => void {
  const root = document.createElement("div");
  root.className = "anb-info";
  const style = document.createElement("style");
  style.textContent = CSS;
  root.appendChild(style);

  const table = document.createElement("table");
  const status = row(table, "status", "anb-status");
  const elapsed = row(table, "elapsed time", "anb-elapsed");
  const npoints = row(table, "# of points", "anb-npoints");
  const loss = row(table, "latest loss", "anb-loss");
  const goal = row(table, "goal", "anb-goal");
  const goalText = document.createElement("span");
  const bar = document.createElement("span");
  bar.className = "anb-bar";
  const barFill = document.createElement("span");
  bar.appendChild(barFill);
  goal.append(goalText, bar);
  const natural = row(table, "learner", "anb-natural");
  const overhead = row(table, "overhead", "anb-overhead");
  const failed = row(table, "failed points", "anb-failed");
  const saved = row(table, "last save", "anb-saved");
  root.appendChild(table);

  const tbDetails = document.createElement("details");
  tbDetails.className = "anb-traceback";
  const tbSummary = document.createElement("summary");
  tbSummary.textContent = "last traceback";
  const tbPre = document.createElement("pre");
  tbPre.className = "anb-error";
  tbDetails.append(tbSummary, tbPre);
  root.appendChild(tbDetails);

  const runError = document.createElement("pre");
  runError.className = "anb-error anb-runner-error";
  root.appendChild(runError);
  const blocked = document.createElement("div");
  blocked.className = "anb-blocked";
  root.appendChild(blocked);
  const widgetError = document.createElement("pre");
  widgetError.className = "anb-error anb-widget-error";
  root.appendChild(widgetError);

  const button = document.createElement("button");
  button.className = "anb-cancel";
  button.textContent = "Cancel runner";
  button.title = "runner.cancel()";
  root.appendChild(button);
  el.appendChild(root);

  // Front end -> kernel events are custom messages, not trait syncs: ipywidgets throttles a
  // model's syncs until the kernel reports "idle" for the previous one, and ipykernel >= 7.4
  // handles comm messages that arrive while a cell awaits without any busy/idle status, so a
  // second trait sync during `await runner.task` would wait forever. Custom messages are sent
  // immediately.
  const onClick = () => {
    model.send({ type: "cancel" });
    button.disabled = true;
    button.textContent = "Cancelling…";
  };
  button.addEventListener("click", onClick);

  let acked = 0;
  const sync = () => {
    const s = model.get("_snapshot") ?? {};
    const st = s.status ?? "running";
    status.innerHTML = "";
    const dot = document.createElement("span");
    dot.className = "anb-dot";
    dot.style.background = STATUS_COLORS[st] ?? "#777";
    const waiting = st === "running" && s.waiting_for_workers;
    status.append(dot, waiting ? "running: waiting for workers" : st);
    status.style.color = STATUS_COLORS[st] ?? "";
    status.dataset.status = st;
    elapsed.textContent = formatElapsed(s.elapsed_time ?? 0);
    npoints.textContent = String(s.npoints ?? 0) + (s.n_pending ? ` (+${s.n_pending} pending)` : "");
    loss.textContent = formatNumber(s.loss);
    const p = model.get("_progress") ?? {};
    goalText.textContent = progressText(p, st === "running");
    (goal.parentElement as HTMLElement).style.display = p.goal ? "" : "none";
    bar.style.display = typeof p.progress === "number" ? "" : "none";
    barFill.style.width = `${Math.round(100 * (p.progress ?? 0))}%`;
    natural.textContent = p.natural ?? "";
    (natural.parentElement as HTMLElement).style.display = p.natural ? "" : "none";
    const oh = s.overhead ?? 0;
    overhead.textContent = `${oh.toFixed(2)} %`;
    overhead.style.color = overheadColor(oh);
    failed.textContent = String(s.n_failed ?? 0);
    failed.style.color = s.n_failed ? ERROR_COLOR : "";
    if (s.last_save_error) {
      saved.textContent = `FAILED: ${s.last_save_error}`;
      saved.style.color = ERROR_COLOR;
    } else {
      saved.textContent = s.last_save_time ? new Date(s.last_save_time * 1000).toLocaleTimeString() : "–";
      saved.style.color = "";
    }
    (saved.parentElement as HTMLElement).style.display =
      s.last_save_time || s.last_save_error ? "" : "none";
    tbDetails.style.display = s.last_traceback ? "" : "none";
    tbPre.textContent = s.last_traceback ?? "";
    runError.textContent = s.error ? `runner error: ${s.error}` : "";
    runError.style.display = s.error ? "" : "none";
    const werr = model.get("_error") ?? "";
    widgetError.textContent = werr ? `live_info error: ${werr}` : "";
    widgetError.style.display = werr ? "" : "none";
    const blockedText = model.get("_blocked") ?? "";
    blocked.textContent = blockedText ? `⚠ ${blockedText}` : "";
    blocked.style.display = blockedText ? "" : "none";
    const running = st === "running";
    button.style.display = running ? "" : "none";
    if (!running) button.disabled = false;
    // Tell the kernel this update was drawn, so it can back off when nobody is draining.
    if (typeof s.seq === "number" && s.seq > acked) {
      acked = s.seq;
      const latency = Date.now() - (s.sent_ms ?? Date.now());
      root.dataset.latencyMs = String(latency);
      // kernel -> page latency of each update, for benchmarks/bench_widgets.py (last 1000)
      const hist: number[] = ((window as any).__adaptiveNbInfoLatency ??= []);
      hist.push(latency);
      if (hist.length > 1000) hist.shift();
      root.dataset.seq = String(s.seq);
      model.send({ type: "ack", seq: s.seq });
    }
  };
  model.on("change:_snapshot", sync);
  model.on("change:_error", sync);
  model.on("change:_blocked", sync);
  model.on("change:_progress", sync);
  sync();
  return () => {
    model.off("change:_snapshot", sync);
    model.off("change:_error", sync);
    model.off("change:_blocked", sync);
    model.off("change:_progress", sync);
    button.removeEventListener("click", onClick);
  };
}

export default { render };
