// The slice of anywidget's front-end model API the widgets use (anywidget >= 0.9 AFM).

export interface Model<T> {
  get<K extends keyof T>(key: K): T[K];
  set<K extends keyof T>(key: K, value: T[K]): void;
  save_changes(): void;
  on(event: string, callback: (...args: any[]) => void): void;
  off(event?: string | null, callback?: ((...args: any[]) => void) | null): void;
  send(content: unknown, callbacks?: unknown, buffers?: ArrayBuffer[] | ArrayBufferView[]): void;
}

export interface RenderProps<T> {
  model: Model<T>;
  el: HTMLElement;
}

/** Float64Array view on a buffer received from the kernel (a DataView in ipywidgets 8). */
export function float64View(buf: DataView | ArrayBuffer | ArrayBufferView): Float64Array {
  if (buf instanceof ArrayBuffer) return new Float64Array(buf);
  // byteOffset need not be 8-aligned; copy in that case (Float64Array requires alignment).
  if (buf.byteOffset % 8 === 0) {
    return new Float64Array(buf.buffer, buf.byteOffset, Math.floor(buf.byteLength / 8));
  }
  const copy = new Uint8Array(buf.byteLength);
  copy.set(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
  return new Float64Array(copy.buffer, 0, Math.floor(buf.byteLength / 8));
}
