// BokehJS for custom plotters, loaded once per page from bytes the kernel sends (never a CDN).
import type { Model } from "../model";

type Win = Window & { Bokeh?: any; __adaptiveNbBokeh?: Promise<any> };

/** Resolve BokehJS `version`: reuse the page's copy if it matches, else ask the kernel for it. */
export function loadBokeh(model: Model<any>, version: string): Promise<any> {
  const w = window as Win;
  if (w.Bokeh?.version === version) return Promise.resolve(w.Bokeh);
  if (w.__adaptiveNbBokeh) return w.__adaptiveNbBokeh;
  w.__adaptiveNbBokeh = new Promise((resolve, reject) => {
    const onMsg = (msg: any, buffers: DataView[]) => {
      if (msg?.type !== "bokeh_js") return;
      model.off("msg:custom", onMsg);
      const parts = buffers.map((b) => new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength));
      const url = URL.createObjectURL(new Blob(parts, { type: "text/javascript" }));
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => (w.Bokeh ? resolve(w.Bokeh) : reject(new Error("BokehJS did not define window.Bokeh")));
      script.onerror = () => reject(new Error("BokehJS failed to load"));
      document.head.appendChild(script);
    };
    model.on("msg:custom", onMsg);
    model.send({ type: "need_bokeh" });
  });
  w.__adaptiveNbBokeh.catch(() => {
    w.__adaptiveNbBokeh = undefined;
  });
  return w.__adaptiveNbBokeh;
}
