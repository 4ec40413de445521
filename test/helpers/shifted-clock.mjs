// Preloaded into a `pinads` child (NODE_OPTIONS=--import=<this file's URL>) to run it at another time of day: with
// PINADS_TEST_NOW=<ISO instant> its clock starts there and runs on, as the worker and the sandbox of a test do with
// an injected clock. Plain JS: it loads before tsx does.
const target = Date.parse(process.env.PINADS_TEST_NOW ?? '');
if (!Number.isNaN(target)) {
  const Real = Date;
  const offset = target - Real.now();
  class Shifted extends Real {
    constructor(...args) {
      if (args.length === 0) super(Real.now() + offset);
      else super(...args);
    }
    static now() {
      return Real.now() + offset;
    }
  }
  globalThis.Date = Shifted;
}
