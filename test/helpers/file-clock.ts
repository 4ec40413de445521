// The clock of a test file: real time, stopped at the end of the hour the file started in. The sandbox's data moves
// on whole hours, so a report and the truth it is compared with stay on the same side of an hour boundary. Taken
// when a file imports this module: vitest isolates test files (its default), so each file has its own.

export const FILE_HOUR_END = Math.floor(Date.now() / 3_600_000) * 3_600_000 + 3_599_999;
export const fileClock = () => new Date(Math.min(Date.now(), FILE_HOUR_END));
