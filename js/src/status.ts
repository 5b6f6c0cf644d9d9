// Runner status colours, from the one source the kernel reads too: src/adaptive_nb/_status.json
// (bundled in by esbuild; js/test/status.test.ts checks the widgets agree with it).
import runnerStatus from "../../src/adaptive_nb/_status.json";

/** CSS colour of each runner status. */
export const STATUS_COLORS: Readonly<Record<string, string>> = runnerStatus.status_colors;

/** Errors and failures are shown in the colour of the "failed" status. */
export const ERROR_COLOR: string = STATUS_COLORS.failed;

/** Warnings (a blocked kernel) are shown in the colour of the "cancelled" status. */
export const WARNING_COLOR: string = STATUS_COLORS.cancelled;
