// An empty module: run with --heap-report for the engine's own footprint on each width.
export {};
