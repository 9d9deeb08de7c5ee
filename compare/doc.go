// Package compare lines up 2 to 8 runs of one flow for the compare page
// (docs/api.md, GET /api/flows/{flow}/compare): one row per parameter and
// scalar artifact of the chosen steps, plus the run's status and duration,
// with one value per run; and the cards that the runs have in common,
// matched by step, card type, card id and foreach index.
//
// It owns the matching rules. Two rules live with the frontend because they
// work on the live card trees it already holds: the ValueBox rows (one per
// ValueBox of each matched card, with the value the card shows once its
// newest runtime data is applied: frontend/src/compare/valueboxes.ts, over
// the one implementation of the card update rule,
// frontend/src/cards/native/update.ts), and the merge of the VegaCharts of
// matched cards into one overlaid chart (frontend/src/compare/overlay.ts).
// For the same reason the CSV is built by the page (frontend/src/compare/csv.ts),
// and the offline export (WriteHTML) carries each card's tree, token and
// data for its renderer to apply.
//
// Known limits: a step with several tasks and no foreach index (Metaflow
// before 2.14.1) matches its tasks by position; scalar artifacts are those
// the datastore gives a one-line preview (small simple values).
package compare
