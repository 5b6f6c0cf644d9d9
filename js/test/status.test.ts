// The widgets and the kernel share one description of the runner snapshot and status colours
// (src/adaptive_nb/_status.json); these tests fail when the TypeScript side drifts from it.
import { describe, expect, it } from "vitest";
import runnerStatus from "../../src/adaptive_nb/_status.json";
import { STATUS_COLORS } from "../src/status";
import type { Snapshot } from "../src/live_info";

// Every snapshot field of the Snapshot interface exactly once: tsc (`npm run check`) rejects a
// missing or an extra key, and the test below compares the keys with the JSON.
const SNAPSHOT_KEYS: Record<Exclude<keyof Snapshot, "seq" | "sent_ms">, true> = {
  status: true,
  elapsed_time: true,
  npoints: true,
  loss: true,
  overhead: true,
  n_pending: true,
  n_failed: true,
  last_traceback: true,
  error: true,
  last_save_time: true,
  last_save_error: true,
  waiting_for_workers: true,
};

describe("_status.json", () => {
  it("lists exactly the fields of the Snapshot interface", () => {
    expect(Object.keys(SNAPSHOT_KEYS).sort()).toEqual([...runnerStatus.snapshot_fields].sort());
  });

  it("is where the widgets' status colours come from", () => {
    expect(STATUS_COLORS).toEqual(runnerStatus.status_colors);
    for (const colour of Object.values(STATUS_COLORS)) expect(colour).toMatch(/^#[0-9a-f]{6}$/);
  });
});
