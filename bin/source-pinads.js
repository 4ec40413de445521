#!/usr/bin/env node
// The Airbyte source executable: `source-pinads spec|check|discover|read …` is `pinads source spec|check|discover|read …`.
// Airbyte, Meltano's Airbyte wrapper and PyAirbyte call a source by this shape of command line.
process.argv.splice(2, 0, 'source');
await import('./pinads.js');
