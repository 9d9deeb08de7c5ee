// Package compare lines up 2 to 8 runs of one flow for the compare page
// (docs/api.md, GET /api/flows/{flow}/compare): one row per parameter,
// scalar artifact of the chosen steps, ValueBox of each card, plus the
// run's status and duration, with one value per run; and the cards that
// the runs have in common, matched by step, card type, card id and foreach
// index.
//
// It owns the matching rules; the frontend only renders the result. The
// rule that merges the VegaCharts of matched cards into one overlaid chart
// lives with the frontend's Vega code (frontend/src/compare/overlay.ts),
// because it works on the live card trees the frontend already holds.
//
// Known limits: a step with several tasks and no foreach index (Metaflow
// before 2.14.1) matches its tasks by position; scalar artifacts are those
// the datastore gives a one-line preview (small simple values).
package compare
